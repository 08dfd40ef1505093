// Package earning is how points are earned the way the villages do it: rule books drafted from
// villagers' suggestions and adopted by an assembly vote (积分细则); entries registered and reviewed
// at the monthly review meeting (月积分评议会) — the branch committee decides base, reward and penalty
// items, party members vote on honour items —; approved results publicly displayed (公示) for a
// number of days during which villagers may object (异议); and only then posted to the ledger.
package earning

import (
	"time"

	"pointsmarket/internal/fault"
	"pointsmarket/internal/org"
)

// Category is the kind of a rule item.
type Category string

// Rule item categories.
const (
	Base    Category = "base"
	Reward  Category = "reward"
	Penalty Category = "penalty"
	Honour  Category = "honour"
)

// AppliesTo says whose points an item moves.
type AppliesTo string

// Who items apply to.
const (
	ToHousehold      AppliesTo = "household"
	ToRepresentative AppliesTo = "representative"
)

// Approval says who decides entries of an item.
type Approval string

// Approvals: the branch committee, or all party members by vote (honour items).
const (
	ByCommittee Approval = "committee"
	ByPartyVote Approval = "party_vote"
)

// BookStatus is where a rule book version stands.
type BookStatus string

// Rule book statuses: a draft is adopted by an assembly; adopting another supersedes it.
const (
	Draft      BookStatus = "draft"
	Adopted    BookStatus = "adopted"
	Superseded BookStatus = "superseded"
	// Scheduled is adopted by a vote dated in the future: it supersedes the book in force that day.
	Scheduled BookStatus = "scheduled"
)

// RuleBook is one version of a village's rule book with the assembly vote that adopted it.
type RuleBook struct {
	ID           int64      `json:"id" db:"id"`
	VillageID    int64      `json:"village_id" db:"village_id"`
	Version      int        `json:"version" db:"version"`
	Title        string     `json:"title" db:"title"`
	Status       BookStatus `json:"status" db:"status"`
	AssemblyDate *time.Time `json:"assembly_date" db:"assembly_date"`
	VotesFor     int        `json:"votes_for" db:"votes_for"`
	VotesAgainst int        `json:"votes_against" db:"votes_against"`
	VotesAbstain int        `json:"votes_abstain" db:"votes_abstain"`
	Attendance   int        `json:"attendance" db:"attendance"`
	// AssemblyBody is representatives or villagers; AssemblyMembers its members.
	AssemblyBody    string     `json:"assembly_body" db:"assembly_body"`
	AssemblyMembers int        `json:"assembly_members" db:"assembly_members"`
	CreatedBy       int64      `json:"created_by" db:"created_by"`
	CreatedAt       time.Time  `json:"created_at" db:"created_at"`
	AdoptedAt       *time.Time `json:"adopted_at" db:"adopted_at"`
	// RedListSize is how many households the quarter's red list names.
	RedListSize int `json:"red_list_size" db:"red_list_size"`
	StarCriteria
	Items []RuleItem `json:"items" db:"-"`
}

// RuleItem is an item of a rule book.
type RuleItem struct {
	ID               int64     `json:"id" db:"id"`
	RuleBookID       int64     `json:"rule_book_id" db:"rule_book_id"`
	Code             string    `json:"code" db:"code"`
	Name             string    `json:"name" db:"name"`
	Category         Category  `json:"category" db:"category"`
	Points           int64     `json:"points" db:"points"` // per unit; base items: per household member
	AppliesTo        AppliesTo `json:"applies_to" db:"applies_to"`
	CapMonth         *int64    `json:"cap_month" db:"cap_month"`
	CapYear          *int64    `json:"cap_year" db:"cap_year"`
	EvidenceRequired bool      `json:"evidence_required" db:"evidence_required"`
	Approval         Approval  `json:"approval" db:"approval"`
	// BlackList puts a household with this penalty in a quarter on the village's black list.
	BlackList bool `json:"black_list" db:"black_list"`
	// VisitsRequired is, for a representative's item, how many visits or meetings (联户) the
	// representative must have recorded in the entry's month for it to be registered.
	VisitsRequired int `json:"visits_required" db:"visits_required"`
}

// EntryStatus is where an entry is in the flow.
type EntryStatus string

// Entry statuses: registered → approved | rejected (at the meeting) → noticed (the month is
// approved) → posted (the notice closed with no open objection) | revoked (an objection upheld).
const (
	Registered EntryStatus = "registered"
	Approved   EntryStatus = "approved"
	Rejected   EntryStatus = "rejected"
	Noticed    EntryStatus = "noticed"
	Posted     EntryStatus = "posted"
	Revoked    EntryStatus = "revoked"
)

// EntryStatuses are all the statuses, in the order of the flow.
var EntryStatuses = []EntryStatus{Registered, Approved, Rejected, Noticed, Posted, Revoked}

// Entry is points registered for a household (or a representative) under a rule item.
type Entry struct {
	ID          int64  `json:"id" db:"id"`
	VillageID   int64  `json:"village_id" db:"village_id"`
	RuleItemID  int64  `json:"rule_item_id" db:"rule_item_id"`
	HouseholdID *int64 `json:"household_id" db:"household_id"`
	PersonID    *int64 `json:"person_id" db:"person_id"`
	AccountID   int64  `json:"account_id" db:"account_id"`
	Points      int64  `json:"points" db:"points"`
	Period      string `json:"period" db:"period"` // YYYY-MM
	Reason      string `json:"reason" db:"reason"`
	Evidence    string `json:"evidence" db:"evidence"`
	Source      Source `json:"source" db:"source"`
	// BaseFor is the month base points are for, as yyyymm (the entry's Period is the meeting that
	// reviews them).
	BaseFor *int `json:"base_for,omitempty" db:"base_for"`
	// PostFailure says why the entry could not post when it was due; it is tried again.
	PostFailure      string      `json:"post_failure,omitempty" db:"post_failure"`
	Status           EntryStatus `json:"status" db:"status"`
	RegisteredBy     int64       `json:"registered_by" db:"registered_by"`
	RegisteredAt     time.Time   `json:"registered_at" db:"registered_at"`
	MeetingID        *int64      `json:"meeting_id" db:"meeting_id"`
	DecidedBy        *int64      `json:"decided_by" db:"decided_by"`
	DecidedAt        *time.Time  `json:"decided_at" db:"decided_at"`
	DecisionNote     string      `json:"decision_note" db:"decision_note"`
	NoticeFrom       *time.Time  `json:"notice_from" db:"notice_from"`
	NoticeUntil      *time.Time  `json:"notice_until" db:"notice_until"`
	PostedTransferID *int64      `json:"posted_transfer_id" db:"posted_transfer_id"`
	ReversesEntryID  *int64      `json:"reverses_entry_id" db:"reverses_entry_id"`
}

// Source says who registered an entry.
type Source string

// Entry sources.
const (
	SourceClerk       Source = "clerk"
	SourceGroupLeader Source = "group_leader"
	SourceSelf        Source = "self" // a villager's own report, to be confirmed
	SourceBase        Source = "base" // the monthly base points, by household size
)

// MeetingStatus is where a monthly review meeting is.
type MeetingStatus string

// Meeting statuses: open until its month's results are approved.
const (
	MeetingOpen     MeetingStatus = "open"
	MeetingApproved MeetingStatus = "approved"
)

// Meeting is a village's monthly review meeting.
type Meeting struct {
	ID         int64         `json:"id" db:"id"`
	VillageID  int64         `json:"village_id" db:"village_id"`
	Month      string        `json:"month" db:"month"`
	Status     MeetingStatus `json:"status" db:"status"`
	HeldOn     time.Time     `json:"held_on" db:"held_on"`
	Attendance string        `json:"attendance" db:"attendance"`
	OpenedBy   int64         `json:"opened_by" db:"opened_by"`
	ApprovedBy *int64        `json:"approved_by" db:"approved_by"`
	ApprovedAt *time.Time    `json:"approved_at" db:"approved_at"`
	CreatedAt  time.Time     `json:"created_at" db:"created_at"`
}

// Objection is a villager's objection to an entry under notice.
type Objection struct {
	ID         int64               `json:"id" db:"id"`
	EntryID    int64               `json:"entry_id" db:"entry_id"`
	VillageID  int64               `json:"village_id" db:"village_id"`
	ObjectorID int64               `json:"objector_id" db:"objector_id"`
	Reason     string              `json:"reason" db:"reason"`
	Status     org.ObjectionStatus `json:"status" db:"status"`
	Answer     string              `json:"answer" db:"answer"`
	AnsweredBy *int64              `json:"answered_by" db:"answered_by"`
	AnsweredAt *time.Time          `json:"answered_at" db:"answered_at"`
	DueAt      time.Time           `json:"due_at" db:"due_at"`
	Satisfied  *bool               `json:"satisfied" db:"satisfied"`
	CreatedAt  time.Time           `json:"created_at" db:"created_at"`
	// What was objected to, for the pages that list objections: read with it, never written.
	Household   string `json:"household,omitempty" db:"household"`
	Head        string `json:"head,omitempty" db:"head"`
	ItemName    string `json:"item_name,omitempty" db:"item_name"`
	EntryPoints int64  `json:"entry_points,omitempty" db:"entry_points"`
	Period      string `json:"period,omitempty" db:"period"`
}

// Errors of earning, each a precise code.
var (
	ErrNotAdopted        = fault.New(fault.Unprocessable, "rule_book_not_adopted", "the rule book version is not adopted")
	ErrNotDraft          = fault.New(fault.Conflict, "rule_book_not_draft", "an adopted rule book cannot change: draft a new version")
	ErrVoteFailed        = fault.New(fault.Unprocessable, "assembly_vote_failed", "the assembly did not vote it through")
	ErrOverCap           = fault.New(fault.Unprocessable, "over_cap", "over the item's cap")
	ErrEvidenceRequired  = fault.New(fault.Unprocessable, "evidence_required", "this item needs evidence")
	ErrVisitsRequired    = fault.New(fault.Unprocessable, "visits_required", "this item needs the representative's visits or meetings of the month recorded first")
	ErrOtherVillage      = fault.New(fault.Unprocessable, "other_village", "belongs to another village")
	ErrOwnHousehold      = fault.New(fault.Forbidden, "own_household", "nobody reviews points for their own household")
	ErrSameAsRegistrar   = fault.New(fault.Forbidden, "reviewer_is_registrar", "the reviewer must differ from the registrar")
	ErrNotPartyMember    = fault.New(fault.Forbidden, "not_party_member", "only party members vote")
	ErrWrongApproval     = fault.New(fault.Conflict, "wrong_approval", "this item is decided another way")
	ErrNotPending        = fault.New(fault.Conflict, "entry_not_pending", "the entry was already decided")
	ErrUndecided         = fault.New(fault.Conflict, "entries_undecided", "some entries of the month are not decided yet")
	ErrNoticeClosed      = fault.New(fault.Conflict, "notice_closed", "the entry is not under public notice")
	ErrObjectionAnswered = fault.New(fault.Conflict, "objection_answered", "the objection was already answered")
	ErrNotPosted         = fault.New(fault.Conflict, "entry_not_posted", "only a posted entry can be corrected")
	ErrAlreadyCorrected  = fault.New(fault.Conflict, "entry_already_corrected", "the entry is already being corrected")
	ErrEntryNotFound     = fault.New(fault.NotFound, "entry_not_found", "no such entry")
	ErrBookNotFound      = fault.New(fault.NotFound, "rule_book_not_found", "no such rule book")
	ErrItemNotFound      = fault.New(fault.NotFound, "rule_item_not_found", "no such rule item")
	ErrMeetingNotFound   = fault.New(fault.NotFound, "meeting_not_found", "no such meeting")
	ErrObjectionNotFound = fault.New(fault.NotFound, "objection_not_found", "no such objection")
)
