// Package rates is the one definition of the three rates (三率) by which a unit that answers
// villagers is judged — for the objections to points and for the villagers' requests alike:
//
//   - response rate (响应率): answered by the deadline, of all;
//   - resolution rate (解决率): resolved, of all (an objection is resolved when it is answered,
//     upheld or not; a request when its handler marks it resolved);
//   - satisfaction rate (满意率): rated satisfied, of those rated.
//
// With nothing to count a rate is 0, never NaN.
package rates

// Counts are what the rates are computed from.
type Counts struct {
	All       int `json:"-" db:"total"`
	InTime    int `json:"-" db:"in_time"`
	Resolved  int `json:"-" db:"resolved"`
	Rated     int `json:"-" db:"rated"`
	Satisfied int `json:"-" db:"satisfied"`
}

// Rates are the three rates, each from 0 to 1.
type Rates struct {
	Response     float64 `json:"response_rate"`
	Resolution   float64 `json:"resolution_rate"`
	Satisfaction float64 `json:"satisfaction_rate"`
}

// Rates computes the rates.
func (c Counts) Rates() Rates {
	return Rates{Response: ratio(c.InTime, c.All), Resolution: ratio(c.Resolved, c.All), Satisfaction: ratio(c.Satisfied, c.Rated)}
}

// Add returns the sum of two counts (a township's from its villages').
func (c Counts) Add(d Counts) Counts {
	return Counts{All: c.All + d.All, InTime: c.InTime + d.InTime, Resolved: c.Resolved + d.Resolved, Rated: c.Rated + d.Rated, Satisfied: c.Satisfied + d.Satisfied}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
