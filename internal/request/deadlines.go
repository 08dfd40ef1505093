package request

import (
	"context"
	"fmt"
	"slices"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/write"
)

// DefaultDeadlines are the working days a unit has, by category and difficulty, where the county
// set none: a consultation is answered within 3 working days whatever it asks (珙县's rule);
// the others by how hard they are.
var DefaultDeadlines = map[Category]map[Difficulty]int{
	Consultation: {Simple: 3, Normal: 3, Complex: 3},
	Help:         {Simple: 5, Normal: 10, Complex: 20},
	Complaint:    {Simple: 5, Normal: 10, Complex: 20},
	Dispute:      {Simple: 5, Normal: 15, Complex: 30},
	Suggestion:   {Simple: 10, Normal: 15, Complex: 30},
}

var (
	categories   = []Category{Consultation, Help, Complaint, Dispute, Suggestion}
	difficulties = []Difficulty{Simple, Normal, Complex}
)

func parseCategory(s string) (Category, error) {
	if c := Category(s); slices.Contains(categories, c) {
		return c, nil
	}
	return "", fault.Invalidf("category must be one of consultation, help, complaint, dispute, suggestion")
}

// parseDifficulty reads a difficulty, Normal when none is given.
func parseDifficulty(s string) (Difficulty, error) {
	if s == "" {
		return Normal, nil
	}
	if d := Difficulty(s); slices.Contains(difficulties, d) {
		return d, nil
	}
	return "", fault.Invalidf("difficulty must be one of simple, normal, complex")
}

// due is when a handling assigned at `at` must be answered, by the county's deadlines.
func (s *Service) due(ctx context.Context, countyID int64, c Category, d Difficulty, at time.Time) (time.Time, error) {
	own, err := s.Store.Deadlines(ctx, countyID)
	if err != nil {
		return time.Time{}, err
	}
	days := DefaultDeadlines[c][d]
	if n, ok := own[c][d]; ok {
		days = n
	}
	return calendar.WorkingDaysAfter(at, days), nil
}

// DeadlineInput is a county's own deadline for one category and difficulty.
type DeadlineInput struct {
	Category    string `json:"category"`
	Difficulty  string `json:"difficulty"`
	WorkingDays int    `json:"working_days"`
}

// Deadlines is a county's table of working days, its own where it set them.
type Deadlines struct {
	CountyID  int64                           `json:"county_id"`
	Deadlines map[Category]map[Difficulty]int `json:"deadlines"`
}

// CountyDeadlines returns the working days the county's units have (any official may read them).
func (s *Service) CountyDeadlines(ctx context.Context, p auth.Principal, countyID int64) (Deadlines, error) {
	if !p.IsOfficial() {
		return Deadlines{}, fmt.Errorf("deadlines of county %d: %w", countyID, fault.ErrForbidden)
	}
	own, err := s.Store.Deadlines(ctx, countyID)
	if err != nil {
		return Deadlines{}, err
	}
	out := Deadlines{CountyID: countyID, Deadlines: map[Category]map[Difficulty]int{}}
	for _, c := range categories {
		out.Deadlines[c] = map[Difficulty]int{}
		for _, d := range difficulties {
			out.Deadlines[c][d] = DefaultDeadlines[c][d]
			if n, ok := own[c][d]; ok {
				out.Deadlines[c][d] = n
			}
		}
	}
	return out, nil
}

// SetDeadline sets the county's working days for a category and difficulty (its county admin);
// a consultation is never given more than 3.
func (s *Service) SetDeadline(ctx context.Context, p auth.Principal, countyID int64, in DeadlineInput) (Deadlines, error) {
	if !p.HoldsInCounty(auth.RoleCountyAdmin, countyID) {
		return Deadlines{}, fmt.Errorf("set the deadlines of county %d: %w", countyID, fault.ErrForbidden)
	}
	c, err := parseCategory(in.Category)
	if err != nil {
		return Deadlines{}, err
	}
	d, err := parseDifficulty(in.Difficulty)
	if err != nil || in.Difficulty == "" {
		return Deadlines{}, fault.Invalidf("difficulty must be one of simple, normal, complex")
	}
	if in.WorkingDays < 1 || in.WorkingDays > 60 || c == Consultation && in.WorkingDays > 3 {
		return Deadlines{}, fault.Invalidf("working_days must be from 1 to 60, and at most 3 for a consultation")
	}
	_, err = write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[int], error) {
		if err := tx.SetDeadline(ctx, countyID, c, d, in.WorkingDays); err != nil {
			return write.Done[int]{}, err
		}
		events, err := audit.CountyEvents(ctx, tx, countyID, audit.Event{Action: "request.deadline_set", ObjectType: "county",
			ObjectID: countyID, After: DeadlineInput{Category: string(c), Difficulty: string(d), WorkingDays: in.WorkingDays}})
		return write.Done[int]{Events: events}, err
	})
	if err != nil {
		return Deadlines{}, err
	}
	return s.CountyDeadlines(ctx, p, countyID)
}
