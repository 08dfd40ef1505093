package mysql

import (
	"context"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/dividend"
	"pointsmarket/internal/write"
)

// DividendStore implements dividend.Store.
type DividendStore struct{ db *DB }

// NewDividendStore returns a DividendStore.
func NewDividendStore(db *DB) *DividendStore { return &DividendStore{db: db} }

const dividendColumns = `id, village_id, title, amount_fen, from_month, to_month, total_points, status, proposed_by,
	proposed_at, assembly_date, assembly_body, assembly_members, attendance, votes_for, votes_against, votes_abstain,
	adopted_by, adopted_at, notice_until`

const shareQuery = `SELECT s.household_id, h.number AS household, h.head_name AS head, s.points, s.amount_fen, s.paid_on,
	s.payment_ref, s.paid_by FROM dividend_shares s JOIN households h ON h.id = s.household_id
	WHERE s.dividend_id = ? ORDER BY s.household_id`

// Dividend implements dividend.Store.
func (s *DividendStore) Dividend(ctx context.Context, id int64) (dividend.Dividend, error) {
	return readDividend(ctx, s.db, id, "")
}

const objectionQuery = `SELECT o.id, o.dividend_id, o.household_id, h.number AS household, o.objected_by, o.reason, o.objected_at,
	o.upheld, o.answer, o.answered_by, o.answered_at FROM dividend_objections o JOIN households h ON h.id = o.household_id`

func readDividend(ctx context.Context, q sqlx.QueryerContext, id int64, lock string) (dividend.Dividend, error) {
	var d dividend.Dividend
	if err := getRow(ctx, q, &d, dividend.ErrNotFound, `SELECT `+dividendColumns+` FROM dividends WHERE id = ?`+lock, id); err != nil {
		return d, wrap(err, "dividend %d", id)
	}
	d.Shares, d.Objections = []dividend.Share{}, []dividend.Objection{}
	if err := classify(sqlx.SelectContext(ctx, q, &d.Shares, shareQuery+lock, id)); err != nil {
		return d, wrap(err, "shares of dividend %d", id)
	}
	err := classify(sqlx.SelectContext(ctx, q, &d.Objections, objectionQuery+` WHERE o.dividend_id = ? ORDER BY o.id`+lock, id))
	return d, wrap(err, "objections to dividend %d", id)
}

// Objection implements dividend.Store.
func (s *DividendStore) Objection(ctx context.Context, id int64) (dividend.Objection, error) {
	var o dividend.Objection
	err := getRow(ctx, s.db, &o, dividend.ErrObjectionNotFound, objectionQuery+` WHERE o.id = ?`, id)
	return o, wrap(err, "dividend objection %d", id)
}

// Dividends implements dividend.Store.
func (s *DividendStore) Dividends(ctx context.Context, villageID int64) ([]dividend.Dividend, error) {
	out := []dividend.Dividend{}
	err := s.db.list(ctx, &out, `SELECT `+dividendColumns+` FROM dividends WHERE village_id = ? ORDER BY id DESC LIMIT 200`, villageID)
	return out, wrap(err, "dividends of village %d", villageID)
}

var _ dividend.Tx = (*Tx)(nil)

// DividendTx returns the transaction runner of the dividend workflows.
func (db *DB) DividendTx() write.InTx[dividend.Tx] {
	return runAs(db, func(t *Tx) dividend.Tx { return t })
}

// Earned implements dividend.Tx: posted entries of households (a representative's own points are
// not the household's), net of penalties and corrections, read under a share lock so that no
// entry posts into the months while the shares are computed.
func (t *Tx) Earned(ctx context.Context, villageID int64, from, to string) ([]dividend.Earned, error) {
	out := []dividend.Earned{}
	err := t.tx.SelectContext(ctx, &out, `SELECT e.household_id, SUM(`+netPoints+`) AS points
		FROM point_entries e JOIN rule_items i ON i.id = e.rule_item_id
		WHERE e.village_id = ? AND e.status = 'posted' AND e.period BETWEEN ? AND ? AND e.household_id IS NOT NULL AND e.person_id IS NULL
		GROUP BY e.household_id HAVING points > 0 ORDER BY e.household_id LOCK IN SHARE MODE`, villageID, from, to)
	return out, err
}

// InsertDividend implements dividend.Tx.
func (t *Tx) InsertDividend(ctx context.Context, d *dividend.Dividend) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO dividends (village_id, title, amount_fen, from_month, to_month, total_points,
		status, proposed_by, proposed_at) VALUES (:village_id, :title, :amount_fen, :from_month, :to_month, :total_points, :status,
		:proposed_by, :proposed_at)`, d)
	if err != nil {
		return err
	}
	if d.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	rows := make([]map[string]any, len(d.Shares))
	for i, sh := range d.Shares {
		rows[i] = map[string]any{"dividend_id": d.ID, "household_id": sh.HouseholdID, "points": sh.Points, "amount_fen": sh.AmountFen,
			"village_id": d.VillageID}
	}
	_, err = t.tx.NamedExecContext(ctx, `INSERT INTO dividend_shares (dividend_id, household_id, points, amount_fen, village_id)
		VALUES (:dividend_id, :household_id, :points, :amount_fen, :village_id)`, rows)
	return err
}

// DividendLocked implements dividend.Tx.
func (t *Tx) DividendLocked(ctx context.Context, id int64) (dividend.Dividend, error) {
	return readDividend(ctx, t.tx, id, " FOR UPDATE")
}

// SaveAdoption implements dividend.Tx.
func (t *Tx) SaveAdoption(ctx context.Context, d dividend.Dividend) error {
	_, err := t.tx.NamedExecContext(ctx, `UPDATE dividends SET status = :status, assembly_date = :assembly_date,
		assembly_body = :assembly_body, assembly_members = :assembly_members, attendance = :attendance, votes_for = :votes_for,
		votes_against = :votes_against, votes_abstain = :votes_abstain, adopted_by = :adopted_by, adopted_at = :adopted_at,
		notice_until = :notice_until WHERE id = :id`, d)
	return err
}

// SavePayment implements dividend.Tx.
func (t *Tx) SavePayment(ctx context.Context, d dividend.Dividend, sh dividend.Share) error {
	if _, err := t.tx.ExecContext(ctx, `UPDATE dividend_shares SET paid_on = ?, payment_ref = ?, paid_by = ?
		WHERE dividend_id = ? AND household_id = ? AND paid_on IS NULL`, sh.PaidOn, sh.PaymentRef, sh.PaidBy, d.ID, sh.HouseholdID); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(ctx, `UPDATE dividends SET status = ? WHERE id = ?`, d.Status, d.ID)
	return err
}

// InsertObjection implements dividend.Tx.
func (t *Tx) InsertObjection(ctx context.Context, o *dividend.Objection) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO dividend_objections (dividend_id, household_id, objected_by, reason, objected_at, village_id)
		VALUES (:dividend_id, :household_id, :objected_by, :reason, :objected_at, (SELECT village_id FROM dividends WHERE id = :dividend_id))`, o)
	if err != nil {
		return err
	}
	if o.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	return t.tx.GetContext(ctx, &o.Household, `SELECT number FROM households WHERE id = ?`, o.HouseholdID)
}

// SaveAnswer implements dividend.Tx.
func (t *Tx) SaveAnswer(ctx context.Context, o dividend.Objection) error {
	_, err := t.tx.NamedExecContext(ctx, `UPDATE dividend_objections SET upheld = :upheld, answer = :answer,
		answered_by = :answered_by, answered_at = :answered_at WHERE id = :id AND answered_at IS NULL`, o)
	return err
}

// SaveStatus implements dividend.Tx.
func (t *Tx) SaveStatus(ctx context.Context, id int64, st dividend.Status) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE dividends SET status = ? WHERE id = ?`, st, id)
	return err
}
