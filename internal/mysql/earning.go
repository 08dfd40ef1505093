package mysql

import (
	"context"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/earning"
	"pointsmarket/internal/notify"
	"pointsmarket/internal/org"
)

// EarningStore implements earning.Store.
type EarningStore struct {
	db     *DB
	ledger *LedgerStore
}

// NewEarningStore returns an EarningStore.
func NewEarningStore(db *DB, ledger *LedgerStore) *EarningStore {
	return &EarningStore{db: db, ledger: ledger}
}

const (
	bookColumns  = `id, village_id, version, title, status, assembly_date, votes_for, votes_against, votes_abstain, attendance, assembly_body, assembly_members, created_by, created_at, adopted_at, red_list_size, star_min_points, star_clean_record, star_honour`
	itemColumns2 = `id, rule_book_id, code, name, category, points, applies_to, cap_month, cap_year, evidence_required, approval, black_list,
		visits_required`
	entryColumns = `id, village_id, rule_item_id, household_id, person_id, account_id, points, period, reason, evidence, source, status,
		registered_by, registered_at, meeting_id, decided_by, decided_at, decision_note, notice_from, notice_until, posted_transfer_id, reverses_entry_id, base_for, post_failure`
	meetingColumns   = `id, village_id, month, status, held_on, attendance, opened_by, approved_by, approved_at, created_at`
	objectionColumns = `id, entry_id, village_id, objector_id, reason, status, answer, answered_by, answered_at, due_at, satisfied, created_at`
)

func (s *EarningStore) event(ctx context.Context, tx *sqlx.Tx, villageID int64, action, objectType string, id int64, before, after any) (audit.Event, error) {
	place, err := villagePlace(ctx, tx, villageID)
	return audit.Event{Place: place, Action: action, ObjectType: objectType, ObjectID: id, Before: before, After: after}, err
}

// CreateRuleBook implements earning.Store.
func (s *EarningStore) CreateRuleBook(ctx context.Context, b earning.RuleBook) (earning.RuleBook, error) {
	b.CreatedAt = s.db.now()
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := tx.GetContext(ctx, &b.Version, `SELECT COALESCE(MAX(version), 0) + 1 FROM rule_books WHERE village_id = ? FOR UPDATE`, b.VillageID); err != nil {
			return nil, err
		}
		res, err := tx.NamedExecContext(ctx, `INSERT INTO rule_books (village_id, version, title, status, created_by, created_at, red_list_size,
			star_min_points, star_clean_record, star_honour) VALUES (:village_id, :version, :title, :status, :created_by, :created_at,
			:red_list_size, :star_min_points, :star_clean_record, :star_honour)`, b)
		if err != nil {
			return nil, err
		}
		b.ID, _ = res.LastInsertId()
		ev, err := s.event(ctx, tx, b.VillageID, "rulebook.create", "rule_book", b.ID, nil, b)
		return []audit.Event{ev}, err
	})
	b.Items = []earning.RuleItem{}
	return b, wrap(err, "create rule book")
}

// AddItem implements earning.Store.
func (s *EarningStore) AddItem(ctx context.Context, bookID int64, it earning.RuleItem) (earning.RuleItem, error) {
	it.RuleBookID = bookID
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		var b earning.RuleBook
		if err := getRow(ctx, tx, &b, earning.ErrBookNotFound, `SELECT `+bookColumns+` FROM rule_books WHERE id = ? FOR UPDATE`, bookID); err != nil {
			return nil, err
		}
		if b.Status != earning.Draft {
			return nil, earning.ErrNotDraft
		}
		res, err := tx.NamedExecContext(ctx, `INSERT INTO rule_items (rule_book_id, code, name, category, points, applies_to, cap_month,
			cap_year, evidence_required, approval, black_list, visits_required, village_id) VALUES (:rule_book_id, :code, :name, :category, :points,
			:applies_to, :cap_month, :cap_year, :evidence_required, :approval, :black_list, :visits_required,
			(SELECT village_id FROM rule_books WHERE id = :rule_book_id))`, it)
		if isDuplicate(err) {
			return nil, earning.ErrNotDraft.WithMessage("the rule book already has an item %s", it.Code)
		}
		if err != nil {
			return nil, err
		}
		it.ID, _ = res.LastInsertId()
		ev, err := s.event(ctx, tx, b.VillageID, "rulebook.item", "rule_book", b.ID, nil, it)
		return []audit.Event{ev}, err
	})
	return it, wrap(err, "add rule item")
}

// Adopt implements earning.Store.
func (s *EarningStore) Adopt(ctx context.Context, bookID int64, vote earning.RuleBook) (earning.RuleBook, error) {
	var b earning.RuleBook
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := getRow(ctx, tx, &b, earning.ErrBookNotFound, `SELECT `+bookColumns+` FROM rule_books WHERE id = ? FOR UPDATE`, bookID); err != nil {
			return nil, err
		}
		if b.Status != earning.Draft {
			return nil, earning.ErrNotDraft
		}
		now := s.db.now()
		status, adoptedAt := earning.Adopted, &now
		if vote.Status == earning.Scheduled {
			status, adoptedAt = earning.Scheduled, nil
		} else if _, err := tx.ExecContext(ctx, `UPDATE rule_books SET status = 'superseded' WHERE village_id = ? AND status = 'adopted'`, b.VillageID); err != nil {
			return nil, err
		}
		b.Status, b.AssemblyDate, b.VotesFor, b.VotesAgainst, b.VotesAbstain, b.Attendance, b.AdoptedAt =
			status, vote.AssemblyDate, vote.VotesFor, vote.VotesAgainst, vote.VotesAbstain, vote.Attendance, adoptedAt
		b.AssemblyBody, b.AssemblyMembers = vote.AssemblyBody, vote.AssemblyMembers
		if _, err := tx.NamedExecContext(ctx, `UPDATE rule_books SET status = :status, assembly_date = :assembly_date, votes_for = :votes_for,
			votes_against = :votes_against, votes_abstain = :votes_abstain, attendance = :attendance, assembly_body = :assembly_body,
			assembly_members = :assembly_members, adopted_at = :adopted_at WHERE id = :id`, b); err != nil {
			return nil, err
		}
		ev, err := s.event(ctx, tx, b.VillageID, "rulebook."+map[earning.BookStatus]string{earning.Adopted: "adopt", earning.Scheduled: "schedule"}[status], "rule_book", b.ID, nil, b)
		return []audit.Event{ev}, err
	})
	if err != nil {
		return b, wrap(err, "adopt rule book %d", bookID)
	}
	return s.RuleBook(ctx, bookID)
}

// ActivateScheduled implements earning.Store: each scheduled book whose day has come supersedes
// its village's book in force, in a transaction of its own.
func (s *EarningStore) ActivateScheduled(ctx context.Context, today time.Time) (int, error) {
	var ids []int64
	if err := s.db.list(ctx, &ids, `SELECT id FROM rule_books WHERE status = 'scheduled' AND assembly_date <= ? ORDER BY id`, today); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
			var b earning.RuleBook
			if err := getRow(ctx, tx, &b, earning.ErrBookNotFound, `SELECT `+bookColumns+` FROM rule_books WHERE id = ? FOR UPDATE`, id); err != nil {
				return nil, err
			}
			if b.Status != earning.Scheduled {
				return nil, nil // another instance did it
			}
			now := s.db.now()
			if _, err := tx.ExecContext(ctx, `UPDATE rule_books SET status = 'superseded' WHERE village_id = ? AND status = 'adopted'`, b.VillageID); err != nil {
				return nil, err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE rule_books SET status = 'adopted', adopted_at = ? WHERE id = ?`, now, id); err != nil {
				return nil, err
			}
			b.Status, b.AdoptedAt = earning.Adopted, &now
			n++
			ev, err := s.event(ctx, tx, b.VillageID, "rulebook.adopt", "rule_book", b.ID, map[string]string{"status": "scheduled"}, b)
			return []audit.Event{ev}, err
		})
		if err != nil {
			return n, wrap(err, "activate rule book %d", id)
		}
	}
	return n, nil
}

// RuleBook implements earning.Store.
func (s *EarningStore) RuleBook(ctx context.Context, id int64) (earning.RuleBook, error) {
	var b earning.RuleBook
	if err := s.db.get(ctx, &b, earning.ErrBookNotFound, `SELECT `+bookColumns+` FROM rule_books WHERE id = ?`, id); err != nil {
		return b, wrap(err, "rule book %d", id)
	}
	b.Items = []earning.RuleItem{}
	err := s.db.list(ctx, &b.Items, `SELECT `+itemColumns2+` FROM rule_items WHERE rule_book_id = ? ORDER BY id`, id)
	return b, err
}

// RuleBooks implements earning.Store.
// Two queries, whatever the number of versions: the books, then all their items.
func (s *EarningStore) RuleBooks(ctx context.Context, villageID int64) ([]earning.RuleBook, error) {
	out := []earning.RuleBook{}
	if err := s.db.list(ctx, &out, `SELECT `+bookColumns+` FROM rule_books WHERE village_id = ? ORDER BY version DESC`, villageID); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	index := map[int64]int{}
	for i := range out {
		ids[i], index[out[i].ID] = out[i].ID, i
		out[i].Items = []earning.RuleItem{}
	}
	q, args, err := sqlx.In(`SELECT `+itemColumns2+` FROM rule_items WHERE rule_book_id IN (?) ORDER BY id`, ids)
	if err != nil {
		return nil, err
	}
	var items []earning.RuleItem
	if err := s.db.list(ctx, &items, q, args...); err != nil {
		return nil, err
	}
	for _, it := range items {
		b := &out[index[it.RuleBookID]]
		b.Items = append(b.Items, it)
	}
	return out, nil
}

// Item implements earning.Store.
func (s *EarningStore) Item(ctx context.Context, id int64) (earning.RuleItem, earning.RuleBook, error) {
	var it earning.RuleItem
	if err := s.db.get(ctx, &it, earning.ErrItemNotFound, `SELECT `+itemColumns2+` FROM rule_items WHERE id = ?`, id); err != nil {
		return it, earning.RuleBook{}, err
	}
	var b earning.RuleBook
	err := s.db.get(ctx, &b, earning.ErrBookNotFound, `SELECT `+bookColumns+` FROM rule_books WHERE id = ?`, it.RuleBookID)
	return it, b, err
}

// Register implements earning.Store. The account's row lock serialises entries of one account, so
// Entry implements earning.Store.
func (s *EarningStore) Entry(ctx context.Context, id int64) (earning.Entry, error) {
	var e earning.Entry
	err := s.db.get(ctx, &e, earning.ErrEntryNotFound, `SELECT `+entryColumns+` FROM point_entries WHERE id = ?`, id)
	return e, wrap(err, "entry %d", id)
}

// Entries implements earning.Store.
func (s *EarningStore) Entries(ctx context.Context, f earning.EntryFilter) ([]earning.Entry, error) {
	where, args := []string{"village_id = ?"}, []any{f.VillageID}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Period != "" {
		where, args = append(where, "period = ?"), append(args, f.Period)
	}
	if f.HouseholdID != 0 {
		where, args = append(where, "household_id = ?"), append(args, f.HouseholdID)
	}
	if f.ReversesEntryID != 0 {
		where, args = append(where, "reverses_entry_id = ?"), append(args, f.ReversesEntryID)
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	out := []earning.Entry{}
	err := s.db.list(ctx, &out, `SELECT `+entryColumns+` FROM point_entries WHERE `+strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT ?`,
		append(args, f.Limit)...)
	return out, err
}

// Decide implements earning.Store.
func (s *EarningStore) Decide(ctx context.Context, id int64, approve bool, note string, meetingID int64) (earning.Entry, error) {
	var e earning.Entry
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		status := earning.Rejected
		if approve {
			status = earning.Approved
		}
		now, by := s.db.now(), audit.PersonOf(ctx)
		res, err := tx.ExecContext(ctx, `UPDATE point_entries SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?, meeting_id = ?
			WHERE id = ? AND status = 'registered'`, status, by, now, note, meetingID, id)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil, earning.ErrNotPending
		}
		if err := getRow(ctx, tx, &e, earning.ErrEntryNotFound, `SELECT `+entryColumns+` FROM point_entries WHERE id = ?`, id); err != nil {
			return nil, err
		}
		ev, err := s.event(ctx, tx, e.VillageID, "entry."+string(status), "entry", id, nil, e)
		return []audit.Event{ev}, err
	})
	return e, wrap(err, "decide entry %d", id)
}

// Vote implements earning.Store.
func (s *EarningStore) Vote(ctx context.Context, entryID, personID int64, vote string) error {
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO entry_votes (entry_id, person_id, vote, created_at, village_id)
			VALUES (?, ?, ?, ?, (SELECT village_id FROM point_entries WHERE id = ?))
			ON DUPLICATE KEY UPDATE vote = VALUES(vote)`, entryID, personID, vote, s.db.now(), entryID)
		if err != nil {
			return nil, err
		}
		var villageID int64
		if err := tx.GetContext(ctx, &villageID, `SELECT village_id FROM point_entries WHERE id = ?`, entryID); err != nil {
			return nil, err
		}
		ev, err := s.event(ctx, tx, villageID, "entry.vote", "entry", entryID, nil, map[string]any{"vote": vote})
		return []audit.Event{ev}, err
	})
	return wrap(err, "vote on entry %d", entryID)
}

// Tally implements earning.Store.
func (s *EarningStore) Tally(ctx context.Context, entryID int64) (int, int, int, error) {
	var t struct{ For, Against, Abstain int }
	err := s.db.get(ctx, &t, nil, `SELECT COALESCE(SUM(vote = 'for'), 0) AS `+"`for`"+`, COALESCE(SUM(vote = 'against'), 0) AS against,
		COALESCE(SUM(vote = 'abstain'), 0) AS abstain FROM entry_votes WHERE entry_id = ?`, entryID)
	return t.For, t.Against, t.Abstain, err
}

// OpenMeeting implements earning.Store.
func (s *EarningStore) OpenMeeting(ctx context.Context, m earning.Meeting) (earning.Meeting, error) {
	m.CreatedAt = s.db.now()
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		res, err := tx.NamedExecContext(ctx, `INSERT INTO review_meetings (village_id, month, status, held_on, attendance, opened_by, created_at)
			VALUES (:village_id, :month, :status, :held_on, :attendance, :opened_by, :created_at)`, m)
		if isDuplicate(err) {
			return nil, earning.ErrNotPending.WithMessage("the month's meeting is already open")
		}
		if err != nil {
			return nil, err
		}
		m.ID, _ = res.LastInsertId()
		ev, err := s.event(ctx, tx, m.VillageID, "meeting.open", "meeting", m.ID, nil, m)
		return []audit.Event{ev}, err
	})
	return m, wrap(err, "open meeting")
}

// Meeting implements earning.Store.
func (s *EarningStore) Meeting(ctx context.Context, villageID int64, month string) (earning.Meeting, error) {
	var m earning.Meeting
	err := s.db.get(ctx, &m, earning.ErrMeetingNotFound, `SELECT `+meetingColumns+` FROM review_meetings WHERE village_id = ? AND month = ?`, villageID, month)
	return m, err
}

// Object implements earning.Store.
func (s *EarningStore) Object(ctx context.Context, o earning.Objection) (earning.Objection, error) {
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		var e earning.Entry
		if err := getRow(ctx, tx, &e, earning.ErrEntryNotFound, `SELECT `+entryColumns+` FROM point_entries WHERE id = ? FOR UPDATE`, o.EntryID); err != nil {
			return nil, err
		}
		if e.Status != earning.Noticed || e.NoticeUntil == nil || !o.CreatedAt.Before(*e.NoticeUntil) {
			return nil, earning.ErrNoticeClosed
		}
		res, err := tx.NamedExecContext(ctx, `INSERT INTO objections (entry_id, village_id, objector_id, reason, status, due_at, created_at)
			VALUES (:entry_id, :village_id, :objector_id, :reason, :status, :due_at, :created_at)`, o)
		if err != nil {
			return nil, err
		}
		o.ID, _ = res.LastInsertId()
		ev, err := s.event(ctx, tx, o.VillageID, "objection.lodge", "objection", o.ID, nil, o)
		return []audit.Event{ev}, err
	})
	return o, wrap(err, "object to entry %d", o.EntryID)
}

// Answer implements earning.Store.
func (s *EarningStore) Answer(ctx context.Context, id int64, upheld bool, answer string, told notify.Notice) (earning.Objection, error) {
	var o earning.Objection
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := getRow(ctx, tx, &o, earning.ErrObjectionNotFound, `SELECT `+objectionColumns+` FROM objections WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		if o.Status != org.ObjectionOpen {
			return nil, earning.ErrObjectionAnswered
		}
		now, by := s.db.now(), audit.PersonOf(ctx)
		o.Status, o.Answer, o.AnsweredBy, o.AnsweredAt = "rejected", answer, &by, &now
		if upheld {
			o.Status = "upheld"
			if _, err := tx.ExecContext(ctx, `UPDATE point_entries SET status = 'revoked' WHERE id = ? AND status = 'noticed'`, o.EntryID); err != nil {
				return nil, err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE objections SET status = ?, answer = ?, answered_by = ?, answered_at = ? WHERE id = ?`,
			o.Status, answer, by, now, id); err != nil {
			return nil, err
		}
		ev, err := s.event(ctx, tx, o.VillageID, "objection."+string(o.Status), "objection", id, nil, o)
		if err != nil {
			return nil, err
		}
		return []audit.Event{ev}, (&Tx{tx: tx, db: s.db}).Notify(ctx, told)
	})
	return o, wrap(err, "answer objection %d", id)
}

// Objection implements earning.Store.
func (s *EarningStore) Objection(ctx context.Context, id int64) (earning.Objection, error) {
	var o earning.Objection
	err := s.db.get(ctx, &o, earning.ErrObjectionNotFound, `SELECT `+objectionColumns+` FROM objections WHERE id = ?`, id)
	return o, err
}

// Objections implements earning.Store.
func (s *EarningStore) Objections(ctx context.Context, villageID, objectorID int64) ([]earning.Objection, error) {
	q, args := `SELECT o.id, o.entry_id, o.village_id, o.objector_id, o.reason, o.status, o.answer, o.answered_by, o.answered_at,
		o.due_at, o.satisfied, o.created_at, COALESCE(h.number, '') AS household, COALESCE(h.head_name, '') AS head,
		ri.name AS item_name, e.points AS entry_points, e.period
		FROM objections o JOIN point_entries e ON e.id = o.entry_id JOIN rule_items ri ON ri.id = e.rule_item_id
		LEFT JOIN households h ON h.id = e.household_id WHERE o.village_id = ?`, []any{villageID}
	if objectorID != 0 {
		q, args = q+` AND o.objector_id = ?`, append(args, objectorID)
	}
	out := []earning.Objection{}
	err := s.db.list(ctx, &out, q+` ORDER BY o.id DESC LIMIT 1000`, args...)
	return out, err
}

// Rate implements earning.Store.
func (s *EarningStore) Rate(ctx context.Context, id int64, satisfied bool) (earning.Objection, error) {
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		var villageID int64
		if err := getRow(ctx, tx, &villageID, earning.ErrObjectionNotFound, `SELECT village_id FROM objections WHERE id = ?`, id); err != nil {
			return nil, err
		}
		res, err := tx.ExecContext(ctx, `UPDATE objections SET satisfied = ? WHERE id = ? AND satisfied IS NULL`, satisfied, id)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil, earning.ErrAlreadyRated
		}
		ev, err := s.event(ctx, tx, villageID, "objection.rate", "objection", id, nil, map[string]bool{"satisfied": satisfied})
		return []audit.Event{ev}, err
	})
	if err != nil {
		return earning.Objection{}, err
	}
	return s.Objection(ctx, id)
}

// EntryTallies implements earning.Store.
func (s *EarningStore) EntryTallies(ctx context.Context, villageID int64, month string) (map[int64]earning.Tally, error) {
	var rows []struct {
		EntryID int64 `db:"entry_id"`
		earning.Tally
	}
	err := s.db.list(ctx, &rows, `SELECT v.entry_id, COALESCE(SUM(v.vote = 'for'), 0) AS `+"`for`"+`,
		COALESCE(SUM(v.vote = 'against'), 0) AS against, COALESCE(SUM(v.vote = 'abstain'), 0) AS abstain, 0 AS roster
		FROM entry_votes v JOIN point_entries e ON e.id = v.entry_id
		WHERE e.village_id = ? AND e.period = ? GROUP BY v.entry_id`, villageID, month)
	out := make(map[int64]earning.Tally, len(rows))
	for _, r := range rows {
		out[r.EntryID] = r.Tally
	}
	return out, wrap(err, "entry votes of village %d, %s", villageID, month)
}

// MonthVote implements earning.Store.
// MonthTally implements earning.Store.
func (s *EarningStore) MonthTally(ctx context.Context, meetingID int64) (earning.Tally, error) {
	var t earning.Tally
	err := s.db.QueryRowxContext(ctx, `SELECT COALESCE(SUM(vote = 'for'), 0), COALESCE(SUM(vote = 'against'), 0), COALESCE(SUM(vote = 'abstain'), 0)
		FROM meeting_votes WHERE meeting_id = ?`, meetingID).Scan(&t.For, &t.Against, &t.Abstain)
	return t, wrap(classify(err), "tally of meeting %d", meetingID)
}

// MonthVote implements earning.Store.
func (s *EarningStore) MonthVote(ctx context.Context, meetingID, personID int64, vote string) (earning.Tally, error) {
	var t earning.Tally
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		var m earning.Meeting
		if err := getRow(ctx, tx, &m, earning.ErrMeetingNotFound, `SELECT `+meetingColumns+` FROM review_meetings WHERE id = ? FOR UPDATE`, meetingID); err != nil {
			return nil, err
		}
		if m.Status != earning.MeetingOpen {
			return nil, earning.ErrNotPending.WithMessage("the month is already approved")
		}
		var undecided int64
		if err := tx.GetContext(ctx, &undecided, `SELECT COALESCE(MIN(e.id), 0) FROM point_entries e JOIN rule_items i ON i.id = e.rule_item_id
			WHERE e.village_id = ? AND e.period = ? AND e.status = 'registered' AND i.approval = 'committee'`, m.VillageID, m.Month); err != nil {
			return nil, err
		}
		if undecided != 0 {
			return nil, earning.ErrUndecided.WithDetails(map[string]any{"entry_id": undecided})
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meeting_votes (meeting_id, person_id, vote, voted_at, village_id)
			VALUES (?, ?, ?, ?, (SELECT village_id FROM review_meetings WHERE id = ?))
			ON DUPLICATE KEY UPDATE vote = VALUES(vote), voted_at = VALUES(voted_at)`, meetingID, personID, vote, s.db.now(), meetingID); err != nil {
			return nil, err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(vote = 'for'), 0), COALESCE(SUM(vote = 'against'), 0), COALESCE(SUM(vote = 'abstain'), 0)
			FROM meeting_votes WHERE meeting_id = ?`, meetingID).Scan(&t.For, &t.Against, &t.Abstain); err != nil {
			return nil, err
		}
		ev, err := s.event(ctx, tx, m.VillageID, "meeting.vote", "meeting", meetingID, nil, map[string]any{"month": m.Month, "vote": vote})
		return []audit.Event{ev}, err
	})
	return t, wrap(err, "vote on meeting %d", meetingID)
}

// MarkPostFailure implements earning.Store.
func (s *EarningStore) MarkPostFailure(ctx context.Context, id int64, why string) error {
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		var villageID int64
		if err := getRow(ctx, tx, &villageID, earning.ErrEntryNotFound, `SELECT village_id FROM point_entries WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE point_entries SET post_failure = ? WHERE id = ?`, why, id); err != nil {
			return nil, err
		}
		ev, err := s.event(ctx, tx, villageID, "entry.post_failed", "entry", id, nil, map[string]string{"why": why})
		return []audit.Event{ev}, err
	})
	return wrap(err, "mark entry %d", id)
}

// DuePostings implements earning.Store.
func (s *EarningStore) DuePostings(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := s.db.list(ctx, &ids, `SELECT id FROM point_entries WHERE status = 'noticed' AND notice_until <= ? ORDER BY notice_until LIMIT ?`, now, limit)
	return ids, err
}
