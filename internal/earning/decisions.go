package earning

import (
	"context"
	"fmt"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/org"
	"pointsmarket/internal/text"
)

// Decision is the committee's decision on an entry.
type Decision struct {
	Approve *bool  `json:"approve"`
	Note    string `json:"note"`
}

// Decide is the branch committee's decision on a committee item at the monthly meeting. The
// decider may not be the registrar nor of the entry's household.
func (s *Service) Decide(ctx context.Context, p auth.Principal, entryID int64, d Decision) (Entry, error) {
	if d.Approve == nil {
		return Entry{}, fault.Invalidf("approve is required")
	}
	approve, note := *d.Approve, d.Note
	e, err := s.Store.Entry(ctx, entryID)
	if err != nil {
		return e, err
	}
	item, _, err := s.Store.Item(ctx, e.RuleItemID)
	if err != nil {
		return e, err
	}
	pl, err := s.place(ctx, e.VillageID)
	if err != nil {
		return e, err
	}
	switch {
	case item.Approval == ByPartyVote:
		// Party members vote on honour items; when too few of them are free of a conflict to make
		// the vote quorate, the entry goes up to the township instead of blocking the month.
		if !p.HoldsIn(auth.RoleTownshipAdmin, pl) {
			return e, ErrWrongApproval
		}
		roster, err := s.People.RoleHolders(ctx, e.VillageID, auth.RolePartyMember)
		if err != nil {
			return e, err
		}
		if 2*free(roster, e) > len(roster) {
			return e, fmt.Errorf("decide entry %d: %w", entryID, ErrCommitteeCanDecide)
		}
	case !p.HoldsIn(auth.RoleBranchCommittee, pl):
		// A committee whose every member is conflicted (a one-member committee and its own
		// household's entry) cannot decide: the entry goes up to the township.
		if !p.HoldsIn(auth.RoleTownshipAdmin, pl) {
			return e, fmt.Errorf("decide entry %d: %w", entryID, fault.ErrForbidden)
		}
		committee, err := s.People.RoleHolders(ctx, e.VillageID, auth.RoleBranchCommittee)
		if err != nil {
			return e, err
		}
		if !allConflicted(committee, e) {
			return e, fmt.Errorf("decide entry %d: %w", entryID, ErrCommitteeCanDecide)
		}
	case item.Approval != ByCommittee:
		return e, ErrWrongApproval
	}
	if err := conflicts(p, e); err != nil {
		return e, err
	}
	m, err := s.Store.Meeting(ctx, e.VillageID, e.Period)
	if err != nil {
		return e, fmt.Errorf("entries are decided at the month's review meeting: %w", err)
	}
	if note, err = text.CleanLines("note", note, 0, 255); err != nil {
		return e, err
	}
	return s.Store.Decide(ctx, entryID, approve, note, m.ID)
}

// conflicts returns the conflict-of-interest refusal of p reviewing e, if any.
func conflicts(p auth.Principal, e Entry) error {
	if e.HouseholdID != nil && *e.HouseholdID == p.HouseholdID && p.HouseholdID != 0 {
		return ErrOwnHousehold
	}
	if e.RegisteredBy == p.PersonID {
		return ErrSameAsRegistrar
	}
	return nil
}

// free counts the members of a body who may decide e: not of its household, not its registrar.
func free(members []org.Person, e Entry) int {
	n := 0
	for _, m := range members {
		own := e.HouseholdID != nil && m.HouseholdID != nil && *m.HouseholdID == *e.HouseholdID
		if !own && m.ID != e.RegisteredBy {
			n++
		}
	}
	return n
}

// allConflicted reports whether no member of a committee may decide e: each is of its household
// or registered it (an empty committee decides nothing either).
func allConflicted(committee []org.Person, e Entry) bool { return free(committee, e) == 0 }

// Ballot is a party member's vote: for, against or abstain.
type Ballot struct {
	Vote string `json:"vote"`
}

// Vote is a party member's vote on an honour entry: for, against or abstain.
func (s *Service) Vote(ctx context.Context, p auth.Principal, entryID int64, b Ballot) (Ballot, error) {
	vote := b.Vote
	e, err := s.Store.Entry(ctx, entryID)
	if err != nil {
		return b, err
	}
	pl, err := s.place(ctx, e.VillageID)
	if err != nil {
		return b, err
	}
	if !p.HoldsIn(auth.RolePartyMember, pl) {
		return b, ErrNotPartyMember
	}
	item, _, err := s.Store.Item(ctx, e.RuleItemID)
	if err != nil {
		return b, err
	}
	if item.Approval != ByPartyVote {
		return b, ErrWrongApproval
	}
	if e.HouseholdID != nil && *e.HouseholdID == p.HouseholdID && p.HouseholdID != 0 {
		return b, ErrOwnHousehold
	}
	if e.RegisteredBy == p.PersonID {
		return b, ErrRegistrarVotes
	}
	if vote != "for" && vote != "against" && vote != "abstain" {
		return b, fault.Invalidf("vote must be for, against or abstain")
	}
	if e.Status != Registered {
		return b, ErrNotPending
	}
	return b, s.Store.Vote(ctx, entryID, p.PersonID, vote)
}
