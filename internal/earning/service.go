package earning

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/org"
	"pointsmarket/internal/redact"
	"pointsmarket/internal/text"
	"pointsmarket/internal/write"
)

// People reads households and people; the org store implements it.
type People interface {
	Household(ctx context.Context, id int64) (org.Household, error)
	Person(ctx context.Context, id int64) (org.Person, error)
	Households(ctx context.Context, villageID, afterID int64, limit int) ([]org.Household, error)
	// Names returns the names of the village's people and household heads.
	Names(ctx context.Context, villageID int64) ([]string, error)
	// RoleHolders returns the people who hold role in the village.
	RoleHolders(ctx context.Context, villageID int64, role auth.Role) ([]org.Person, error)
	// Counts returns how many people and households the village has registered.
	Counts(ctx context.Context, villageID int64) (people, households int, err error)
	// OfficialHousehold reports whether a member of the household holds any role.
	OfficialHousehold(ctx context.Context, householdID int64) (bool, error)
	// BaseSizes returns the household sizes that count for base points of a month beginning at start.
	BaseSizes(ctx context.Context, villageID int64, start time.Time) (map[int64]int, error)
	Village(ctx context.Context, id int64) (org.Village, error)
	SetExpiryDate(ctx context.Context, villageID int64, mmdd *string) (org.Village, error)
	// SetVoteRules records (audited) a village's vote rules; nil keeps the law's default.
	SetVoteRules(ctx context.Context, villageID int64, quorum, majority *int) (org.Village, error)
	VillagesExpiringOn(ctx context.Context, mmdd string) ([]int64, error)
}

// Accounts reads points accounts; the ledger store implements it.
type Accounts interface {
	AccountOf(ctx context.Context, villageID int64, kind ledger.AccountKind, ownerID int64) (ledger.Account, error)
	// SpendingAccounts returns a village's household and representative accounts.
	SpendingAccounts(ctx context.Context, villageID int64) ([]ledger.Account, error)
}

// Deps are what the Service needs.
type Deps struct {
	Store    Store
	People   People
	Places   auth.Places
	Accounts Accounts
	Ledger   *ledger.Service
	// InTx runs the posting of an entry in one transaction with its transfer.
	InTx write.InTx[Tx]
	Now  func() time.Time
}

// Service runs the earning workflow with its access rules.
type Service struct {
	Deps
	// registered is told of each entry after it is written, postFailed of an entry that could
	// not post (risk alerts).
	postFailed func(ctx context.Context, entryID int64, why string)
	registered func(ctx context.Context, e Entry, item RuleItem, registrar auth.Principal)
}

// OnRegistered sets what is told of each entry after it is written.
func (s *Service) OnRegistered(fn func(ctx context.Context, e Entry, item RuleItem, registrar auth.Principal)) {
	s.registered = fn
}

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

func (s *Service) place(ctx context.Context, villageID int64) (auth.Place, error) {
	return s.Places.VillagePlace(ctx, villageID)
}

// BookInput names a new rule book version.
type BookInput struct {
	Title string `json:"title"`
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
	return s.Store.CreateRuleBook(ctx, RuleBook{VillageID: villageID, Title: title, Status: Draft, CreatedBy: p.PersonID})
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
	if day.After(s.Now()) {
		// The vote happened; the book takes effect on its day (ActivateScheduled).
		status = Scheduled
		if day.After(s.Now().AddDate(1, 0, 0)) {
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
	reps, err := s.People.RoleHolders(ctx, b.VillageID, auth.RoleRepresentative)
	if err != nil {
		return b, err
	}
	people, households, err := s.People.Counts(ctx, b.VillageID)
	if err != nil {
		return b, err
	}
	v, err := s.People.Village(ctx, b.VillageID)
	if err != nil {
		return b, err
	}
	if err := CheckAssembly(AssemblyCount{Body: a.Body, Members: a.Members, Present: a.Attendance, For: a.For, Against: a.Against,
		Abstain: a.Abstain, Households: households, HouseholdsThere: a.HouseholdsThere}, len(reps), people, rulesOf(v)); err != nil {
		return b, err
	}
	return s.Store.Adopt(ctx, bookID, RuleBook{Status: status, AssemblyDate: &day, VotesFor: a.For, VotesAgainst: a.Against, VotesAbstain: a.Abstain,
		Attendance: a.Attendance, AssemblyBody: a.Body, AssemblyMembers: a.Members})
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

// RegisterInput is an entry to register.
type RegisterInput struct {
	RuleItemID  int64  `json:"rule_item_id"`
	HouseholdID int64  `json:"household_id"`
	PersonID    int64  `json:"person_id"` // for representative items
	Quantity    int64  `json:"quantity"`
	Reason      string `json:"reason"`
	Evidence    string `json:"evidence"`
	// ReversesEntryID corrects a posted entry: the new entry takes back its points once it has
	// gone through the same review, notice and objections.
	ReversesEntryID int64 `json:"reverses_entry_id"`
}

// Register records an entry: by the village's clerk or a group leader, or by a villager for their
// own household (a self-declaration, reviewed like any other). It returns ErrNotAdopted,
// ErrOtherVillage, ErrEvidenceRequired or ErrOverCap for entries that break the rules.
func (s *Service) Register(ctx context.Context, p auth.Principal, in RegisterInput) (Entry, error) {
	var orig Entry
	if in.ReversesEntryID != 0 {
		var err error
		if orig, err = s.Store.Entry(ctx, in.ReversesEntryID); err != nil {
			return Entry{}, err
		}
		if orig.Status != Posted {
			return Entry{}, ErrNotPosted
		}
		same, err := s.Store.Entries(ctx, EntryFilter{VillageID: orig.VillageID, ReversesEntryID: orig.ID})
		if err != nil {
			return Entry{}, err
		}
		for _, e := range same {
			if e.Status != Rejected && e.Status != Revoked {
				return Entry{}, ErrAlreadyCorrected
			}
		}
		in.RuleItemID, in.Quantity = orig.RuleItemID, 1
		if orig.HouseholdID != nil {
			in.HouseholdID = *orig.HouseholdID
		}
		if orig.PersonID != nil {
			in.PersonID = *orig.PersonID
		}
	}
	item, book, err := s.Store.Item(ctx, in.RuleItemID)
	if err != nil {
		return Entry{}, err
	}
	if book.Status != Adopted {
		return Entry{}, ErrNotAdopted
	}
	pl, err := s.place(ctx, book.VillageID)
	if err != nil {
		return Entry{}, err
	}
	if in.Quantity == 0 {
		in.Quantity = 1
	}
	if in.Quantity < 1 || in.Quantity > 100 {
		return Entry{}, fault.Invalidf("quantity must be from 1 to 100")
	}
	if in.Reason, err = text.CleanLines("reason", in.Reason, 1, 255); err != nil {
		return Entry{}, err
	}
	if in.Evidence, err = text.CleanLines("evidence", in.Evidence, 0, 2000); err != nil {
		return Entry{}, err
	}
	if item.EvidenceRequired && in.Evidence == "" && orig.ID == 0 {
		return Entry{}, ErrEvidenceRequired
	}
	period, err := s.openPeriod(ctx, book.VillageID)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{VillageID: book.VillageID, RuleItemID: item.ID, Points: item.Points * in.Quantity, Period: period,
		Reason: in.Reason, Evidence: in.Evidence, Status: Registered, RegisteredBy: p.PersonID}
	if orig.ID != 0 {
		e.Points, e.ReversesEntryID = orig.Points, &orig.ID
		item.CapMonth, item.CapYear = nil, nil // a correction gives back; caps do not apply
	}
	switch item.AppliesTo {
	case ToHousehold:
		h, err := s.People.Household(ctx, in.HouseholdID)
		if err != nil {
			return Entry{}, err
		}
		if h.VillageID != book.VillageID {
			return Entry{}, ErrOtherVillage
		}
		acct, err := s.Accounts.AccountOf(ctx, h.VillageID, ledger.Household, h.ID)
		if err != nil {
			return Entry{}, err
		}
		e.HouseholdID, e.AccountID = &h.ID, acct.ID
	case ToRepresentative:
		person, err := s.People.Person(ctx, in.PersonID)
		if err != nil {
			return Entry{}, err
		}
		if person.VillageID != book.VillageID {
			return Entry{}, ErrOtherVillage
		}
		acct, err := s.Accounts.AccountOf(ctx, person.VillageID, ledger.Representative, person.ID)
		if err != nil {
			return Entry{}, fault.Invalidf("person %d is not a representative", person.ID)
		}
		e.PersonID, e.AccountID = &person.ID, acct.ID
		e.HouseholdID = person.HouseholdID
	}
	switch {
	case p.CanManageVillage(pl):
		e.Source = SourceClerk
	case p.HoldsIn(auth.RoleGroupLeader, pl):
		e.Source = SourceGroupLeader
	case p.Home == pl && ((e.HouseholdID != nil && *e.HouseholdID == p.HouseholdID && item.AppliesTo == ToHousehold) || (e.PersonID != nil && *e.PersonID == p.PersonID)):
		if item.Category == Penalty {
			return Entry{}, fault.Invalidf("nobody declares a penalty for themselves")
		}
		e.Source = SourceSelf
	default:
		return Entry{}, fmt.Errorf("register points in village %d: %w", book.VillageID, fault.ErrForbidden)
	}
	saved, err := s.Store.Register(ctx, e, item)
	if err == nil && s.registered != nil {
		s.registered(ctx, saved, item, p)
	}
	return saved, err
}

// openPeriod is the month whose meeting an entry registered now goes to: this month, or the next
// when this month's results are already approved.
func (s *Service) openPeriod(ctx context.Context, villageID int64) (string, error) {
	period := calendar.Period(s.Now())
	for range 24 { // a month approved early moves entries on to the next, never into an approved one
		m, err := s.Store.Meeting(ctx, villageID, period)
		if errors.Is(err, ErrMeetingNotFound) {
			return period, nil
		}
		if err != nil {
			return "", err
		}
		if m.Status != MeetingApproved {
			return period, nil
		}
		period = NextPeriod(period)
	}
	return period, nil
}

// NextPeriod is the month after a YYYY-MM period.
func NextPeriod(period string) string {
	t, err := time.Parse("2006-01", period)
	if err != nil {
		return period
	}
	return t.AddDate(0, 1, 0).Format("2006-01")
}

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

// NoticeLine is an entry as the public notice shows it: the item, the household's number and its
// head's name masked (张*明), without the evidence (which may name people).
type NoticeLine struct {
	Entry
	ItemName  string   `json:"item_name"`
	Category  Category `json:"category"`
	Approval  Approval `json:"approval"`
	Household string   `json:"household"`
	Head      string   `json:"head"`
}

// lines dresses a village's entries with their items and households in a constant number of
// queries (the village's rule books with their items, its households page by page) rather than
// three per entry; mask hides the heads' names.
func (s *Service) lines(ctx context.Context, villageID int64, es []Entry, mask bool) ([]NoticeLine, error) {
	out := make([]NoticeLine, 0, len(es))
	if len(es) == 0 {
		return out, nil
	}
	books, err := s.Store.RuleBooks(ctx, villageID)
	if err != nil {
		return nil, err
	}
	items := map[int64]RuleItem{}
	for _, b := range books {
		for _, it := range b.Items {
			items[it.ID] = it
		}
	}
	households := map[int64]org.Household{}
	if err := s.eachHousehold(ctx, villageID, func(h org.Household) error {
		households[h.ID] = h
		return nil
	}); err != nil {
		return nil, err
	}
	for _, e := range es {
		line := NoticeLine{Entry: e}
		item, ok := items[e.RuleItemID]
		if !ok {
			return nil, fmt.Errorf("entry %d: item %d: %w", e.ID, e.RuleItemID, ErrItemNotFound)
		}
		line.ItemName, line.Category, line.Approval = item.Name, item.Category, item.Approval
		if e.HouseholdID != nil {
			h := households[*e.HouseholdID]
			line.Household, line.Head = h.Number, h.HeadName
			if mask {
				line.Head = org.MaskName(h.HeadName)
			}
		}
		out = append(out, line)
	}
	return out, nil
}

// Entries lists a village's entries of a period (all statuses, or one) for its officials: the
// clerk and those who read the village, branch committee and party members, group leaders.
func (s *Service) Entries(ctx context.Context, p auth.Principal, villageID int64, period string, status EntryStatus) ([]NoticeLine, error) {
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return nil, err
	}
	if !p.CanReadVillage(pl) && !p.HoldsIn(auth.RoleBranchCommittee, pl) && !p.HoldsIn(auth.RolePartyMember, pl) && !p.HoldsIn(auth.RoleGroupLeader, pl) {
		return nil, fmt.Errorf("entries of village %d: %w", villageID, fault.ErrForbidden)
	}
	es, err := s.Store.Entries(ctx, EntryFilter{VillageID: villageID, Period: period, Status: status, Limit: 500})
	if err != nil {
		return nil, err
	}
	return s.lines(ctx, villageID, es, false)
}

// Notice lists a village's entries under public notice for any of its people.
func (s *Service) Notice(ctx context.Context, p auth.Principal, villageID int64) ([]NoticeLine, error) {
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return nil, err
	}
	if p.Home != pl && !p.CanReadVillage(pl) {
		return nil, fmt.Errorf("notice of village %d: %w", villageID, fault.ErrForbidden)
	}
	return s.PublicNotice(ctx, villageID)
}

// PublicNotice is the notice as the public board prints it: names masked (in the reasons and
// notes too, with phone and ID numbers), no evidence, no registrar or decider.
func (s *Service) PublicNotice(ctx context.Context, villageID int64) ([]NoticeLine, error) {
	es, err := s.Store.Entries(ctx, EntryFilter{VillageID: villageID, Status: Noticed, Limit: 500})
	if err != nil {
		return nil, err
	}
	names, err := s.People.Names(ctx, villageID)
	if err != nil {
		return nil, err
	}
	masker := redact.New(names)
	out, err := s.lines(ctx, villageID, es, true)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Evidence, out[i].RegisteredBy, out[i].DecidedBy = "", 0, nil
		out[i].Reason, out[i].DecisionNote = masker.Text(out[i].Reason), masker.Text(out[i].DecisionNote)
	}
	return out, nil
}

// ObjectionInput is a villager's objection.
type ObjectionInput struct {
	Reason string `json:"reason"`
}

// Object records a villager's objection to an entry under notice in their own village; it is due
// an answer within 3 working days.
func (s *Service) Object(ctx context.Context, p auth.Principal, entryID int64, in ObjectionInput) (Objection, error) {
	reason := in.Reason
	e, err := s.Store.Entry(ctx, entryID)
	if err != nil {
		return Objection{}, err
	}
	if p.Home.VillageID != e.VillageID {
		return Objection{}, fmt.Errorf("object to entry %d: %w", entryID, fault.ErrForbidden)
	}
	if reason, err = text.CleanLines("reason", reason, 1, 255); err != nil {
		return Objection{}, err
	}
	now := s.Now()
	return s.Store.Object(ctx, Objection{EntryID: entryID, VillageID: e.VillageID, ObjectorID: p.PersonID, Reason: reason,
		Status: org.ObjectionOpen, DueAt: calendar.WorkingDaysAfter(now, 3), CreatedAt: now})
}

// AnswerInput answers an objection.
type AnswerInput struct {
	Upheld *bool  `json:"upheld"`
	Answer string `json:"answer"`
}

// Answer answers an objection (the village's clerk or a branch committee member, never the
// objector): upheld revokes the entry.
func (s *Service) Answer(ctx context.Context, p auth.Principal, id int64, in AnswerInput) (Objection, error) {
	if in.Upheld == nil {
		return Objection{}, fault.Invalidf("upheld is required")
	}
	upheld, answer := *in.Upheld, in.Answer
	o, err := s.Store.Objection(ctx, id)
	if err != nil {
		return o, err
	}
	pl, err := s.place(ctx, o.VillageID)
	if err != nil {
		return o, err
	}
	e, err := s.Store.Entry(ctx, o.EntryID)
	if err != nil {
		return o, err
	}
	official := false
	if e.HouseholdID != nil {
		if official, err = s.People.OfficialHousehold(ctx, *e.HouseholdID); err != nil {
			return o, err
		}
	}
	if err := mayAnswer(p, pl, e, o, official); err != nil {
		return o, fmt.Errorf("answer objection %d: %w", id, err)
	}
	if answer, err = text.CleanLines("answer", answer, 1, 255); err != nil {
		return o, err
	}
	return s.Store.Answer(ctx, id, upheld, answer)
}

// Rating is the objector's verdict on an answer.
type Rating struct {
	Satisfied *bool `json:"satisfied"`
}

// RateAnswer lets the objector say whether the answer satisfied them.
func (s *Service) RateAnswer(ctx context.Context, p auth.Principal, id int64, r Rating) (Objection, error) {
	if r.Satisfied == nil {
		return Objection{}, fault.Invalidf("satisfied is required")
	}
	satisfied := *r.Satisfied
	o, err := s.Store.Objection(ctx, id)
	if err != nil {
		return o, err
	}
	if o.ObjectorID != p.PersonID {
		return o, fmt.Errorf("rate objection %d: %w", id, ErrObjectionNotFound)
	}
	if o.Status == org.ObjectionOpen {
		return o, fault.Invalidf("the objection has not been answered yet")
	}
	return s.Store.Rate(ctx, id, satisfied)
}

// mayAnswer decides who answers an objection: the clerk or the branch committee, but for an entry
// of an official's household only the supervision group or the township; never the objector, the
// entry's registrar or anyone of its household.
func mayAnswer(p auth.Principal, pl auth.Place, e Entry, o Objection, official bool) error {
	switch {
	case p.PersonID == o.ObjectorID, p.PersonID == e.RegisteredBy:
		return fault.ErrForbidden
	case e.HouseholdID != nil && p.HouseholdID == *e.HouseholdID:
		return ErrOwnHousehold
	case official:
		if p.HoldsIn(auth.RoleSupervisor, pl) || p.HoldsIn(auth.RoleTownshipAdmin, pl) {
			return nil
		}
		return ErrOfficialsObjection
	case p.CanManageVillage(pl) || p.HoldsIn(auth.RoleBranchCommittee, pl):
		return nil
	}
	return fault.ErrForbidden
}

// Rates are a village's objection figures: how many were answered, answered in time, and left the
// objector satisfied.
type Rates struct {
	Objections   int     `json:"objections"`
	Response     float64 `json:"response_rate"`
	Resolution   float64 `json:"resolution_rate"`
	Satisfaction float64 `json:"satisfaction_rate"`
}

// ObjectionRates reports a village's objection rates to those who read the village.
func (s *Service) ObjectionRates(ctx context.Context, p auth.Principal, villageID int64) (Rates, []Objection, error) {
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return Rates{}, nil, err
	}
	if !p.CanReadVillage(pl) && !p.HoldsIn(auth.RoleBranchCommittee, pl) { // the committee answers them
		return Rates{}, nil, fmt.Errorf("objections of village %d: %w", villageID, fault.ErrForbidden)
	}
	os, err := s.Store.Objections(ctx, villageID, 0)
	if err != nil {
		return Rates{}, nil, err
	}
	return RatesOf(os), os, nil
}

// RatesOf computes objection rates.
func RatesOf(os []Objection) Rates {
	r := Rates{Objections: len(os)}
	var answered, inTime, rated, satisfied int
	for _, o := range os {
		if o.AnsweredAt != nil {
			answered++
			if !o.AnsweredAt.After(o.DueAt) {
				inTime++
			}
		}
		if o.Satisfied != nil {
			rated++
			if *o.Satisfied {
				satisfied++
			}
		}
	}
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	r.Response, r.Resolution, r.Satisfaction = ratio(answered, len(os)), ratio(inTime, len(os)), ratio(satisfied, rated)
	return r
}

// MyObjections lists p's objections and their answers.
func (s *Service) MyObjections(ctx context.Context, p auth.Principal) ([]Objection, error) {
	return s.Store.Objections(ctx, p.Home.VillageID, p.PersonID)
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
	if r := []rune(msg); len(r) > 250 {
		msg = string(r[:250])
	}
	return msg
}

// PeriodInput names a period (YYYY-MM).
type PeriodInput struct {
	Period string `json:"period"`
}

// BaseRun is what a request for base points did: how many entries it registered for the month,
// how many were registered already, and the meeting that reviews them.
type BaseRun struct {
	Period            string `json:"period"`
	Registered        int    `json:"registered"`
	AlreadyRegistered int    `json:"already_registered"`
	// UnderNotice counts households whose size was still on the notice when the month began.
	UnderNotice int    `json:"under_notice"`
	Meeting     string `json:"meeting"`
}

// IssueBase registers the base points of a month for every household (the clerk), by household
// size; like every entry they are scored by the branch committee at the review meeting and shown
// on the notice before they are posted. Only the current or the previous month (China time) may be
// asked for, and a household's base points for an item and month are registered once, however
// often or by whom it is asked: a repeated run says what was there already.
func (s *Service) IssueBase(ctx context.Context, p auth.Principal, villageID int64, in PeriodInput) (BaseRun, error) {
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return BaseRun{}, err
	}
	if !p.CanManageVillage(pl) {
		return BaseRun{}, fmt.Errorf("base points of village %d: %w", villageID, fault.ErrForbidden)
	}
	month, err := text.Month("period", in.Period, calendar.Zone())
	if err != nil {
		return BaseRun{}, err
	}
	if err := CheckBasePeriod(month, s.Now()); err != nil {
		return BaseRun{}, err
	}
	period := month.Format("2006-01")
	baseFor := month.Year()*100 + int(month.Month())
	books, err := s.Store.RuleBooks(ctx, villageID)
	if err != nil {
		return BaseRun{}, err
	}
	var base []RuleItem
	for _, b := range books {
		if b.Status == Adopted {
			for _, it := range b.Items {
				if it.Category == Base && it.AppliesTo == ToHousehold {
					base = append(base, it)
				}
			}
		}
	}
	if len(base) == 0 {
		return BaseRun{}, ErrNotAdopted.WithMessage("the adopted rule book has no base item")
	}
	meeting, err := s.openPeriod(ctx, villageID)
	if err != nil {
		return BaseRun{}, err
	}
	run := BaseRun{Period: period, Meeting: meeting}
	sizes, err := s.People.BaseSizes(ctx, villageID, month)
	if err != nil {
		return run, err
	}
	err = s.eachHousehold(ctx, villageID, func(h org.Household) error {
		size, ok := sizes[h.ID]
		if !ok {
			run.UnderNotice++ // a new household counts from the month after its notice
			return nil
		}
		acct, err := s.Accounts.AccountOf(ctx, villageID, ledger.Household, h.ID)
		if err != nil {
			return err
		}
		for _, it := range base {
			e := Entry{VillageID: villageID, RuleItemID: it.ID, HouseholdID: &h.ID, AccountID: acct.ID, Points: it.Points * int64(size),
				Period: meeting, Reason: fmt.Sprintf("%s %s（%d口人）", period, it.Name, size), Source: SourceBase, BaseFor: &baseFor,
				Status: Registered, RegisteredBy: p.PersonID}
			_, err := s.Store.Register(ctx, e, it)
			switch {
			case errors.Is(err, ErrBaseRegistered):
				run.AlreadyRegistered++
			case err != nil:
				return err
			default:
				run.Registered++
			}
		}
		return nil
	})
	return run, err
}

// eachHousehold calls fn for every household of a village, a page at a time.
func (s *Service) eachHousehold(ctx context.Context, villageID int64, fn func(org.Household) error) error {
	for after := int64(0); ; {
		hs, err := s.People.Households(ctx, villageID, after, 500)
		if err != nil {
			return err
		}
		for _, h := range hs {
			if err := fn(h); err != nil {
				return err
			}
			after = h.ID
		}
		if len(hs) < 500 {
			return nil
		}
	}
}

// CheckBasePeriod refuses base points for a month other than the current or the previous one.
func CheckBasePeriod(month, now time.Time) error {
	local := now.In(calendar.Zone())
	current := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, calendar.Zone())
	if !month.Equal(current) && !month.Equal(current.AddDate(0, -1, 0)) {
		return ErrBasePeriod.WithDetails(map[string]any{"current": current.Format("2006-01")})
	}
	return nil
}
