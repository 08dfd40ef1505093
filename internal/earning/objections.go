package earning

import (
	"context"
	"fmt"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/notify"
	"pointsmarket/internal/org"
	"pointsmarket/internal/rates"
	"pointsmarket/internal/text"
)

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
	verdict := "异议不成立"
	if upheld {
		verdict = "异议成立，这笔积分已撤销"
	}
	told := notify.Notice{To: []notify.To{{PersonID: o.ObjectorID}}, Kind: notify.ObjectionAnswered, Title: "您的异议有了答复",
		Body: verdict + "：" + answer, Link: "/objections", Key: fmt.Sprintf("objection:%d:answered", id), Except: p.PersonID}
	return s.Store.Answer(ctx, id, upheld, answer, told)
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

// Rates are a village's objection figures: how many, and their three rates (package rates).
type Rates struct {
	Objections int `json:"objections"`
	rates.Rates
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

// RatesOf computes objection rates: an objection is resolved once answered (upheld or not), in
// time when answered by its due time.
func RatesOf(os []Objection) Rates {
	c := rates.Counts{All: len(os)}
	for _, o := range os {
		if o.AnsweredAt != nil {
			c.Resolved++
			if !o.AnsweredAt.After(o.DueAt) {
				c.InTime++
			}
		}
		if o.Satisfied != nil {
			c.Rated++
			if *o.Satisfied {
				c.Satisfied++
			}
		}
	}
	return RatesFrom(c)
}

// RatesFrom returns the objection rates of counts.
func RatesFrom(c rates.Counts) Rates { return Rates{Objections: c.All, Rates: c.Rates()} }

// MyObjections lists p's objections and their answers.
func (s *Service) MyObjections(ctx context.Context, p auth.Principal) ([]Objection, error) {
	os, err := s.Store.Objections(ctx, p.Home.VillageID, p.PersonID)
	for i := range os { // as the public notice names the household's head
		os[i].Head = org.MaskName(os[i].Head)
	}
	return os, err
}
