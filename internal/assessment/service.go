package assessment

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
	"pointsmarket/internal/write"
)

// Deps are what the Service needs.
type Deps struct {
	Store Store
	InTx  write.InTx[Tx]
	// Plans and ProjectTx keep the villages' project plans.
	Plans     ProjectStore
	ProjectTx write.InTx[ProjectTx]
	Now       func() time.Time
}

// Service applies the assessment's workflow and its access rules.
type Service struct{ Deps }

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// inCounty reports whether p holds any role in the county: its staff, or an official of one of
// its villages (who reads the scheme their village is scored on).
func inCounty(p auth.Principal, countyID int64) bool {
	return slices.ContainsFunc(p.Grants, func(g auth.Grant) bool { return g.CountyID == countyID })
}

// ofVillage reports whether p lives in the village or holds a role in it: such a person never
// scores it, nor answers its objections.
func ofVillage(p auth.Principal, villageID int64) bool { return p.InVillage(villageID) }

// county checks that a county exists and returns its name.
func (s *Service) county(ctx context.Context, id int64) (string, error) {
	return s.Store.County(ctx, id)
}

// AdoptScheme records a new version of the county's scheme for a half-year (the county admin),
// until the half-year's ranking is published.
func (s *Service) AdoptScheme(ctx context.Context, p auth.Principal, countyID int64, in SchemeInput) (Scheme, error) {
	if _, err := s.county(ctx, countyID); err != nil {
		return Scheme{}, err
	}
	if !p.HoldsInCounty(auth.RoleCountyAdmin, countyID) {
		return Scheme{}, fmt.Errorf("adopt a scheme in county %d: %w", countyID, fault.ErrForbidden)
	}
	if _, err := ParsePeriod("period", in.Period); err != nil {
		return Scheme{}, err
	}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Scheme], error) {
		places, err := tx.Townships(ctx, countyID)
		if err != nil {
			return write.Done[Scheme]{}, err
		}
		townships := make([]int64, len(places))
		for i, pl := range places {
			townships[i] = pl.TownshipID
		}
		sc, err := in.scheme(countyID, townships)
		if err != nil {
			return write.Done[Scheme]{}, err
		}
		version, err := tx.LatestVersion(ctx, countyID, sc.Period)
		if err != nil {
			return write.Done[Scheme]{}, err
		}
		if version > 0 {
			if _, published, err := tx.LockPeriod(ctx, countyID, sc.Period, true); err != nil {
				return write.Done[Scheme]{}, err
			} else if published {
				return write.Done[Scheme]{}, ErrPublished
			}
		}
		sc.Version, sc.AdoptedBy, sc.AdoptedAt = version+1, p.PersonID, s.Now()
		if err := tx.InsertScheme(ctx, &sc); err != nil {
			return write.Done[Scheme]{}, err
		}
		events, err := audit.CountyEvents(ctx, tx, countyID, audit.Event{Action: "assessment.scheme_adopt",
			ObjectType: "assessment_scheme", ObjectID: sc.ID, After: sc})
		return write.Done[Scheme]{Value: sc, ID: sc.ID, Events: events}, err
	})
}

// Schemes lists the versions of a county's scheme for a half-year to whoever holds a role in
// the county, newest first.
func (s *Service) Schemes(ctx context.Context, p auth.Principal, countyID int64, period Period) ([]Scheme, error) {
	if _, err := s.county(ctx, countyID); err != nil {
		return nil, err
	}
	if !inCounty(p, countyID) {
		return nil, fmt.Errorf("schemes of county %d: %w", countyID, fault.ErrForbidden)
	}
	return s.Store.Schemes(ctx, countyID, period)
}

// EventInput is an event as an assessor records it.
type EventInput struct {
	Item        string `json:"item"`
	OccurredOn  string `json:"occurred_on"`
	Description string `json:"description"`
	Evidence    string `json:"evidence"`
}

// locate returns a village's place and county, refusing unless allowed.
func (s *Service) locate(ctx context.Context, villageID int64, allowed func(Located) bool) (Located, error) {
	v, err := s.Store.LocateVillage(ctx, villageID)
	if err != nil {
		return v, err
	}
	if !allowed(v) {
		return v, fmt.Errorf("village %d: %w", villageID, fault.ErrForbidden)
	}
	return v, nil
}

// RecordEvent records an event against a village (an assessor of its township or county, who
// neither lives nor holds a role there), under the scheme of the half-year the event occurred in.
func (s *Service) RecordEvent(ctx context.Context, p auth.Principal, villageID int64, in EventInput) (Event, error) {
	v, err := s.locate(ctx, villageID, func(v Located) bool { return p.Assesses(v.Place, v.CountyID) })
	if err != nil {
		return Event{}, err
	}
	if ofVillage(p, villageID) {
		return Event{}, ErrOwnVillage
	}
	day, err := text.DateUpTo("occurred_on", in.OccurredOn, calendar.Today(s.Now()))
	if err != nil {
		return Event{}, err
	}
	desc, err := text.CleanLines("description", in.Description, 1, 500)
	if err != nil {
		return Event{}, err
	}
	evidence, err := text.CleanLines("evidence", in.Evidence, 0, 2000)
	if err != nil {
		return Event{}, err
	}
	e := Event{CountyID: v.CountyID, VillageID: v.ID, Period: PeriodOf(calendar.StartOf(day)), OccurredOn: day,
		Description: desc, Evidence: evidence, Status: Recorded, RecordedBy: p.PersonID, RecordedAt: s.Now()}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Event], error) {
		sc, err := lockOpen(ctx, tx, v.CountyID, e.Period, false)
		if err != nil {
			return write.Done[Event]{}, err
		}
		it, ok := sc.item(in.Item)
		if !ok || it.Parent == "" && it.Kind != KindZero || it.TownshipID != 0 && it.TownshipID != v.TownshipID {
			return write.Done[Event]{}, ErrUnknownItem.WithDetails(map[string]any{"item": in.Item})
		}
		if it.EvidenceRequired && evidence == "" {
			return write.Done[Event]{}, ErrEvidenceRequired
		}
		e.Item = it.Code
		if err := tx.InsertEvent(ctx, &e); err != nil {
			return write.Done[Event]{}, err
		}
		e = withWindow(e, sc)
		return write.Done[Event]{Value: e, ID: e.ID, Events: []audit.Event{{Place: v.Place, Action: "assessment.event_record",
			ObjectType: "assessment_event", ObjectID: e.ID, After: e}}}, nil
	})
}

// lockOpen takes the half-year's lock (shared for a change to its scores, exclusive to publish)
// and returns its scheme: ErrNoSchemeInForce without one, ErrPublished once it is published.
func lockOpen(ctx context.Context, tx Tx, countyID int64, period Period, exclusive bool) (Scheme, error) {
	sc, published, err := tx.LockPeriod(ctx, countyID, period, exclusive)
	switch {
	case errors.Is(err, ErrNoScheme):
		return sc, ErrNoSchemeInForce.WithDetails(map[string]any{"period": period})
	case err != nil:
		return sc, err
	case published:
		return sc, ErrPublished
	}
	return sc, nil
}

func withWindow(e Event, sc Scheme) Event {
	until := e.RecordedAt.AddDate(0, 0, sc.ObjectionDays)
	e.ObjectionUntil = &until
	return e
}

// ObjectionInput is the village's objection to an event.
type ObjectionInput struct {
	Text string `json:"text"`
}

// Object records the village's objection to an event (its clerk or branch committee), within the
// scheme's window; the event still counts until the objection is answered.
func (s *Service) Object(ctx context.Context, p auth.Principal, id int64, in ObjectionInput) (Event, error) {
	why, err := text.CleanLines("text", in.Text, 1, 1000)
	if err != nil {
		return Event{}, err
	}
	return s.onEvent(ctx, id, func(v Located) bool {
		return p.HoldsIn(auth.RoleClerk, v.Place) || p.HoldsIn(auth.RoleBranchCommittee, v.Place)
	}, func(e *Event, sc Scheme) error {
		if e.Status != Recorded {
			return ErrWrongStep
		}
		if !s.Now().Before(*withWindow(*e, sc).ObjectionUntil) {
			return ErrObjectionClosed
		}
		now := s.Now()
		e.Status, e.Objection, e.ObjectedBy, e.ObjectedAt = Objected, why, &p.PersonID, &now
		return nil
	}, "assessment.event_object")
}

// AnswerInput is the township's (or county's) answer to an objection.
type AnswerInput struct {
	Upheld *bool  `json:"upheld"`
	Answer string `json:"answer"`
}

// Answer answers a village's objection (the township admin of the village or the county admin —
// never the event's recorder, nor anyone of the village): upheld withdraws the event.
func (s *Service) Answer(ctx context.Context, p auth.Principal, id int64, in AnswerInput) (Event, error) {
	if in.Upheld == nil {
		return Event{}, fault.Invalidf("upheld is required: true withdraws the event, false confirms it")
	}
	answer, err := text.CleanLines("answer", in.Answer, 1, 1000)
	if err != nil {
		return Event{}, err
	}
	return s.onEvent(ctx, id, func(v Located) bool {
		return p.HoldsIn(auth.RoleTownshipAdmin, v.Place) || p.HoldsInCounty(auth.RoleCountyAdmin, v.CountyID)
	}, func(e *Event, _ Scheme) error {
		switch {
		case e.RecordedBy == p.PersonID:
			return ErrSelfAnswer
		case ofVillage(p, e.VillageID):
			return ErrOwnVillage
		case e.Status != Objected:
			return ErrWrongStep
		}
		now := s.Now()
		e.Status, e.Answer, e.AnsweredBy, e.AnsweredAt = Confirmed, answer, &p.PersonID, &now
		if *in.Upheld {
			e.Status = Withdrawn
		}
		return nil
	}, "assessment.event_answer")
}

// onEvent is the shape of a step on an event: allowed for the village, then change under the
// event's row lock and the half-year's shared lock, refused once the ranking is published.
func (s *Service) onEvent(ctx context.Context, id int64, allowed func(Located) bool, change func(*Event, Scheme) error, action string) (Event, error) {
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Event], error) {
		e, err := tx.EventLocked(ctx, id)
		if err != nil {
			return write.Done[Event]{}, err
		}
		v, err := s.locate(ctx, e.VillageID, allowed)
		if err != nil {
			return write.Done[Event]{}, err
		}
		sc, err := lockOpen(ctx, tx, e.CountyID, e.Period, false)
		if err != nil {
			return write.Done[Event]{}, err
		}
		before := e
		if err := change(&e, sc); err != nil {
			return write.Done[Event]{}, err
		}
		if err := tx.SaveEvent(ctx, e); err != nil {
			return write.Done[Event]{}, err
		}
		e = withWindow(e, sc)
		return write.Done[Event]{Value: e, ID: e.ID, Events: []audit.Event{{Place: v.Place, Action: action,
			ObjectType: "assessment_event", ObjectID: e.ID, Before: before, After: e}}}, nil
	})
}

// TaskInput is an inspection task as an assessor gives it.
type TaskInput struct {
	Title string `json:"title"`
	DueOn string `json:"due_on"`
}

// GiveTask gives a village an inspection task with a deadline (an assessor of its township or
// county, not of the village); it counts in the half-year of its deadline.
func (s *Service) GiveTask(ctx context.Context, p auth.Principal, villageID int64, in TaskInput) (Task, error) {
	v, err := s.locate(ctx, villageID, func(v Located) bool { return p.Assesses(v.Place, v.CountyID) })
	if err != nil {
		return Task{}, err
	}
	if ofVillage(p, villageID) {
		return Task{}, ErrOwnVillage
	}
	title, err := text.Clean("title", in.Title, 1, 200)
	if err != nil {
		return Task{}, err
	}
	due, err := text.Date("due_on", in.DueOn)
	if err != nil {
		return Task{}, err
	}
	today := calendar.Today(s.Now())
	if due.Before(today) || due.After(today.AddDate(0, 6, 0)) {
		return Task{}, fault.Invalidf("due_on must be from today to six months ahead")
	}
	t := Task{CountyID: v.CountyID, VillageID: v.ID, Period: PeriodOf(calendar.StartOf(due)), Title: title, DueOn: due,
		GivenBy: p.PersonID, GivenAt: s.Now()}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Task], error) {
		if _, err := lockOpen(ctx, tx, v.CountyID, t.Period, false); err != nil {
			return write.Done[Task]{}, err
		}
		if err := tx.InsertTask(ctx, &t); err != nil {
			return write.Done[Task]{}, err
		}
		return write.Done[Task]{Value: t, ID: t.ID, Events: []audit.Event{{Place: v.Place, Action: "assessment.task_give",
			ObjectType: "assessment_task", ObjectID: t.ID, After: t}}}, nil
	})
}

// CompletionInput is what the village did about a task.
type CompletionInput struct {
	Note string `json:"note"`
}

// CompleteTask records the village's report that it completed a task (its clerk), dated today:
// late when after the deadline; it counts once an assessor confirms it (ConfirmTask).
func (s *Service) CompleteTask(ctx context.Context, p auth.Principal, id int64, in CompletionInput) (Task, error) {
	note, err := text.CleanLines("note", in.Note, 1, 1000)
	if err != nil {
		return Task{}, err
	}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Task], error) {
		t, err := tx.TaskLocked(ctx, id)
		if err != nil {
			return write.Done[Task]{}, err
		}
		v, err := s.locate(ctx, t.VillageID, func(v Located) bool { return p.HoldsIn(auth.RoleClerk, v.Place) })
		if err != nil {
			return write.Done[Task]{}, err
		}
		if t.DoneOn != nil {
			return write.Done[Task]{}, ErrTaskDone
		}
		if _, err := lockOpen(ctx, tx, t.CountyID, t.Period, false); err != nil {
			return write.Done[Task]{}, err
		}
		before := t
		today := calendar.Today(s.Now())
		t.DoneOn, t.DoneBy, t.DoneNote = &today, &p.PersonID, note
		if err := tx.SaveTask(ctx, t); err != nil {
			return write.Done[Task]{}, err
		}
		return write.Done[Task]{Value: t, ID: t.ID, Events: []audit.Event{{Place: v.Place, Action: "assessment.task_complete",
			ObjectType: "assessment_task", ObjectID: t.ID, Before: before, After: t}}}, nil
	})
}

// ConfirmTask confirms a village's report that a task is done (an assessor of its township or
// county who is not of the village): only a confirmed task counts, so that the clerk alone cannot
// raise the village's score.
func (s *Service) ConfirmTask(ctx context.Context, p auth.Principal, id int64) (Task, error) {
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Task], error) {
		t, err := tx.TaskLocked(ctx, id)
		if err != nil {
			return write.Done[Task]{}, err
		}
		v, err := s.locate(ctx, t.VillageID, func(v Located) bool { return p.Assesses(v.Place, v.CountyID) })
		if err != nil {
			return write.Done[Task]{}, err
		}
		if ofVillage(p, v.ID) {
			return write.Done[Task]{}, ErrOwnVillage
		}
		if t.DoneOn == nil || t.ConfirmedBy != nil {
			return write.Done[Task]{}, ErrWrongStep
		}
		if _, err := lockOpen(ctx, tx, t.CountyID, t.Period, false); err != nil {
			return write.Done[Task]{}, err
		}
		before, now := t, s.Now()
		t.ConfirmedBy, t.ConfirmedAt = &p.PersonID, &now
		if err := tx.SaveTask(ctx, t); err != nil {
			return write.Done[Task]{}, err
		}
		return write.Done[Task]{Value: t, ID: t.ID, Events: []audit.Event{{Place: v.Place, Action: "assessment.task_confirm",
			ObjectType: "assessment_task", ObjectID: t.ID, Before: before, After: t}}}, nil
	})
}
