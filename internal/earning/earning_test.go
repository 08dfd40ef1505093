package earning

import (
	"testing"
	"time"
)

func TestWorkingDaysSkipWeekends(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	friday := time.Date(2026, 11, 20, 10, 0, 0, 0, cst)
	if got := WorkingDaysAfter(friday, 3).In(cst); got.Weekday() != time.Wednesday || got.Day() != 25 {
		t.Errorf("3 working days after Friday 20th: %v, want Wednesday 25th", got)
	}
	saturday := time.Date(2026, 11, 21, 10, 0, 0, 0, cst)
	if got := WorkingDaysAfter(saturday, 1).In(cst); got.Day() != 23 {
		t.Errorf("1 working day after Saturday: %v, want Monday 23rd", got)
	}
}

func TestVoteOutcome(t *testing.T) {
	for _, c := range []struct {
		f, a int
		want bool
	}{{2, 1, true}, {1, 1, false}, {0, 0, false}, {0, 1, false}, {5, 0, true}} {
		if VoteOutcome(c.f, c.a) != c.want {
			t.Errorf("%d for, %d against: want %v", c.f, c.a, c.want)
		}
	}
}

func TestRates(t *testing.T) {
	now := time.Now()
	late, yes, no := now.Add(time.Hour), true, false
	os := []Objection{
		{DueAt: now, AnsweredAt: &now, Satisfied: &yes},
		{DueAt: now, AnsweredAt: &late, Satisfied: &no},
		{DueAt: now},
		{DueAt: now, AnsweredAt: &now},
	}
	r := RatesOf(os)
	if r.Objections != 4 || r.Response != 0.75 || r.Resolution != 0.5 || r.Satisfaction != 0.5 {
		t.Errorf("rates = %+v", r)
	}
	if RatesOf(nil).Response != 0 {
		t.Error("no objections: zero rates, not NaN")
	}
}
