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
	"pointsmarket/internal/notify"
	"pointsmarket/internal/org"
	"pointsmarket/internal/redact"
	"pointsmarket/internal/text"
	"pointsmarket/internal/write"
)

// Meeting is a courtyard meeting (屋场会): where and when, which households came, and the problems
// they raised — each a request in the ledger above (问题台账), solved on the spot or left with the
// village to handle, with a follow-up visit (回访) scheduled and then recorded.
type Meeting struct {
	ID         int64     `json:"id" db:"id"`
	VillageID  int64     `json:"village_id" db:"village_id"`
	Place      string    `json:"place" db:"place"`
	HeldOn     time.Time `json:"held_on" db:"held_on"`
	RecordedBy int64     `json:"recorded_by" db:"recorded_by"`
	CreatedAt  time.Time `json:"created_at" db:"created_at"`
	Attendees  []Present `json:"attendees" db:"-"`
	Problems   []Problem `json:"problems" db:"-"`
}

// Present is a household that came to a meeting (its head masked on the board).
type Present struct {
	HouseholdID int64  `json:"household_id" db:"household_id"`
	Household   string `json:"household" db:"household"`
	Head        string `json:"head" db:"head"`
}

// Problem is one problem raised at a meeting, as a request, with its follow-up.
type Problem struct {
	ID           int64      `json:"id" db:"id"`
	MeetingID    int64      `json:"meeting_id" db:"meeting_id"`
	RequestID    int64      `json:"request_id" db:"request_id"`
	HouseholdID  int64      `json:"household_id" db:"household_id"`
	Category     Category   `json:"category" db:"category"`
	Text         string     `json:"text" db:"text"`
	Status       Status     `json:"status" db:"status"`
	Answer       string     `json:"answer" db:"answer"`
	FollowUpOn   time.Time  `json:"follow_up_on" db:"follow_up_on"`
	FollowedUpOn *time.Time `json:"followed_up_on" db:"followed_up_on"`
	FollowUpNote string     `json:"follow_up_note" db:"follow_up_note"`
	FollowedUpBy *int64     `json:"followed_up_by" db:"followed_up_by"`
}

// MeetingStore reads the courtyard meetings.
type MeetingStore interface {
	// Meetings returns a village's meetings, newest first, with their attendees and problems.
	Meetings(ctx context.Context, villageID int64, limit int) ([]Meeting, error)
	// Problem returns a problem, or ErrProblemNotFound.
	Problem(ctx context.Context, id int64) (Problem, error)
}

// MeetingTx is what the meeting workflows need besides the requests'.
type MeetingTx interface {
	InsertMeeting(ctx context.Context, m *Meeting) error
	InsertProblem(ctx context.Context, p *Problem) error
	SaveFollowUp(ctx context.Context, p Problem) (bool, error)
}

// Errors of the courtyard meetings.
var (
	ErrProblemNotFound = fault.New(fault.NotFound, "problem_not_found", "no such problem in the ledger")
	ErrFollowedUp      = fault.New(fault.Conflict, "already_followed_up", "that problem's follow-up visit was already recorded")
)

// ProblemInput is a problem raised at a meeting.
type ProblemInput struct {
	HouseholdID int64  `json:"household_id"`
	Category    string `json:"category"`
	Text        string `json:"text"`
	Solved      bool   `json:"solved"`
	Answer      string `json:"answer"`
	FollowUpOn  string `json:"follow_up_on"`
}

// MeetingInput is a courtyard meeting as the village office records it.
type MeetingInput struct {
	Place      string         `json:"place"`
	HeldOn     string         `json:"held_on"`
	Households []int64        `json:"households"`
	Problems   []ProblemInput `json:"problems"`
}

// RecordMeeting records a courtyard meeting (the village's clerk or branch committee): each problem
// raised by a household that came becomes a request of that household, filed on its behalf;
// one solved on the spot is answered there and then, resolved. Each has its follow-up date.
func (s *Service) RecordMeeting(ctx context.Context, p auth.Principal, villageID int64, in MeetingInput) (Meeting, error) {
	pl, err := s.Org.VillagePlace(ctx, villageID)
	if err != nil {
		return Meeting{}, err
	}
	if !p.HoldsIn(auth.RoleClerk, pl) && !p.HoldsIn(auth.RoleBranchCommittee, pl) {
		return Meeting{}, fmt.Errorf("record a courtyard meeting in village %d: %w", villageID, fault.ErrForbidden)
	}
	place, err := text.Clean("place", in.Place, 1, 100)
	if err != nil {
		return Meeting{}, err
	}
	today := calendar.Today(s.Now())
	held, err := text.DateUpTo("held_on", in.HeldOn, today)
	if err != nil {
		return Meeting{}, err
	}
	if len(in.Households) == 0 || len(in.Households) > 1000 || len(in.Problems) > 100 {
		return Meeting{}, fault.Invalidf("households must list from 1 to 1000 households that came; problems at most 100")
	}
	present := make([]Present, 0, len(in.Households))
	for _, id := range in.Households {
		h, err := s.Org.Household(ctx, id)
		if err != nil {
			return Meeting{}, err
		}
		if h.VillageID != villageID {
			return Meeting{}, fault.Invalidf("household %d is not of this village", id)
		}
		if !slices.ContainsFunc(present, func(x Present) bool { return x.HouseholdID == id }) {
			present = append(present, Present{HouseholdID: id, Household: h.Number, Head: h.HeadName})
		}
	}
	t, err := s.Org.Township(ctx, pl.TownshipID)
	if err != nil {
		return Meeting{}, err
	}
	type planned struct {
		r      Request
		h      Handling
		p      Problem
		solved bool
		answer string
	}
	var plans []planned
	for i, pi := range in.Problems {
		if !slices.ContainsFunc(present, func(x Present) bool { return x.HouseholdID == pi.HouseholdID }) {
			return Meeting{}, fault.Invalidf("problems[%d]: the household that raised it must be one that came", i)
		}
		c, err := parseCategory(pi.Category)
		if err != nil {
			return Meeting{}, err
		}
		body, err := text.CleanLines("problems.text", pi.Text, 1, 2000)
		if err != nil {
			return Meeting{}, err
		}
		follow, err := text.Date("problems.follow_up_on", pi.FollowUpOn)
		if err != nil {
			return Meeting{}, err
		}
		if follow.Before(held) {
			return Meeting{}, fault.Invalidf("problems[%d]: the follow-up visit comes on or after the meeting", i)
		}
		var answer string
		if pi.Solved && pi.HouseholdID == p.HouseholdID {
			return Meeting{}, ErrOwnHousehold // nobody settles their own household's problem: it stays open for another
		}
		if pi.Solved {
			if answer, err = text.CleanLines("problems.answer", pi.Answer, 1, 2000); err != nil {
				return Meeting{}, fault.Invalidf("problems[%d]: a problem solved on the spot says how (answer)", i)
			}
		}
		now := s.Now()
		due, err := s.due(ctx, t.CountyID, c, Normal, now)
		if err != nil {
			return Meeting{}, err
		}
		r := Request{VillageID: villageID, TownshipID: pl.TownshipID, CountyID: t.CountyID, HouseholdID: pi.HouseholdID, FiledBy: p.PersonID,
			OnBehalf: true, Category: c, Difficulty: Normal, Text: body, Level: AtVillage, Status: Open, FiledAt: now, DueAt: due}
		plans = append(plans, planned{r: r, h: Handling{Level: AtVillage, UnitID: villageID, AssignedAt: now, DueAt: due},
			p: Problem{HouseholdID: pi.HouseholdID, Category: c, Text: body, FollowUpOn: follow}, solved: pi.Solved, answer: answer})
	}
	m := Meeting{VillageID: villageID, Place: place, HeldOn: held, RecordedBy: p.PersonID, CreatedAt: s.Now(), Attendees: present, Problems: []Problem{}}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Meeting], error) {
		if err := tx.InsertMeeting(ctx, &m); err != nil {
			return write.Done[Meeting]{}, err
		}
		events := []audit.Event{}
		var notices []notify.Notice
		for _, pl := range plans {
			r, h := pl.r, pl.h
			if err := tx.InsertRequest(ctx, &r, &h); err != nil {
				return write.Done[Meeting]{}, err
			}
			r.Handlings = []Handling{h}
			events = append(events, event(r, "request.file", nil, r))
			if pl.solved {
				resolved := true
				h.Resolved = &resolved
				if err := s.closeTurn(ctx, tx, &r, &h, OutAnswered, &p.PersonID, pl.answer); err != nil {
					return write.Done[Meeting]{}, err
				}
				now := s.Now()
				r.Status, r.Answer, r.Resolved, r.AnsweredAt = Answered, pl.answer, &resolved, &now
				if err := tx.SaveRequest(ctx, r); err != nil {
					return write.Done[Meeting]{}, err
				}
				after := r
				after.Handlings = nil
				events = append(events, event(r, "request.answer", nil, map[string]any{"request": after, "handling": h}))
			}
			prob := pl.p
			prob.MeetingID, prob.RequestID, prob.Status, prob.Answer = m.ID, r.ID, r.Status, r.Answer
			if err := tx.InsertProblem(ctx, &prob); err != nil {
				return write.Done[Meeting]{}, err
			}
			m.Problems = append(m.Problems, prob)
			notices = append(notices, notify.Notice{To: []notify.To{{HouseholdID: r.HouseholdID}}, Kind: notify.RequestAnswered,
				Title: "屋场会上您反映的问题已记入台账", Body: fmt.Sprintf("%s：%s", categoryName[r.Category], clip(r.Text, 60)),
				Link: fmt.Sprintf("/requests/%d", r.ID), Key: fmt.Sprintf("request:%d:courtyard", r.ID), Except: p.PersonID})
		}
		events = append(events, audit.Event{Place: pl, Action: "courtyard.record", ObjectType: "courtyard_meeting", ObjectID: m.ID, After: m})
		return write.Done[Meeting]{Value: m, ID: m.ID, Events: events, Notices: notices}, nil
	})
}

// Meetings lists a village's courtyard meetings with their problem ledger: in full to the village
// office, its committee and supervisors and the township; the attendees' heads masked to others
// (the board).
func (s *Service) Meetings(ctx context.Context, p *auth.Principal, villageID int64) ([]Meeting, error) {
	pl, err := s.Org.VillagePlace(ctx, villageID)
	if err != nil {
		return nil, err
	}
	ms, err := s.Meets.Meetings(ctx, villageID, 50)
	if err != nil {
		return nil, err
	}
	if p != nil && (p.CanReadVillage(pl) || p.HoldsIn(auth.RoleBranchCommittee, pl)) {
		return ms, nil
	}
	names, err := s.Org.Names(ctx, villageID)
	if err != nil {
		return nil, err
	}
	m := redact.New(names).Text
	for i := range ms {
		for j := range ms[i].Attendees {
			ms[i].Attendees[j].Head = org.MaskName(ms[i].Attendees[j].Head)
		}
		for j := range ms[i].Problems {
			pr := &ms[i].Problems[j]
			pr.Text, pr.Answer, pr.FollowUpNote, pr.FollowedUpBy = m(pr.Text), m(pr.Answer), m(pr.FollowUpNote), nil
		}
		ms[i].RecordedBy = 0
	}
	return ms, nil
}

// FollowUpInput is the follow-up visit (回访) of a problem.
type FollowUpInput struct {
	VisitedOn string `json:"visited_on"`
	Note      string `json:"note"`
}

// FollowUp records a problem's follow-up visit (the village's clerk or branch committee), once.
func (s *Service) FollowUp(ctx context.Context, p auth.Principal, problemID int64, in FollowUpInput) (Problem, error) {
	pr, err := s.Meets.Problem(ctx, problemID)
	if err != nil {
		return pr, err
	}
	r, err := s.Store.Request(ctx, pr.RequestID)
	if err != nil {
		return Problem{}, err
	}
	if !p.HoldsIn(auth.RoleClerk, r.Place()) && !p.HoldsIn(auth.RoleBranchCommittee, r.Place()) {
		return Problem{}, fmt.Errorf("follow up problem %d: %w", problemID, fault.ErrForbidden)
	}
	day, err := text.DateUpTo("visited_on", in.VisitedOn, calendar.Today(s.Now()))
	if err != nil {
		return Problem{}, err
	}
	note, err := text.CleanLines("note", in.Note, 1, 1000)
	if err != nil {
		return Problem{}, err
	}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Problem], error) {
		pr.FollowedUpOn, pr.FollowUpNote, pr.FollowedUpBy = &day, note, &p.PersonID
		ok, err := tx.SaveFollowUp(ctx, pr)
		if err != nil {
			return write.Done[Problem]{}, err
		}
		if !ok {
			return write.Done[Problem]{}, ErrFollowedUp
		}
		return write.Done[Problem]{Value: pr, ID: pr.ID, Events: []audit.Event{event(r, "courtyard.follow_up", nil, pr)}}, nil
	})
}
