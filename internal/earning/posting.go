package earning

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/notify"
	"pointsmarket/internal/text"
	"pointsmarket/internal/write"
)

// PostingFacts are what the posting of an entry reads besides the entry: its item and meeting,
// and the village's system accounts.
type PostingFacts struct {
	Category Category `db:"category"`
	Item     string   `db:"name"`
	Month    string   `db:"month"`
	VillageAccounts
}

// Tx is the part of one transaction that posts an entry; the store implements it bound to the
// transaction.
type Tx interface {
	ledger.Tx
	MonthTx
	// ClaimPosting moves a noticed entry whose notice closed by now, with no open objection, to
	// posted by compare-and-set; false when it did not match.
	ClaimPosting(ctx context.Context, id int64, now time.Time) (bool, error)
	// EntryByID returns an entry. ErrEntryNotFound.
	EntryByID(ctx context.Context, id int64) (Entry, error)
	// PostingFacts reads the entry's item, meeting and village accounts.
	PostingFacts(ctx context.Context, e Entry) (PostingFacts, error)
	// PostedTransfer returns the transfer an entry posted. ErrNotPosted.
	PostedTransfer(ctx context.Context, entryID int64) (ledger.Transfer, error)
	// SetPosted records the transfer an entry posted and clears its last failure.
	SetPosted(ctx context.Context, id, transferID int64) error
	// MarkActive records that a household had points posted in a month (once per household and
	// month): the county's activity item counts such households.
	MarkActive(ctx context.Context, villageID int64, period string, householdID int64) error
	// LockAccount locks an account's row: entries for one account are registered one at a time.
	LockAccount(ctx context.Context, id int64) error
	// MeetingStatus reads the status of a village's meeting of a month under a share lock
	// (the month's approval locks the row), and false when the month has none.
	MeetingStatus(ctx context.Context, villageID int64, month string) (MeetingStatus, bool, error)
	// ItemTotal sums an account's live entries (neither rejected nor revoked) of an item in the
	// periods matching a LIKE pattern (a month, or a year's "2026%").
	ItemTotal(ctx context.Context, itemID, accountID int64, periods string) (int64, error)
	// InsertEntry writes an entry and sets its id. ErrAlreadyCorrected when its corrected entry
	// has a live correction, ErrBaseRegistered when its household's base of the month is.
	InsertEntry(ctx context.Context, e *Entry) error
}

// register writes an entry of an item under the account's lock: to the first month from its own
// that is not approved yet (an entry registered while, or after, a month's results were approved
// goes on to the next open month rather than stay undecided in an approved one), within the item's
// caps.
func (s *Service) register(ctx context.Context, e Entry, it RuleItem) (Entry, error) {
	e.RegisteredAt = s.Now().UTC().Truncate(time.Microsecond)
	e, err := write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Entry], error) {
		var none write.Done[Entry]
		if err := tx.LockAccount(ctx, e.AccountID); err != nil {
			return none, err
		}
		for range 24 {
			status, ok, err := tx.MeetingStatus(ctx, e.VillageID, e.Period)
			if err != nil {
				return none, err
			}
			if !ok || status != MeetingApproved {
				break
			}
			e.Period = NextPeriod(e.Period)
		}
		var month, year int64
		var err error
		if it.CapMonth != nil {
			if month, err = tx.ItemTotal(ctx, it.ID, e.AccountID, e.Period); err != nil {
				return none, err
			}
		}
		if it.CapYear != nil {
			if year, err = tx.ItemTotal(ctx, it.ID, e.AccountID, e.Period[:4]+"%"); err != nil {
				return none, err
			}
		}
		if err := CheckCaps(it, e.Points, month, year); err != nil {
			return none, err
		}
		if err := tx.InsertEntry(ctx, &e); err != nil {
			return none, err
		}
		place, err := tx.VillagePlace(ctx, e.VillageID)
		return write.Done[Entry]{Value: e, ID: e.ID, Events: []audit.Event{
			{Place: place, Action: "entry.register", ObjectType: "entry", ObjectID: e.ID, After: e}}}, err
	})
	if err != nil {
		return Entry{}, fmt.Errorf("register entry: %w", err)
	}
	return e, nil
}

// post posts an entry whose notice has closed with no open objection: the compare-and-set on the
// entry and its transfer in one transaction, so that the unique posted_transfer_id and the CAS
// make a second posting, by any instance, impossible. ErrNotPending when it is not due.
func (s *Service) post(ctx context.Context, id int64, now time.Time) (Entry, error) {
	e, err := write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Entry], error) {
		var none write.Done[Entry]
		ok, err := tx.ClaimPosting(ctx, id, now)
		if err != nil {
			return none, err
		}
		if !ok {
			return none, ErrNotPending
		}
		e, err := tx.EntryByID(ctx, id)
		if err != nil {
			return none, err
		}
		f, err := tx.PostingFacts(ctx, e)
		if err != nil {
			return none, err
		}
		var corrected *ledger.Transfer
		if e.ReversesEntryID != nil {
			t, err := tx.PostedTransfer(ctx, *e.ReversesEntryID)
			if err != nil {
				return none, err
			}
			corrected = &t
		}
		m, err := Posting(e, f.Category, TransferReason(f.Item, e.Reason, f.Month, e.ID), f.VillageAccounts, corrected)
		if err != nil {
			return none, err
		}
		t, err := ledger.Move(ctx, tx, m)
		if err != nil {
			return none, err
		}
		if err := tx.SetPosted(ctx, id, t.ID); err != nil {
			return none, err
		}
		if e.HouseholdID != nil {
			if err := tx.MarkActive(ctx, e.VillageID, e.Period, *e.HouseholdID); err != nil {
				return none, err
			}
		}
		e.Status, e.PostedTransferID = Posted, &t.ID
		place, err := tx.VillagePlace(ctx, e.VillageID)
		return write.Done[Entry]{Value: e, ID: e.ID, Events: []audit.Event{
			{Place: place, Action: "entry.post", ObjectType: "entry", ObjectID: id, After: e}, ledger.TransferEvent(t, place)},
			Notices: []notify.Notice{postedNotice(e, f.Category, t.Reason, t.Amount)}}, err
	})
	if err != nil {
		return Entry{}, fmt.Errorf("post entry %d: %w", id, err)
	}
	return e, nil
}

// VillageAccounts are a village's system accounts an entry's posting moves points against, and
// whether its penalties may take a balance below zero.
type VillageAccounts struct {
	Issuance, Penalties int64
	AllowNegative       bool `db:"allow_negative_penalty"`
}

// Posting is the movement an entry posts: a reward or base entry moves points from the
// village's issuance to the household, a penalty from the household to penalties. A correction
// (corrected is the transfer the corrected entry posted) takes back exactly what that transfer
// moved, by reversing it: once, since the ledger refuses a second reversal of one transfer.
func Posting(e Entry, category Category, reason string, v VillageAccounts, corrected *ledger.Transfer) (ledger.Movement, error) {
	if corrected != nil {
		m, err := ledger.Reversing(*corrected, "更正："+reason, "entry", e.ID)
		// Taking back a reward may leave the household below zero where the village allows
		// penalties to; giving back a penalty never does.
		m.AllowNegative = category != Penalty && v.AllowNegative
		return m, err
	}
	if category == Penalty {
		return ledger.Movement{DebitAccountID: e.AccountID, CreditAccountID: v.Penalties, Amount: e.Points, Kind: ledger.Penalty,
			Earning: true, Reason: reason, RefType: "entry", RefID: e.ID, AllowNegative: v.AllowNegative}, nil
	}
	return ledger.Movement{DebitAccountID: v.Issuance, CreditAccountID: e.AccountID, Amount: e.Points, Kind: ledger.Earn,
		Earning: true, Reason: reason, RefType: "entry", RefID: e.ID}, nil
}

// CheckCaps refuses an entry of points that would take the account's total for the item above the
// item's monthly or yearly cap; haveMonth and haveYear are what the account holds of it already
// (entries neither rejected nor revoked).
func CheckCaps(it RuleItem, points, haveMonth, haveYear int64) error {
	if it.CapMonth != nil && haveMonth+points > *it.CapMonth {
		return ErrOverCap.WithMessage("over the month's cap of %d points (already %d)",
			*it.CapMonth, haveMonth).WithDetails(map[string]any{"cap": *it.CapMonth, "already": haveMonth, "per": "month"})
	}
	if it.CapYear != nil && haveYear+points > *it.CapYear {
		return ErrOverCap.WithMessage("over the year's cap of %d points (already %d)",
			*it.CapYear, haveYear).WithDetails(map[string]any{"cap": *it.CapYear, "already": haveYear, "per": "year"})
	}
	return nil
}

// PostDue posts every entry whose notice has closed with no open objection. Several instances may
// run it at once: each entry posts once.
func (s *Service) PostDue(ctx context.Context) (int, error) {
	ids, err := s.Store.DuePostings(ctx, s.Now(), 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		_, err := s.post(ctx, id, s.Now())
		switch {
		case err == nil:
			n++
		case errors.Is(err, ErrNotPending) || errors.Is(err, ErrNoticeClosed):
			// another instance posted it, or an objection is open
		case fault.KindOf(err) == fault.Unavailable || ctx.Err() != nil:
			return n, err // the database is gone: the next sweep tries them all again
		default:
			// One entry that cannot post never holds up the others: it is marked with why,
			// the supervisors are told, and the next sweep tries it again.
			why := failureText(err)
			if merr := s.Store.MarkPostFailure(ctx, id, why); merr != nil {
				return n, merr
			}
			if s.postFailed != nil {
				s.postFailed(ctx, id, why)
			}
		}
	}
	return n, nil
}

// OnPostFailed sets what is told of an entry that could not post.
func (s *Service) OnPostFailed(fn func(ctx context.Context, entryID int64, why string)) {
	s.postFailed = fn
}

// failureText is why an entry could not post, as the supervisors read it.
func failureText(err error) string {
	msg := err.Error()
	if fe := fault.From(err); fe != nil {
		msg = fe.Code + ": " + fe.Message
	}
	return text.Clip(msg, 250)
}

// postedNotice tells the household (or the representative) that an entry posted: the item, the
// meeting, and the points. A representative's own points are theirs, not their household's.
func postedNotice(e Entry, c Category, reason string, amount int64) notify.Notice {
	to := notify.To{AccountID: e.AccountID}
	title, sign := "积分已入账", "+"
	switch {
	case e.ReversesEntryID != nil:
		title, sign = "积分更正", ""
	case c == Penalty:
		title, sign = "扣分已执行", "-"
	}
	return notify.Notice{To: []notify.To{to}, Kind: notify.PointsPosted, Title: title, Body: fmt.Sprintf("%s %s%d 分", reason, sign, amount),
		Link: "/home", Key: fmt.Sprintf("entry:%d:posted", e.ID)}
}
