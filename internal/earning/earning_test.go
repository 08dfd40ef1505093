package earning

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"pointsmarket/internal/calendar"
	"pointsmarket/internal/org"
)

func TestWorkingDaysSkipWeekends(t *testing.T) {
	cst := calendar.Zone()
	friday := time.Date(2026, 11, 20, 10, 0, 0, 0, cst)
	if got := calendar.WorkingDaysAfter(friday, 3).In(cst); got.Weekday() != time.Wednesday || got.Day() != 25 {
		t.Errorf("3 working days after Friday 20th: %v, want Wednesday 25th", got)
	}
	saturday := time.Date(2026, 11, 21, 10, 0, 0, 0, cst)
	if got := calendar.WorkingDaysAfter(saturday, 1).In(cst); got.Day() != 23 {
		t.Errorf("1 working day after Saturday: %v, want Monday 23rd", got)
	}
}

func TestPartyVote(t *testing.T) {
	for _, c := range []struct {
		f, a, abstain, roster int
		passed, quorate       bool
	}{
		{2, 1, 0, 5, true, true},
		{1, 0, 0, 1, true, true},   // the one vote of a one-member roster is quorate
		{1, 0, 0, 2, false, false}, // half the roster is not more than half
		{1, 0, 0, 94, false, false},
		{2, 1, 1, 5, false, true}, // 2 of 4 voting is not more than half of those voting
		{0, 0, 0, 0, false, false},
		{3, 0, 0, 5, true, true},
	} {
		passed, err := PartyVote(c.f, c.a, c.abstain, c.roster)
		if passed != c.passed || (err == nil) != c.quorate {
			t.Errorf("%d/%d/%d of %d: passed %v, %v; want passed %v, quorate %v", c.f, c.a, c.abstain, c.roster, passed, err, c.passed, c.quorate)
		}
	}
}

func TestVoteRulesTightenTheLaw(t *testing.T) {
	strict := VoteRules{QuorumPct: 80, MajorityPct: 67}
	c := AssemblyCount{Body: RepresentativesAssembly, Members: 90, Present: 70, For: 40, Against: 30}
	if err := CheckAssembly(c, 90, 0, VoteRules{}); err != nil {
		t.Errorf("70 of 90 present, 40 of 70 for, under the law: %v", err)
	}
	if err := CheckAssembly(c, 90, 0, strict); !errors.Is(err, ErrNotQuorate) {
		t.Errorf("70 of 90 present under an 80%% quorum: %v", err)
	}
	c.Present, c.For = 80, 50
	if err := CheckAssembly(c, 90, 0, strict); !errors.Is(err, ErrVoteFailed) {
		t.Errorf("50 of 80 for under a 67%% majority: %v", err)
	}
	for _, r := range []VoteRules{{QuorumPct: 60}, {MajorityPct: 50}, {QuorumPct: 101}} {
		if err := CheckVoteRules(r); !errors.Is(err, ErrLooserThanLaw) {
			t.Errorf("rules %+v accepted", r)
		}
	}
	if err := CheckVoteRules(strict); err != nil {
		t.Errorf("stricter rules refused: %v", err)
	}
}

func TestCheckAssembly(t *testing.T) {
	for _, c := range []struct {
		name string
		c    AssemblyCount
		want error
	}{
		{"3 for, 1 against, 90 abstaining", AssemblyCount{Body: RepresentativesAssembly, Members: 94, Present: 94, For: 3, Against: 1, Abstain: 90}, ErrVoteFailed},
		{"a quorate majority", AssemblyCount{Body: RepresentativesAssembly, Members: 94, Present: 70, For: 60, Against: 5, Abstain: 5}, nil},
		{"too few present", AssemblyCount{Body: RepresentativesAssembly, Members: 94, Present: 60, For: 60}, ErrNotQuorate},
		{"more members than registered", AssemblyCount{Body: RepresentativesAssembly, Members: 95, Present: 95, For: 95}, ErrMembersMismatch},
		{"villagers by half the people", AssemblyCount{Body: VillagersAssembly, Members: 300, Present: 151, For: 100}, nil},
		{"villagers by households", AssemblyCount{Body: VillagersAssembly, Members: 300, Present: 80, For: 50, Households: 90, HouseholdsThere: 60}, nil},
		{"villagers too few", AssemblyCount{Body: VillagersAssembly, Members: 300, Present: 80, For: 50, Households: 90, HouseholdsThere: 50}, ErrNotQuorate},
		{"villagers fewer than registered", AssemblyCount{Body: VillagersAssembly, Members: 10, Present: 10, For: 10}, ErrMembersMismatch},
		{"no body", AssemblyCount{Members: 94, Present: 94, For: 90}, nil},
	} {
		err := CheckAssembly(c.c, 94, 250, VoteRules{})
		if c.name == "no body" {
			if err == nil {
				t.Errorf("%s: accepted", c.name)
			}
			continue
		}
		if !errors.Is(err, c.want) && (err != nil || c.want != nil) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
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
	if r.Objections != 4 || r.Response != 0.5 || r.Resolution != 0.75 || r.Satisfaction != 0.5 { // in time: 2; answered: 3
		t.Errorf("rates = %+v", r)
	}
	if RatesOf(nil).Response != 0 {
		t.Error("no objections: zero rates, not NaN")
	}
}

func TestTransferReasonFitsTheLedger(t *testing.T) {
	short := TransferReason("参加义务劳动", "清扫村道", "2026-12", 7)
	if short != "参加义务劳动：清扫村道（2026-12月评议会）" {
		t.Errorf("short reason: %q", short)
	}
	long := TransferReason("参加义务劳动", strings.Repeat("修", 255), "2026-12", 7)
	if n := utf8.RuneCountInString(long); n > maxTransferReason || !strings.HasSuffix(long, "详见登记#7）") {
		t.Errorf("long reason (%d characters): %q", n, long)
	}
}

func TestConflictedMembersDoNotCount(t *testing.T) {
	hh, other := int64(7), int64(8)
	e := Entry{HouseholdID: &hh, RegisteredBy: 3}
	members := []org.Person{{ID: 1, HouseholdID: &hh}, {ID: 2, HouseholdID: &hh}, {ID: 3, HouseholdID: &other}, {ID: 4, HouseholdID: &other}}
	if n := free(members, e); n != 1 {
		t.Errorf("free members = %d, want 1 (two of the household, one the registrar)", n)
	}
	if !allConflicted(members[:3], e) || allConflicted(members, e) {
		t.Error("allConflicted misjudges the committee")
	}
}

func TestNextPeriod(t *testing.T) {
	for in, want := range map[string]string{"2026-11": "2026-12", "2026-12": "2027-01", "bad": "bad"} {
		if got := NextPeriod(in); got != want {
			t.Errorf("NextPeriod(%q) = %q, want %q", in, got, want)
		}
	}
}
