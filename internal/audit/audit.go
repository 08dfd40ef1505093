// Package audit is the tamper-evident record of every write: who (actor, role), where (place),
// when, from where (IP, request), what (action, object, before and after).
//
// Entries form hash chains: each entry's hash covers its fields and the previous entry's hash. There
// is not one chain but several per village ("lanes", chosen by the object), so that writes about
// different objects of a village do not queue behind one row; a transaction appends its entries
// about one place to the lane of the first of them, in one batch, as its last statement, so the
// chain's head row is locked only for the commit. Checkpoints fix every chain's head under one root hash for
// publication: rewriting an entry afterwards breaks either its chain or the checkpoint.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"pointsmarket/internal/auth"
)

// Lanes is the number of chains per village (and per township, and for the system).
const Lanes = 8

// Actor is who performs the writes of a request.
type Actor struct {
	PersonID  int64  // 0 for the system (seed, sweepers) and for anonymous login attempts
	Role      string // the roles the actor held, comma-separated, or "system"
	IP        string
	RequestID string
}

type actorKey struct{}

// WithActor returns ctx carrying the actor whose writes the stores record.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, and false when there is none. Stores refuse to write without
// one, so that no write can go unaudited.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// PersonOf returns the id of the person acting in ctx: 0 for the system, or when no actor is set.
func PersonOf(ctx context.Context) int64 {
	a, _ := ActorFrom(ctx)
	return a.PersonID
}

// SystemActor is the actor of writes no person made (demo seeding, sweepers, posting jobs).
func SystemActor(job string) Actor { return Actor{Role: "system", RequestID: job} }

// Event is what a write says about itself; the store adds actor, time and chain.
type Event struct {
	Place      auth.Place
	Action     string // verb-like: "household.create", "ledger.transfer", "auth.login" ...
	ObjectType string
	ObjectID   int64
	Before     any // nil when the object is new
	After      any // nil when the object is gone
	// Actor is who acted when it is not the actor of the writing context: the acts of several
	// people written in one transaction (the counter's batched redemptions) each name their own.
	Actor *Actor
}

// Entry is one stored audit record.
type Entry struct {
	ID         int64     `json:"id" db:"id"`
	ChainID    string    `json:"chain_id" db:"chain_id"`
	Seq        int64     `json:"seq" db:"seq"`
	PrevHash   []byte    `json:"-" db:"prev_hash"`
	Hash       []byte    `json:"-" db:"hash"`
	OccurredAt time.Time `json:"occurred_at" db:"occurred_at"`
	ActorID    int64     `json:"actor_id" db:"actor_id"`
	ActorRole  string    `json:"actor_role" db:"actor_role"`
	TownshipID int64     `json:"township_id" db:"township_id"`
	VillageID  int64     `json:"village_id" db:"village_id"`
	Action     string    `json:"action" db:"action"`
	ObjectType string    `json:"object_type" db:"object_type"`
	ObjectID   int64     `json:"object_id" db:"object_id"`
	Before     string    `json:"before" db:"before_data"`
	After      string    `json:"after" db:"after_data"`
	IP         string    `json:"ip" db:"ip"`
	RequestID  string    `json:"request_id" db:"request_id"`
	// ActorName is the acting person's name, read with a page of the log for its readers; it is
	// not a recorded field (the hash does not cover it).
	ActorName string `json:"actor_name,omitempty" db:"actor_name"`
}

// NewEntry builds the entry an event becomes, without chain position or hash.
func NewEntry(a Actor, ev Event, at time.Time) (Entry, error) {
	before, err := encode(ev.Before)
	if err != nil {
		return Entry{}, fmt.Errorf("audit %s: before: %w", ev.Action, err)
	}
	after, err := encode(ev.After)
	if err != nil {
		return Entry{}, fmt.Errorf("audit %s: after: %w", ev.Action, err)
	}
	return Entry{
		ChainID:    ChainFor(ev.Place, ev.ObjectType, ev.ObjectID),
		OccurredAt: at.UTC().Truncate(time.Microsecond), // what DATETIME(6) keeps, so the hash survives a round trip
		ActorID:    a.PersonID,
		ActorRole:  a.Role,
		TownshipID: ev.Place.TownshipID,
		VillageID:  ev.Place.VillageID,
		Action:     ev.Action,
		ObjectType: ev.ObjectType,
		ObjectID:   ev.ObjectID,
		Before:     before,
		After:      after,
		IP:         a.IP,
		RequestID:  a.RequestID,
	}, nil
}

func encode(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// ChainFor names the chain an event about an object of a place is appended to.
func ChainFor(place Place, objectType string, objectID int64) string {
	h := fnv.New32a()
	h.Write([]byte(objectType))
	h.Write(strconv.AppendInt(nil, objectID, 10))
	lane := h.Sum32() % Lanes
	switch {
	case place.VillageID != 0:
		return fmt.Sprintf("v%d-%d", place.VillageID, lane)
	case place.TownshipID != 0:
		return fmt.Sprintf("t%d-%d", place.TownshipID, lane)
	default:
		return fmt.Sprintf("g-%d", lane)
	}
}

// Place is auth.Place, named here for readability of ChainFor's callers.
type Place = auth.Place

// Chain links e after prev (seq and hash of the chain's current head) and computes its hash.
func (e *Entry) Chain(prevSeq int64, prevHash []byte) {
	e.Seq = prevSeq + 1
	e.PrevHash = append([]byte(nil), prevHash...)
	e.Hash = e.ComputeHash()
}

// ComputeHash returns SHA-256 over the entry's chain position, previous hash and every recorded
// field, each length-prefixed so that no two different entries serialise alike.
func (e Entry) ComputeHash() []byte {
	h := sha256.New()
	field := func(b []byte) {
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(b)))])
		h.Write(b)
	}
	num := func(v int64) { field(strconv.AppendInt(nil, v, 10)) }
	field([]byte(e.ChainID))
	num(e.Seq)
	field(e.PrevHash)
	field([]byte(e.OccurredAt.UTC().Format("2006-01-02T15:04:05.000000Z")))
	num(e.ActorID)
	field([]byte(e.ActorRole))
	num(e.TownshipID)
	num(e.VillageID)
	field([]byte(e.Action))
	field([]byte(e.ObjectType))
	num(e.ObjectID)
	field([]byte(e.Before))
	field([]byte(e.After))
	field([]byte(e.IP))
	field([]byte(e.RequestID))
	return h.Sum(nil)
}

// GenesisHash is the previous hash of every chain's first entry.
var GenesisHash = make([]byte, sha256.Size)

// Townships lists a county's townships as places (the org store, in a transaction).
type Townships interface {
	Townships(ctx context.Context, countyID int64) ([]auth.Place, error)
}

// CountyEvents is an audit event of a county-level act, once per township of the county, so that
// each township's supervisors read what the county did to its villages.
func CountyEvents(ctx context.Context, t Townships, countyID int64, e Event) ([]Event, error) {
	places, err := t.Townships(ctx, countyID)
	if err != nil {
		return nil, err
	}
	out := make([]Event, len(places))
	for i, pl := range places {
		out[i] = e
		out[i].Place = pl
	}
	return out, nil
}
