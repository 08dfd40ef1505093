package mysql

import (
	"context"
	"time"

	"pointsmarket/internal/board"
)

// BoardStore implements board.Store.
type BoardStore struct{ db *DB }

// NewBoardStore returns a BoardStore.
func NewBoardStore(db *DB) *BoardStore { return &BoardStore{db: db} }

// earnedSpent sums transfers t (with credit and debit accounts c and d) as the public board
// counts them: earning transfers into villagers' accounts, net of penalties and their reversals,
// and redemptions, net of reversals. The board, the dashboards and their charts share it.
const earnedSpent = `COALESCE(SUM(CASE WHEN t.earning AND c.derived_totals = 0 THEN t.amount WHEN t.earning AND d.derived_totals = 0 THEN -t.amount ELSE 0 END), 0) AS earned,
	COALESCE(SUM(CASE WHEN t.kind = 'redeem' THEN t.amount WHEN t.kind = 'reversal' AND NOT t.earning AND c.derived_totals = 0 THEN -t.amount ELSE 0 END), 0) AS spent`

// MonthTotals implements board.Store (earnedSpent over a month).
func (s *BoardStore) MonthTotals(ctx context.Context, villageID int64, from, to time.Time) (board.Totals, error) {
	var t board.Totals
	err := s.db.get(ctx, &t, nil, `SELECT `+earnedSpent+`
		FROM transfers t JOIN accounts c ON c.id = t.credit_account_id JOIN accounts d ON d.id = t.debit_account_id
		WHERE t.village_id = ? AND t.created_at >= ? AND t.created_at < ?`, villageID, from, to)
	return t, wrap(err, "month totals of village %d", villageID)
}

// RedemptionsByShop implements board.Store.
func (s *BoardStore) RedemptionsByShop(ctx context.Context, villageID int64, from, to time.Time) ([]board.ShopMonth, error) {
	out := []board.ShopMonth{}
	err := s.db.list(ctx, &out, `SELECT r.shop_id, s.name AS shop, COUNT(*) AS redemptions, COALESCE(SUM(r.points), 0) AS points,
		COALESCE(SUM(r.price_fen), 0) AS price_fen FROM redemptions r JOIN shops s ON s.id = r.shop_id
		WHERE r.village_id = ? AND r.created_at >= ? AND r.created_at < ? AND r.reversed_at IS NULL GROUP BY r.shop_id, s.name ORDER BY r.shop_id`,
		villageID, from, to)
	return out, wrap(err, "redemptions by shop of village %d", villageID)
}
