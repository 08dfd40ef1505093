package auth

import (
	"sync"
	"time"
)

// principalCache keeps the principals that sessions were authenticated as for a moment, so that a
// counter's burst of requests reads a person's roles from the database once, not once a request.
// Every committed change to a person (roles, household, password, disabling — each audited as
// an event about the person) drops that person here at once (Service.Forget); other instances
// drop it when their copy ages out, so a revoked role outlives its revocation there by at most ttl.
type principalCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[int64]cachedPrincipal
}

type cachedPrincipal struct {
	p       Principal
	expires time.Time
}

func (c *principalCache) get(personID int64, now time.Time) (Principal, bool) {
	if c.ttl <= 0 {
		return Principal{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[personID]
	if !ok || now.After(e.expires) {
		return Principal{}, false
	}
	return e.p, true
}

func (c *principalCache) put(p Principal, now time.Time) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10_000 { // a sweep, not an LRU: what was dropped is read again
		c.m = map[int64]cachedPrincipal{}
	}
	c.m[p.PersonID] = cachedPrincipal{p: p, expires: now.Add(c.ttl)}
}

func (c *principalCache) forget(ids []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		delete(c.m, id)
	}
}
