package earning

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/org"
	"pointsmarket/internal/text"
)

// BookInput names a new rule book version.
type BookInput struct {
	Title string `json:"title"`
	// RedListSize is how many households the red list names (default 10).
	RedListSize *int `json:"red_list_size"`
	StarCriteria
}

// CreateRuleBook starts a new draft version of a village's rule book (clerk).
func (s *Service) CreateRuleBook(ctx context.Context, p auth.Principal, villageID int64, in BookInput) (RuleBook, error) {
	title := in.Title
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return RuleBook{}, err
	}
	if !p.CanManageVillage(pl) {
		return RuleBook{}, fmt.Errorf("rule book of village %d: %w", villageID, fault.ErrForbidden)
	}
	if title, err = text.Clean("title", title, 1, 128); err != nil {
		return RuleBook{}, err
	}
	red := 10
	if in.RedListSize != nil {
		red = *in.RedListSize
	}
	if red < 1 || red > 100 {
		return RuleBook{}, fault.Invalidf("red_list_size must be from 1 to 100")
	}
	if in.StarMinPoints != nil && (*in.StarMinPoints < 1 || *in.StarMinPoints > ledger.MaxAmount) {
		return RuleBook{}, fault.Invalidf("star_min_points must be a whole number from 1 to %d, or null for no stars", ledger.MaxAmount)
	}
	return s.Store.CreateRuleBook(ctx, RuleBook{VillageID: villageID, Title: title, Status: Draft, CreatedBy: p.PersonID, RedListSize: red,
		StarCriteria: in.StarCriteria})
}

func (s *Service) managedBook(ctx context.Context, p auth.Principal, bookID int64) (RuleBook, error) {
	b, err := s.Store.RuleBook(ctx, bookID)
	if err != nil {
		return b, err
	}
	pl, err := s.place(ctx, b.VillageID)
	if err != nil {
		return b, err
	}
	if !p.CanManageVillage(pl) {
		return b, fmt.Errorf("rule book %d: %w", bookID, fault.ErrForbidden)
	}
	return b, nil
}

// AddItem adds an item to a draft rule book (clerk). Honour items are decided by party vote.
func (s *Service) AddItem(ctx context.Context, p auth.Principal, bookID int64, it RuleItem) (RuleItem, error) {
	if _, err := s.managedBook(ctx, p, bookID); err != nil {
		return RuleItem{}, err
	}
	var err error
	if it.Code, err = text.Clean("code", it.Code, 1, 32); err != nil {
		return RuleItem{}, err
	}
	if it.Name, err = text.Clean("name", it.Name, 1, 128); err != nil {
		return RuleItem{}, err
	}
	switch {
	case it.Category != Base && it.Category != Reward && it.Category != Penalty && it.Category != Honour:
		return RuleItem{}, fault.Invalidf("category must be base, reward, penalty or honour")
	case it.AppliesTo != ToHousehold && it.AppliesTo != ToRepresentative:
		return RuleItem{}, fault.Invalidf("applies_to must be household or representative")
	case it.Points < 1 || it.Points > ledger.MaxAmount:
		return RuleItem{}, fault.Invalidf("points must be a whole number from 1 to %d", ledger.MaxAmount)
	case it.CapMonth != nil && *it.CapMonth < it.Points, it.CapYear != nil && *it.CapYear < it.Points:
		return RuleItem{}, fault.Invalidf("a cap must be at least the item's points")
	case it.BlackList && it.Category != Penalty:
		return RuleItem{}, fault.Invalidf("only a penalty item puts a household on the black list")
	case it.VisitsRequired < 0 || it.VisitsRequired > 31, it.VisitsRequired > 0 && it.AppliesTo != ToRepresentative:
		return RuleItem{}, fault.Invalidf("visits_required is from 0 to 31, and only for a representative's item")
	}
	it.Approval = ByCommittee
	if it.Category == Honour {
		it.Approval = ByPartyVote
	}
	if it.Category == Penalty {
		it.EvidenceRequired = true // penalties need evidence
	}
	return s.Store.AddItem(ctx, bookID, it)
}

// Assembly is the record of the assembly that adopts a rule book: which body met, its members,
// those present (attendance) and the votes; for a villagers' assembly also the households and how
// many were represented.
type Assembly struct {
	Date            string `json:"date"`
	Body            string `json:"body"`
	Members         int    `json:"members"`
	Attendance      int    `json:"attendance"`
	For             int    `json:"votes_for"`
	Against         int    `json:"votes_against"`
	Abstain         int    `json:"votes_abstain"`
	HouseholdsThere int    `json:"households_present"`
}

// Adopt records the assembly's vote. A rule book is adopted only with at least one item, on a
// date not in the future, by a quorate assembly whose members match the village's register, with
// more than half of those present voting for it (CheckAssembly).
func (s *Service) Adopt(ctx context.Context, p auth.Principal, bookID int64, a Assembly) (RuleBook, error) {
	b, err := s.managedBook(ctx, p, bookID)
	if err != nil {
		return b, err
	}
	day, err := text.Date("date", a.Date)
	if err != nil {
		return b, err
	}
	status := Adopted
	if day.After(calendar.Today(s.Now())) {
		// The vote happened; the book takes effect on its day (ActivateScheduled).
		status = Scheduled
		if day.After(calendar.Today(s.Now()).AddDate(1, 0, 0)) {
			return b, ErrAdoptionInFuture
		}
	}
	if len(b.Items) == 0 {
		return b, ErrEmptyRuleBook
	}
	sgs, err := s.Store.Suggestions(ctx, bookID)
	if err != nil {
		return b, err
	}
	if err := unanswered(sgs); err != nil {
		return b, err
	}
	if err := s.CheckAssemblyOf(ctx, b.VillageID, a); err != nil {
		return b, err
	}
	return s.Store.Adopt(ctx, bookID, RuleBook{Status: status, AssemblyDate: &day, VotesFor: a.For, VotesAgainst: a.Against, VotesAbstain: a.Abstain,
		Attendance: a.Attendance, AssemblyBody: a.Body, AssemblyMembers: a.Members})
}

// CheckAssemblyOf returns nil when an assembly of the village passed what it voted on: quorate by
// the village's register and its vote rules, with the majority the rules ask for (CheckAssembly).
// Every decision the village takes by assembly (rule books, dividends) is held to it.
func (s *Service) CheckAssemblyOf(ctx context.Context, villageID int64, a Assembly) error {
	reps, err := s.People.RoleHolders(ctx, villageID, auth.RoleRepresentative)
	if err != nil {
		return err
	}
	people, households, err := s.People.Counts(ctx, villageID)
	if err != nil {
		return err
	}
	v, err := s.People.Village(ctx, villageID)
	if err != nil {
		return err
	}
	return CheckAssembly(AssemblyCount{Body: a.Body, Members: a.Members, Present: a.Attendance, For: a.For, Against: a.Against,
		Abstain: a.Abstain, Households: households, HouseholdsThere: a.HouseholdsThere}, len(reps), people, rulesOf(v))
}

// ActivateScheduled adopts the rule books scheduled for today or earlier (China day): each
// supersedes its village's book in force. Several instances may run it; each book is adopted once.
func (s *Service) ActivateScheduled(ctx context.Context) (int, error) {
	local := s.Now().In(calendar.Zone())
	return s.Store.ActivateScheduled(ctx, time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC))
}

func rulesOf(v org.Village) VoteRules {
	var r VoteRules
	if v.AssemblyQuorumPct != nil {
		r.QuorumPct = *v.AssemblyQuorumPct
	}
	if v.MajorityPct != nil {
		r.MajorityPct = *v.MajorityPct
	}
	return r
}

// VoteRulesInput tightens a village's vote rules (nil or 0 for the law's default).
type VoteRulesInput struct {
	AssemblyQuorumPct *int `json:"assembly_quorum_pct"`
	MajorityPct       *int `json:"majority_pct"`
}

// SetVoteRules tightens a village's vote rules within the law's bounds: the township's admin only
// (the clerk does not set the rules that judge his own books).
func (s *Service) SetVoteRules(ctx context.Context, p auth.Principal, villageID int64, in VoteRulesInput) (org.Village, error) {
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return org.Village{}, err
	}
	if !p.HoldsIn(auth.RoleTownshipAdmin, pl) {
		return org.Village{}, fmt.Errorf("vote rules of village %d: %w", villageID, fault.ErrForbidden)
	}
	var r VoteRules
	if in.AssemblyQuorumPct != nil {
		r.QuorumPct = *in.AssemblyQuorumPct
	}
	if in.MajorityPct != nil {
		r.MajorityPct = *in.MajorityPct
	}
	if err := CheckVoteRules(r); err != nil {
		return org.Village{}, err
	}
	zeroNil := func(v int) *int {
		if v == 0 {
			return nil
		}
		return &v
	}
	return s.People.SetVoteRules(ctx, villageID, zeroNil(r.QuorumPct), zeroNil(r.MajorityPct))
}

// RuleBooks lists a village's rule books with their items, for its people and those who read it.
func (s *Service) RuleBooks(ctx context.Context, p auth.Principal, villageID int64) ([]RuleBook, error) {
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return nil, err
	}
	if p.Home != pl && !p.CanReadVillage(pl) {
		return nil, fmt.Errorf("rule books of village %d: %w", villageID, fault.ErrForbidden)
	}
	return s.Store.RuleBooks(ctx, villageID)
}
