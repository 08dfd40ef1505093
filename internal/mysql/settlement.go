package mysql

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/settlement"
	"pointsmarket/internal/write"
)

// SettlementStore implements settlement.Store.
type SettlementStore struct{ db *DB }

// NewSettlementStore returns a SettlementStore.
func NewSettlementStore(db *DB) *SettlementStore { return &SettlementStore{db: db} }

const statementColumns = `id, village_id, shop_id, period, status, total_points, total_fen, fund_before_fen, over_fund,
	generated_by, generated_at, approved_by, approved_at, countersigned_by, countersigned_at, paid_fen, paid_on, payment_ref`

func fund(ctx context.Context, q sqlx.QueryerContext, villageID int64) (int64, error) {
	var bal int64
	err := sqlx.GetContext(ctx, q, &bal, `SELECT
		(SELECT COALESCE(SUM(amount_fen), 0) FROM village_fund WHERE village_id = ?) -
		(SELECT COALESCE(SUM(paid_fen), 0) FROM settlements WHERE village_id = ? AND status = 'paid')`, villageID, villageID)
	return bal, err
}

// Statement implements settlement.Store.
func (s *SettlementStore) Statement(ctx context.Context, id int64) (settlement.Statement, error) {
	var st settlement.Statement
	if err := s.db.get(ctx, &st, settlement.ErrNotFound, `SELECT `+statementColumns+` FROM settlements WHERE id = ?`, id); err != nil {
		return st, wrap(err, "settlement %d", id)
	}
	st.Lines = []settlement.Line{}
	err := s.db.list(ctx, &st.Lines, `SELECT redemption_id, kind, goods_id, name, quantity, points, price_fen, amount_fen, happened_at
		FROM settlement_lines WHERE settlement_id = ? ORDER BY happened_at, redemption_id, kind, goods_id`, id)
	return st, err
}

// Statements implements settlement.Store.
func (s *SettlementStore) Statements(ctx context.Context, villageID int64) ([]settlement.Statement, error) {
	out := []settlement.Statement{}
	err := s.db.list(ctx, &out, `SELECT st.id, st.village_id, st.shop_id, st.period, st.status, st.total_points, st.total_fen,
		st.fund_before_fen, st.over_fund, st.generated_by, st.generated_at, st.approved_by, st.approved_at, st.countersigned_by,
		st.countersigned_at, st.paid_fen, st.paid_on, st.payment_ref, sh.name AS shop_name
		FROM settlements st JOIN shops sh ON sh.id = st.shop_id WHERE st.village_id = ? ORDER BY st.period DESC, st.shop_id`, villageID)
	return out, err
}

// Fund implements settlement.Store.
func (s *SettlementStore) Fund(ctx context.Context, villageID int64) (int64, error) {
	bal, err := fund(ctx, s.db, villageID)
	return bal, classify(err)
}

var _ settlement.Tx = (*Tx)(nil)

// SettlementTx returns the transaction runner of the settlement workflows.
func (db *DB) SettlementTx() write.InTx[settlement.Tx] {
	return runAs(db, func(t *Tx) settlement.Tx { return t })
}

// InsertStatement implements settlement.Tx.
func (t *Tx) InsertStatement(ctx context.Context, st *settlement.Statement) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO settlements (village_id, shop_id, period, status, total_points, total_fen,
		fund_before_fen, over_fund, generated_by, generated_at) VALUES (:village_id, :shop_id, :period, :status, 0, 0, 0, 0,
		:generated_by, :generated_at)`, st)
	if isDuplicate(err) {
		return settlement.ErrExists
	}
	if err != nil {
		return err
	}
	st.ID, err = res.LastInsertId()
	return err
}

// AddLines implements settlement.Tx.
func (t *Tx) AddLines(ctx context.Context, st settlement.Statement, end time.Time) error {
	if _, err := t.tx.ExecContext(ctx, `INSERT INTO settlement_lines (settlement_id, redemption_id, kind, goods_id, name, quantity,
		points, price_fen, amount_fen, happened_at, village_id)
		SELECT ?, r.id, 'redemption', i.goods_id, i.name, i.quantity, i.quantity * i.points_each, i.price_fen,
			i.quantity * i.price_fen, r.created_at, r.village_id
		FROM redemptions r JOIN redemption_items i ON i.redemption_id = r.id
		WHERE r.shop_id = ? AND r.village_id = ? AND r.created_at < ?
			AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.redemption_id = r.id AND l.kind = 'redemption' AND l.goods_id = i.goods_id)`,
		st.ID, st.ShopID, st.VillageID, end); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO settlement_lines (settlement_id, redemption_id, kind, goods_id, name, quantity,
		points, price_fen, amount_fen, happened_at, village_id)
		SELECT ?, r.id, 'reversal', i.goods_id, i.name, -i.quantity, -i.quantity * i.points_each, i.price_fen,
			-i.quantity * i.price_fen, r.reversed_at, r.village_id
		FROM redemptions r JOIN redemption_items i ON i.redemption_id = r.id
		WHERE r.shop_id = ? AND r.village_id = ? AND r.reversed_at IS NOT NULL AND r.reversed_at < ?
			AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.redemption_id = r.id AND l.kind = 'reversal' AND l.goods_id = i.goods_id)`,
		st.ID, st.ShopID, st.VillageID, end)
	if err != nil {
		return err
	}
	// Points plus cash: the cash a shop took stays with it, so the statement pays the agreed price
	// less it (and the points less those the cash stood for); a reversal hands the cash back.
	_, err = t.tx.ExecContext(ctx, `INSERT INTO settlement_lines (settlement_id, redemption_id, kind, goods_id, name, quantity,
		points, price_fen, amount_fen, happened_at, village_id)
		SELECT ?, r.id, c.kind, 0, '现金补差', 0, c.sign * (r.points - (SELECT SUM(i.quantity * i.points_each) FROM redemption_items i WHERE i.redemption_id = r.id)),
			0, -c.sign * r.cash_fen, IF(c.kind = 'cash', r.created_at, r.reversed_at), r.village_id
		FROM redemptions r JOIN (SELECT 'cash' AS kind, 1 AS sign UNION ALL SELECT 'cash_back', -1) c
		WHERE r.shop_id = ? AND r.village_id = ? AND r.cash_fen > 0
			AND (c.kind = 'cash' AND r.created_at < ? OR c.kind = 'cash_back' AND r.reversed_at IS NOT NULL AND r.reversed_at < ?)
			AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.redemption_id = r.id AND l.kind = c.kind AND l.goods_id = 0)`,
		st.ID, st.ShopID, st.VillageID, end, end)
	return err
}

// Lines implements settlement.Tx.
func (t *Tx) Lines(ctx context.Context, id int64) ([]settlement.Line, error) {
	lines := []settlement.Line{}
	err := t.tx.SelectContext(ctx, &lines, `SELECT redemption_id, kind, goods_id, name, quantity, points, price_fen, amount_fen, happened_at
		FROM settlement_lines WHERE settlement_id = ? ORDER BY redemption_id, kind, goods_id`, id)
	return lines, err
}

// SetTotals implements settlement.Tx.
func (t *Tx) SetTotals(ctx context.Context, st settlement.Statement) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE settlements SET total_points = ?, total_fen = ?, fund_before_fen = ?, over_fund = ? WHERE id = ?`,
		st.TotalPoints, st.TotalFen, st.FundBeforeFen, st.OverFund, st.ID)
	return err
}

// Fund implements settlement.Tx.
func (t *Tx) Fund(ctx context.Context, villageID int64) (int64, error) {
	return fund(ctx, t.tx, villageID)
}

// LockVillageOf implements settlement.Tx.
func (t *Tx) LockVillageOf(ctx context.Context, statementID int64) (int64, error) {
	var villageID int64
	err := getRow(ctx, t.tx, &villageID, settlement.ErrNotFound, `SELECT v.id FROM villages v JOIN settlements s ON s.village_id = v.id
		WHERE s.id = ? FOR UPDATE`, statementID)
	return villageID, err
}

// StatementLocked implements settlement.Tx.
func (t *Tx) StatementLocked(ctx context.Context, id int64) (settlement.Statement, error) {
	var st settlement.Statement
	err := getRow(ctx, t.tx, &st, settlement.ErrNotFound, `SELECT `+statementColumns+` FROM settlements WHERE id = ? FOR UPDATE`, id)
	return st, err
}

// SaveStatement implements settlement.Tx.
func (t *Tx) SaveStatement(ctx context.Context, st settlement.Statement) error {
	_, err := t.tx.NamedExecContext(ctx, `UPDATE settlements SET status = :status, approved_by = :approved_by, approved_at = :approved_at,
		countersigned_by = :countersigned_by, countersigned_at = :countersigned_at, paid_fen = :paid_fen, paid_on = :paid_on,
		payment_ref = :payment_ref WHERE id = :id`, st)
	return err
}

// InsertDeposit implements settlement.Tx.
func (t *Tx) InsertDeposit(ctx context.Context, villageID, amountFen int64, note string) (int64, error) {
	res, err := t.tx.ExecContext(ctx, `INSERT INTO village_fund (village_id, amount_fen, note, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
		villageID, amountFen, note, audit.PersonOf(ctx), t.db.now())
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
