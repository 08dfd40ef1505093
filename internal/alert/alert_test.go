package alert

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"pointsmarket/internal/calendar"
	"sync"
	"testing"
	"time"
)

// memStore is the store half of the rules: thresholds and raised alerts, counted.
type memStore struct {
	Store          // methods the rules under test never call
	mu             sync.Mutex
	own            map[string]int64
	thresholdReads int
	raised         []Alert
}

func (m *memStore) Thresholds(context.Context, int64) (map[string]int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.thresholdReads++
	return m.own, nil
}

func (m *memStore) Raise(_ context.Context, a Alert) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.raised = append(m.raised, a)
	return true, nil
}

func (m *memStore) rules() map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int{}
	for _, a := range m.raised {
		out[a.Rule]++
	}
	return out
}

type memCounters struct {
	mu     sync.Mutex
	counts map[string]int64
	down   bool
}

var errDown = errors.New("counters down")

func (c *memCounters) Incr(_ context.Context, name string, _ time.Duration) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return 0, errDown
	}
	if c.counts == nil {
		c.counts = map[string]int64{}
	}
	c.counts[name]++
	return c.counts[name], nil
}

func (c *memCounters) IncrEach(ctx context.Context, counts []Count) ([]int64, error) {
	out := make([]int64, len(counts))
	for i, n := range counts {
		var err error
		if out[i], err = c.Incr(ctx, n.Name, n.TTL); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (c *memCounters) Get(_ context.Context, names []string) ([]int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return nil, errDown
	}
	out := make([]int64, len(names))
	for i, n := range names {
		out[i] = c.counts[n]
	}
	return out, nil
}

var noon = time.Date(2026, 11, 18, 12, 0, 0, 0, calendar.Zone())

func newTestService(store *memStore, counters *memCounters) *Service {
	return NewService(Deps{Store: store, Counters: counters, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return noon }})
}

func TestVolumeAndFrequencyFireOnceWhileTheConditionHolds(t *testing.T) {
	store := &memStore{}
	s := newTestService(store, &memCounters{})
	// One household redeeming 40 times at one shop in a day: past shop_volume_min (20) with no usual
	// day, and past household_frequency (5).
	for i := range 40 {
		s.OnRedemption(context.Background(), RedemptionFacts{ID: int64(i + 1), VillageID: 1, ShopID: 7, AccountID: 3, At: noon})
	}
	got := store.rules()
	if got[ShopVolume] != 1 || got[HouseholdFrequency] != 1 || len(store.raised) != 2 {
		t.Fatalf("raised %v, want shop_volume and household_frequency once each", got)
	}
	if store.thresholdReads != 1 {
		t.Errorf("thresholds read %d times for 40 redemptions, want 1 (cached)", store.thresholdReads)
	}
}

func TestQuietDayRaisesNothing(t *testing.T) {
	store := &memStore{}
	counters := &memCounters{counts: map[string]int64{}}
	// A shop that usually does 30 a day, and 30 households redeeming once each today.
	for d := 1; d <= 30; d++ {
		counters.counts["shop:7:"+noon.AddDate(0, 0, -d).Format("20060102")] = 30
	}
	s := newTestService(store, counters)
	for i := range 30 {
		s.OnRedemption(context.Background(), RedemptionFacts{ID: int64(i + 1), VillageID: 1, ShopID: 7, AccountID: int64(100 + i), At: noon})
	}
	if len(store.raised) != 0 {
		t.Fatalf("raised %v on an ordinary day", store.rules())
	}
}

func TestCountersDownSkipsCountingRulesOnly(t *testing.T) {
	store := &memStore{}
	s := newTestService(store, &memCounters{down: true})
	night := time.Date(2026, 11, 18, 23, 30, 0, 0, calendar.Zone())
	for i := range 10 {
		s.OnRedemption(context.Background(), RedemptionFacts{ID: int64(i + 1), VillageID: 1, ShopID: 7, AccountID: 3, At: night})
	}
	got := store.rules()
	// Off-hours needs no count; each redemption is its own alert, deduplicated by the store.
	if got[OffHours] != 10 || got[HouseholdFrequency] != 0 || got[ShopVolume] != 0 {
		t.Fatalf("raised %v, want only off_hours (10)", got)
	}
}

func TestVillageThresholdsOverrideDefaults(t *testing.T) {
	store := &memStore{own: map[string]int64{HouseholdFrequency: 2}}
	s := newTestService(store, &memCounters{})
	for i := range 2 {
		s.OnRedemption(context.Background(), RedemptionFacts{ID: int64(i + 1), VillageID: 1, ShopID: 7, AccountID: 3, At: noon})
	}
	if got := store.rules(); got[HouseholdFrequency] != 1 {
		t.Fatalf("raised %v, want household_frequency at the village's threshold of 2", got)
	}
	if Defaults[HouseholdFrequency] != 5 {
		t.Fatalf("the village's threshold leaked into the defaults: %d", Defaults[HouseholdFrequency])
	}
}
