package assessment

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
)

// Period is a half-year, written YYYY-H1 (January to June) or YYYY-H2 (July to December): the
// span a county scores and ranks its villages over.
type Period string

var periodForm = regexp.MustCompile(`^(20\d\d)-H([12])$`)

// ParsePeriod reads a half-year, or answers an invalid-input fault naming field.
func ParsePeriod(field, s string) (Period, error) {
	if !periodForm.MatchString(s) {
		return "", fault.Invalidf("%s must be a half-year like 2026-H1 or 2026-H2", field)
	}
	return Period(s), nil
}

// PeriodOf returns the half-year a China date falls in.
func PeriodOf(t time.Time) Period {
	t = calendar.Local(t)
	half := 1
	if t.Month() > time.June {
		half = 2
	}
	return Period(fmt.Sprintf("%d-H%d", t.Year(), half))
}

func (p Period) parts() (year, half int) {
	m := periodForm.FindStringSubmatch(string(p))
	if m == nil {
		return 0, 0
	}
	year, _ = strconv.Atoi(m[1])
	half, _ = strconv.Atoi(m[2])
	return year, half
}

// Start returns the first moment of the half-year in China, in UTC.
func (p Period) Start() time.Time { return p.month(0) }

// End returns the first moment after the half-year, in UTC.
func (p Period) End() time.Time { return p.month(6) }

// month returns the first moment of the half-year's i-th month (0-based) in China, in UTC; month
// arithmetic is done in China's zone, where months begin.
func (p Period) month(i int) time.Time {
	year, half := p.parts()
	return time.Date(year, time.Month(1+6*(half-1)+i), 1, 0, 0, 0, 0, calendar.Zone()).UTC()
}

// Contains reports whether a date (as text.Date reads it: the China day at midnight UTC) falls in
// the half-year.
func (p Period) Contains(day time.Time) bool {
	return PeriodOf(calendar.StartOf(day)) == p
}

// Months returns the half-year's months (YYYY-MM) that have begun by now.
func (p Period) Months(now time.Time) []string {
	var out []string
	for i := 0; i < 6 && !p.month(i).After(now); i++ {
		out = append(out, calendar.Period(p.month(i)))
	}
	return out
}

// Previous returns the half-year before p.
func (p Period) Previous() Period {
	year, half := p.parts()
	if half == 2 {
		return Period(fmt.Sprintf("%d-H1", year))
	}
	return Period(fmt.Sprintf("%d-H2", year-1))
}
