package alert

import (
	"context"
	"maps"
	"sync"
	"time"
)

// thresholdTTL bounds how stale another instance's copy of a village's thresholds may be; the
// instance that changes them drops its copy at once. Rules run after every redemption, and a
// re-read of the thresholds each time cost a fifth of the counter's throughput.
const thresholdTTL = 30 * time.Second

// thresholdCache keeps each village's effective thresholds in memory for thresholdTTL.
type thresholdCache struct {
	mu        sync.Mutex
	byVillage map[int64]cachedThresholds
}

type cachedThresholds struct {
	values  map[string]int64
	expires time.Time
}

func (c *thresholdCache) get(villageID int64) (map[string]int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.byVillage[villageID]
	if !ok || time.Now().After(t.expires) {
		return nil, false
	}
	return t.values, true
}

func (c *thresholdCache) put(villageID int64, values map[string]int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byVillage == nil {
		c.byVillage = map[int64]cachedThresholds{}
	}
	c.byVillage[villageID] = cachedThresholds{values: values, expires: time.Now().Add(thresholdTTL)}
}

func (c *thresholdCache) forget(villageID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byVillage, villageID)
}

// thresholds returns a village's effective thresholds: its own over the defaults. Callers must not
// modify the map. When the village's own are unreadable the defaults serve, uncached.
func (s *Service) thresholds(ctx context.Context, villageID int64) map[string]int64 {
	if t, ok := s.cache.get(villageID); ok {
		return t
	}
	out := maps.Clone(Defaults)
	own, err := s.Store.Thresholds(ctx, villageID)
	if err != nil {
		s.Log.WarnContext(ctx, "alert thresholds unreadable; using defaults", "village_id", villageID, "err", err)
		return out
	}
	maps.Copy(out, own)
	s.cache.put(villageID, out)
	return out
}
