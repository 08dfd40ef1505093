package mysql

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/catalog"
)

// MoveStock implements catalog.Store.
func (s *CatalogStore) MoveStock(ctx context.Context, m catalog.Movement) (catalog.Goods, error) {
	var g catalog.Goods
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		saved, err := moveStock(ctx, tx, s.db.now(), m)
		if err != nil {
			return nil, err
		}
		if err := getRow(ctx, tx, &g, catalog.ErrGoodsNotFound, `SELECT `+goodsColumns+` FROM goods WHERE id = ?`, m.GoodsID); err != nil {
			return nil, err
		}
		place, _, err := shopPlace(ctx, tx, g.ShopID)
		return []audit.Event{{Place: place, Action: "stock." + string(m.Kind), ObjectType: "goods", ObjectID: g.ID,
			After: map[string]any{"movement": saved, "stock": g.Stock}}}, err
	})
	return g, wrap(err, "move stock of goods %d", m.GoodsID)
}

// moveStock changes a goods item's stock inside tx by a conditional UPDATE — the row lock makes
// the check and the change one step, so concurrent takers never drive it below zero — and records
// the movement. Redemptions call it inside their own transaction. Returns catalog.ErrOutOfStock.
func moveStock(ctx context.Context, tx *sqlx.Tx, now time.Time, m catalog.Movement) (catalog.Movement, error) {
	res, err := tx.ExecContext(ctx, `UPDATE goods SET stock = stock + ?, updated_at = ? WHERE id = ? AND stock + ? >= 0`,
		m.Delta, now, m.GoodsID, m.Delta)
	if err != nil {
		return m, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		var exists int
		if err := getRow(ctx, tx, &exists, catalog.ErrGoodsNotFound, `SELECT 1 FROM goods WHERE id = ?`, m.GoodsID); err != nil {
			return m, err
		}
		return m, catalog.ErrOutOfStock
	}
	m.CreatedAt = now
	if m.CreatedBy == 0 {
		m.CreatedBy = audit.PersonOf(ctx)
	}
	if m.MovedOn.IsZero() {
		m.MovedOn = calendar.Date(m.CreatedAt)
	}
	r, err := tx.NamedExecContext(ctx, `INSERT INTO stock_movements (goods_id, delta, kind, reason, ref_type, ref_id, moved_on,
		created_by, created_at, village_id) VALUES (:goods_id, :delta, :kind, :reason, :ref_type, :ref_id, :moved_on, :created_by, :created_at,
		(SELECT village_id FROM goods WHERE id = :goods_id))`, m)
	if err != nil {
		return m, err
	}
	m.ID, err = r.LastInsertId()
	return m, err
}

// Movements implements catalog.Store.
func (s *CatalogStore) Movements(ctx context.Context, goodsID, beforeID int64, limit int) ([]catalog.Movement, error) {
	if beforeID <= 0 {
		beforeID = 1<<63 - 1
	}
	out := []catalog.Movement{}
	err := s.db.list(ctx, &out, `SELECT `+movementColumns+` FROM stock_movements WHERE goods_id = ? AND id < ?
		ORDER BY id DESC LIMIT ?`, goodsID, beforeID, limit)
	return out, wrap(err, "stock movements of goods %d", goodsID)
}

// VerifyStock reports goods whose stock differs from the sum of their movements.
func (s *CatalogStore) VerifyStock(ctx context.Context) (goods int64, breaches []string, err error) {
	if err := s.db.get(ctx, &goods, nil, `SELECT COUNT(*) FROM goods`); err != nil {
		return 0, nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT g.id, g.stock, COALESCE(SUM(m.delta), 0) FROM goods g
		LEFT JOIN stock_movements m ON m.goods_id = g.id GROUP BY g.id, g.stock HAVING g.stock <> COALESCE(SUM(m.delta), 0)`)
	if err != nil {
		return 0, nil, classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, stock, sum int64
		if err := rows.Scan(&id, &stock, &sum); err != nil {
			return 0, nil, err
		}
		breaches = append(breaches, fmt.Sprintf("goods %d: stock %d, its movements sum to %d", id, stock, sum))
	}
	return goods, breaches, rows.Err()
}
