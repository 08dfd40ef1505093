package calendar

import (
	"testing"
	"time"
)

func TestDaysBeginAtChinaMidnight(t *testing.T) {
	// 23:30 on 31 May in China is 15:30 UTC; 00:30 on 1 June is 16:30 UTC.
	late := time.Date(2026, 5, 31, 15, 30, 0, 0, time.UTC)
	early := late.Add(time.Hour)
	if got, want := DayStart(late), time.Date(2026, 5, 30, 16, 0, 0, 0, time.UTC); !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("DayStart(late) = %v, want %v in UTC", got, want)
	}
	if got, want := MonthStart(early), time.Date(2026, 5, 31, 16, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("MonthStart(early) = %v, want %v", got, want)
	}
	if SameDay(late, early) {
		t.Error("23:30 and 00:30 China time are the same day")
	}
	if got := Period(late); got != "2026-05" {
		t.Errorf("Period(late) = %s", got)
	}
	if got := Period(early); got != "2026-06" {
		t.Errorf("Period(early) = %s", got)
	}
	if got := Date(early); !got.Equal(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Date(early) = %v", got)
	}
	if got := StartOf(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)); !got.Equal(MonthStart(early)) {
		t.Errorf("StartOf(1 June) = %v", got)
	}
}

func TestParsePeriod(t *testing.T) {
	got, err := ParsePeriod("2026-06")
	if err != nil || !got.Equal(time.Date(2026, 5, 31, 16, 0, 0, 0, time.UTC)) {
		t.Fatalf("ParsePeriod = %v, %v", got, err)
	}
	for _, bad := range []string{"2026-6", "2026-13", "June", "", "2026-06-01"} {
		if _, err := ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
}

func TestWorkingDaysAfter(t *testing.T) {
	friday := time.Date(2026, 5, 29, 2, 0, 0, 0, time.UTC) // 10:00 Friday in China
	if got := WorkingDaysAfter(friday, 1); got.In(Zone()).Weekday() != time.Monday {
		t.Errorf("one working day after Friday is %v", got.In(Zone()).Weekday())
	}
	if got := WorkingDaysAfter(friday, 3); !got.Equal(friday.AddDate(0, 0, 5)) {
		t.Errorf("three working days after Friday = %v", got)
	}
}
