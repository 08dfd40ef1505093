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
	return runAs(db, func(t *Tx) earning.Tx { return t })
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

// MarkActive implements earning.Tx: the household's mark, and its village's count only when the
// mark is new.
func (t *Tx) MarkActive(ctx context.Context, villageID int64, period string, householdID int64) error {
	res, err := t.tx.ExecContext(ctx, `INSERT IGNORE INTO household_months (village_id, period, household_id) VALUES (?, ?, ?)`,
		villageID, period, householdID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO village_months (village_id, period, active_households) VALUES (?, ?, 1)
		ON DUPLICATE KEY UPDATE active_households = active_households + 1`, villageID, period)
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

// MeetingLocked implements earning.Tx.
func (t *Tx) MeetingLocked(ctx context.Context, id int64) (earning.Meeting, error) {
	var m earning.Meeting
	err := getRow(ctx, t.tx, &m, earning.ErrMeetingNotFound, `SELECT `+meetingColumns+` FROM review_meetings WHERE id = ? FOR UPDATE`, id)
	return m, err
}

// PendingEntries implements earning.Tx.
func (t *Tx) PendingEntries(ctx context.Context, villageID int64, month string) ([]earning.Pending, error) {
	var pending []earning.Pending
	err := t.tx.SelectContext(ctx, &pending, `SELECT e.id, i.approval FROM point_entries e JOIN rule_items i ON i.id = e.rule_item_id
		WHERE e.village_id = ? AND e.period = ? AND e.status = 'registered' FOR UPDATE`, villageID, month)
	return pending, err
}

// EntryTally implements earning.Tx.
func (t *Tx) EntryTally(ctx context.Context, entryID int64) (f, a, abstain int, err error) {
	err = t.tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(vote = 'for'), 0), COALESCE(SUM(vote = 'against'), 0),
		COALESCE(SUM(vote = 'abstain'), 0) FROM entry_votes WHERE entry_id = ?`, entryID).Scan(&f, &a, &abstain)
	return f, a, abstain, err
}

// DecideEntry implements earning.Tx.
func (t *Tx) DecideEntry(ctx context.Context, id int64, status earning.EntryStatus, meetingID, by int64, at time.Time, note string) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE point_entries SET status = ?, decided_by = ?, decided_at = ?, meeting_id = ?,
		decision_note = ? WHERE id = ?`, status, by, at, meetingID, note, id)
	return err
}

// NoticeApproved implements earning.Tx.
func (t *Tx) NoticeApproved(ctx context.Context, m earning.Meeting, from, until time.Time) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE point_entries SET status = 'noticed', notice_from = ?, notice_until = ?, meeting_id = ?
		WHERE village_id = ? AND period = ? AND status = 'approved'`, from, until, m.ID, m.VillageID, m.Month)
	return err
}

// SetMeetingApproved implements earning.Tx.
func (t *Tx) SetMeetingApproved(ctx context.Context, id, by int64, at time.Time) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE review_meetings SET status = 'approved', approved_by = ?, approved_at = ? WHERE id = ?`, by, at, id)
	return err
}

// Noticed implements earning.Tx.
func (t *Tx) Noticed(ctx context.Context, meetingID int64) ([]earning.Entry, error) {
	noticed := []earning.Entry{}
	err := t.tx.SelectContext(ctx, &noticed, `SELECT `+entryColumns+` FROM point_entries WHERE meeting_id = ? AND status = 'noticed' ORDER BY id`, meetingID)
	return noticed, err
}
