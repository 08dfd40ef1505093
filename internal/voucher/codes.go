package voucher

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// Codes signs and checks the codes shown as QR: voucher codes, member codes and household cards. They are written
// in upper-case base32 and dots only, so that a QR code can use its compact alphanumeric mode: a
// smaller code is scanned more reliably from a cheap phone's screen.
//
//	voucher: PMV<id>.<nonce>.<mac>     member code: PMM<account, expiry, id>.<mac>
//	household card: PMK<id>.<nonce>.<mac>
//
// The nonce (80 random bits, also stored with the voucher) makes a code unguessable; the HMAC
// (80 bits, keyed by PM_SECRET) makes a tampered code fail before any database lookup.
type Codes struct {
	voucherKey, memberKey, cardKey, shopRoot []byte
}

// NewCodes derives the signing keys from the service secret.
func NewCodes(secret string) Codes {
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(purpose))
		return m.Sum(nil)
	}
	return Codes{voucherKey: derive("pointsmarket voucher code v1"), memberKey: derive("pointsmarket member code v1"),
		cardKey: derive("pointsmarket household card v1"), shopRoot: derive("pointsmarket offline shop keys v1")}
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

const (
	nonceLen = 10
	macLen   = 10
	// MemberCodeTTL is how long a member code is valid; phones refresh it before.
	MemberCodeTTL = 60 * time.Second
	memberGrace   = 15 * time.Second // a slow counter still accepts a code shown just before it expired
)

// decode decodes base32 and refuses non-canonical text (different trailing bits that decode to the
// same bytes), so that every accepted code is exactly the code that was issued.
func decode(s string) ([]byte, error) {
	b, err := b32.DecodeString(s)
	if err == nil && b32.EncodeToString(b) != s {
		err = ErrInvalidCode
	}
	return b, err
}

func mac(key []byte, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)[:macLen]
}

// NewNonce returns the random part of a new voucher code.
func NewNonce() []byte {
	b := make([]byte, nonceLen)
	_, _ = rand.Read(b) // never fails on Linux
	return b
}

// NewShortCode returns an 8-digit code for typing at the counter.
func NewShortCode() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%08d", binary.BigEndian.Uint64(b[:])%100_000_000)
}

// Voucher returns the code of a voucher.
func (c Codes) Voucher(id int64, nonce []byte) string { return signed("PMV", c.voucherKey, id, nonce) }

// ParseVoucher checks a voucher code (with or without its offline part) and returns its id and
// nonce, or ErrInvalidCode.
func (c Codes) ParseVoucher(code string) (id int64, nonce []byte, err error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	online, _, offline := strings.Cut(code, "/")
	if offline {
		if _, err := c.ParseOffline(code); err != nil {
			return 0, nil, err
		}
	}
	return parseSigned("PMV", c.voucherKey, online)
}

// Card returns the code printed as the QR of a household card.
func (c Codes) Card(id int64, nonce []byte) string { return signed("PMK", c.cardKey, id, nonce) }

// ParseCard checks a household card's code and returns its id and nonce, or ErrInvalidCode.
func (c Codes) ParseCard(code string) (id int64, nonce []byte, err error) {
	return parseSigned("PMK", c.cardKey, code)
}

// signed writes prefix<id>.<nonce>.<mac>.
func signed(prefix string, key []byte, id int64, nonce []byte) string {
	idb := binary.AppendUvarint(nil, uint64(id))
	return prefix + b32.EncodeToString(idb) + "." + b32.EncodeToString(nonce) + "." + b32.EncodeToString(mac(key, idb, nonce))
}

// parseSigned checks a code written by signed and returns its id and nonce, or ErrInvalidCode.
func parseSigned(prefix string, key []byte, code string) (id int64, nonce []byte, err error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	rest, ok := strings.CutPrefix(code, prefix)
	if !ok || len(code) > 128 {
		return 0, nil, ErrInvalidCode
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 3 {
		return 0, nil, ErrInvalidCode
	}
	idb, err1 := decode(parts[0])
	nonce, err2 := decode(parts[1])
	sig, err3 := decode(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || len(nonce) != nonceLen || len(sig) != macLen {
		return 0, nil, ErrInvalidCode
	}
	if subtle.ConstantTimeCompare(sig, mac(key, idb, nonce)) != 1 {
		return 0, nil, ErrInvalidCode
	}
	v, n := binary.Uvarint(idb)
	if n != len(idb) || v == 0 || v > 1<<62 {
		return 0, nil, ErrInvalidCode
	}
	return int64(v), nonce, nil
}

// MemberCode is a decoded member code.
type MemberCode struct {
	AccountID int64
	ID        []byte // 8 random bytes: used once
	ExpiresAt time.Time
}

// NewMemberCode returns a fresh member code for an account, valid for MemberCodeTTL from now.
func (c Codes) NewMemberCode(accountID int64, now time.Time) (string, MemberCode) {
	mc := MemberCode{AccountID: accountID, ID: make([]byte, 8), ExpiresAt: now.Add(MemberCodeTTL).Truncate(time.Second)}
	_, _ = rand.Read(mc.ID)
	payload := binary.AppendUvarint(nil, uint64(accountID))
	payload = binary.AppendUvarint(payload, uint64(mc.ExpiresAt.Unix()))
	payload = append(payload, mc.ID...)
	return "PMM" + b32.EncodeToString(payload) + "." + b32.EncodeToString(mac(c.memberKey, payload)), mc
}

// ParseMemberCode checks a member code: ErrInvalidCode when malformed or tampered with,
// ErrMemberCodeExpiry when too old.
func (c Codes) ParseMemberCode(code string, now time.Time) (MemberCode, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	rest, ok := strings.CutPrefix(code, "PMM")
	if !ok || len(code) > 128 {
		return MemberCode{}, ErrInvalidCode
	}
	body, sigPart, ok := strings.Cut(rest, ".")
	payload, err1 := decode(body)
	sig, err2 := decode(sigPart)
	if !ok || err1 != nil || err2 != nil || len(sig) != macLen || subtle.ConstantTimeCompare(sig, mac(c.memberKey, payload)) != 1 {
		return MemberCode{}, ErrInvalidCode
	}
	account, n1 := binary.Uvarint(payload)
	if n1 <= 0 {
		return MemberCode{}, ErrInvalidCode
	}
	exp, n2 := binary.Uvarint(payload[n1:])
	if n2 <= 0 || len(payload) != n1+n2+8 || account == 0 || account > 1<<62 || exp > 1<<40 {
		return MemberCode{}, ErrInvalidCode
	}
	mc := MemberCode{AccountID: int64(account), ID: payload[n1+n2:], ExpiresAt: time.Unix(int64(exp), 0).UTC()}
	if now.After(mc.ExpiresAt.Add(memberGrace)) {
		return mc, ErrMemberCodeExpiry
	}
	return mc, nil
}

// IsShortCode reports whether s (spaces and dashes ignored) is an 8-digit short code, and returns it.
func IsShortCode(s string) (string, bool) {
	s = strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
	if len(s) != 8 {
		return "", false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return s, true
}
