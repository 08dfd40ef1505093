package voucher

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
)

// An 8-digit short code is typed, so it can be guessed: one in a hundred million per try, times
// the vouchers a shop has open. Typed codes are therefore limited per shopkeeper and per shop (a
// busy counter types a few a minute, a script hundreds a second), misses lock a shop's typed
// codes for an hour and raise an alert, and a code of another shop answers like a code of nobody.
// A scanned QR code is signed and cannot be guessed, so it keeps its precise answers.

// Limiter counts attempts in fixed windows; Redis implements it.
type Limiter interface {
	// Allow counts one attempt for key and reports whether it is within limit per window, and
	// when to retry if not.
	Allow(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error)
}

// ShortCodeLimits tunes the throttle of typed codes.
type ShortCodeLimits struct {
	PerPerson, PerShop int // lookups per Window
	Window             time.Duration
	// Misses lock a shop's typed codes (the QR scanner still works).
	Misses auth.LockPolicy
}

// DefaultShortCodeLimits: 12 typed codes a minute per shopkeeper (a scan and a redeem of one code
// are two), 30 per shop, and 20 misses an hour per shop before typed codes stop for an hour.
func DefaultShortCodeLimits() ShortCodeLimits {
	return ShortCodeLimits{PerPerson: 12, PerShop: 30, Window: time.Minute,
		Misses: auth.LockPolicy{Failures: 20, Window: time.Hour, Memory: 24 * time.Hour, InFlight: 5,
			Penalties: []time.Duration{time.Hour, 4 * time.Hour}}}
}

// ErrShortCodeThrottled refuses typed codes typed too fast or after too many misses.
var ErrShortCodeThrottled = fault.New(fault.RateLimited, "short_code_throttled",
	"too many typed codes: wait, or scan the QR code")

// byShortCode finds a voucher of p's shops by its typed code, under the throttle.
func (s *Service) byShortCode(ctx context.Context, p auth.Principal, shops []int64, code string) (presented, error) {
	var pr presented
	err := s.typed(ctx, p, shops[0], func() error {
		var err error
		pr.voucher, pr.holder, err = s.Store.VoucherByShortCode(ctx, shops, code)
		return err
	})
	return pr, err
}

// typed runs lookup, which finds what a typed code stands for or returns ErrInvalidCode, under the
// throttle of typed codes of p and of the shop; a miss counts towards locking the shop's typed
// codes. Without Redis the lookup runs unthrottled: the counter keeps working (the database
// guards every redemption) and the log says so.
func (s *Service) typed(ctx context.Context, p auth.Principal, shop int64, lookup func() error) error {
	limits := s.ShortCodes
	if limits.Window == 0 {
		limits = DefaultShortCodeLimits()
	}
	missKey := fmt.Sprintf("short:shop:%d", shop)
	if s.Throttle == nil || s.Misses == nil {
		return lookup()
	}
	unthrottled := func(cause error) error {
		s.Log.WarnContext(ctx, "short-code throttle unavailable; typed codes are not limited", "err", cause)
		return lookup()
	}
	for _, l := range []struct {
		key   string
		limit int
	}{{fmt.Sprintf("short:person:%d", p.PersonID), limits.PerPerson}, {missKey, limits.PerShop}} {
		ok, retry, err := s.Throttle.Allow(ctx, l.key, l.limit, limits.Window)
		if err != nil {
			return unthrottled(err)
		}
		if !ok {
			return throttled(retry)
		}
	}
	wait, err := s.Misses.Begin(ctx, missKey, limits.Misses)
	if err != nil {
		return unthrottled(err)
	}
	if wait > 0 {
		return throttled(wait)
	}
	err = lookup()
	if !errors.Is(err, ErrInvalidCode) {
		_ = s.Misses.Release(ctx, missKey) // a hit does not forgive earlier misses
		return err
	}
	locked, _, ferr := s.Misses.Fail(ctx, missKey, limits.Misses)
	if ferr == nil && locked > 0 && s.shortCodeMissed != nil {
		s.shortCodeMissed(ctx, shop, p.PersonID, limits.Misses.Failures)
	}
	return err
}

func throttled(wait time.Duration) error {
	return ErrShortCodeThrottled.WithDetails(map[string]any{"retry_after_seconds": int((wait + time.Second - 1) / time.Second)})
}
