package earning

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
	"pointsmarket/internal/write"
)

// MeetingInput opens a month's meeting.
type MeetingInput struct {
	Month      string `json:"month"`
	HeldOn     string `json:"held_on"`
	Attendance string `json:"attendance"`
}

// OpenMeeting opens a village's review meeting for a month (clerk), with who attended.
func (s *Service) OpenMeeting(ctx context.Context, p auth.Principal, villageID int64, in MeetingInput) (Meeting, error) {
	month, heldOn, attendance := in.Month, in.HeldOn, in.Attendance
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return Meeting{}, err
	}
	if !p.CanManageVillage(pl) {
		return Meeting{}, fmt.Errorf("meeting of village %d: %w", villageID, fault.ErrForbidden)
	}
	if _, err := text.Month("month", month, time.UTC); err != nil {
		return Meeting{}, err
	}
	day, err := text.Date("held_on", heldOn)
	if err != nil {
		return Meeting{}, err
	}
	if attendance, err = text.CleanLines("attendance", attendance, 0, 2000); err != nil {
		return Meeting{}, err
	}
	return s.Store.OpenMeeting(ctx, Meeting{VillageID: villageID, Month: month, Status: MeetingOpen, HeldOn: day, Attendance: attendance, OpenedBy: p.PersonID})
}

// MeetingState is where a village's month stands, for its officials: the meeting (open or
// approved) and the party members' votes on the month so far.
type MeetingState struct {
	Meeting Meeting `json:"meeting"`
	Votes   Tally   `json:"votes"`
	// EntryVotes are the votes on each entry decided by the party members, by entry id.
	EntryVotes map[int64]Tally `json:"entry_votes"`
}

// MeetingOf returns a village's meeting of a month with the month's votes so far, to those who
// read the village's entries. ErrMeetingNotFound when none was opened.
func (s *Service) MeetingOf(ctx context.Context, p auth.Principal, villageID int64, month string) (MeetingState, error) {
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return MeetingState{}, err
	}
	if !readsEntries(p, pl) {
		return MeetingState{}, fmt.Errorf("meeting of village %d: %w", villageID, fault.ErrForbidden)
	}
	if _, err := text.Month("month", month, time.UTC); err != nil {
		return MeetingState{}, err
	}
	m, err := s.Store.Meeting(ctx, villageID, month)
	if err != nil {
		return MeetingState{}, err
	}
	roster, err := s.People.RoleHolders(ctx, villageID, auth.RolePartyMember)
	if err != nil {
		return MeetingState{}, err
	}
	tally, err := s.Store.MonthTally(ctx, m.ID)
	if err != nil {
		return MeetingState{}, err
	}
	tally.Roster = len(roster)
	entries, err := s.Store.EntryTallies(ctx, villageID, month)
	for id, t := range entries {
		t.Roster = len(roster)
		entries[id] = t
	}
	return MeetingState{Meeting: m, Votes: tally, EntryVotes: entries}, err
}

// MonthBallot is a party member's vote on the month's results: for (the default) or against.
type MonthBallot struct {
	Vote string `json:"vote"`
}

// MonthApproval is where a month's approval stands after a vote.
type MonthApproval struct {
	Meeting Meeting `json:"meeting"`
	Noticed []Entry `json:"noticed"`
	Votes   Tally   `json:"votes"`
}

// ApproveMonth records a party member's vote on the month's results (由全体党员评议表决同意): when
// more than half of the village's party members have voted and more than half of the votes are
// for, the decided entries go under public notice for the village's notice days. Until then the
// month stays open and the answer says how the vote stands. It returns ErrNotPartyMember,
// ErrUndecided while committee entries wait, or ErrNotPending when the month is approved already.
func (s *Service) ApproveMonth(ctx context.Context, p auth.Principal, villageID int64, month string, b MonthBallot) (MonthApproval, error) {
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return MonthApproval{}, err
	}
	if !p.HoldsIn(auth.RolePartyMember, pl) {
		return MonthApproval{}, fmt.Errorf("approve month of village %d: %w", villageID, ErrNotPartyMember)
	}
	vote := b.Vote
	if vote == "" {
		vote = "for"
	}
	if vote != "for" && vote != "against" && vote != "abstain" {
		return MonthApproval{}, fault.Invalidf("vote must be for, against or abstain")
	}
	m, err := s.Store.Meeting(ctx, villageID, month)
	if err != nil {
		return MonthApproval{}, err
	}
	roster, err := s.People.RoleHolders(ctx, villageID, auth.RolePartyMember)
	if err != nil {
		return MonthApproval{}, err
	}
	tally, err := s.Store.MonthVote(ctx, m.ID, p.PersonID, vote)
	if err != nil {
		return MonthApproval{}, err
	}
	tally.Roster = len(roster)
	out := MonthApproval{Meeting: m, Noticed: []Entry{}, Votes: tally}
	if passed, err := PartyVote(tally.For, tally.Against, tally.Abstain, tally.Roster); err != nil || !passed {
		return out, nil // not yet quorate, or not (yet) carried: the month stays open
	}
	v, err := s.People.Village(ctx, villageID)
	if err != nil {
		return out, err
	}
	out.Meeting, out.Noticed, err = s.approveMonth(ctx, m.ID, len(roster), s.Now().AddDate(0, 0, v.NoticeDays))
	if errors.Is(err, ErrNotPending) { // the other deciding vote was counted at the same moment
		out.Meeting, err = s.Store.Meeting(ctx, villageID, month)
	}
	return out, err
}

// Pending is an entry still registered when its month is approved, and how its item is decided.
type Pending struct {
	ID       int64    `db:"id"`
	Approval Approval `db:"approval"`
}

// MonthTx is the part of one transaction that approves a month; the store implements it.
type MonthTx interface {
	VillagePlace(ctx context.Context, villageID int64) (auth.Place, error)
	// MeetingLocked reads a meeting under its row lock. ErrMeetingNotFound.
	MeetingLocked(ctx context.Context, id int64) (Meeting, error)
	// PendingEntries returns the entries of a village's month still registered, locked.
	PendingEntries(ctx context.Context, villageID int64, month string) ([]Pending, error)
	// EntryTally counts the party members' votes on an entry.
	EntryTally(ctx context.Context, entryID int64) (f, a, abstain int, err error)
	// DecideEntry records the decision on an entry at a meeting.
	DecideEntry(ctx context.Context, id int64, status EntryStatus, meetingID, by int64, at time.Time, note string) error
	// NoticeApproved puts a month's approved entries under notice from from until until.
	NoticeApproved(ctx context.Context, m Meeting, from, until time.Time) error
	// SetMeetingApproved records a meeting's approval.
	SetMeetingApproved(ctx context.Context, id, by int64, at time.Time) error
	// Noticed returns the entries a meeting put under notice.
	Noticed(ctx context.Context, meetingID int64) ([]Entry, error)
}

// approveMonth approves a month, under its meeting's lock: every entry of an item decided by the
// committee must have been decided (ErrUndecided); honour entries are decided by the party
// members' vote, which needs more than half of roster to have voted (ErrPartyNotQuorate); then
// every approved entry goes under notice until noticeUntil. ErrNotPending when the month was
// approved already.
func (s *Service) approveMonth(ctx context.Context, meetingID int64, roster int, noticeUntil time.Time) (Meeting, []Entry, error) {
	var noticed []Entry
	m, err := write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Meeting], error) {
		var none write.Done[Meeting]
		m, err := tx.MeetingLocked(ctx, meetingID)
		if err != nil {
			return none, err
		}
		if m.Status != MeetingOpen {
			return none, ErrNotPending.WithMessage("the month is already approved")
		}
		pending, err := tx.PendingEntries(ctx, m.VillageID, m.Month)
		if err != nil {
			return none, err
		}
		now, by := s.Now().UTC().Truncate(time.Microsecond), audit.PersonOf(ctx)
		for _, p := range pending {
			if p.Approval == ByCommittee {
				return none, ErrUndecided.WithDetails(map[string]any{"entry_id": p.ID})
			}
			f, a, abstain, err := tx.EntryTally(ctx, p.ID)
			if err != nil {
				return none, err
			}
			passed, err := PartyVote(f, a, abstain, roster)
			if err != nil {
				return none, fmt.Errorf("entry %d: %w", p.ID, err)
			}
			status := Rejected
			if passed {
				status = Approved
			}
			if err := tx.DecideEntry(ctx, p.ID, status, m.ID, by, now, DescribeVote(f, a, abstain, roster)); err != nil {
				return none, err
			}
		}
		if err := tx.NoticeApproved(ctx, m, now, noticeUntil); err != nil {
			return none, err
		}
		if err := tx.SetMeetingApproved(ctx, m.ID, by, now); err != nil {
			return none, err
		}
		m.Status, m.ApprovedBy, m.ApprovedAt = MeetingApproved, &by, &now
		if noticed, err = tx.Noticed(ctx, m.ID); err != nil {
			return none, err
		}
		place, err := tx.VillagePlace(ctx, m.VillageID)
		return write.Done[Meeting]{Value: m, ID: m.ID, Events: []audit.Event{{Place: place, Action: "meeting.approve", ObjectType: "meeting",
			ObjectID: m.ID, After: map[string]any{"month": m.Month, "noticed": len(noticed), "notice_until": noticeUntil}}}}, err
	})
	if err != nil {
		return Meeting{}, nil, fmt.Errorf("approve meeting %d: %w", meetingID, err)
	}
	return m, noticed, nil
}
