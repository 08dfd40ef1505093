package mysql

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/notify"
	"pointsmarket/internal/text"
)

// Notify implements write.Tx: each notice becomes an inbox line for every person it names (the
// actor excepted), once per key and person, and an outbox row per line.
func (t *Tx) Notify(ctx context.Context, notices ...notify.Notice) error {
	now := t.db.now()
	var selects, keys []string
	var args, keyArgs []any
	for _, n := range notices {
		var who []string
		var whoArgs []any
		for _, to := range n.To {
			q, a, err := recipients(to)
			if err != nil {
				return err
			}
			who, whoArgs = append(who, q), append(whoArgs, a...)
		}
		if len(who) == 0 {
			continue
		}
		if n.Key == "" || len(n.Key) > 128 {
			return fmt.Errorf("notice %s: a key of 1 to 128 characters is required", n.Kind)
		}
		selects = append(selects, `SELECT DISTINCT r.person_id, ?, ?, ?, ?, ?, ?, p.village_id FROM (`+strings.Join(who, " UNION ")+`) r
			JOIN people p ON p.id = r.person_id AND p.disabled = FALSE WHERE r.person_id <> ?`)
		args = append(append(append(args, n.Kind, text.Clip(n.Title, 200), text.Clip(n.Body, 1000), n.Link, n.Key, now), whoArgs...), n.Except)
		keys, keyArgs = append(keys, "?"), append(keyArgs, n.Key)
	}
	if len(selects) == 0 {
		return nil
	}
	// Every notice of the transaction in two statements: the inboxes, then the outbox rows of
	// the lines just written (and of none written before: a key already delivered is not sent again).
	if _, err := t.tx.ExecContext(ctx, `INSERT IGNORE INTO notifications (person_id, kind, title, body, link, dedupe_key, created_at, village_id) `+
		strings.Join(selects, " UNION ALL "), args...); err != nil {
		return err
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO outbox (notification_id, status, next_at, village_id)
		SELECT n.id, 'pending', ?, n.village_id FROM notifications n LEFT JOIN outbox o ON o.notification_id = n.id
		WHERE n.dedupe_key IN (`+strings.Join(keys, ", ")+`) AND o.id IS NULL`, append([]any{now}, keyArgs...)...)
	return err
}

// recipients is the SELECT of the person ids a To names.
func recipients(to notify.To) (string, []any, error) {
	switch {
	case to.PersonID != 0:
		return `SELECT ? AS person_id`, []any{to.PersonID}, nil
	case to.HouseholdID != 0:
		return `SELECT id AS person_id FROM people WHERE household_id = ?`, []any{to.HouseholdID}, nil
	case to.AccountID != 0:
		return `SELECT p.id AS person_id FROM accounts a JOIN people p ON p.household_id = a.owner_id WHERE a.id = ? AND a.kind = 'household'
			UNION SELECT a.owner_id FROM accounts a WHERE a.id = ? AND a.kind = 'representative'`, []any{to.AccountID, to.AccountID}, nil
	case to.DepartmentID != 0:
		return `SELECT person_id FROM department_staff WHERE department_id = ?`, []any{to.DepartmentID}, nil
	case to.Role != "" && to.Place.VillageID != 0:
		return `SELECT person_id FROM role_grants WHERE role = ? AND village_id = ?`, []any{to.Role, to.Place.VillageID}, nil
	case to.Role != "" && to.Place.TownshipID != 0:
		return `SELECT person_id FROM role_grants WHERE role = ? AND township_id = ? AND village_id = 0`, []any{to.Role, to.Place.TownshipID}, nil
	}
	return "", nil, fmt.Errorf("a notice's recipient names nobody: %+v", to)
}

// NotifyStore implements notify.Store.
type NotifyStore struct{ db *DB }

// NewNotifyStore returns a NotifyStore.
func NewNotifyStore(db *DB) *NotifyStore { return &NotifyStore{db: db} }

// Inbox implements notify.Store.
func (s *NotifyStore) Inbox(ctx context.Context, personID, beforeID int64, limit int, unreadOnly bool) ([]notify.Notification, error) {
	out := []notify.Notification{}
	q := `SELECT n.id, n.kind, n.title, n.body, n.link, n.created_at, n.read_at, COALESCE(o.status, '') AS delivery
		FROM notifications n LEFT JOIN outbox o ON o.notification_id = n.id WHERE n.person_id = ?`
	args := []any{personID}
	if beforeID > 0 {
		q, args = q+` AND n.id < ?`, append(args, beforeID)
	}
	if unreadOnly {
		q += ` AND n.read_at IS NULL`
	}
	err := s.db.list(ctx, &out, q+` ORDER BY n.id DESC LIMIT ?`, append(args, limit)...)
	return out, wrap(err, "inbox of %d", personID)
}

// Unread implements notify.Store.
func (s *NotifyStore) Unread(ctx context.Context, personID int64) (int, error) {
	var n int
	err := classify(sqlx.GetContext(ctx, s.db, &n, `SELECT COUNT(*) FROM notifications WHERE person_id = ? AND read_at IS NULL`, personID))
	return n, wrap(err, "unread of %d", personID)
}

// MarkRead implements notify.Store.
func (s *NotifyStore) MarkRead(ctx context.Context, personID int64, ids []int64, at time.Time) error {
	q, args := `UPDATE notifications SET read_at = ? WHERE person_id = ? AND read_at IS NULL`, []any{at, personID}
	if len(ids) > 0 {
		in, inArgs, err := sqlx.In(` AND id IN (?)`, ids)
		if err != nil {
			return err
		}
		q, args = q+in, append(args, inArgs...)
	}
	_, err := s.db.ExecContext(ctx, q, args...)
	return wrap(classify(err), "mark read for %d", personID)
}

// Claim implements notify.Store: the due rows are taken under SKIP LOCKED, so instances claiming
// at once take different ones, and held by pushing next_at to the lease's end.
func (s *NotifyStore) Claim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]notify.Message, error) {
	var out []notify.Message
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		out = []notify.Message{}
		if err := tx.SelectContext(ctx, &out, `SELECT o.id, n.person_id, n.kind, n.title, n.body, n.link, n.created_at, o.attempts + 1 AS attempts
			FROM outbox o JOIN notifications n ON n.id = o.notification_id
			WHERE o.status = 'pending' AND o.next_at <= ? ORDER BY o.next_at, o.id LIMIT ? FOR UPDATE SKIP LOCKED`, now, limit); err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		ids := make([]int64, len(out))
		for i, m := range out {
			ids[i] = m.ID
		}
		q, args, err := sqlx.In(`UPDATE outbox SET attempts = attempts + 1, next_at = ? WHERE id IN (?)`, leaseUntil, ids)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, q, args...)
		return err
	}, ReadCommitted)
	return out, wrap(err, "claim the outbox")
}

// Sent implements notify.Store.
func (s *NotifyStore) Sent(ctx context.Context, id int64, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox SET status = 'sent', sent_at = ?, last_error = '' WHERE id = ?`, at, id)
	return wrap(classify(err), "outbox %d sent", id)
}

// Retry implements notify.Store.
func (s *NotifyStore) Retry(ctx context.Context, id int64, next *time.Time, why string) error {
	var err error
	if next == nil {
		_, err = s.db.ExecContext(ctx, `UPDATE outbox SET status = 'failed', last_error = ? WHERE id = ?`, text.Clip(why, 500), id)
	} else {
		_, err = s.db.ExecContext(ctx, `UPDATE outbox SET next_at = ?, last_error = ? WHERE id = ?`, *next, text.Clip(why, 500), id)
	}
	return wrap(classify(err), "outbox %d retry", id)
}
