package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorsMatchByCodeThroughWrapping(t *testing.T) {
	sentinel := New(Conflict, "insufficient_points", "not enough")
	detailed := sentinel.WithDetails(map[string]any{"available": 3})
	wrapped := fmt.Errorf("redeem voucher 7: %w", detailed)
	if !errors.Is(wrapped, sentinel) {
		t.Error("a detailed copy must still match its sentinel")
	}
	if errors.Is(wrapped, New(Conflict, "other", "x")) {
		t.Error("different codes must not match")
	}
	if KindOf(wrapped) != Conflict || From(wrapped).Details["available"] != 3 {
		t.Error("kind and details must survive wrapping")
	}
	if KindOf(errors.New("boom")) != Internal {
		t.Error("an unclassified error is internal")
	}
	if KindOf(errors.Join(ErrUnavailable, errors.New("dial tcp: refused"))) != Unavailable {
		t.Error("joined outage errors are unavailable")
	}
}
