// Package assessment is how a county scores and ranks its villages each half-year (积分换项目):
// the county adopts a scheme (items such as the six zeros, each township's sub-items, the points
// of each and what an event deducts), assessors record events and give inspection tasks, the
// village sees its score and may object within the scheme's window, the township (or county)
// answers, and at the half-year's end the county publishes the ranking: the top bands get project
// awards from the county's budget, the bottom villages are warned, and a village warned twice in a
// row is flagged for organisational handling.
//
// Nobody scores a village they live in or hold a role in; an event is answered by neither its
// recorder nor anyone of the village; a published ranking never changes.
package assessment

import (
	"context"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/write"
)

// ItemKind is how an item is scored.
type ItemKind string

// Item kinds: a zero item (零事故 …) loses its deduction per event down to nothing; an activity
// item is worth its points times the share of households with posted points, month by month; a
// tasks item is worth its points times the share of inspection tasks completed by their deadline.
const (
	KindZero     ItemKind = "zero"
	KindActivity ItemKind = "activity"
	KindTasks    ItemKind = "tasks"
)

// Item is one line of a scheme. A top item has a kind and points; a sub-item refines a zero item
// for one township (Parent, TownshipID): its events count against the parent's points, with its
// own deduction when it states one.
type Item struct {
	Code             string   `json:"code"`
	Name             string   `json:"name"`
	Kind             ItemKind `json:"kind,omitempty"`
	Points           int64    `json:"points,omitempty"`
	Deduction        int64    `json:"deduction,omitempty"`
	EvidenceRequired bool     `json:"evidence_required"`
	Parent           string   `json:"parent,omitempty"`
	TownshipID       int64    `json:"township_id,omitempty"`
}

// Band is a run of ranks that receive the same project award: ranks after the previous band's
// ToRank up to this one's.
type Band struct {
	ToRank    int   `json:"to_rank"`
	AmountFen int64 `json:"amount_fen"`
}

// Tie rules: which comparison decides between villages of equal score first; the other decides
// next, and last the village registered first (the lower id).
const (
	TieFewerEvents    = "fewer_events"
	TieHigherActivity = "higher_activity"
)

// Scheme is a county's assessment scheme for a half-year, one version of it.
type Scheme struct {
	ID            int64     `json:"id" db:"id"`
	CountyID      int64     `json:"county_id" db:"county_id"`
	Period        Period    `json:"period" db:"period"`
	Version       int       `json:"version" db:"version"`
	Title         string    `json:"title" db:"title"`
	Items         []Item    `json:"items" db:"-"`
	AwardBands    []Band    `json:"award_bands" db:"-"`
	WarnBottom    int       `json:"warn_bottom" db:"warn_bottom"`
	TieRule       string    `json:"tie_rule" db:"tie_rule"`
	BudgetFen     int64     `json:"budget_fen" db:"budget_fen"`
	ObjectionDays int       `json:"objection_days" db:"objection_days"`
	AdoptedBy     int64     `json:"adopted_by" db:"adopted_by"`
	AdoptedAt     time.Time `json:"adopted_at" db:"adopted_at"`
}

// AwardTop is how many villages receive an award: the last band's rank.
func (s Scheme) AwardTop() int {
	if len(s.AwardBands) == 0 {
		return 0
	}
	return s.AwardBands[len(s.AwardBands)-1].ToRank
}

// item returns the scheme's item of that code.
func (s Scheme) item(code string) (Item, bool) {
	for _, it := range s.Items {
		if it.Code == code {
			return it, true
		}
	}
	return Item{}, false
}

// EventStatus is where an event is: recorded (it counts), objected (it counts until answered),
// withdrawn (the objection was upheld: it no longer counts), confirmed (the objection was
// rejected).
type EventStatus string

// Statuses of an event.
const (
	Recorded  EventStatus = "recorded"
	Objected  EventStatus = "objected"
	Withdrawn EventStatus = "withdrawn"
	Confirmed EventStatus = "confirmed"
)

// Event is something an assessor recorded against a village.
type Event struct {
	ID          int64       `json:"id" db:"id"`
	CountyID    int64       `json:"county_id" db:"county_id"`
	VillageID   int64       `json:"village_id" db:"village_id"`
	Period      Period      `json:"period" db:"period"`
	Item        string      `json:"item" db:"item"`
	OccurredOn  time.Time   `json:"occurred_on" db:"occurred_on"`
	Description string      `json:"description" db:"description"`
	Evidence    string      `json:"evidence" db:"evidence"`
	Status      EventStatus `json:"status" db:"status"`
	RecordedBy  int64       `json:"recorded_by" db:"recorded_by"`
	RecordedAt  time.Time   `json:"recorded_at" db:"recorded_at"`
	Objection   string      `json:"objection" db:"objection"`
	ObjectedBy  *int64      `json:"objected_by" db:"objected_by"`
	ObjectedAt  *time.Time  `json:"objected_at" db:"objected_at"`
	Answer      string      `json:"answer" db:"answer"`
	AnsweredBy  *int64      `json:"answered_by" db:"answered_by"`
	AnsweredAt  *time.Time  `json:"answered_at" db:"answered_at"`
	// ObjectionUntil is when the village's window to object closes (from the scheme's days).
	ObjectionUntil *time.Time `json:"objection_until,omitempty" db:"-"`
}

// Counts reports whether the event deducts from the village's score.
func (e Event) Counts() bool { return e.Status != Withdrawn }

// Task is an inspection task given to a village (交办), with its deadline and completion.
type Task struct {
	ID        int64      `json:"id" db:"id"`
	CountyID  int64      `json:"county_id" db:"county_id"`
	VillageID int64      `json:"village_id" db:"village_id"`
	Period    Period     `json:"period" db:"period"`
	Title     string     `json:"title" db:"title"`
	DueOn     time.Time  `json:"due_on" db:"due_on"`
	GivenBy   int64      `json:"given_by" db:"given_by"`
	GivenAt   time.Time  `json:"given_at" db:"given_at"`
	DoneOn    *time.Time `json:"done_on" db:"done_on"`
	DoneBy    *int64     `json:"done_by" db:"done_by"`
	DoneNote  string     `json:"done_note" db:"done_note"`
	// ConfirmedBy is the assessor who confirmed the village's report: until then it does not count.
	ConfirmedBy *int64     `json:"confirmed_by" db:"confirmed_by"`
	ConfirmedAt *time.Time `json:"confirmed_at" db:"confirmed_at"`
}

// Located is a village with where it is: its place and county.
type Located struct {
	ID       int64  `db:"id"`
	Name     string `db:"name"`
	CountyID int64  `db:"county_id"`
	auth.Place
}

// Errors of the assessment.
var (
	ErrCountyNotFound   = fault.New(fault.NotFound, "county_not_found", "no such county")
	ErrNoScheme         = fault.New(fault.NotFound, "scheme_not_found", "the county has adopted no assessment scheme for that half-year")
	ErrNoSchemeInForce  = fault.New(fault.Conflict, "no_scheme_in_force", "the county has adopted no assessment scheme for that half-year yet")
	ErrUnknownItem      = fault.New(fault.Unprocessable, "unknown_item", "the scheme has no such item for this village")
	ErrEvidenceRequired = fault.New(fault.Unprocessable, "evidence_required", "this item needs evidence")
	ErrPublished        = fault.New(fault.Conflict, "ranking_published", "the half-year's ranking is published: its scores no longer change")
	ErrNotPublished     = fault.New(fault.NotFound, "ranking_not_published", "the county has not published the ranking of that half-year")
	ErrPeriodOpen       = fault.New(fault.Conflict, "period_not_closed", "the half-year has not ended: its ranking is published after it")
	ErrObjectionsOpen   = fault.New(fault.Conflict, "objections_open", "some villages' objections are unanswered or still within their window")
	ErrOwnVillage       = fault.New(fault.Forbidden, "conflict_of_interest", "nobody assesses, or answers for, a village they live in or hold a role in")
	ErrSelfAnswer       = fault.New(fault.Forbidden, "self_approval", "an objection is answered by someone other than the event's recorder")
	ErrEventNotFound    = fault.New(fault.NotFound, "event_not_found", "no such assessment event")
	ErrTaskNotFound     = fault.New(fault.NotFound, "task_not_found", "no such inspection task")
	ErrWrongStep        = fault.New(fault.Conflict, "assessment_wrong_step", "it is not at this step")
	ErrObjectionClosed  = fault.New(fault.Conflict, "objection_window_closed", "the window to object to this event has closed")
	ErrTaskDone         = fault.New(fault.Conflict, "task_already_done", "the task was already completed")
)

// Store reads what the assessment needs; its writes are this package's workflows, run in a Tx.
type Store interface {
	// County returns a county's name, or ErrCountyNotFound.
	County(ctx context.Context, id int64) (string, error)
	// LocateVillage returns a village's place and county, or fault.ErrNotFound.
	LocateVillage(ctx context.Context, villageID int64) (Located, error)
	// Schemes returns a county's schemes of a half-year, newest version first.
	Schemes(ctx context.Context, countyID int64, period Period) ([]Scheme, error)
	// Events returns a village's events of a half-year, oldest first.
	Events(ctx context.Context, villageID int64, period Period) ([]Event, error)
	// Tasks returns a village's inspection tasks of a half-year, by deadline.
	Tasks(ctx context.Context, villageID int64, period Period) ([]Task, error)
	Standings
	// Published returns a county's published ranking of a half-year, its villages by rank, or
	// ErrNotPublished.
	Published(ctx context.Context, countyID int64, period Period) (Ranking, error)
}

// Standings computes what villages are scored on.
type Standings interface {
	// Standings returns what each village of a county (or only villageID, when not 0) is scored
	// on over the months given: counting events by item, tasks given and completed on time,
	// households and their monthly activity.
	Standings(ctx context.Context, countyID, villageID int64, period Period, months []string) ([]Standing, error)
}

// Tx is what the workflows need of their transaction.
type Tx interface {
	write.Tx
	Standings
	// Townships returns the ids of a county's townships: county-level acts are audited in each.
	Townships(ctx context.Context, countyID int64) ([]auth.Place, error)
	// LockPeriod takes the half-year's lock (exclusive to publish, shared to score) and returns
	// its scheme in force (ErrNoScheme when none) and whether its ranking is published.
	LockPeriod(ctx context.Context, countyID int64, period Period, exclusive bool) (Scheme, bool, error)
	// LatestVersion returns the newest version of a county's scheme for a half-year (0: none),
	// under a lock that orders concurrent adoptions.
	LatestVersion(ctx context.Context, countyID int64, period Period) (int, error)
	InsertScheme(ctx context.Context, s *Scheme) error
	InsertEvent(ctx context.Context, e *Event) error
	// EventLocked reads an event under a row lock, or ErrEventNotFound.
	EventLocked(ctx context.Context, id int64) (Event, error)
	SaveEvent(ctx context.Context, e Event) error
	InsertTask(ctx context.Context, t *Task) error
	// TaskLocked reads a task under a row lock, or ErrTaskNotFound.
	TaskLocked(ctx context.Context, id int64) (Task, error)
	SaveTask(ctx context.Context, t Task) error
	// OpenObjections counts a half-year's events still objected to, or recorded after since (and
	// so still within their window).
	OpenObjections(ctx context.Context, countyID int64, period Period, since time.Time) (int, error)
	// Warned returns the villages warned in a county's published ranking of a half-year.
	Warned(ctx context.Context, countyID int64, period Period) (map[int64]bool, error)
	// InsertRanking writes a published ranking.
	InsertRanking(ctx context.Context, r Ranking) error
}
