package catalog

import (
	"testing"
	"time"
)

func TestStandardAllows(t *testing.T) {
	yuan := Standard{FenPerPoint: 100, TolerancePct: 10}
	cases := []struct {
		points, fen int64
		want        bool
	}{
		{3, 300, true}, {3, 330, true}, {3, 331, false}, {3, 270, true}, {3, 269, false},
		{40, 4600, false}, {1, 0, false},
	}
	for _, c := range cases {
		if got := yuan.Allows(c.points, c.fen); got != c.want {
			t.Errorf("%d points at %d fen: %v, want %v", c.points, c.fen, got, c.want)
		}
	}
	if Allows(nil, 3, 300) {
		t.Error("without an approved standard nothing keeps to it")
	}
}

func TestRepriceVoidsExceptionAndUnshelves(t *testing.T) {
	st := &Standard{FenPerPoint: 100, TolerancePct: 0}
	sup := int64(9)
	g := Goods{Points: 40, PriceFen: 4600, ExceptionBy: &sup, OnShelf: true}
	g.Reprice(st, 40, 4600)
	if !g.OnShelf || g.ExceptionBy == nil || g.StandardOK {
		t.Fatalf("unchanged price keeps the exception: %+v", g)
	}
	g.PriceFen = 4700
	g.Reprice(st, 40, 4600)
	if g.OnShelf || g.ExceptionBy != nil {
		t.Fatalf("a new price voids the exception and leaves the shelf: %+v", g)
	}
	g.PriceFen = 4000
	g.Reprice(st, 40, 4700)
	if !g.StandardOK || g.OnShelf {
		t.Fatalf("a fixed price is ok but does not shelve itself: %+v", g)
	}
}

func TestAgreementDaysAreChinaDays(t *testing.T) {
	a := Agreement{Status: AgreementActive, ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ValidTo: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	// 17:00 UTC on 31 December is already 1 January in the village.
	if a.ActiveOn(time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC)) {
		t.Error("active after its last day in calendar.Zone()")
	}
	if !a.ActiveOn(time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC)) {
		t.Error("not active on its first day in calendar.Zone()")
	}
	a.Status = AgreementSuspended
	if a.ActiveOn(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)) {
		t.Error("a suspended agreement is active")
	}
}

func TestFit(t *testing.T) {
	for _, c := range [][4]int{{1600, 900, 800, 450}, {900, 1600, 450, 800}, {300, 200, 300, 200}, {8000, 64, 800, 6}} {
		if w, h := fit(c[0], c[1], 800); w != c[2] || h != c[3] {
			t.Errorf("fit(%d, %d) = %d×%d, want %d×%d", c[0], c[1], w, h, c[2], c[3])
		}
	}
}
