// Package request is the villagers' voice (民情诉求): a villager — or a representative or party
// member on a household's behalf, said so — files a request; the village handles it or passes it
// up to the township, which handles it or passes it to a county department. Each handling has a
// deadline in working days by the request's category and difficulty (the county may set its
// own); a village that lets one pass is overtaken (the request escalates to the township), a
// township or department is flagged, and an alert is raised either way. The handler's answer says
// whether it resolved the request; the household rates it, and a not-satisfied rating may reopen
// it once. Each handling is a row of its own: the three rates (package rates) of the village, the
// township and each department are counted from them.
package request

import (
	"context"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/rates"
	"pointsmarket/internal/write"
)

// Category is what a request is about.
type Category string

// Categories of requests.
const (
	Consultation Category = "consultation"
	Help         Category = "help"
	Complaint    Category = "complaint"
	Dispute      Category = "dispute"
	Suggestion   Category = "suggestion"
)

// Difficulty is how hard a request is to handle: it sets the deadline with the category.
type Difficulty string

// Difficulties.
const (
	Simple  Difficulty = "simple"
	Normal  Difficulty = "normal"
	Complex Difficulty = "complex"
)

// Level is who holds a request: the village, its township, or a county department.
type Level string

// Levels, from the village up.
const (
	AtVillage    Level = "village"
	AtTownship   Level = "township"
	AtDepartment Level = "department"
)

// Status is where a request is: open (a unit holds it), answered (awaiting the household's
// rating), closed (rated).
type Status string

// Statuses of a request.
const (
	Open     Status = "open"
	Answered Status = "answered"
	Closed   Status = "closed"
)

// Rating is the household's verdict on the answer.
type Rating string

// Ratings.
const (
	Satisfied    Rating = "satisfied"
	Basic        Rating = "basic" // 基本满意
	NotSatisfied Rating = "not"
)

// Outcome is how a handling ended.
type Outcome string

// Outcomes of a handling.
const (
	OutAnswered  Outcome = "answered"
	OutReferred  Outcome = "referred"
	OutEscalated Outcome = "escalated" // its deadline passed at the village: the township took it
)

// Request is one request of a villager's household.
type Request struct {
	ID           int64      `json:"id" db:"id"`
	VillageID    int64      `json:"village_id" db:"village_id"`
	TownshipID   int64      `json:"township_id" db:"township_id"`
	CountyID     int64      `json:"county_id" db:"county_id"`
	HouseholdID  int64      `json:"household_id" db:"household_id"`
	Household    string     `json:"household" db:"household"` // its number
	FiledBy      int64      `json:"filed_by" db:"filed_by"`
	OnBehalf     bool       `json:"on_behalf" db:"on_behalf"` // filed by a representative or party member for the household
	Category     Category   `json:"category" db:"category"`
	Difficulty   Difficulty `json:"difficulty" db:"difficulty"`
	Text         string     `json:"text" db:"text"`
	Public       bool       `json:"public" db:"public"`
	Level        Level      `json:"level" db:"level"`
	DepartmentID *int64     `json:"department_id" db:"department_id"`
	Status       Status     `json:"status" db:"status"`
	FiledAt      time.Time  `json:"filed_at" db:"filed_at"`
	DueAt        time.Time  `json:"due_at" db:"due_at"` // the deadline of the handling in course (or the last)
	Overdue      bool       `json:"overdue" db:"overdue"`
	Answer       string     `json:"answer" db:"answer"`
	Resolved     *bool      `json:"resolved" db:"resolved"`
	AnsweredAt   *time.Time `json:"answered_at" db:"answered_at"`
	Rating       *Rating    `json:"rating" db:"rating"`
	Reopened     bool       `json:"reopened" db:"reopened"`
	HandlingID   int64      `json:"-" db:"handling_id"`
	Handlings    []Handling `json:"handlings,omitempty" db:"-"` // read with one request
}

// Handling is one unit's turn with a request: its deadline and how it ended.
type Handling struct {
	ID         int64      `json:"id" db:"id"`
	RequestID  int64      `json:"request_id" db:"request_id"`
	Level      Level      `json:"level" db:"level"`
	UnitID     int64      `json:"unit_id" db:"unit_id"` // the village, township or department
	Unit       string     `json:"unit" db:"unit"`       // its name
	AssignedAt time.Time  `json:"assigned_at" db:"assigned_at"`
	DueAt      time.Time  `json:"due_at" db:"due_at"`
	ClosedAt   *time.Time `json:"closed_at" db:"closed_at"`
	Outcome    *Outcome   `json:"outcome" db:"outcome"`
	InTime     *bool      `json:"in_time" db:"in_time"`
	By         *int64     `json:"by" db:"by_person"`
	Note       string     `json:"note" db:"note"` // the answer, or why it was passed on
	Resolved   *bool      `json:"resolved" db:"resolved"`
	Rating     *Rating    `json:"rating" db:"rating"`
	Alerted    bool       `json:"-" db:"alerted"`
}

// Department is a county department that takes requests the townships pass on (民政、自然资源…).
type Department struct {
	ID       int64  `json:"id" db:"id"`
	CountyID int64  `json:"county_id" db:"county_id"`
	Name     string `json:"name" db:"name"`
}

// UnitRates are a unit's request figures over a period: how many handlings, and the three rates.
type UnitRates struct {
	Level     Level  `json:"level"`
	UnitID    int64  `json:"unit_id"`
	From      string `json:"from"`
	To        string `json:"to"`
	Handlings int    `json:"handlings"`
	rates.Rates
}

// Errors of requests.
var (
	ErrNotFound       = fault.New(fault.NotFound, "request_not_found", "no such request")
	ErrDeptNotFound   = fault.New(fault.NotFound, "department_not_found", "no such department in the county")
	ErrWrongStep      = fault.New(fault.Conflict, "request_wrong_step", "the request is not at this step")
	ErrNotHolder      = fault.New(fault.Forbidden, "not_assigned", "the request is not with your unit: only those it is assigned to answer or pass it on")
	ErrOwnHousehold   = fault.New(fault.Forbidden, "own_household", "nobody handles a request of their own household")
	ErrNotRequester   = fault.New(fault.Forbidden, "not_requester", "only the household that made the request rates its answer")
	ErrAlreadyRated   = fault.New(fault.Conflict, "request_already_rated", "the answer was already rated")
	ErrReopenedOnce   = fault.New(fault.Conflict, "request_reopened_once", "a request is reopened once: it was reopened already")
	ErrReopenRating   = fault.New(fault.Unprocessable, "invalid_input", "only a not-satisfied rating reopens a request")
	ErrNoHigherLevel  = fault.New(fault.Unprocessable, "invalid_input", "a department answers the request: there is no level above it")
	ErrDuplicateStaff = fault.New(fault.Conflict, "already_staff", "that person is already on the department's staff")
	ErrDeptExists     = fault.New(fault.Conflict, "department_exists", "the county has a department of that name")
)

// Store reads requests; their writes are this package's workflows, run in a Tx.
type Store interface {
	// Request returns a request with its handlings, or ErrNotFound.
	Request(ctx context.Context, id int64) (Request, error)
	// Requests lists requests, newest first, by the filter.
	Requests(ctx context.Context, f Filter) ([]Request, error)
	// Counts returns a unit's counts of the handlings assigned to it in [from, to) that ended
	// or whose deadline passed by now (one still in time is not yet judged).
	Counts(ctx context.Context, level Level, unitID int64, from, to, now time.Time) (rates.Counts, error)
	// Department returns a department, or ErrDeptNotFound.
	Department(ctx context.Context, id int64) (Department, error)
	// Departments lists a county's departments by name.
	Departments(ctx context.Context, countyID int64) ([]Department, error)
	// StaffOf lists the departments a person is on the staff of.
	StaffOf(ctx context.Context, personID int64) ([]Department, error)
	// IsStaff reports whether a person is on a department's staff.
	IsStaff(ctx context.Context, departmentID, personID int64) (bool, error)
	// Deadlines returns a county's own working days by category and difficulty.
	Deadlines(ctx context.Context, countyID int64) (map[Category]map[Difficulty]int, error)
	// Due returns the open handlings whose deadline passed before now and that have not been
	// escalated or flagged yet, oldest first, at most limit.
	Due(ctx context.Context, now time.Time, limit int) ([]Handling, error)
}

// Filter selects requests.
type Filter struct {
	VillageID, TownshipID, DepartmentID, HouseholdID, FiledBy int64
	Status                                                    Status
	Public                                                    bool
	Limit                                                     int
}

// Tx is what the workflows need of their transaction.
type Tx interface {
	write.Tx
	audit.Townships
	MeetingTx
	// InsertRequest writes a request and its first handling, setting their ids.
	InsertRequest(ctx context.Context, r *Request, h *Handling) error
	// RequestLocked reads a request with its handlings under a row lock, or ErrNotFound.
	RequestLocked(ctx context.Context, id int64) (Request, error)
	// CloseHandling records how a handling ended.
	CloseHandling(ctx context.Context, h Handling) error
	// InsertHandling writes the next handling of a request and sets its id.
	InsertHandling(ctx context.Context, h *Handling) error
	// SaveRequest records a request's current state.
	SaveRequest(ctx context.Context, r Request) error
	// FlagHandling marks an overdue handling as alerted.
	FlagHandling(ctx context.Context, id int64) error
	// InsertDepartment writes a department and sets its id.
	InsertDepartment(ctx context.Context, d *Department) error
	// AddStaff puts a person on a department's staff (ErrDuplicateStaff when already).
	AddStaff(ctx context.Context, departmentID, personID int64) error
	// SetDeadline records a county's working days for a category and difficulty.
	SetDeadline(ctx context.Context, countyID int64, c Category, d Difficulty, days int) error
}

// Place is the village a request is from: its audit entries go to that village's chain, where
// its supervisors read them.
func (r Request) Place() auth.Place {
	return auth.Place{TownshipID: r.TownshipID, VillageID: r.VillageID}
}

// event is one of a request's audit entries.
func event(r Request, action string, before, after any) audit.Event {
	return audit.Event{Place: r.Place(), Action: action, ObjectType: "request", ObjectID: r.ID, Before: before, After: after}
}
