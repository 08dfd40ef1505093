package mysql

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/settlement"
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

// Generate implements settlement.Store. The lines are every redemption item of the shop and
// village made before end, and every reversal of one made before end, not settled yet; the unique
// key of a line settles it once, so late reversals land on the next statement.
func (s *SettlementStore) Generate(ctx context.Context, st settlement.Statement, end time.Time) (settlement.Statement, error) {
	st.GeneratedAt = s.db.now()
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		res, err := tx.NamedExecContext(ctx, `INSERT INTO settlements (village_id, shop_id, period, status, total_points, total_fen,
			fund_before_fen, over_fund, generated_by, generated_at) VALUES (:village_id, :shop_id, :period, :status, 0, 0, 0, 0,
			:generated_by, :generated_at)`, st)
		if isDuplicate(err) {
			return nil, settlement.ErrExists
		}
		if err != nil {
			return nil, err
		}
		st.ID, _ = res.LastInsertId()
		if _, err := tx.ExecContext(ctx, `INSERT INTO settlement_lines (settlement_id, redemption_id, kind, goods_id, name, quantity,
			points, price_fen, amount_fen, happened_at)
			SELECT ?, r.id, 'redemption', i.goods_id, i.name, i.quantity, i.quantity * i.points_each, i.price_fen,
				i.quantity * i.price_fen, r.created_at
			FROM redemptions r JOIN redemption_items i ON i.redemption_id = r.id
			WHERE r.shop_id = ? AND r.village_id = ? AND r.created_at < ?
				AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.redemption_id = r.id AND l.kind = 'redemption' AND l.goods_id = i.goods_id)`,
			st.ID, st.ShopID, st.VillageID, end); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settlement_lines (settlement_id, redemption_id, kind, goods_id, name, quantity,
			points, price_fen, amount_fen, happened_at)
			SELECT ?, r.id, 'reversal', i.goods_id, i.name, -i.quantity, -i.quantity * i.points_each, i.price_fen,
				-i.quantity * i.price_fen, r.reversed_at
			FROM redemptions r JOIN redemption_items i ON i.redemption_id = r.id
			WHERE r.shop_id = ? AND r.village_id = ? AND r.reversed_at IS NOT NULL AND r.reversed_at < ?
				AND NOT EXISTS (SELECT 1 FROM settlement_lines l WHERE l.redemption_id = r.id AND l.kind = 'reversal' AND l.goods_id = i.goods_id)`,
			st.ID, st.ShopID, st.VillageID, end); err != nil {
			return nil, err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(points), 0), COALESCE(SUM(amount_fen), 0) FROM settlement_lines
			WHERE settlement_id = ?`, st.ID).Scan(&st.TotalPoints, &st.TotalFen); err != nil {
			return nil, err
		}
		bal, err := fund(ctx, tx, st.VillageID)
		if err != nil {
			return nil, err
		}
		st.FundBeforeFen, st.OverFund = bal, st.TotalFen > bal
		// The lines go into the audit entry: they are what the shop is paid by, sealed there.
		st.Lines = []settlement.Line{}
		if err := tx.SelectContext(ctx, &st.Lines, `SELECT redemption_id, kind, goods_id, name, quantity, points, price_fen, amount_fen, happened_at
			FROM settlement_lines WHERE settlement_id = ? ORDER BY redemption_id, kind, goods_id`, st.ID); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE settlements SET total_points = ?, total_fen = ?, fund_before_fen = ?, over_fund = ? WHERE id = ?`,
			st.TotalPoints, st.TotalFen, st.FundBeforeFen, st.OverFund, st.ID); err != nil {
			return nil, err
		}
		place, err := villagePlace(ctx, tx, st.VillageID)
		return []audit.Event{{Place: place, Action: "settlement.generate", ObjectType: "settlement", ObjectID: st.ID, After: st}}, err
	})
	if err != nil {
		return settlement.Statement{}, wrap(err, "generate settlement")
	}
	return s.Statement(ctx, st.ID)
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
	err := s.db.list(ctx, &out, `SELECT `+statementColumns+` FROM settlements WHERE village_id = ? ORDER BY period DESC, shop_id`, villageID)
	return out, err
}

// Advance implements settlement.Store.
func (s *SettlementStore) Advance(ctx context.Context, id int64, from settlement.Status, fn func(*settlement.Statement) error) (settlement.Statement, error) {
	return s.advance(ctx, id, from, false, func(st *settlement.Statement, _ int64) error { return fn(st) })
}

// Pay implements settlement.Store: the village's row is locked before the statement's, so that two
// payments of one village are made one after the other against what the fund holds.
func (s *SettlementStore) Pay(ctx context.Context, id int64, fn func(st *settlement.Statement, fundFen int64) error) (settlement.Statement, error) {
	return s.advance(ctx, id, settlement.Countersigned, true, fn)
}

func (s *SettlementStore) advance(ctx context.Context, id int64, from settlement.Status, withFund bool, fn func(*settlement.Statement, int64) error) (settlement.Statement, error) {
	var st settlement.Statement
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		var balance int64
		if withFund {
			var villageID int64
			if err := getRow(ctx, tx, &villageID, settlement.ErrNotFound, `SELECT v.id FROM villages v JOIN settlements s ON s.village_id = v.id
				WHERE s.id = ? FOR UPDATE`, id); err != nil {
				return nil, err
			}
			// The first plain read of the transaction, after the lock: it sees every payment
			// committed by those who held the lock before.
			var err error
			if balance, err = fund(ctx, tx, villageID); err != nil {
				return nil, err
			}
		}
		if err := getRow(ctx, tx, &st, settlement.ErrNotFound, `SELECT `+statementColumns+` FROM settlements WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		if st.Status != from {
			return nil, settlement.ErrWrongStep.WithDetails(map[string]any{"status": st.Status})
		}
		before := st.Status
		if err := fn(&st, balance); err != nil {
			return nil, err
		}
		if _, err := tx.NamedExecContext(ctx, `UPDATE settlements SET status = :status, approved_by = :approved_by, approved_at = :approved_at,
			countersigned_by = :countersigned_by, countersigned_at = :countersigned_at, paid_fen = :paid_fen, paid_on = :paid_on,
			payment_ref = :payment_ref WHERE id = :id`, st); err != nil {
			return nil, err
		}
		place, err := villagePlace(ctx, tx, st.VillageID)
		return []audit.Event{{Place: place, Action: "settlement." + string(st.Status), ObjectType: "settlement", ObjectID: id,
			Before: map[string]settlement.Status{"status": before}, After: st}}, err
	})
	if err != nil {
		return st, wrap(err, "settlement %d", id)
	}
	return s.Statement(ctx, id)
}

// Deposit implements settlement.Store.
func (s *SettlementStore) Deposit(ctx context.Context, villageID, amountFen int64, note string) error {
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		res, err := tx.ExecContext(ctx, `INSERT INTO village_fund (village_id, amount_fen, note, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
			villageID, amountFen, note, actorID(ctx), s.db.now())
		if err != nil {
			return nil, err
		}
		id, _ := res.LastInsertId()
		place, err := villagePlace(ctx, tx, villageID)
		return []audit.Event{{Place: place, Action: "fund.deposit", ObjectType: "village_fund", ObjectID: id,
			After: map[string]any{"amount_fen": amountFen, "note": note}}}, err
	})
	return wrap(err, "deposit into the fund of village %d", villageID)
}

// Fund implements settlement.Store.
func (s *SettlementStore) Fund(ctx context.Context, villageID int64) (int64, error) {
	bal, err := fund(ctx, s.db, villageID)
	return bal, classify(err)
}
