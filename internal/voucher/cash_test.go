package voucher

import "testing"

func TestTopUpTakesEveryPointThenCashAtTheAgreedPrice(t *testing.T) {
	for _, c := range []struct {
		points, price, available, taken, cash int64
	}{
		{100, 1000, 500, 100, 0},  // enough points: no cash
		{100, 1000, 100, 100, 0},  // exactly enough
		{100, 1000, 60, 60, 400},  // 40 short at 10 fen a point
		{3, 100, 1, 1, 67},        // 2 × 100 ÷ 3 = 66.67: rounded up
		{100, 1000, 0, 0, 1000},   // nothing available: all cash (refused by the counter)
		{100, 1000, -20, 0, 1000}, // a negative balance (a penalty) counts as nothing
		{100, 0, 60, 60, 0},       // no agreed price: the rest cannot be paid in cash
	} {
		taken, cash := TopUp(c.points, c.price, c.available)
		if taken != c.taken || cash != c.cash {
			t.Errorf("TopUp(%d, %d, %d) = %d, %d; want %d, %d", c.points, c.price, c.available, taken, cash, c.taken, c.cash)
		}
	}
	for points := int64(1); points < 300; points += 7 { // the cash never falls short of the agreed price of what points did not cover
		for available := int64(0); available <= points; available += 3 {
			price := points*13 + 5
			taken, cash := TopUp(points, price, available)
			if exact := float64(points-taken) * float64(price) / float64(points); float64(cash) < exact || float64(cash) >= exact+1 {
				t.Fatalf("TopUp(%d, %d, %d): cash %d for %.2f fen", points, price, available, cash, exact)
			}
		}
	}
}
