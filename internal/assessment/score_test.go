package assessment

import (
	"slices"
	"testing"
	"time"
)

func testScheme() Scheme {
	return Scheme{
		Items: []Item{
			{Code: "zero_case", Name: "零发案", Kind: KindZero, Points: 10, Deduction: 4},
			{Code: "zero_building", Name: "零违建", Kind: KindZero, Points: 10, Deduction: 5},
			{Code: "farmland", Name: "占用耕地建房", Parent: "zero_building", TownshipID: 7, Deduction: 10},
			{Code: "activity", Name: "参与率", Kind: KindActivity, Points: 20},
			{Code: "tasks", Name: "交办任务", Kind: KindTasks, Points: 20},
		},
		AwardBands: []Band{{ToRank: 1, AmountFen: 500}, {ToRank: 3, AmountFen: 200}},
		WarnBottom: 2, TieRule: TieFewerEvents,
	}
}

func TestScoreDeductsFloorsAndShares(t *testing.T) {
	sc := testScheme()
	st := Standing{TownshipID: 7, Events: map[string]int{"zero_case": 3, "farmland": 1, "zero_building": 1},
		TasksGiven: 3, TasksOnTime: 2, Households: 10, ActiveMonths: 45, Months: 6}
	centi, items := Score(sc, st)
	// zero_case 10-12 → 0; zero_building 10-5-10 → 0; activity 20×45/60 = 15; tasks 20×2/3 = 13.33.
	if want := int64(0 + 0 + 1500 + 1333); centi != want {
		t.Fatalf("score %d, want %d (%+v)", centi, want, items)
	}
	if items[1].Events != 2 || items[0].Events != 3 {
		t.Errorf("item events %+v", items)
	}
	// A sub-item of another township does not apply: its events are not this village's item.
	st.TownshipID = 8
	if _, items := Score(sc, st); items[1].Events != 1 || items[1].Score != 5 {
		t.Errorf("another township's sub-item counted: %+v", items[1])
	}
	// No tasks given: the tasks item is whole; no households: no activity.
	if centi, _ := Score(sc, Standing{Events: map[string]int{}}); centi != 1000+1000+0+2000 {
		t.Errorf("empty village scored %d", centi)
	}
}

func TestRankBreaksTiesByTheSchemesRule(t *testing.T) {
	sc := testScheme()
	full := func(id int64, events map[string]int, active int) Standing {
		return Standing{VillageID: id, TownshipID: 7, Events: events, Households: 10, ActiveMonths: active, Months: 6}
	}
	standings := []Standing{
		full(1, map[string]int{}, 30),                   // 10+10+10+20 = 50
		full(2, map[string]int{"zero_case": 1}, 60),     // 6+10+20+20 = 56
		full(3, map[string]int{"zero_building": 1}, 60), // 10+5+20+20 = 55
		full(4, map[string]int{"zero_case": 2}, 60),     // 2+10+20+20 = 52
		full(5, map[string]int{}, 36),                   // 10+10+12+20 = 52
		full(6, map[string]int{"zero_case": 1}, 54),     // 6+10+18+20 = 54
		full(7, map[string]int{}, 30),                   // 50, ties with 1: lower id first
	}
	rows := Rank(sc, standings, map[int64]bool{7: true, 1: true})
	order := func() []int64 {
		var out []int64
		for _, r := range rows {
			out = append(out, r.VillageID)
		}
		return out
	}
	// 4 and 5 tie at 52: fewer events puts 5 first.
	if got, want := order(), []int64{2, 3, 6, 5, 4, 1, 7}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	sc.TieRule = TieHigherActivity
	rows = Rank(sc, standings, map[int64]bool{7: true, 1: true})
	if got, want := order(), []int64{2, 3, 6, 4, 5, 1, 7}; !slices.Equal(got, want) {
		t.Fatalf("order by activity %v, want %v", got, want)
	}
	for i, r := range rows {
		if r.Rank != i+1 {
			t.Errorf("rank %d at %d", r.Rank, i)
		}
	}
	bands := []string{BandAward, BandAward, BandAward, BandNone, BandNone, BandWarned, BandWarned}
	awards := []int64{500, 200, 200, 0, 0, 0, 0}
	for i, r := range rows {
		if r.Band != bands[i] || r.AwardFen != awards[i] {
			t.Errorf("rank %d: band %s award %d, want %s %d", r.Rank, r.Band, r.AwardFen, bands[i], awards[i])
		}
		if r.Flagged != (r.Band == BandWarned) { // both warned villages were warned before
			t.Errorf("rank %d flagged %v", r.Rank, r.Flagged)
		}
	}
	if rows[0].Score != 56 || rows[0].ActivityPct != 100 {
		t.Errorf("first row %+v", rows[0])
	}
}

func TestRankAwardsBeforeWarningsWhenFewVillages(t *testing.T) {
	sc := testScheme() // 3 awarded, 2 warned
	rows := Rank(sc, []Standing{{VillageID: 1}, {VillageID: 2}, {VillageID: 3}, {VillageID: 4}}, nil)
	got := []string{rows[0].Band, rows[1].Band, rows[2].Band, rows[3].Band}
	if want := []string{BandAward, BandAward, BandAward, BandWarned}; !slices.Equal(got, want) {
		t.Errorf("bands %v, want %v", got, want)
	}
	if rows[3].Flagged {
		t.Error("flagged without a previous warning")
	}
}

func TestPeriods(t *testing.T) {
	for _, bad := range []string{"", "2026-H3", "2026H1", "1999-H1", "2026-h1", " 2026-H1"} {
		if _, err := ParsePeriod("period", bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	p := Period("2026-H2")
	if p.Previous() != "2026-H1" || Period("2026-H1").Previous() != "2025-H2" {
		t.Error("previous")
	}
	cst := time.FixedZone("CST", 8*3600)
	if !p.Start().Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, cst)) || !p.End().Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, cst)) {
		t.Errorf("bounds %v %v", p.Start(), p.End())
	}
	// The last minutes of June 30 in China are the first half-year, though already July in no zone.
	if PeriodOf(time.Date(2026, 6, 30, 23, 59, 0, 0, cst)) != "2026-H1" || PeriodOf(time.Date(2026, 6, 30, 16, 0, 0, 0, time.UTC)) != "2026-H2" {
		t.Error("PeriodOf at the boundary")
	}
	if got := p.Months(time.Date(2026, 9, 15, 0, 0, 0, 0, cst)); !slices.Equal(got, []string{"2026-07", "2026-08", "2026-09"}) {
		t.Errorf("months so far %v", got)
	}
	if got := p.Months(time.Date(2027, 3, 1, 0, 0, 0, 0, cst)); len(got) != 6 || got[5] != "2026-12" {
		t.Errorf("months of an ended half-year %v", got)
	}
	if !p.Contains(time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)) || p.Contains(time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)) {
		t.Error("Contains")
	}
}
