package dividend

import (
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSplitExamples(t *testing.T) {
	cases := []struct {
		amount  int64
		weights []int64
		want    []int64
	}{
		{100, []int64{1, 1, 1}, []int64{34, 33, 33}}, // equal remainders: the earlier household
		{100, []int64{1, 2}, []int64{33, 67}},        // 33.33 and 66.67: the larger remainder
		{10, []int64{3, 3, 4}, []int64{3, 3, 4}},     // exact
		{1, []int64{5, 7}, []int64{0, 1}},            // one fen: 5/12 against 7/12
		{2, []int64{3, 1, 3}, []int64{1, 0, 1}},      // 6/7, 2/7, 6/7: equal remainders, both get one
		{2, []int64{1, 1, 2}, []int64{1, 0, 1}},      // 0.5, 0.5, 1: the fen left goes to the earlier half
		{3, []int64{2, 1, 1}, []int64{1, 1, 1}},      // 1.5, .75, .75: the two fen left go to the .75s
		{0, []int64{4, 9}, []int64{0, 0}},            // nothing to share
		{1_000_000_000_00, []int64{1 << 40, 3}, nil}, // large: checked by the sums below
		{9_000_000_000_000_000_000 / 1_000_000, []int64{1<<62 - 1, 1 << 61}, nil},
	}
	for _, c := range cases {
		got := Split(c.amount, c.weights)
		if c.want != nil && !slices.Equal(got, c.want) {
			t.Errorf("Split(%d, %v) = %v, want %v", c.amount, c.weights, got, c.want)
		}
		checkSplit(t, c.amount, c.weights, got)
	}
}

// Random amounts and points always add up exactly, and no share is a fen or more from its exact
// value amount × points / total.
func TestSplitProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(20261201, 1))
	for range 20000 {
		n := 1 + r.IntN(40)
		weights := make([]int64, n)
		for i := range weights {
			switch r.IntN(4) {
			case 0:
				weights[i] = 1 + r.Int64N(5) // many small, equal weights: ties
			case 1:
				weights[i] = 1 + r.Int64N(1_000_000_000)
			default:
				weights[i] = 1 + r.Int64N(3000)
			}
		}
		amount := r.Int64N(1_000_000_000_00)
		if r.IntN(3) == 0 {
			amount = r.Int64N(int64(n) * 2) // fewer fen than households
		}
		checkSplit(t, amount, weights, Split(amount, weights))
	}
}

func checkSplit(t *testing.T, amount int64, weights, parts []int64) {
	t.Helper()
	var sum int64
	total := new(big.Int)
	for _, w := range weights {
		total.Add(total, big.NewInt(w))
	}
	for i, p := range parts {
		sum += p
		// |p − amount·w/total| < 1  ⇔  |p·total − amount·w| < total
		diff := new(big.Int).Sub(new(big.Int).Mul(big.NewInt(p), total), new(big.Int).Mul(big.NewInt(amount), big.NewInt(weights[i])))
		if diff.Abs(diff).Cmp(total) >= 0 || p < 0 {
			t.Fatalf("Split(%d, %v): part %d is %d, a fen or more from its exact share", amount, weights, i, p)
		}
	}
	if sum != amount {
		t.Fatalf("Split(%d, %v) = %v adds up to %d", amount, weights, parts, sum)
	}
}
