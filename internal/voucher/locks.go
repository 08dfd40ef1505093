package voucher

import (
	"context"
	"time"
)

// Locker takes short locks that let a second counter get an immediate answer instead of queueing
// on a row. Locks are an optimisation, not the guard.
type Locker interface {
	// Acquire takes the named lock for ttl. It returns ErrBusy when another holder has it, and an
	// error of kind fault.Unavailable when the lock service is down. The token of a lock is larger
	// than that of every earlier lock of the same name, so a row can refuse an expired holder.
	Acquire(ctx context.Context, name string, ttl time.Duration) (token int64, release func(), err error)
	// ReleaseAll lets go of several held locks in one round trip: a batch's, once it committed. A
	// lock that expired, or that a newer holder took, is left alone.
	ReleaseAll(ctx context.Context, held []Held) error
}

// Held names a lock and the token it was taken with.
type Held struct {
	Name  string
	Token int64
}

// Observer is told what happened at the counter, for metrics.
type Observer interface {
	// Redemption counts a redemption attempt by kind and result code ("ok" or an error code).
	Redemption(kind Kind, result string)
	// LocksOff counts an operation that went ahead without a lock because the lock service was down.
	LocksOff()
	// Batch records a batch of redemptions: how many were written in one shared transaction (0
	// when none could go together) and how many went alone.
	Batch(together, alone int)
}

// lockTTL bounds how long a crashed or paused holder can keep other counters waiting.
const lockTTL = 10 * time.Second
