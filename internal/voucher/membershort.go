package voucher

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
)

// A member code is a signed QR; a villager whose phone cannot be scanned (a cracked screen, a
// counter without a camera) reads its 8 digits out instead, and the shopkeeper types them. The
// digits stand for the code in Redis for as long as the code lives; they are typed, so they are
// guessable and go through the typed-code throttle like a voucher's short code.

// MemberShortCodes keeps what the digits of member codes stand for; Redis implements it.
type MemberShortCodes interface {
	// Put makes digits stand for code for ttl; false when they stand for another code already.
	Put(ctx context.Context, digits, code string, ttl time.Duration) (bool, error)
	// Get returns the code digits stand for, or "" for none.
	Get(ctx context.Context, digits string) (string, error)
}

// memberDigits gives a fresh member code its digits; "" when they cannot be kept (Redis down):
// the QR code still works.
func (s *Service) memberDigits(ctx context.Context, code string, expires time.Time) string {
	if s.MemberShortCodes == nil {
		return ""
	}
	for range 5 {
		digits := NewShortCode()
		ok, err := s.MemberShortCodes.Put(ctx, digits, code, time.Until(expires)+time.Second)
		if err != nil {
			s.Log.WarnContext(ctx, "member code digits not kept; the QR code still works", "err", err)
			return ""
		}
		if ok {
			return digits
		}
	}
	return ""
}

// memberCodeOf returns the signed member code a counter was given: the scanned code itself, or
// the one that typed digits stand for (throttled; ErrInvalidCode when they stand for none).
func (s *Service) memberCodeOf(ctx context.Context, p auth.Principal, shop int64, code string) (string, error) {
	digits, ok := IsShortCode(code)
	if !ok || s.MemberShortCodes == nil {
		return code, nil
	}
	var signed string
	err := s.typed(ctx, p, shop, func() error {
		var err error
		if signed, err = s.MemberShortCodes.Get(ctx, digits); err != nil {
			return err
		}
		if signed == "" {
			return fmt.Errorf("member code digits: %w", ErrInvalidCode)
		}
		return nil
	})
	return signed, err
}
