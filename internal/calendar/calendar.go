// Package calendar is China's calendar as the villages keep it: days and months begin at midnight
// China Standard Time (UTC+8, no daylight saving), periods are months written YYYY-MM, working days
// are Monday to Friday. Every date rule in the service (same-day reversals, monthly limits and
// ceilings, notice periods, agreements, expiry, exports) asks this package, so that they agree.
//
// Instants stay in UTC everywhere else; a function here that returns an instant returns it in UTC.
package calendar

import (
	"fmt"
	"time"
)

// zone is China Standard Time. A fixed offset, not the tz database: China has kept UTC+8 without
// daylight saving since 1991, and a fixed zone works on a machine without tzdata.
var zone = time.FixedZone("CST", 8*3600)

// Zone returns China Standard Time, for formatting and for building dates in China.
func Zone() *time.Location { return zone }

// Local returns t in China time.
func Local(t time.Time) time.Time { return t.In(zone) }

// DayStart returns the first moment of t's day in China, in UTC.
func DayStart(t time.Time) time.Time {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, zone).UTC()
}

// Today returns the China day of t as a date at midnight UTC: the form text.Date parses dates in,
// so that a date typed in the village compares with "today" there, not in Greenwich.
func Today(t time.Time) time.Time {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// MonthStart returns the first moment of t's month in China, in UTC.
func MonthStart(t time.Time) time.Time {
	y, m, _ := t.In(zone).Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, zone).UTC()
}

// Date returns t's calendar date in China as midnight UTC: how DATE columns are written and read.
func Date(t time.Time) time.Time {
	y, m, d := t.In(zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// StartOf returns the first moment, in UTC, of the China day a DATE value names (its year, month
// and day, whatever its zone).
func StartOf(date time.Time) time.Time {
	return time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, zone).UTC()
}

// SameDay reports whether a and b fall on the same day in China.
func SameDay(a, b time.Time) bool { return DayStart(a).Equal(DayStart(b)) }

// Period returns t's month in China as YYYY-MM.
func Period(t time.Time) string { return t.In(zone).Format("2006-01") }

// ParsePeriod returns the first moment (UTC) of the month a YYYY-MM period names.
func ParsePeriod(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01", s, zone)
	if err != nil || t.Format("2006-01") != s {
		return time.Time{}, fmt.Errorf("period %q is not a month written YYYY-MM", s)
	}
	return t.UTC(), nil
}

// WorkingDaysAfter returns the moment n working days (Monday to Friday, in China) after t.
func WorkingDaysAfter(t time.Time, n int) time.Time {
	d := t.In(zone)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return d.UTC()
}

// Clock tells the time. The service has one, made in app and handed to every part that needs the
// time; tests hand in their own.
type Clock func() time.Time

// System is the machine's clock, in UTC.
func System() time.Time { return time.Now().UTC() }
