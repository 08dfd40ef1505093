package card

import (
	"testing"
	"time"
)

func TestNumbersCatchATypo(t *testing.T) {
	for range 1000 {
		n := NewNumber()
		if got, ok := Number(n[:4] + " " + n[4:8] + "-" + n[8:]); !ok || got != n || n[0] == '0' {
			t.Fatalf("%s is not a valid card number (%q %v)", n, got, ok)
		}
		for i := range n { // every single mistyped digit is caught
			wrong := []byte(n)
			wrong[i] = '0' + (wrong[i]-'0'+1)%10
			if _, ok := Number(string(wrong)); ok {
				t.Fatalf("%s accepted for %s", wrong, n)
			}
		}
		if n[3] != n[4] { // and every swap of two neighbours that differ
			swapped := []byte(n)
			swapped[3], swapped[4] = swapped[4], swapped[3]
			if _, ok := Number(string(swapped)); ok && !(n[3] == '0' && n[4] == '9' || n[3] == '9' && n[4] == '0') {
				t.Fatalf("%s accepted for %s", swapped, n)
			}
		}
	}
	for _, bad := range []string{"", "12345678901", "1234567890123", "12345678901a", "７９９２７３９８７１３"} {
		if _, ok := Number(bad); ok {
			t.Errorf("%q taken as a card number", bad)
		}
	}
	if _, ok := Number("1000 0000 0008"); !ok { // the leading 1 of 10000000000 is doubled: sum 2, check digit 8
		t.Error("a number with a right check digit refused")
	}
}

func TestPINPolicy(t *testing.T) {
	for pin, ok := range map[string]bool{"358214": true, "802465": true, "112358": true, "123456": false, "654321": false,
		"000000": false, "890123": false, "210987": false, "12345": false, "1234567": false, "12a456": false, "１２３４５６": false} {
		if got := CheckPIN(pin) == nil; got != ok {
			t.Errorf("CheckPIN(%q) accepted %v, want %v", pin, got, ok)
		}
	}
}

func TestLockGrowsFromTheThirdWrongPIN(t *testing.T) {
	want := map[int]time.Duration{1: 0, 2: 0, 3: time.Minute, 4: 2 * time.Minute, 5: 4 * time.Minute, 13: 1024 * time.Minute, 14: MaxLock, 40: MaxLock}
	for failures, d := range want {
		if got := lockAfter(failures); got != d {
			t.Errorf("after %d wrong PINs: locked %v, want %v", failures, got, d)
		}
	}
}
