package auth

import (
	"context"
	"time"
)

// Lockout guards one key (a phone, an address, a person's password change) against guessing.
// Only failures count: a success forgets them, so a shop tablet and a family sharing a login may
// log in as often as they like. Each lock lasts longer than the one before, so that a stranger
// who types five wrong passwords shuts a villager out for a minute, not an afternoon.
type Lockout interface {
	// Begin reserves an attempt. It returns how long the key stays locked, or 0 when the
	// attempt may go ahead; the caller then ends it with Fail or Succeed.
	Begin(ctx context.Context, key string, p LockPolicy) (wait time.Duration, err error)
	// Fail ends an attempt as a failure. The Failures-th failure within Window locks the key for
	// the next penalty, which it returns (0 when the key stays open); left is how many failures
	// remain before that.
	Fail(ctx context.Context, key string, p LockPolicy) (locked time.Duration, left int, err error)
	// Succeed ends an attempt as a success: failures and past locks are forgotten.
	Succeed(ctx context.Context, key string) error
	// Release ends an attempt that guessed nothing (or whose success must not forgive earlier
	// failures, as for a shared address): only the reservation is returned.
	Release(ctx context.Context, key string) error
	// Unlock lifts a lock and forgets every failure; it reports whether the key was locked.
	Unlock(ctx context.Context, key string) (bool, error)
}

// LockPolicy tunes a Lockout.
type LockPolicy struct {
	// Failures within Window lock the key.
	Failures int
	Window   time.Duration
	// Penalties are the successive locks; the last one repeats.
	Penalties []time.Duration
	// Memory is how long past locks count toward the next, longer one.
	Memory time.Duration
	// InFlight bounds attempts running at once beyond the failures left, so that a hundred
	// guesses fired together are not all checked before the first failure is counted, while a
	// few devices logging in at the same moment are never refused.
	InFlight int
}

// PhonePolicy is the production tuning per phone: five wrong passwords, then 1, 5, 15 and 60
// minutes, remembered for a day.
func PhonePolicy() LockPolicy {
	return LockPolicy{Failures: 5, Window: 15 * time.Minute, Memory: 24 * time.Hour, InFlight: 5,
		Penalties: []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour}}
}

// AddressPolicy is the production tuning per client address: generous, since a whole village may
// share one carrier-NAT address, and it counts failures only.
func AddressPolicy() LockPolicy {
	return LockPolicy{Failures: 300, Window: 10 * time.Minute, Memory: 24 * time.Hour, InFlight: 300,
		Penalties: []time.Duration{10 * time.Minute, 30 * time.Minute, time.Hour}}
}
