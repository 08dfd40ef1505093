package dividend

import (
	"math/bits"
	"sort"
)

// Split divides amount among weights in proportion, to the unit (the fen), by the largest-remainder
// method: each weight gets the floor of its exact share, and the units those floors leave over go
// one each to the largest remainders. Equal remainders go to the larger weight, then to the earlier
// one (the caller orders households by id): the tie rule the notice states. The parts always add up
// to amount, and none differs from its exact share by a unit or more.
//
// amount is at least 0, every weight above 0; with no weights there is nothing to split.
func Split(amount int64, weights []int64) []int64 {
	parts := make([]int64, len(weights))
	var total uint64
	for _, w := range weights {
		total += uint64(w)
	}
	if total == 0 {
		return parts
	}
	type rest struct {
		i   int
		rem uint64
	}
	rests := make([]rest, len(weights))
	left := amount
	for i, w := range weights {
		// amount × w can pass 2^63 for a county's sums: 128-bit product, and a quotient below amount.
		hi, lo := bits.Mul64(uint64(amount), uint64(w))
		q, r := bits.Div64(hi, lo, total)
		parts[i] = int64(q)
		left -= int64(q)
		rests[i] = rest{i, r}
	}
	sort.SliceStable(rests, func(a, b int) bool {
		if rests[a].rem != rests[b].rem {
			return rests[a].rem > rests[b].rem
		}
		return weights[rests[a].i] > weights[rests[b].i]
	})
	for k := 0; left > 0; k++ {
		parts[rests[k].i]++
		left--
	}
	return parts
}
