package mysql

import (
	"context"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/alert"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/settlement"
)

// AlertStore implements alert.Store.
type AlertStore struct{ db *DB }

// NewAlertStore returns an AlertStore.
func NewAlertStore(db *DB) *AlertStore { return &AlertStore{db: db} }

const alertColumns = `id, village_id, rule, dedupe_key, subject_type, subject_id, message, details, status, created_at,
	acknowledged_by, acknowledged_at, resolved_by, resolved_at, resolution`

// Thresholds implements alert.Store.
func (s *AlertStore) Thresholds(ctx context.Context, villageID int64) (map[string]int64, error) {
	var rows []struct {
		Rule  string `db:"rule"`
		Value int64  `db:"value"`
	}
	if err := s.db.list(ctx, &rows, `SELECT rule, value FROM alert_thresholds WHERE village_id = ?`, villageID); err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[r.Rule] = r.Value
	}
	return out, nil
}

// SetThreshold implements alert.Store.
func (s *AlertStore) SetThreshold(ctx context.Context, villageID int64, rule string, value int64) error {
	return s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_thresholds (village_id, rule, value) VALUES (?, ?, ?)
			ON DUPLICATE KEY UPDATE value = VALUES(value)`, villageID, rule, value); err != nil {
			return nil, err
		}
		place, err := villagePlace(ctx, tx, villageID)
		return []audit.Event{{Place: place, Action: "alert.threshold", ObjectType: "village", ObjectID: villageID,
			After: map[string]any{rule: value}}}, err
	})
}

// Raise implements alert.Store. Alerts are raised by the system on behalf of a write that already
// committed, so they carry the system as actor when the context has none.
func (s *AlertStore) Raise(ctx context.Context, a alert.Alert) (bool, error) {
	if _, ok := audit.ActorFrom(ctx); !ok {
		ctx = audit.WithActor(ctx, audit.SystemActor("alerts"))
	}
	raised := false
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		res, err := tx.NamedExecContext(ctx, `INSERT IGNORE INTO alerts (village_id, rule, dedupe_key, subject_type, subject_id, message,
			details, status, created_at) VALUES (:village_id, :rule, :dedupe_key, :subject_type, :subject_id, :message, :details,
			:status, :created_at)`, a)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, nil // raised before: nothing to audit
		}
		raised = true
		a.ID, _ = res.LastInsertId()
		place, err := villagePlace(ctx, tx, a.VillageID)
		return []audit.Event{{Place: place, Action: "alert.raise", ObjectType: "alert", ObjectID: a.ID, After: a}}, err
	})
	return raised, wrap(err, "raise alert %s", a.Rule)
}

// List implements alert.Store.
func (s *AlertStore) List(ctx context.Context, villageID int64, status string) ([]alert.Alert, error) {
	q, args := `SELECT `+alertColumns+` FROM alerts WHERE village_id = ?`, []any{villageID}
	if status != "" {
		q, args = q+` AND status = ?`, append(args, status)
	}
	out := []alert.Alert{}
	err := s.db.list(ctx, &out, q+` ORDER BY id DESC LIMIT 500`, args...)
	return out, err
}

// Alert implements alert.Store.
func (s *AlertStore) Alert(ctx context.Context, id int64) (alert.Alert, error) {
	var a alert.Alert
	err := s.db.get(ctx, &a, alert.ErrNotFound, `SELECT `+alertColumns+` FROM alerts WHERE id = ?`, id)
	return a, err
}

// Advance implements alert.Store.
func (s *AlertStore) Advance(ctx context.Context, id int64, from alert.Status, fn func(*alert.Alert)) (alert.Alert, error) {
	var a alert.Alert
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := getRow(ctx, tx, &a, alert.ErrNotFound, `SELECT `+alertColumns+` FROM alerts WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		if a.Status != from {
			return nil, alert.ErrWrongStep.WithDetails(map[string]any{"status": a.Status})
		}
		fn(&a)
		if _, err := tx.NamedExecContext(ctx, `UPDATE alerts SET status = :status, acknowledged_by = :acknowledged_by,
			acknowledged_at = :acknowledged_at, resolved_by = :resolved_by, resolved_at = :resolved_at, resolution = :resolution
			WHERE id = :id`, a); err != nil {
			return nil, err
		}
		place, err := villagePlace(ctx, tx, a.VillageID)
		return []audit.Event{{Place: place, Action: "alert." + string(a.Status), ObjectType: "alert", ObjectID: id,
			Before: map[string]alert.Status{"status": from}, After: a}}, err
	})
	return a, wrap(err, "alert %d", id)
}

// ItemMonthTotal implements alert.Store.
func (s *AlertStore) ItemMonthTotal(ctx context.Context, itemID, accountID int64, period string) (int64, error) {
	var n int64
	err := s.db.get(ctx, &n, nil, `SELECT COALESCE(SUM(points), 0) FROM point_entries WHERE rule_item_id = ? AND account_id = ?
		AND period = ? AND status NOT IN ('rejected', 'revoked')`, itemID, accountID, period)
	return n, err
}

// SettlementTotals implements alert.Store: the statement's total beside the sum of its lines'
// redemptions as recorded on the redemptions themselves.
func (s *AlertStore) SettlementTotals(ctx context.Context, settlementID int64) (int64, int64, error) {
	var r struct {
		Statement   int64 `db:"statement"`
		Redemptions int64 `db:"redemptions"`
	}
	err := s.db.get(ctx, &r, settlement.ErrNotFound, `SELECT st.total_fen AS statement, COALESCE((
		SELECT SUM(CASE WHEN l.kind = 'redemption' THEN i.quantity * i.price_fen ELSE -i.quantity * i.price_fen END)
		FROM settlement_lines l JOIN redemption_items i ON i.redemption_id = l.redemption_id AND i.goods_id = l.goods_id
		WHERE l.settlement_id = st.id AND l.kind IN ('redemption', 'reversal')), 0) + COALESCE((
		SELECT SUM(CASE WHEN l.kind = 'cash' THEN -r.cash_fen ELSE r.cash_fen END)
		FROM settlement_lines l JOIN redemptions r ON r.id = l.redemption_id
		WHERE l.settlement_id = st.id AND l.kind IN ('cash', 'cash_back')), 0) AS redemptions FROM settlements st WHERE st.id = ?`, settlementID)
	return r.Statement, r.Redemptions, err
}
