package mysql

import (
	"context"
	"time"

	"pointsmarket/internal/earning"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/write"
)

var _ earning.Tx = (*Tx)(nil)

// EarningTx returns the transaction runner of the earning workflows (posting).
func (db *DB) EarningTx() write.InTx[earning.Tx] {
	return func(ctx context.Context, fn func(earning.Tx) error) error {
		return db.Run(ctx, func(tx *Tx) error { return fn(tx) })
	}
}

// ClaimPosting implements earning.Tx.
func (t *Tx) ClaimPosting(ctx context.Context, id int64, now time.Time) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE point_entries SET status = 'posted' WHERE id = ? AND status = 'noticed' AND notice_until <= ?
		AND NOT EXISTS (SELECT 1 FROM objections o WHERE o.entry_id = point_entries.id AND o.status = 'open')`, id, now)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// EntryByID implements earning.Tx.
func (t *Tx) EntryByID(ctx context.Context, id int64) (earning.Entry, error) {
	var e earning.Entry
	err := getRow(ctx, t.tx, &e, earning.ErrEntryNotFound, `SELECT `+entryColumns+` FROM point_entries WHERE id = ?`, id)
	return e, err
}

// PostingFacts implements earning.Tx.
func (t *Tx) PostingFacts(ctx context.Context, e earning.Entry) (earning.PostingFacts, error) {
	var f earning.PostingFacts
	err := t.tx.GetContext(ctx, &f, `SELECT i.category, i.name, COALESCE(m.month, '') AS month,
		(SELECT id FROM accounts WHERE village_id = v.id AND kind = 'issuance' AND owner_id = 0) AS issuance,
		(SELECT id FROM accounts WHERE village_id = v.id AND kind = 'penalties' AND owner_id = 0) AS penalties,
		v.allow_negative_penalty
		FROM rule_items i JOIN villages v ON v.id = ? LEFT JOIN review_meetings m ON m.id = ? WHERE i.id = ?`,
		e.VillageID, e.MeetingID, e.RuleItemID)
	return f, err
}

// PostedTransfer implements earning.Tx.
func (t *Tx) PostedTransfer(ctx context.Context, entryID int64) (ledger.Transfer, error) {
	var tr ledger.Transfer
	err := getRow(ctx, t.tx, &tr, earning.ErrNotPosted, `SELECT `+transferColumns+` FROM transfers
		WHERE id = (SELECT posted_transfer_id FROM point_entries WHERE id = ?)`, entryID)
	return tr, err
}

// SetPosted implements earning.Tx.
func (t *Tx) SetPosted(ctx context.Context, id, transferID int64) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE point_entries SET posted_transfer_id = ?, post_failure = '' WHERE id = ?`, transferID, id)
	return err
}

// LockAccount implements earning.Tx.
func (t *Tx) LockAccount(ctx context.Context, id int64) error {
	var locked int64
	return getRow(ctx, t.tx, &locked, ledger.ErrAccountNotFound, `SELECT id FROM accounts WHERE id = ? FOR UPDATE`, id)
}

// MeetingStatus implements earning.Tx.
func (t *Tx) MeetingStatus(ctx context.Context, villageID int64, month string) (earning.MeetingStatus, bool, error) {
	var status earning.MeetingStatus
	err := t.tx.GetContext(ctx, &status, `SELECT status FROM review_meetings WHERE village_id = ? AND month = ? LOCK IN SHARE MODE`, villageID, month)
	if isNoRows(err) {
		return "", false, nil
	}
	return status, err == nil, err
}

// ItemTotal implements earning.Tx.
func (t *Tx) ItemTotal(ctx context.Context, itemID, accountID int64, periods string) (int64, error) {
	var total int64
	err := t.tx.GetContext(ctx, &total, `SELECT COALESCE(SUM(points), 0) FROM point_entries WHERE rule_item_id = ? AND account_id = ?
		AND period LIKE ? AND status NOT IN ('rejected', 'revoked')`, itemID, accountID, periods)
	return total, err
}

// InsertEntry implements earning.Tx.
func (t *Tx) InsertEntry(ctx context.Context, e *earning.Entry) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO point_entries (village_id, rule_item_id, household_id, person_id, account_id, points,
		period, reason, evidence, source, status, registered_by, registered_at, reverses_entry_id, base_for) VALUES (:village_id, :rule_item_id,
		:household_id, :person_id, :account_id, :points, :period, :reason, :evidence, :source, :status, :registered_by, :registered_at,
		:reverses_entry_id, :base_for)`, e)
	if isDuplicate(err) && e.ReversesEntryID != nil {
		return earning.ErrAlreadyCorrected
	}
	if isDuplicate(err) && e.BaseFor != nil {
		return earning.ErrBaseRegistered
	}
	if err != nil {
		return err
	}
	e.ID, err = res.LastInsertId()
	return err
}
