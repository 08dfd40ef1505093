package assessment

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/write"
	"time"
)

// VillageAssessment is a village's score of a half-year with what it comes from: the items, the
// events recorded against it, its inspection tasks, and its line in the ranking once published.
type VillageAssessment struct {
	VillageID     int64       `json:"village_id"`
	Name          string      `json:"name"`
	Period        Period      `json:"period"`
	SchemeID      int64       `json:"scheme_id"`
	SchemeVersion int         `json:"scheme_version"`
	Score         float64     `json:"score"`
	Items         []ItemScore `json:"items"`
	Events        []Event     `json:"events"`
	Tasks         []Task      `json:"tasks"`
	Published     *Row        `json:"published"`
}

// villageOfficial reports whether p holds a role in the village itself.
func villageOfficial(p auth.Principal, villageID int64) bool {
	return slices.ContainsFunc(p.Grants, func(g auth.Grant) bool { return g.VillageID == villageID })
}

// Village shows a village its score so far (or as published) with its events and tasks: to its
// officials, and to the staff of its county and townships.
func (s *Service) Village(ctx context.Context, p auth.Principal, villageID int64, period Period) (VillageAssessment, error) {
	v, err := s.locate(ctx, villageID, func(v Located) bool {
		return p.CountyStaff(v.CountyID) || villageOfficial(p, v.ID)
	})
	if err != nil {
		return VillageAssessment{}, err
	}
	sc, err := s.inForce(ctx, v.CountyID, period)
	if err != nil {
		return VillageAssessment{}, err
	}
	standings, err := s.Store.Standings(ctx, v.CountyID, v.ID, period, period.Months(s.Now()))
	if err != nil {
		return VillageAssessment{}, err
	}
	out := VillageAssessment{VillageID: v.ID, Name: v.Name, Period: period, SchemeID: sc.ID, SchemeVersion: sc.Version}
	if len(standings) == 1 {
		centi, items := Score(sc, standings[0])
		out.Score, out.Items = float64(centi)/100, items
	}
	if out.Events, err = s.Store.Events(ctx, v.ID, period); err != nil {
		return out, err
	}
	for i, e := range out.Events {
		out.Events[i] = withWindow(e, sc)
	}
	if out.Tasks, err = s.Store.Tasks(ctx, v.ID, period); err != nil {
		return out, err
	}
	published, err := s.Store.Published(ctx, v.CountyID, period)
	if err != nil && !errors.Is(err, ErrNotPublished) {
		return out, err
	}
	for _, r := range published.Villages {
		if r.VillageID == v.ID {
			out.Published = &r
			out.Score = r.Score
		}
	}
	return out, nil
}

// inForce returns the scheme of a half-year in force (its latest version), or ErrNoScheme.
func (s *Service) inForce(ctx context.Context, countyID int64, period Period) (Scheme, error) {
	schemes, err := s.Store.Schemes(ctx, countyID, period)
	if err != nil {
		return Scheme{}, err
	}
	if len(schemes) == 0 {
		return Scheme{}, ErrNoScheme.WithDetails(map[string]any{"period": period})
	}
	return schemes[0], nil
}

// Ranking ranks a county's villages for a half-year, to the staff of the county and its
// townships: as published, or as it stands so far.
func (s *Service) Ranking(ctx context.Context, p auth.Principal, countyID int64, period Period) (Ranking, error) {
	name, err := s.county(ctx, countyID)
	if err != nil {
		return Ranking{}, err
	}
	if !p.CountyStaff(countyID) {
		return Ranking{}, fmt.Errorf("ranking of county %d: %w", countyID, fault.ErrForbidden)
	}
	return s.ranking(ctx, countyID, name, period)
}

// ranking is the county's ranking of a half-year, published or so far, for a caller that checked
// access.
func (s *Service) ranking(ctx context.Context, countyID int64, name string, period Period) (Ranking, error) {
	r, err := s.Store.Published(ctx, countyID, period)
	if !errors.Is(err, ErrNotPublished) {
		r.County = name
		return r, err
	}
	sc, err := s.inForce(ctx, countyID, period)
	if err != nil {
		return Ranking{}, err
	}
	standings, err := s.Store.Standings(ctx, countyID, 0, period, period.Months(s.Now()))
	if err != nil {
		return Ranking{}, err
	}
	// The flags of the previous half-year are known once it is published; before, none.
	previous := map[int64]bool{}
	if prev, err := s.Store.Published(ctx, countyID, period.Previous()); err == nil {
		for _, row := range prev.Villages {
			previous[row.VillageID] = row.Band == BandWarned
		}
	} else if !errors.Is(err, ErrNotPublished) {
		return Ranking{}, err
	}
	return Ranking{CountyID: countyID, County: name, Period: period, SchemeID: sc.ID, Version: sc.Version, TieRule: sc.TieRule,
		Villages: Rank(sc, standings, previous)}, nil
}

// Scores are a county's villages' lines of a half-year (published or so far) for the
// dashboards, whose service checked access; none when the county has no scheme for it.
func (s *Service) Scores(ctx context.Context, countyID int64, period Period) ([]Row, error) {
	r, err := s.ranking(ctx, countyID, "", period)
	if errors.Is(err, ErrNoScheme) {
		return nil, nil
	}
	return r.Villages, err
}

// PublicRanking is a county's published ranking as its public board shows it: no login, the
// scores, ranks, bands and awards, not who published it.
func (s *Service) PublicRanking(ctx context.Context, countyID int64, period Period) (Ranking, error) {
	name, err := s.county(ctx, countyID)
	if err != nil {
		return Ranking{}, err
	}
	r, err := s.Store.Published(ctx, countyID, period)
	r.County, r.PublishedBy = name, nil
	return r, err
}

// PublishInput names the half-year to publish.
type PublishInput struct {
	Period string `json:"period"`
}

// Publish fixes a county's ranking of a half-year that has ended (the county admin), once every
// objection is answered and every event's window has closed: scores, ranks, bands, awards and
// flags are written as they stand and never change again.
func (s *Service) Publish(ctx context.Context, p auth.Principal, countyID int64, in PublishInput) (Ranking, error) {
	name, err := s.county(ctx, countyID)
	if err != nil {
		return Ranking{}, err
	}
	if !p.HoldsInCounty(auth.RoleCountyAdmin, countyID) {
		return Ranking{}, fmt.Errorf("publish the ranking of county %d: %w", countyID, fault.ErrForbidden)
	}
	period, err := ParsePeriod("period", in.Period)
	if err != nil {
		return Ranking{}, err
	}
	now := s.Now()
	if now.Before(period.End()) {
		return Ranking{}, ErrPeriodOpen.WithDetails(map[string]any{"ends_at": period.End()})
	}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Ranking], error) {
		sc, err := lockOpen(ctx, tx, countyID, period, true)
		if err != nil {
			return write.Done[Ranking]{}, err
		}
		open, err := tx.OpenObjections(ctx, countyID, period, now.AddDate(0, 0, -sc.ObjectionDays))
		if err != nil {
			return write.Done[Ranking]{}, err
		}
		if open > 0 {
			return write.Done[Ranking]{}, ErrObjectionsOpen.WithDetails(map[string]any{"events": open})
		}
		r, events, err := WriteRanking(ctx, tx, sc, name, p.PersonID, now)
		return write.Done[Ranking]{Value: r, ID: countyID, Events: events}, err
	})
}

// WriteRanking ranks a scheme's half-year as it stands, writes it as published by `by` at `at`,
// and returns it with its audit events (one per township of the county), for the caller's
// transaction to append: the county admin's publication, and the demo's.
func WriteRanking(ctx context.Context, tx Tx, sc Scheme, county string, by int64, at time.Time) (Ranking, []audit.Event, error) {
	previous, err := tx.Warned(ctx, sc.CountyID, sc.Period.Previous())
	if err != nil {
		return Ranking{}, nil, err
	}
	standings, err := tx.Standings(ctx, sc.CountyID, 0, sc.Period, sc.Period.Months(at))
	if err != nil {
		return Ranking{}, nil, err
	}
	r := Ranking{CountyID: sc.CountyID, County: county, Period: sc.Period, SchemeID: sc.ID, Version: sc.Version, TieRule: sc.TieRule,
		Published: true, PublishedBy: &by, PublishedAt: &at, Villages: Rank(sc, standings, previous)}
	if err := tx.InsertRanking(ctx, r); err != nil {
		return Ranking{}, nil, err
	}
	summary := r
	summary.Villages = make([]Row, len(r.Villages))
	for i, row := range r.Villages {
		row.Items = nil
		summary.Villages[i] = row
	}
	events, err := audit.CountyEvents(ctx, tx, sc.CountyID, audit.Event{Action: "assessment.ranking_publish",
		ObjectType: "county", ObjectID: sc.CountyID, After: summary})
	return r, events, err
}
