package rates

import "testing"

func TestRates(t *testing.T) {
	c := Counts{All: 8, InTime: 6, Resolved: 5, Rated: 4, Satisfied: 3}
	if r := c.Rates(); r.Response != 0.75 || r.Resolution != 0.625 || r.Satisfaction != 0.75 {
		t.Errorf("rates of %+v = %+v", c, r)
	}
	if r := (Counts{}).Rates(); r != (Rates{}) {
		t.Errorf("nothing counted: %+v, want zeros", r)
	}
	if s := c.Add(Counts{All: 2, InTime: 1, Resolved: 2, Rated: 1, Satisfied: 1}); s != (Counts{All: 10, InTime: 7, Resolved: 7, Rated: 5, Satisfied: 4}) {
		t.Errorf("sum %+v", s)
	}
}
