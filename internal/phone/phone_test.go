package phone

import (
	"errors"
	"testing"
)

func TestCanonical(t *testing.T) {
	const want = "13800000210"
	same := []string{
		"13800000210", "13800000210 ", " 13800000210", "13800000210\u3000", "\u300013800000210",
		"１３８０００００２１０", "+8613800000210", "+86 138 0000 0210", "8613800000210", "008613800000210",
		"138-0000-0210", "(+86)138-0000-0210", "138.0000.0210", "\t13800000210\n", "13800000210\u00a0",
	}
	for _, in := range same {
		got, err := Canonical(in)
		if err != nil || got != want {
			t.Errorf("Canonical(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	refused := []string{
		"", "1380000021", "138000002100", "12800000210", "23800000210", "1380000021a", "+8712800000210",
		"86138000002", "13800000210x", "١٣٨٠٠٠٠٠٢١٠", "1380000021０0", string(make([]byte, 100)),
	}
	for _, in := range refused {
		if got, err := Canonical(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("Canonical(%q) = %q, %v; want ErrInvalid", in, got, err)
		}
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{"13800000010": "138****0010", "123": "***", "": ""} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}
