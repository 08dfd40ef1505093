package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
)

// Filter selects audit entries, newest first.
type Filter struct {
	Scopes     []auth.Place // the places the reader may see; set by the service, never by the caller
	VillageID  int64
	TownshipID int64
	ActorID    int64
	Action     string
	Actions    []string // any of these actions
	ObjectType string
	ObjectID   int64
	From, To   time.Time
	BeforeID   int64 // page: entries with a smaller id
	AfterID    int64 // feed: entries with a larger id
	// MinGrant, when set, leaves out posted points (entry.post) below it.
	MinGrant int64
	Limit    int
}

// Checkpoint fixes every chain's head at one moment under one root hash.
type Checkpoint struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	Root      []byte    `json:"-"`
	Heads     []Head    `json:"heads"`
	// PrevID, Link and Seal chain checkpoints (seal.go); nil for checkpoints written before.
	PrevID int64  `json:"prev_id,omitempty"`
	Link   []byte `json:"-"`
	Seal   []byte `json:"-"`
	// KeyID names the audit key that sealed it (nil before keys were named).
	KeyID []byte `json:"-"`
}

// ErrCheckpointRace is returned by SaveCheckpoint when another checkpoint already follows the
// same previous one (two instances published at once).
var ErrCheckpointRace = fault.New(fault.Conflict, "checkpoint_race", "another instance published this checkpoint")

// Store reads the audit log. Writes happen inside the other stores' transactions.
type Store interface {
	// List returns entries matching f, newest first.
	List(ctx context.Context, f Filter) ([]Entry, error)
	// Verify walks the chains (all of them, or the entries after the last verified checkpoint)
	// and every checkpoint, in one consistent snapshot, and returns the breaches found. A clean
	// run is recorded as the next incremental run's start.
	Verify(ctx context.Context, mode VerifyMode) (Report, error)
	// Heads returns every chain's head.
	Heads(ctx context.Context) ([]Head, error)
	// SaveCheckpoint stores a checkpoint and returns it with its id.
	SaveCheckpoint(ctx context.Context, cp Checkpoint) (Checkpoint, error)
	// LatestCheckpoint returns the newest checkpoint, or fault.ErrNotFound.
	LatestCheckpoint(ctx context.Context) (Checkpoint, error)
	// Record appends one event in a transaction of its own.
	Record(ctx context.Context, ev Event) error
}

// Refusal is an act the service refused to an official: what was tried, on what, and why.
type Refusal struct {
	Route    string `json:"route"`
	ObjectID int64  `json:"object_id,omitempty"`
	Code     string `json:"code"`
}

// RecordRefusal leaves the trace of a refused write in the audit log of the actor's village, where
// its supervisors read it: an insider who tries and fails is seen trying.
func (s *Service) RecordRefusal(ctx context.Context, p auth.Principal, r Refusal) error {
	return s.Store.Record(ctx, Event{Place: p.Home, Action: "access.refused", ObjectType: "request", ObjectID: r.ObjectID, After: r})
}

// Report is what a verification found.
type Report struct {
	Mode VerifyMode
	// From is the checkpoint an incremental verification started from (its entries and those
	// before it were verified by an earlier run).
	From        int64
	Entries     int64
	Chains      int
	Checkpoints int
	Elapsed     time.Duration
	Breaches    []string
}

// RowsPerSecond is how fast the entries were read and checked.
func (r Report) RowsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Entries) / r.Elapsed.Seconds()
}

// VerifyMode says how much of the log a verification reads.
type VerifyMode int

// The modes: a full verification reads every entry; an incremental one the entries after the
// newest checkpoint a clean earlier run verified, whose heads it checks again (falling back to a
// full one when there is none). Both check every checkpoint's link and seal.
const (
	Incremental VerifyMode = iota
	Full
)

func (m VerifyMode) String() string {
	if m == Full {
		return "full"
	}
	return "incremental"
}

// Deps are what the Service needs: its store, the places of villages (a village's township) and
// the sealer of the checkpoints it publishes.
type Deps struct {
	Store  Store
	Places auth.Places
	Sealer Sealer
}

// Service serves the audit log to supervisors and township staff.
type Service struct{ Deps }

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{d} }

// MaxPage is the largest page List returns.
const MaxPage = 200

// List returns the entries of f that p may read, newest first. It returns fault.ErrForbidden when p
// may not audit the place asked for (or any place at all).
func (s *Service) List(ctx context.Context, p auth.Principal, f Filter) ([]Entry, error) {
	scopes := p.AuditScopes()
	if len(scopes) == 0 {
		return nil, fmt.Errorf("list audit: %w", fault.ErrForbidden)
	}
	if f.VillageID != 0 || f.TownshipID != 0 {
		place := auth.Place{TownshipID: f.TownshipID}
		if f.VillageID != 0 {
			var err error
			if place, err = s.Places.VillagePlace(ctx, f.VillageID); err != nil {
				return nil, fmt.Errorf("list audit: %w", err)
			}
			f.TownshipID = 0
		}
		if !p.CanAudit(place) {
			return nil, fmt.Errorf("list audit of %+v: %w", place, fault.ErrForbidden)
		}
	}
	if f.Limit <= 0 || f.Limit > MaxPage {
		f.Limit = 50
	}
	f.Scopes = scopes
	return s.Store.List(ctx, f)
}

// Verify checks the whole log for p, who must be able to audit somewhere.
func (s *Service) Verify(ctx context.Context, p auth.Principal) (Report, error) {
	if len(p.AuditScopes()) == 0 {
		return Report{}, fmt.Errorf("verify audit: %w", fault.ErrForbidden)
	}
	return s.Store.Verify(ctx, Incremental)
}

// LatestCheckpoint returns the newest published checkpoint; anyone may read it.
func (s *Service) LatestCheckpoint(ctx context.Context) (Checkpoint, error) {
	return s.Store.LatestCheckpoint(ctx)
}

// Checkpoint publishes a checkpoint of the current heads unless the newest one already fixes
// exactly them (several instances run this on the same schedule). made reports whether a new
// checkpoint was written; otherwise cp is the newest existing one.
func (s *Service) Checkpoint(ctx context.Context, now time.Time) (cp Checkpoint, made bool, err error) {
	latest, err := s.Store.LatestCheckpoint(ctx)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return Checkpoint{}, false, err
	}
	heads, err := s.Store.Heads(ctx)
	if err != nil {
		return Checkpoint{}, false, err
	}
	root := Root(heads)
	if latest.ID != 0 && bytes.Equal(latest.Root, root) {
		return latest, false, nil
	}
	at := now.UTC().Truncate(time.Microsecond)
	prev := latest.Link
	if latest.ID != 0 && prev == nil {
		prev = latest.Root
	}
	link := Link(prev, root, at)
	cp, err = s.Store.SaveCheckpoint(ctx, Checkpoint{CreatedAt: at, Root: root, Heads: heads, PrevID: latest.ID, Link: link, Seal: s.Sealer.Seal(link),
		KeyID: s.Sealer.KeyID()})
	if errors.Is(err, ErrCheckpointRace) {
		cp, err = s.Store.LatestCheckpoint(ctx) // another instance published this moment's checkpoint
		return cp, false, err
	}
	return cp, err == nil, err
}

// FeedActions are what the supervisors' feed shows: every redemption, reversal and posted grant,
// every change of who holds a role or of a household, every refused act, and what concerns
// household cards (a PIN set, wrong PINs, a card issued or blocked).
var FeedActions = []string{"counter.redeem", "counter.checkout", "counter.card_checkout", "counter.reverse", "entry.post",
	"role.grant", "role.revoke", "household.create", "household.update", "access.refused",
	"card.issue", "card.pin_set", "card.pin_wrong", "card.block"}

// Feed returns the newest redemptions, reversals and posted grants of at least minGrant points of a
// village, newest first, after afterID (poll with the newest id seen), for those who may audit it.
func (s *Service) Feed(ctx context.Context, p auth.Principal, villageID, afterID, minGrant int64) ([]Entry, error) {
	place, err := s.Places.VillagePlace(ctx, villageID)
	if err != nil {
		return nil, err
	}
	if !p.CanAudit(place) {
		return nil, fmt.Errorf("feed of village %d: %w", villageID, fault.ErrForbidden)
	}
	return s.Store.List(ctx, Filter{Scopes: []auth.Place{place}, VillageID: villageID, Actions: FeedActions, AfterID: afterID, MinGrant: minGrant, Limit: 100})
}
