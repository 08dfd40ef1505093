// Package grid is the households a representative or party member serves (联户): each household
// has one grid head at a time, assigned by the village office (its clerk, or the township admin),
// with the history kept; the grid head records the visits they pay their households and the
// meetings they hold, which the review meeting and the supervision read. A household sees who
// serves it and can file a request through them (package request: on its behalf).
package grid

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/org"
	"pointsmarket/internal/text"
	"pointsmarket/internal/write"
)

// Assignment is a household served by a grid head, from one day until another (or still).
type Assignment struct {
	ID          int64      `json:"id" db:"id"`
	VillageID   int64      `json:"village_id" db:"village_id"`
	HouseholdID int64      `json:"household_id" db:"household_id"`
	Household   string     `json:"household" db:"household"` // its number
	Head        string     `json:"head" db:"head"`           // the household's head
	PersonID    int64      `json:"person_id" db:"person_id"` // the grid head
	Name        string     `json:"name" db:"name"`
	Phone       string     `json:"phone" db:"phone"`
	From        time.Time  `json:"from" db:"from_at"`
	Until       *time.Time `json:"until" db:"until_at"`
	AssignedBy  int64      `json:"assigned_by" db:"assigned_by"`
	// OpenRequests counts the household's open requests (in the grid head's list).
	OpenRequests int `json:"open_requests" db:"open_requests"`
}

// Visit is what a grid head did: a visit to a household they serve, or a meeting they held
// (民情分析会), with what was done.
type Visit struct {
	ID          int64     `json:"id" db:"id"`
	VillageID   int64     `json:"village_id" db:"village_id"`
	PersonID    int64     `json:"person_id" db:"person_id"`
	Name        string    `json:"name" db:"name"`
	Kind        string    `json:"kind" db:"kind"`
	HouseholdID *int64    `json:"household_id" db:"household_id"`
	Household   string    `json:"household" db:"household"`
	On          time.Time `json:"on" db:"visited_on"`
	What        string    `json:"what" db:"what"`
	Attendance  int       `json:"attendance" db:"attendance"`
	CreatedAt   time.Time `json:"created_at" db:"created_at"`
}

// Head is someone who may serve households: a representative or party member of the village.
type Head struct {
	PersonID   int64  `json:"person_id" db:"person_id"`
	Name       string `json:"name" db:"name"`
	Households int    `json:"households" db:"households"`
}

// Kinds of visits.
const (
	KindVisit   = "visit"
	KindMeeting = "meeting"
)

// Errors of the grid.
var (
	ErrNotGridHead = fault.New(fault.Unprocessable, "not_grid_head", "a household is served by a representative or party member of its village")
	ErrNotServed   = fault.New(fault.Forbidden, "not_served", "you do not serve that household: its grid head records its visits")
)

// Store reads the grid; its writes run in a Tx.
type Store interface {
	// Current returns a household's assignment in force, or nil.
	Current(ctx context.Context, householdID int64) (*Assignment, error)
	// History returns a household's assignments, newest first.
	History(ctx context.Context, householdID int64) ([]Assignment, error)
	// Served returns the households a person serves now, by household number.
	Served(ctx context.Context, personID int64) ([]Assignment, error)
	// Heads returns the village's representatives and party members, with how many households each serves.
	Heads(ctx context.Context, villageID int64) ([]Head, error)
	// InForce returns the village's assignments in force, by household number.
	InForce(ctx context.Context, villageID int64) ([]Assignment, error)
	// Visits returns a village's visits and meetings, newest first (of one person when personID is set).
	Visits(ctx context.Context, villageID, personID int64, limit int) ([]Visit, error)
}

// Tx is what the workflows need of their transaction.
type Tx interface {
	write.Tx
	// CurrentLocked reads a household's assignment in force under a lock of the household.
	CurrentLocked(ctx context.Context, householdID int64) (*Assignment, error)
	// EndAssignment closes an assignment.
	EndAssignment(ctx context.Context, id int64, at time.Time) error
	// InsertAssignment writes an assignment and sets its id.
	InsertAssignment(ctx context.Context, a *Assignment) error
	// InsertVisit writes a visit and sets its id.
	InsertVisit(ctx context.Context, v *Visit) error
}

// Org is what the grid reads of the register.
type Org interface {
	VillagePlace(ctx context.Context, villageID int64) (auth.Place, error)
	Household(ctx context.Context, id int64) (org.Household, error)
	Person(ctx context.Context, id int64) (org.Person, error)
	Grants(ctx context.Context, personID int64) ([]auth.Grant, error)
}

// Deps are what the Service needs.
type Deps struct {
	Store Store
	InTx  write.InTx[Tx]
	Org   Org
	Now   func() time.Time
}

// Service applies the grid's rules.
type Service struct{ Deps }

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// AssignInput names a household's grid head.
type AssignInput struct {
	PersonID int64 `json:"person_id"`
}

// Assign makes a representative or party member of the village the household's grid head (the
// clerk or the township admin of the village), ending the one before.
func (s *Service) Assign(ctx context.Context, p auth.Principal, householdID int64, in AssignInput) (Assignment, error) {
	h, err := s.Org.Household(ctx, householdID)
	if err != nil {
		return Assignment{}, err
	}
	pl, err := s.Org.VillagePlace(ctx, h.VillageID)
	if err != nil {
		return Assignment{}, err
	}
	if !p.CanManageVillage(pl) {
		return Assignment{}, fmt.Errorf("assign the grid head of household %d: %w", householdID, fault.ErrForbidden)
	}
	if in.PersonID <= 0 {
		return Assignment{}, fault.Invalidf("person_id is required")
	}
	if _, err := s.Org.Person(ctx, in.PersonID); err != nil {
		return Assignment{}, err
	}
	grants, err := s.Org.Grants(ctx, in.PersonID)
	if err != nil {
		return Assignment{}, err
	}
	head := auth.Principal{PersonID: in.PersonID, Grants: grants}
	if !head.HoldsIn(auth.RoleRepresentative, pl) && !head.HoldsIn(auth.RolePartyMember, pl) {
		return Assignment{}, ErrNotGridHead
	}
	now := s.Now()
	a := Assignment{VillageID: h.VillageID, HouseholdID: householdID, PersonID: in.PersonID, From: now, AssignedBy: p.PersonID}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Assignment], error) {
		before, err := tx.CurrentLocked(ctx, householdID)
		if err != nil {
			return write.Done[Assignment]{}, err
		}
		if before != nil {
			if before.PersonID == in.PersonID {
				return write.Done[Assignment]{Value: *before}, nil // already theirs: nothing changes
			}
			if err := tx.EndAssignment(ctx, before.ID, now); err != nil {
				return write.Done[Assignment]{}, err
			}
		}
		if err := tx.InsertAssignment(ctx, &a); err != nil {
			return write.Done[Assignment]{}, err
		}
		return write.Done[Assignment]{Value: a, ID: a.ID, Events: []audit.Event{{Place: pl, Action: "grid.assign", ObjectType: "household",
			ObjectID: householdID, Before: before, After: a}}}, nil
	})
}

// GridHead returns who serves a household, with the history: for its members and the village
// office.
func (s *Service) GridHead(ctx context.Context, p auth.Principal, householdID int64) (*Assignment, []Assignment, error) {
	h, err := s.Org.Household(ctx, householdID)
	if err != nil {
		return nil, nil, err
	}
	pl, err := s.Org.VillagePlace(ctx, h.VillageID)
	if err != nil {
		return nil, nil, err
	}
	if !p.CanReadHousehold(householdID, pl) && !p.HoldsIn(auth.RoleBranchCommittee, pl) {
		return nil, nil, fmt.Errorf("grid head of household %d: %w", householdID, fault.ErrForbidden)
	}
	cur, err := s.Store.Current(ctx, householdID)
	if err != nil {
		return nil, nil, err
	}
	hist, err := s.Store.History(ctx, householdID)
	return cur, hist, err
}

// Served lists the households p serves, with their open requests.
func (s *Service) Served(ctx context.Context, p auth.Principal) ([]Assignment, error) {
	return s.Store.Served(ctx, p.PersonID)
}

// VisitInput is a visit to a household served, or a meeting held.
type VisitInput struct {
	Kind        string `json:"kind"`
	HouseholdID int64  `json:"household_id"`
	On          string `json:"on"`
	What        string `json:"what"`
	Attendance  int    `json:"attendance"`
}

// RecordVisit records a grid head's visit to a household they serve now, or a meeting they held.
func (s *Service) RecordVisit(ctx context.Context, p auth.Principal, in VisitInput) (Visit, error) {
	what, err := text.CleanLines("what", in.What, 1, 1000)
	if err != nil {
		return Visit{}, err
	}
	day, err := text.DateUpTo("on", in.On, calendar.Today(s.Now()))
	if err != nil {
		return Visit{}, err
	}
	v := Visit{PersonID: p.PersonID, Kind: in.Kind, On: day, What: what, CreatedAt: s.Now()}
	switch in.Kind {
	case KindVisit:
		cur, err := s.Store.Current(ctx, in.HouseholdID)
		if err != nil {
			return Visit{}, err
		}
		if cur == nil || cur.PersonID != p.PersonID {
			return Visit{}, ErrNotServed
		}
		v.VillageID, v.HouseholdID = cur.VillageID, &in.HouseholdID
	case KindMeeting:
		if in.Attendance < 1 || in.Attendance > 10000 {
			return Visit{}, fault.Invalidf("attendance must be from 1 to 10000")
		}
		v.VillageID, v.Attendance = p.Home.VillageID, in.Attendance
		pl, err := s.Org.VillagePlace(ctx, v.VillageID)
		if err != nil || v.VillageID == 0 || !p.HoldsIn(auth.RoleRepresentative, pl) && !p.HoldsIn(auth.RolePartyMember, pl) {
			return Visit{}, fmt.Errorf("record a meeting: %w", fault.ErrForbidden)
		}
	default:
		return Visit{}, fault.Invalidf("kind must be visit or meeting")
	}
	pl, err := s.Org.VillagePlace(ctx, v.VillageID)
	if err != nil {
		return Visit{}, err
	}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Visit], error) {
		if err := tx.InsertVisit(ctx, &v); err != nil {
			return write.Done[Visit]{}, err
		}
		return write.Done[Visit]{Value: v, ID: v.ID, Events: []audit.Event{{Place: pl, Action: "grid.visit", ObjectType: "visit", ObjectID: v.ID, After: v}}}, nil
	})
}

// Visits lists a village's visits and meetings (of one grid head when personID is set): for the
// village office, its committee and supervisors, and the grid head's own.
func (s *Service) Visits(ctx context.Context, p auth.Principal, villageID, personID int64) ([]Visit, error) {
	pl, err := s.Org.VillagePlace(ctx, villageID)
	if err != nil {
		return nil, err
	}
	if !p.CanReadVillage(pl) && !p.HoldsIn(auth.RoleBranchCommittee, pl) {
		if personID != p.PersonID {
			return nil, fmt.Errorf("visits of village %d: %w", villageID, fault.ErrForbidden)
		}
	}
	return s.Store.Visits(ctx, villageID, personID, 200)
}

// Village is a village's grid: who may serve, and which household each serves now (the village
// office and its committee and supervisors).
func (s *Service) Village(ctx context.Context, p auth.Principal, villageID int64) ([]Head, []Assignment, error) {
	pl, err := s.Org.VillagePlace(ctx, villageID)
	if err != nil {
		return nil, nil, err
	}
	if !p.CanReadVillage(pl) && !p.HoldsIn(auth.RoleBranchCommittee, pl) {
		return nil, nil, fmt.Errorf("grid of village %d: %w", villageID, fault.ErrForbidden)
	}
	heads, err := s.Store.Heads(ctx, villageID)
	if err != nil {
		return nil, nil, err
	}
	in, err := s.Store.InForce(ctx, villageID)
	return heads, in, err
}
