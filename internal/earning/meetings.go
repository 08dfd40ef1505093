package earning

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
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
	out.Meeting, out.Noticed, err = s.Store.ApproveMonth(ctx, m.ID, len(roster), s.Now().AddDate(0, 0, v.NoticeDays))
	if errors.Is(err, ErrNotPending) { // the other deciding vote was counted at the same moment
		out.Meeting, err = s.Store.Meeting(ctx, villageID, month)
	}
	return out, err
}
