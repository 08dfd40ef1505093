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
	"pointsmarket/internal/text"
	"pointsmarket/internal/write"
)

// Org is what the requests read of the villages, townships and households.
type Org interface {
	VillagePlace(ctx context.Context, villageID int64) (auth.Place, error)
	Township(ctx context.Context, id int64) (org.Township, error)
	Household(ctx context.Context, id int64) (org.Household, error)
	Names(ctx context.Context, villageID int64) ([]string, error)
	Person(ctx context.Context, id int64) (org.Person, error)
}

// Alerts raises the alert of a handling whose deadline passed.
type Alerts interface {
	OnRequestOverdue(ctx context.Context, villageID, requestID, handlingID int64, level string, escalated bool)
}

// Deps are what the Service needs.
type Deps struct {
	Store  Store
	Meets  MeetingStore
	InTx   write.InTx[Tx]
	Org    Org
	Alerts Alerts
	Now    func() time.Time
}

// Service applies the request flow and its access rules.
type Service struct{ Deps }

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// FileInput is a request as a villager files it. HouseholdID is the household it is for when a
// representative or party member files it on its behalf (0: the filer's own).
type FileInput struct {
	Category    string `json:"category"`
	Difficulty  string `json:"difficulty"`
	Text        string `json:"text"`
	Public      bool   `json:"public"`
	HouseholdID int64  `json:"household_id"`
}

// File records a request of a household of the village, assigned to the village with the
// deadline of its category. A villager files for their own household; a representative or party
// member of the village may file for any household of it, and the request says so.
func (s *Service) File(ctx context.Context, p auth.Principal, villageID int64, in FileInput, key string) (Request, error) {
	if err := write.CheckKey(key); err != nil {
		return Request{}, err
	}
	pl, err := s.Org.VillagePlace(ctx, villageID)
	if err != nil {
		return Request{}, err
	}
	c, err := parseCategory(in.Category)
	if err != nil {
		return Request{}, err
	}
	d, err := parseDifficulty(in.Difficulty)
	if err != nil {
		return Request{}, err
	}
	body, err := text.CleanLines("text", in.Text, 1, 2000)
	if err != nil {
		return Request{}, err
	}
	household, onBehalf := p.HouseholdID, false
	switch {
	case in.HouseholdID != 0 && in.HouseholdID != p.HouseholdID:
		if !p.HoldsIn(auth.RoleRepresentative, pl) && !p.HoldsIn(auth.RolePartyMember, pl) {
			return Request{}, fmt.Errorf("file a request for household %d: %w", in.HouseholdID, fault.ErrForbidden)
		}
		h, err := s.Org.Household(ctx, in.HouseholdID)
		if err != nil {
			return Request{}, err
		}
		if h.VillageID != villageID {
			return Request{}, fault.Invalidf("household %d is not of this village", in.HouseholdID)
		}
		household, onBehalf = h.ID, true
	case p.Home != pl || p.HouseholdID == 0:
		return Request{}, fmt.Errorf("file a request in village %d: %w", villageID, fault.ErrForbidden)
	}
	t, err := s.Org.Township(ctx, pl.TownshipID)
	if err != nil {
		return Request{}, err
	}
	now := s.Now()
	due, err := s.due(ctx, t.CountyID, c, d, now)
	if err != nil {
		return Request{}, err
	}
	r := Request{VillageID: villageID, TownshipID: pl.TownshipID, CountyID: t.CountyID, HouseholdID: household, FiledBy: p.PersonID,
		OnBehalf: onBehalf, Category: c, Difficulty: d, Text: body, Public: in.Public, Level: AtVillage, Status: Open, FiledAt: now, DueAt: due}
	h := Handling{Level: AtVillage, UnitID: villageID, AssignedAt: now, DueAt: due}
	k := write.Key{}
	if key != "" {
		k = write.NewKey(key, "request.file", in)
	}
	return write.Run(ctx, s.InTx, k, func(tx Tx, id int64) (Request, error) { return tx.RequestLocked(ctx, id) },
		func(tx Tx) (write.Done[Request], error) {
			if err := tx.InsertRequest(ctx, &r, &h); err != nil {
				return write.Done[Request]{}, err
			}
			r.Handlings = []Handling{h}
			return write.Done[Request]{Value: r, ID: r.ID, Events: []audit.Event{event(r, "request.file", nil, r)},
				Notices: []notify.Notice{assigned(r, h, p.PersonID)}}, nil
		})
}

// holds reports whether p acts for the unit that holds a handling: the village's clerk or branch
// committee, the township's admin, the department's staff.
func (s *Service) holds(ctx context.Context, p auth.Principal, r Request, h Handling) (bool, error) {
	switch h.Level {
	case AtVillage:
		pl := r.Place()
		return p.HoldsIn(auth.RoleClerk, pl) || p.HoldsIn(auth.RoleBranchCommittee, pl), nil
	case AtTownship:
		return p.HoldsIn(auth.RoleTownshipAdmin, auth.Place{TownshipID: r.TownshipID}), nil
	default:
		return s.Store.IsStaff(ctx, h.UnitID, p.PersonID)
	}
}

// current returns the request's handling in course.
func current(r Request) (Handling, int) {
	i := slices.IndexFunc(r.Handlings, func(h Handling) bool { return h.ID == r.HandlingID })
	if i < 0 {
		return Handling{}, -1
	}
	return r.Handlings[i], i
}

// handle runs an act of the unit holding an open request: it must hold it, and not be of the
// requesting household.
func (s *Service) handle(ctx context.Context, p auth.Principal, id int64, act func(tx Tx, r *Request, h *Handling, notices *[]notify.Notice) ([]audit.Event, error)) (Request, error) {
	r, err := s.Store.Request(ctx, id)
	if err != nil {
		return r, err
	}
	h, _ := current(r)
	ok, err := s.holds(ctx, p, r, h)
	if err != nil {
		return Request{}, err
	}
	if !ok {
		return Request{}, ErrNotHolder
	}
	if p.HouseholdID != 0 && p.HouseholdID == r.HouseholdID {
		return Request{}, ErrOwnHousehold
	}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Request], error) {
		r, err := tx.RequestLocked(ctx, id)
		if err != nil {
			return write.Done[Request]{}, err
		}
		h, i := current(r)
		if r.Status != Open || i < 0 || h.ClosedAt != nil || h.ID != r.HandlingID {
			return write.Done[Request]{}, ErrWrongStep
		}
		var notices []notify.Notice
		events, err := act(tx, &r, &h, &notices)
		if err != nil {
			return write.Done[Request]{}, err
		}
		return write.Done[Request]{Value: r, ID: r.ID, Events: events, Notices: notices}, nil
	})
}

// closeTurn ends the handling in course with an outcome, in time when before its deadline.
func (s *Service) closeTurn(ctx context.Context, tx Tx, r *Request, h *Handling, out Outcome, by *int64, note string) error {
	now := s.Now()
	inTime := !now.After(h.DueAt) && out != OutEscalated
	h.ClosedAt, h.Outcome, h.InTime, h.By, h.Note = &now, &out, &inTime, by, note
	if err := tx.CloseHandling(ctx, *h); err != nil {
		return err
	}
	r.Handlings[slices.IndexFunc(r.Handlings, func(x Handling) bool { return x.ID == h.ID })] = *h
	return nil
}

// nextTurn assigns the request to a unit with a fresh deadline.
func (s *Service) nextTurn(ctx context.Context, tx Tx, r *Request, level Level, unitID int64) error {
	now := s.Now()
	due, err := s.due(ctx, r.CountyID, r.Category, r.Difficulty, now)
	if err != nil {
		return err
	}
	h := Handling{RequestID: r.ID, Level: level, UnitID: unitID, AssignedAt: now, DueAt: due}
	if err := tx.InsertHandling(ctx, &h); err != nil {
		return err
	}
	r.Handlings = append(r.Handlings, h)
	r.HandlingID, r.Level, r.DueAt, r.Overdue = h.ID, level, due, false
	if level == AtDepartment {
		r.DepartmentID = &unitID
	}
	return tx.SaveRequest(ctx, *r)
}

// ReferInput passes a request up: to the township (from the village), or to a department of the
// county (from the township), optionally with the difficulty it turned out to have.
type ReferInput struct {
	To           string `json:"to"`
	DepartmentID int64  `json:"department_id"`
	Difficulty   string `json:"difficulty"`
	Note         string `json:"note"`
}

// Refer passes a request to the next level: the village to its township, the township to a
// department of its county. It counts as the unit's response when in time.
func (s *Service) Refer(ctx context.Context, p auth.Principal, id int64, in ReferInput) (Request, error) {
	note, err := text.CleanLines("note", in.Note, 1, 1000)
	if err != nil {
		return Request{}, fault.Invalidf("note is required: why the request is passed on, in up to 1000 characters")
	}
	var d Difficulty
	if in.Difficulty != "" {
		if d, err = parseDifficulty(in.Difficulty); err != nil {
			return Request{}, err
		}
	}
	return s.handle(ctx, p, id, func(tx Tx, r *Request, h *Handling, notices *[]notify.Notice) ([]audit.Event, error) {
		before := *r
		before.Handlings = nil
		var level Level
		var unit int64
		switch {
		case h.Level == AtVillage && in.To == string(AtTownship):
			level, unit = AtTownship, r.TownshipID
		case h.Level == AtTownship && in.To == string(AtDepartment):
			dept, err := s.Store.Department(ctx, in.DepartmentID)
			if err != nil {
				return nil, err
			}
			if dept.CountyID != r.CountyID {
				return nil, ErrDeptNotFound
			}
			level, unit = AtDepartment, dept.ID
		case h.Level == AtDepartment:
			return nil, ErrNoHigherLevel
		default:
			return nil, fault.Invalidf("a village passes a request to its township (to: township), a township to a department (to: department, department_id)")
		}
		if d != "" {
			r.Difficulty = d
		}
		if err := s.closeTurn(ctx, tx, r, h, OutReferred, &p.PersonID, note); err != nil {
			return nil, err
		}
		if err := s.nextTurn(ctx, tx, r, level, unit); err != nil {
			return nil, err
		}
		next, _ := current(*r)
		*notices = append(*notices, assigned(*r, next, p.PersonID))
		return []audit.Event{event(*r, "request.refer", before, map[string]any{"level": level, "unit_id": unit, "difficulty": r.Difficulty, "note": note, "handling": *h})}, nil
	})
}

// AnswerInput is the holder's answer and whether it resolved the request.
type AnswerInput struct {
	Answer   string `json:"answer"`
	Resolved *bool  `json:"resolved"`
}

// Answer records the holding unit's answer; the household then rates it.
func (s *Service) Answer(ctx context.Context, p auth.Principal, id int64, in AnswerInput) (Request, error) {
	if in.Resolved == nil {
		return Request{}, fault.Invalidf("resolved is required: true when the answer settles the request")
	}
	answer, err := text.CleanLines("answer", in.Answer, 1, 2000)
	if err != nil {
		return Request{}, err
	}
	return s.handle(ctx, p, id, func(tx Tx, r *Request, h *Handling, notices *[]notify.Notice) ([]audit.Event, error) {
		before := *r
		before.Handlings = nil
		h.Resolved = in.Resolved
		if err := s.closeTurn(ctx, tx, r, h, OutAnswered, &p.PersonID, answer); err != nil {
			return nil, err
		}
		now := s.Now()
		r.Status, r.Answer, r.Resolved, r.AnsweredAt = Answered, answer, in.Resolved, &now
		if err := tx.SaveRequest(ctx, *r); err != nil {
			return nil, err
		}
		after := *r
		after.Handlings = nil
		*notices = append(*notices, notify.Notice{To: []notify.To{{HouseholdID: r.HouseholdID}, {PersonID: r.FiledBy}}, Kind: notify.RequestAnswered,
			Title: "您的诉求有了答复", Body: fmt.Sprintf("%s：%s", categoryName[r.Category], clip(answer, 60)), Link: fmt.Sprintf("/requests/%d", r.ID),
			Key: fmt.Sprintf("request:%d:answer:%d", r.ID, h.ID), Except: p.PersonID})
		return []audit.Event{event(*r, "request.answer", before, map[string]any{"request": after, "handling": *h})}, nil
	})
}

// RatingInput is the household's verdict, and whether a not-satisfied one reopens the request.
type RatingInput struct {
	Rating string `json:"rating"`
	Reopen bool   `json:"reopen"`
}

// Rate records the household's rating of the answer (anyone of the household, once). A
// not-satisfied rating may reopen the request once: the unit that answered handles it again,
// with a fresh deadline; the rating stays with the answer it judged.
func (s *Service) Rate(ctx context.Context, p auth.Principal, id int64, in RatingInput) (Request, error) {
	rating := Rating(in.Rating)
	if !slices.Contains([]Rating{Satisfied, Basic, NotSatisfied}, rating) {
		return Request{}, fault.Invalidf("rating must be one of satisfied, basic, not")
	}
	if in.Reopen && rating != NotSatisfied {
		return Request{}, ErrReopenRating
	}
	r, err := s.Store.Request(ctx, id)
	if err != nil {
		return r, err
	}
	if p.HouseholdID == 0 || p.HouseholdID != r.HouseholdID {
		return Request{}, ErrNotRequester
	}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Request], error) {
		r, err := tx.RequestLocked(ctx, id)
		if err != nil {
			return write.Done[Request]{}, err
		}
		h, i := current(r)
		switch {
		case r.Status == Closed || i >= 0 && h.Rating != nil:
			return write.Done[Request]{}, ErrAlreadyRated
		case r.Status != Answered || i < 0:
			return write.Done[Request]{}, ErrWrongStep
		case in.Reopen && r.Reopened:
			return write.Done[Request]{}, ErrReopenedOnce
		}
		before := r
		before.Handlings = nil
		h.Rating = &rating
		if err := tx.CloseHandling(ctx, h); err != nil {
			return write.Done[Request]{}, err
		}
		r.Handlings[i], r.Rating, r.Status = h, &rating, Closed
		if in.Reopen {
			r.Status, r.Reopened, r.Answer, r.Resolved, r.AnsweredAt, r.Rating = Open, true, "", nil, nil, nil
			if err := s.nextTurn(ctx, tx, &r, h.Level, h.UnitID); err != nil {
				return write.Done[Request]{}, err
			}
		} else if err := tx.SaveRequest(ctx, r); err != nil {
			return write.Done[Request]{}, err
		}
		after := r
		after.Handlings = nil
		return write.Done[Request]{Value: r, ID: r.ID, Events: []audit.Event{event(r, "request.rate", before, map[string]any{"request": after, "handling": h})}}, nil
	})
}

// categoryName is a category as the notices say it.
var categoryName = map[Category]string{Consultation: "咨询", Help: "求助", Complaint: "投诉", Dispute: "纠纷", Suggestion: "建议"}

// holders names who acts for the unit of a handling.
func holders(r Request, h Handling) []notify.To {
	switch h.Level {
	case AtVillage:
		return []notify.To{{Role: auth.RoleClerk, Place: r.Place()}, {Role: auth.RoleBranchCommittee, Place: r.Place()}}
	case AtTownship:
		return []notify.To{{Role: auth.RoleTownshipAdmin, Place: auth.Place{TownshipID: r.TownshipID}}}
	}
	return []notify.To{{DepartmentID: h.UnitID}}
}

// assigned is the notice to the unit a request came to.
func assigned(r Request, h Handling, actor int64) notify.Notice {
	return notify.Notice{To: holders(r, h), Kind: notify.RequestAssigned, Title: "有一件村民诉求待您办理",
		Body: fmt.Sprintf("%s：%s（%s 前答复）", categoryName[r.Category], clip(r.Text, 60), h.DueAt.In(calendar.Zone()).Format("1月2日 15:04")),
		Link: fmt.Sprintf("/requests/%d", r.ID), Key: fmt.Sprintf("request:%d:assigned:%d", r.ID, h.ID), Except: actor}
}

// clip cuts s to n characters for a notice, saying so.
func clip(s string, n int) string {
	if c := text.Clip(s, n); c != s {
		return c + "…"
	}
	return s
}
