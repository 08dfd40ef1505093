package request

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/rates"
	"pointsmarket/internal/redact"
)

// reads reports whether p may read a request in full: its household and filer, those who
// handle or supervise requests of its village, township and county, and the staff of a
// department it went to.
func (s *Service) reads(ctx context.Context, p auth.Principal, r Request) (bool, error) {
	pl := r.Place()
	switch {
	case p.HouseholdID != 0 && p.HouseholdID == r.HouseholdID, p.PersonID == r.FiledBy,
		p.HoldsIn(auth.RoleClerk, pl), p.HoldsIn(auth.RoleBranchCommittee, pl), p.HoldsIn(auth.RoleSupervisor, pl),
		p.HoldsIn(auth.RoleTownshipAdmin, pl), p.HoldsInCounty(auth.RoleCountyAdmin, r.CountyID):
		return true, nil
	}
	for _, h := range r.Handlings {
		if h.Level != AtDepartment {
			continue
		}
		if ok, err := s.Store.IsStaff(ctx, h.UnitID, p.PersonID); ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

// Request returns a request with its handlings: in full to those who may read it, masked to the
// village's people when it is public.
func (s *Service) Request(ctx context.Context, p auth.Principal, id int64) (Request, error) {
	r, err := s.Store.Request(ctx, id)
	if err != nil {
		return r, err
	}
	ok, err := s.reads(ctx, p, r)
	if err != nil || ok {
		return r, err
	}
	if !r.Public || p.Home != r.Place() {
		return Request{}, fmt.Errorf("request %d: %w", id, ErrNotFound) // a request one may not read does not exist for them
	}
	masked, err := s.masked(ctx, r.VillageID, []Request{r})
	return masked[0], err
}

// masked hides the people of a request from those who do not handle it: names, phone and ID
// numbers in its text and answers, who filed it, who answered.
func (s *Service) masked(ctx context.Context, villageID int64, rs []Request) ([]Request, error) {
	names, err := s.Org.Names(ctx, villageID)
	if err != nil {
		return nil, err
	}
	m := redact.New(names)
	for i := range rs {
		r := &rs[i]
		r.Text, r.Answer, r.FiledBy, r.Household = m.Text(r.Text), m.Text(r.Answer), 0, ""
		for j := range r.Handlings {
			r.Handlings[j].Note, r.Handlings[j].By = m.Text(r.Handlings[j].Note), nil
		}
	}
	return rs, nil
}

// StatusFilter is a desk's choice of requests: open ones (the default), answered, closed or all.
func StatusFilter(s string) (Status, error) {
	switch Status(s) {
	case "", Open:
		return Open, nil
	case Answered, Closed:
		return Status(s), nil
	case "all":
		return "", nil
	}
	return "", fault.Invalidf("status must be one of open, answered, closed, all")
}

// VillageDesk lists a village's requests to its clerk, committee and supervisors, its township
// admin and the county admin.
func (s *Service) VillageDesk(ctx context.Context, p auth.Principal, villageID int64, st Status) ([]Request, error) {
	pl, err := s.Org.VillagePlace(ctx, villageID)
	if err != nil {
		return nil, err
	}
	t, err := s.Org.Township(ctx, pl.TownshipID)
	if err != nil {
		return nil, err
	}
	if !p.HoldsIn(auth.RoleClerk, pl) && !p.HoldsIn(auth.RoleBranchCommittee, pl) && !p.HoldsIn(auth.RoleSupervisor, pl) &&
		!p.HoldsIn(auth.RoleTownshipAdmin, pl) && !p.HoldsInCounty(auth.RoleCountyAdmin, t.CountyID) {
		return nil, fmt.Errorf("requests of village %d: %w", villageID, fault.ErrForbidden)
	}
	return s.Store.Requests(ctx, Filter{VillageID: villageID, Status: st, Limit: 200})
}

// TownshipDesk lists the requests of a township's villages to its admin and township-wide
// supervisors, and to the county admin.
func (s *Service) TownshipDesk(ctx context.Context, p auth.Principal, townshipID int64, st Status) ([]Request, error) {
	t, err := s.Org.Township(ctx, townshipID)
	if err != nil {
		return nil, err
	}
	pl := auth.Place{TownshipID: townshipID}
	if !p.HoldsIn(auth.RoleTownshipAdmin, pl) && !p.HoldsIn(auth.RoleSupervisor, pl) && !p.HoldsInCounty(auth.RoleCountyAdmin, t.CountyID) {
		return nil, fmt.Errorf("requests of township %d: %w", townshipID, fault.ErrForbidden)
	}
	return s.Store.Requests(ctx, Filter{TownshipID: townshipID, Status: st, Limit: 200})
}

// DepartmentDesk lists the requests passed to a department, to its staff and the county admin.
func (s *Service) DepartmentDesk(ctx context.Context, p auth.Principal, departmentID int64, st Status) ([]Request, error) {
	d, err := s.Store.Department(ctx, departmentID)
	if err != nil {
		return nil, err
	}
	staff, err := s.Store.IsStaff(ctx, departmentID, p.PersonID)
	if err != nil {
		return nil, err
	}
	if !staff && !p.HoldsInCounty(auth.RoleCountyAdmin, d.CountyID) {
		return nil, fmt.Errorf("requests of department %d: %w", departmentID, fault.ErrForbidden)
	}
	return s.Store.Requests(ctx, Filter{DepartmentID: departmentID, Status: st, Limit: 200})
}

// Mine lists the requests of p's household and those p filed for others.
func (s *Service) Mine(ctx context.Context, p auth.Principal) ([]Request, error) {
	if p.HouseholdID == 0 && !p.IsOfficial() {
		return []Request{}, nil
	}
	return s.Store.Requests(ctx, Filter{HouseholdID: p.HouseholdID, FiledBy: p.PersonID, Limit: 200})
}

// Public lists a village's public requests for its board, masked: what was asked, who holds
// it, the answer and the rating (阳光公开).
func (s *Service) Public(ctx context.Context, villageID int64) ([]Request, error) {
	if _, err := s.Org.VillagePlace(ctx, villageID); err != nil {
		return nil, err
	}
	rs, err := s.Store.Requests(ctx, Filter{VillageID: villageID, Public: true, Limit: 100})
	if err != nil {
		return nil, err
	}
	return s.masked(ctx, villageID, rs)
}

// Rates returns a unit's three rates over the months from..to (YYYY-MM, inclusive; default the
// last twelve months): public, as the board publishes them.
func (s *Service) Rates(ctx context.Context, level Level, unitID int64, from, to string) (UnitRates, error) {
	switch level {
	case AtVillage:
		if _, err := s.Org.VillagePlace(ctx, unitID); err != nil {
			return UnitRates{}, err
		}
	case AtTownship:
		if _, err := s.Org.Township(ctx, unitID); err != nil {
			return UnitRates{}, err
		}
	case AtDepartment:
		if _, err := s.Store.Department(ctx, unitID); err != nil {
			return UnitRates{}, err
		}
	default:
		return UnitRates{}, fault.Invalidf("level must be one of village, township, department")
	}
	start, end, err := months(from, to, s.Now())
	if err != nil {
		return UnitRates{}, err
	}
	c, err := s.Store.Counts(ctx, level, unitID, start, end, s.Now())
	if err != nil {
		return UnitRates{}, err
	}
	return UnitRates{Level: level, UnitID: unitID, From: calendar.Period(start), To: calendar.Period(end.In(calendar.Zone()).AddDate(0, -1, 0)),
		Handlings: c.All, Rates: c.Rates()}, nil
}

// CountsOf returns a unit's counts over [from, to) (the dashboards add them up).
func (s *Service) CountsOf(ctx context.Context, level Level, unitID int64, from, to time.Time) (rates.Counts, error) {
	return s.Store.Counts(ctx, level, unitID, from, to, s.Now())
}

// months reads a span of months, from the start of from to the end of to (China months: the
// arithmetic is done in China's zone, where a month's first moment is midnight).
func months(from, to string, now time.Time) (time.Time, time.Time, error) {
	zone := calendar.Zone()
	end := calendar.MonthStart(now).In(zone).AddDate(0, 1, 0)
	if to != "" {
		t, err := calendar.ParsePeriod(to)
		if err != nil {
			return time.Time{}, time.Time{}, fault.Invalidf("to must be a month, YYYY-MM")
		}
		end = t.In(zone).AddDate(0, 1, 0)
	}
	start := end.AddDate(-1, 0, 0)
	if from != "" {
		f, err := calendar.ParsePeriod(from)
		if err != nil {
			return time.Time{}, time.Time{}, fault.Invalidf("from must be a month, YYYY-MM")
		}
		start = f.In(zone)
	}
	if !start.Before(end) || end.After(start.AddDate(5, 0, 0)) {
		return time.Time{}, time.Time{}, fault.Invalidf("from must come before to, at most five years apart")
	}
	return start.UTC(), end.UTC(), nil
}
