// Package write is the one shape of every write that moves points, goods or money: in one
// transaction, claim the caller's idempotency key, replay the first result when the key was used
// before, otherwise do the work, record its result against the key and append its audit entries.
//
// The domain packages run their workflows through Once; the stores only implement Tx. This is the
// model of formance's runTx: the caller never writes the sequence out again.
package write

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/notify"
)

// Key identifies a repeatable write: the caller's key and the hash of its request. An empty Key
// means the write is not repeatable. Keys belong to the person writing, unless Scope names another
// owner (a village's base points are issued once, whoever issues them).
type Key struct {
	Key   string
	Hash  []byte
	Scope string
}

// PersonScope is the scope of the keys a person sends: a key is only meaningful to its sender.
func PersonScope(personID int64) string {
	if personID == 0 {
		return "system"
	}
	return "p:" + strconv.FormatInt(personID, 10)
}

// Of returns k scoped to the person who sent it, for a write made outside that person's context
// (the counter's batches run several people's acts in one transaction).
func (k Key) Of(personID int64) Key {
	if k.Key != "" && k.Scope == "" {
		k.Scope = PersonScope(personID)
	}
	return k
}

// NewKey returns the key of an operation: the caller's Idempotency-Key and the fingerprint of
// op and its request.
func NewKey(key, op string, req any) Key { return Key{Key: key, Hash: Fingerprint(op, req)} }

// Fingerprint hashes an operation name and its request, for idempotency keys: the same key with a
// different request is a conflict, not a replay.
func Fingerprint(op string, req any) []byte {
	b, _ := json.Marshal(struct {
		Op  string
		Req any
	}{op, req}) // plain structs of numbers and strings always marshal
	sum := sha256.Sum256(b)
	return sum[:]
}

// MaxKeyLength bounds an Idempotency-Key.
const MaxKeyLength = 128

// ErrKeyTooLong refuses an Idempotency-Key longer than MaxKeyLength.
var ErrKeyTooLong = fault.New(fault.Unprocessable, "invalid_input", "Idempotency-Key is longer than 128 characters")

// CheckKey returns ErrKeyTooLong for a key longer than MaxKeyLength.
func CheckKey(key string) error {
	if len(key) > MaxKeyLength {
		return ErrKeyTooLong
	}
	return nil
}

// Tx is what every write needs of its transaction.
type Tx interface {
	// ClaimKey records k at the start of the transaction. When k was used before it returns the
	// first result's id and replay=true, or fault.ErrIdempotency when the request differs. A
	// concurrent first use of k waits until the other transaction ends, so exactly one does the work.
	ClaimKey(ctx context.Context, k Key) (resultID int64, replay bool, err error)
	// SettleKey records the id of the result k guarded.
	SettleKey(ctx context.Context, k Key, resultID int64) error
	// Audit appends entries for events to the audit log, in this transaction.
	Audit(ctx context.Context, events ...audit.Event) error
	// Notify puts notices in the inboxes and the outbox, in this transaction.
	Notify(ctx context.Context, notices ...notify.Notice) error
}

// InTx runs fn in one transaction of the store, committing when fn returns nil and rolling back
// otherwise; a deadlock runs fn again from the start. T is the transaction-bound store value the
// domain's interface describes.
type InTx[T any] func(ctx context.Context, fn func(tx T) error) error

// Done is what a write's work produced: the value returned to the caller, the id recorded against
// its key (what a replay reads back), and the audit events of the change.
type Done[T any] struct {
	Value  T
	ID     int64
	Events []audit.Event
	// Notices are the act's news for the people it concerns (a replay sends none again).
	Notices []notify.Notice
}

// Once runs one idempotent, audited write inside tx: claim k, replay (reading the first result
// with load) or work, then settle k and audit, in that order. An empty key skips the claim and
// the settle, never the audit.
func Once[T any](ctx context.Context, tx Tx, k Key, load func(id int64) (T, error), work func() (Done[T], error)) (T, error) {
	var zero T
	if k.Key != "" {
		prev, replay, err := tx.ClaimKey(ctx, k)
		if err != nil {
			return zero, err
		}
		if replay {
			return load(prev)
		}
	}
	d, err := work()
	if err != nil {
		return zero, err
	}
	if k.Key != "" {
		if err := tx.SettleKey(ctx, k, d.ID); err != nil {
			return zero, fmt.Errorf("settle idempotency key: %w", err)
		}
	}
	if err := tx.Audit(ctx, d.Events...); err != nil {
		return zero, err
	}
	if len(d.Notices) > 0 {
		if err := tx.Notify(ctx, d.Notices...); err != nil {
			return zero, fmt.Errorf("notify: %w", err)
		}
	}
	return d.Value, nil
}

// Run is Once in its own transaction: the whole of a money-moving operation, from the key to the
// audit entry, commits or rolls back as one.
func Run[T any, X Tx](ctx context.Context, inTx InTx[X], k Key, load func(tx X, id int64) (T, error), work func(tx X) (Done[T], error)) (T, error) {
	var out T
	err := inTx(ctx, func(tx X) error {
		var err error
		out, err = Once(ctx, tx, k, func(id int64) (T, error) { return load(tx, id) }, func() (Done[T], error) { return work(tx) })
		return err
	})
	return out, err
}

// RunMany is Run for several acts of one kind in one transaction (the counter's batched
// redemptions): each act's key is claimed first, and an act whose key was used before is read back
// with load and does no work; work does the others at once (todo: their indexes, in order) and
// returns their results in that order; then their keys are settled and all their audit entries and
// notices written together. An error from work rolls every act back.
func RunMany[T any, X Tx](ctx context.Context, inTx InTx[X], keys []Key, load func(tx X, id int64) (T, error), work func(tx X, todo []int) ([]Done[T], error)) ([]T, error) {
	var out []T
	err := inTx(ctx, func(tx X) error {
		out = make([]T, len(keys))
		todo := make([]int, 0, len(keys))
		for i, k := range keys {
			if k.Key == "" {
				todo = append(todo, i)
				continue
			}
			prev, replay, err := tx.ClaimKey(ctx, k)
			if err != nil {
				return err
			}
			if !replay {
				todo = append(todo, i)
			} else if out[i], err = load(tx, prev); err != nil {
				return err
			}
		}
		if len(todo) == 0 {
			return nil
		}
		done, err := work(tx, todo)
		if err != nil {
			return err
		}
		if len(done) != len(todo) {
			return fmt.Errorf("write: %d results for %d acts", len(done), len(todo))
		}
		var events []audit.Event
		var notices []notify.Notice
		for j, i := range todo {
			if k := keys[i]; k.Key != "" {
				if err := tx.SettleKey(ctx, k, done[j].ID); err != nil {
					return fmt.Errorf("settle idempotency key: %w", err)
				}
			}
			out[i] = done[j].Value
			events, notices = append(events, done[j].Events...), append(notices, done[j].Notices...)
		}
		if err := tx.Audit(ctx, events...); err != nil {
			return err
		}
		if len(notices) > 0 {
			if err := tx.Notify(ctx, notices...); err != nil {
				return fmt.Errorf("notify: %w", err)
			}
		}
		return nil
	})
	return out, err
}
