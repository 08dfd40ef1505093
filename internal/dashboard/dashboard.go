// Package dashboard sets a county's or a township's villages side by side for their staff:
// households, points earned and spent, redemptions, settlements paid and the fund, objections with
// their rates, open alerts, and the assessment score so far. The county's staff read the county's
// and each of its townships'; a township's staff read their township's.
package dashboard

import (
	"context"
	"fmt"
	"slices"
	"time"

	"pointsmarket/internal/assessment"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/earning"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/rates"
	"pointsmarket/internal/text"
)

// Scope is what a dashboard covers: a county, or one township of it.
type Scope struct {
	CountyID   int64  `json:"county_id" db:"county_id"`
	County     string `json:"county" db:"county"`
	TownshipID int64  `json:"township_id,omitempty" db:"township_id"`
	Township   string `json:"township,omitempty" db:"township"`
}

// Row is one village's figures over the dashboard's months (the fund and open alerts as of now).
type Row struct {
	VillageID  int64  `json:"village_id" db:"village_id"`
	Name       string `json:"name" db:"name"`
	TownshipID int64  `json:"township_id" db:"township_id"`
	Township   string `json:"township" db:"township"`
	Households int    `json:"households" db:"households"`
	Earned     int64  `json:"earned" db:"earned"`
	Spent      int64  `json:"spent" db:"spent"`
	// Redemptions are the counter's redemptions not reversed.
	Redemptions int   `json:"redemptions" db:"redemptions"`
	SettledFen  int64 `json:"settled_fen" db:"settled_fen"`
	FundFen     int64 `json:"fund_fen" db:"fund_fen"`
	rates.Counts
	earning.Rates `db:"-"`
	// RequestCounts are the villagers' requests the village itself handled (the handlings judged:
	// ended, or past their deadline), and their three rates.
	RequestCounts       rates.Counts `json:"-" db:"req"`
	Requests            int          `json:"requests" db:"-"`
	RequestResponse     float64      `json:"request_response_rate" db:"-"`
	RequestResolution   float64      `json:"request_resolution_rate" db:"-"`
	RequestSatisfaction float64      `json:"request_satisfaction_rate" db:"-"`
	OpenAlerts          int          `json:"open_alerts" db:"open_alerts"`
	Score               *float64     `json:"score" db:"-"`
	Rank                *int         `json:"rank" db:"-"`
}

// withRequestRates fills the request figures from their counts.
func (r *Row) withRequestRates() {
	rr := r.RequestCounts.Rates()
	r.Requests, r.RequestResponse, r.RequestResolution, r.RequestSatisfaction = r.RequestCounts.All, rr.Response, rr.Resolution, rr.Satisfaction
}

// Dashboard is the villages of a scope side by side, with their totals.
type Dashboard struct {
	Scope
	From     string            `json:"from"`
	To       string            `json:"to"`
	Period   assessment.Period `json:"period"`
	Villages []Row             `json:"villages"`
	Totals   Row               `json:"totals"`
	// Months are the scope's points earned and spent by month, oldest first, for the chart.
	Months []Month `json:"months"`
}

// Month is the scope's points earned and spent in one month.
type Month struct {
	Month  string `json:"month" db:"month"`
	Earned int64  `json:"earned" db:"earned"`
	Spent  int64  `json:"spent" db:"spent"`
}

// Store reads the figures.
type Store interface {
	// Scope returns a county's scope (townshipID 0) or a township's, or fault.ErrNotFound.
	Scope(ctx context.Context, countyID, townshipID int64) (Scope, error)
	// Rows returns the figures of the scope's villages over [from, to), by township and village.
	Rows(ctx context.Context, s Scope, from, to, now time.Time) ([]Row, error)
	// Months returns the scope's points earned and spent by China month over [from, to), for the
	// months that have any.
	Months(ctx context.Context, s Scope, from, to time.Time) ([]Month, error)
}

// Scores ranks a county's villages for a half-year as it stands (nil without a scheme).
type Scores func(ctx context.Context, countyID int64, period assessment.Period) ([]assessment.Row, error)

// Deps are what the Service needs.
type Deps struct {
	Store  Store
	Scores Scores
	Now    func() time.Time
}

// Service applies the dashboards' access rules.
type Service struct{ Deps }

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// Months is the span a dashboard covers: from..to inclusive (YYYY-MM; by default the last six
// months through this one).
type Months struct {
	From string `form:"from"`
	To   string `form:"to"`
}

func (m Months) span(now time.Time) (time.Time, time.Time, error) {
	to := calendar.MonthStart(now)
	if m.To != "" {
		t, err := text.Month("to", m.To, calendar.Zone())
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		to = t.UTC()
	}
	from := to.In(calendar.Zone()).AddDate(0, -5, 0).UTC()
	if m.From != "" {
		f, err := text.Month("from", m.From, calendar.Zone())
		if err != nil {
			return time.Time{}, time.Time{}, err
		}
		from = f.UTC()
	}
	if to.Before(from) || from.In(calendar.Zone()).AddDate(2, 0, 0).Before(to.In(calendar.Zone())) {
		return time.Time{}, time.Time{}, fault.Invalidf("to must be a month from from to two years after it")
	}
	return from, to, nil
}

// County returns the county's dashboard to its county-level staff.
func (s *Service) County(ctx context.Context, p auth.Principal, countyID int64, m Months) (Dashboard, error) {
	return s.dashboard(ctx, p, countyID, 0, m)
}

// Township returns a township's dashboard to its township-wide staff and the county's.
func (s *Service) Township(ctx context.Context, p auth.Principal, townshipID int64, m Months) (Dashboard, error) {
	return s.dashboard(ctx, p, 0, townshipID, m)
}

func (s *Service) dashboard(ctx context.Context, p auth.Principal, countyID, townshipID int64, m Months) (Dashboard, error) {
	scope, err := s.Store.Scope(ctx, countyID, townshipID)
	if err != nil {
		return Dashboard{}, err
	}
	if !reads(p, scope) {
		return Dashboard{}, fmt.Errorf("dashboard of county %d township %d: %w", scope.CountyID, scope.TownshipID, fault.ErrForbidden)
	}
	from, to, err := m.span(s.Now())
	if err != nil {
		return Dashboard{}, err
	}
	end := to.In(calendar.Zone()).AddDate(0, 1, 0).UTC()
	rows, err := s.Store.Rows(ctx, scope, from, end, s.Now())
	if err != nil {
		return Dashboard{}, err
	}
	had, err := s.Store.Months(ctx, scope, from, end)
	if err != nil {
		return Dashboard{}, err
	}
	period := assessment.PeriodOf(to)
	scores, err := s.Scores(ctx, scope.CountyID, period)
	if err != nil {
		return Dashboard{}, err
	}
	d := Dashboard{Scope: scope, From: calendar.Period(from), To: calendar.Period(to), Period: period, Villages: rows}
	for i := range d.Villages {
		r := &d.Villages[i]
		r.Rates = earning.RatesFrom(r.Counts)
		r.withRequestRates()
		if k := slices.IndexFunc(scores, func(sr assessment.Row) bool { return sr.VillageID == r.VillageID }); k >= 0 {
			r.Score, r.Rank = &scores[k].Score, &scores[k].Rank
		}
		t := &d.Totals
		t.Households += r.Households
		t.Earned, t.Spent, t.Redemptions = t.Earned+r.Earned, t.Spent+r.Spent, t.Redemptions+r.Redemptions
		t.SettledFen, t.FundFen, t.OpenAlerts = t.SettledFen+r.SettledFen, t.FundFen+r.FundFen, t.OpenAlerts+r.OpenAlerts
		t.Counts, t.RequestCounts = t.Counts.Add(r.Counts), t.RequestCounts.Add(r.RequestCounts)
	}
	d.Totals.Rates = earning.RatesFrom(d.Totals.Counts)
	d.Totals.withRequestRates()
	for m := from.In(calendar.Zone()); m.Before(end); m = m.AddDate(0, 1, 0) {
		month := Month{Month: m.Format("2006-01")}
		if k := slices.IndexFunc(had, func(h Month) bool { return h.Month == month.Month }); k >= 0 {
			month = had[k]
		}
		d.Months = append(d.Months, month)
	}
	d.Totals.Name = scope.Township
	if d.Totals.Name == "" {
		d.Totals.Name = scope.County
	}
	return d, nil
}

// reads reports whether p may read the scope's dashboard: a county-level grant of its county, or
// (for a township) a township-wide admin, assessor or supervisor grant there.
func reads(p auth.Principal, s Scope) bool {
	return slices.ContainsFunc(p.Grants, func(g auth.Grant) bool {
		if g.CountyWide() {
			return g.CountyID == s.CountyID
		}
		return s.TownshipID != 0 && g.TownshipID == s.TownshipID && g.VillageID == 0 &&
			(g.Role == auth.RoleTownshipAdmin || g.Role == auth.RoleAssessor || g.Role == auth.RoleSupervisor)
	})
}

// tableHeader names the columns of a dashboard's spreadsheet.
var tableHeader = []string{"乡镇", "村", "户数", "获得积分", "兑换积分", "兑换笔数", "已支付报账（元）", "村级基金余额（元）",
	"异议件数", "异议响应率", "异议解决率", "异议满意率", "诉求件数", "诉求响应率", "诉求解决率", "诉求满意率", "未处理预警", "考核得分", "考核排名"}

// Table is the dashboard as a spreadsheet's rows, its totals last.
func (d Dashboard) Table() ([]string, [][]any) {
	line := func(r Row) []any {
		var score, rank any = "", ""
		if r.Score != nil {
			score, rank = *r.Score, *r.Rank
		}
		return []any{r.Township, r.Name, r.Households, r.Earned, r.Spent, r.Redemptions, float64(r.SettledFen) / 100,
			float64(r.FundFen) / 100, r.Objections, r.Response, r.Resolution, r.Satisfaction,
			r.Requests, r.RequestResponse, r.RequestResolution, r.RequestSatisfaction, r.OpenAlerts, score, rank}
	}
	rows := make([][]any, 0, len(d.Villages)+1)
	for _, r := range d.Villages {
		rows = append(rows, line(r))
	}
	total := line(d.Totals)
	total[0], total[1] = "合计", d.Totals.Name
	return tableHeader, append(rows, total)
}
