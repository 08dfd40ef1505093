package voucher

import (
	"errors"
	"testing"
)

func TestCheckCeilings(t *testing.T) {
	c := Ceilings{PerCheckout: 200, PerDay: 400}
	for _, tc := range []struct {
		points, today int64
		want          error
	}{
		{200, 0, nil},
		{201, 0, ErrOverCheckoutCeiling},
		{200, 200, nil},
		{1, 400, ErrOverDailyCeiling},
		{150, 251, ErrOverDailyCeiling},
		{1160, 0, ErrOverCheckoutCeiling},
	} {
		if err := CheckCeilings(c, tc.points, tc.today); !errors.Is(err, tc.want) && (err != nil || tc.want != nil) {
			t.Errorf("CheckCeilings(%d, today %d) = %v, want %v", tc.points, tc.today, err, tc.want)
		}
	}
}
