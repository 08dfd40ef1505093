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
