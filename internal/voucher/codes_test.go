package voucher

import (
	"strings"
	"testing"
	"time"
)

func TestVoucherCodeRoundTripAndTampering(t *testing.T) {
	c := NewCodes("secret-0123456789-0123456789-abcdef")
	nonce := NewNonce()
	code := c.Voucher(12345, nonce)
	for _, ch := range code {
		if !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567.", ch) && !(ch >= '0' && ch <= '9') {
			t.Fatalf("code %q has %q, outside QR's alphanumeric set", code, ch)
		}
	}
	id, got, err := c.ParseVoucher(" " + strings.ToLower(code) + "\n")
	if err != nil || id != 12345 || string(got) != string(nonce) {
		t.Fatalf("round trip: %d %x %v", id, got, err)
	}
	other := NewCodes("another-secret-0123456789-0123456789")
	if _, _, err := other.ParseVoucher(code); err != ErrInvalidCode {
		t.Error("a code signed with another secret is accepted")
	}
	for i := 3; i < len(code); i++ {
		b := []byte(code)
		if b[i] == '.' {
			continue
		}
		b[i] = map[bool]byte{true: 'B', false: 'A'}[b[i] == 'A']
		if _, _, err := c.ParseVoucher(string(b)); err == nil {
			t.Fatalf("tampered code %q accepted", b)
		}
	}
	for _, bad := range []string{"", "PMV", "PMV..", "hello", "PMV" + strings.Repeat("A", 200), code + ".X"} {
		if _, _, err := c.ParseVoucher(bad); err != ErrInvalidCode {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestMemberCode(t *testing.T) {
	c := NewCodes("secret-0123456789-0123456789-abcdef")
	now := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	code, mc := c.NewMemberCode(77, now)
	got, err := c.ParseMemberCode(code, now.Add(30*time.Second))
	if err != nil || got.AccountID != 77 || string(got.ID) != string(mc.ID) {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	if _, err := c.ParseMemberCode(code, now.Add(2*time.Minute)); err != ErrMemberCodeExpiry {
		t.Errorf("two minutes later: %v", err)
	}
	if _, err := c.ParseMemberCode(strings.Replace(code, "PMM", "PMV", 1), now); err != ErrInvalidCode {
		t.Errorf("a member code as a voucher prefix: %v", err)
	}
	if _, _, err := c.ParseVoucher(code); err != ErrInvalidCode {
		t.Errorf("a member code parsed as a voucher: %v", err)
	}
}

func TestShortCode(t *testing.T) {
	for i := 0; i < 100; i++ {
		if s, ok := IsShortCode(NewShortCode()); !ok || len(s) != 8 {
			t.Fatal("short code not 8 digits")
		}
	}
	if s, ok := IsShortCode("1234 5678"); !ok || s != "12345678" {
		t.Error("spaces")
	}
	if _, ok := IsShortCode("1234567a"); ok {
		t.Error("letters")
	}
}

func FuzzParseCodes(f *testing.F) {
	c := NewCodes("secret-0123456789-0123456789-abcdef")
	f.Add(c.Voucher(1, NewNonce()))
	code, _ := c.NewMemberCode(5, time.Unix(1800000000, 0))
	f.Add(code)
	f.Add("PMV..")
	f.Add("12345678")
	f.Fuzz(func(t *testing.T, s string) {
		if id, nonce, err := c.ParseVoucher(s); err == nil {
			if c.Voucher(id, nonce) != strings.ToUpper(strings.TrimSpace(s)) {
				t.Fatalf("accepted %q but it is not the code of voucher %d", s, id)
			}
		}
		_, _ = c.ParseMemberCode(s, time.Unix(1800000000, 0))
		_, _ = IsShortCode(s)
	})
}

func TestOfflinePartOfAVoucherQR(t *testing.T) {
	c := NewCodes("test-secret")
	v := Voucher{ID: 4711, ShopID: 3, Nonce: NewNonce(), Points: 27, ExpiresAt: time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC),
		Items: []Item{{GoodsID: 9, Quantity: 2}, {GoodsID: 12, Quantity: 1}}}
	qr := c.VoucherQR(v)
	o, err := c.ParseOffline(qr)
	if err != nil || o.VoucherID != 4711 || o.ShopID != 3 || o.Points != 27 || !o.ExpiresAt.Equal(v.ExpiresAt) || len(o.Lines) != 2 || o.Lines[1] != (Line{12, 1}) {
		t.Fatalf("ParseOffline(%s) = %+v, %v", qr, o, err)
	}
	if id, nonce, err := c.ParseVoucher(qr); err != nil || id != 4711 || string(nonce) != string(v.Nonce) {
		t.Fatalf("the QR's text does not redeem online: %v", err)
	}
	if strings.Trim(qr, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567./") != "" {
		t.Errorf("%s is not in QR's alphanumeric mode", qr)
	}
	online, tail, _ := strings.Cut(qr, "/")
	body, tag, _ := strings.Cut(tail, ".")
	other := c.VoucherQR(Voucher{ID: 4711, ShopID: 4, Nonce: v.Nonce, Points: 27, ExpiresAt: v.ExpiresAt, Items: v.Items})
	_, otherTail, _ := strings.Cut(other, "/")
	otherBody, _, _ := strings.Cut(otherTail, ".")
	for name, bad := range map[string]string{
		"points changed":          online + "/" + b32.EncodeToString(append(mustDecode(t, body)[:len(mustDecode(t, body))-1], 3)) + "." + tag,
		"another shop's payload":  online + "/" + otherBody + "." + tag,
		"no tag":                  online + "/" + body,
		"tag of another secret":   NewCodes("other").VoucherQR(v),
		"another voucher's front": c.Voucher(4712, v.Nonce) + "/" + tail,
	} {
		if _, err := c.ParseOffline(bad); err == nil {
			t.Errorf("%s: accepted offline", name)
		}
		if _, _, err := c.ParseVoucher(bad); err == nil {
			t.Errorf("%s: accepted online", name)
		}
	}
	if c.ShopKey(3) == nil || string(c.ShopKey(3)) == string(c.ShopKey(4)) {
		t.Error("shops share a key")
	}
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := decode(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
