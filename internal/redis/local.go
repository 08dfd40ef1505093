package redis

import (
	"sync"
	"time"
)

// localCopies keeps this instance's copies of cached values, each under the version it was read
// at, for at most ttl: a hit costs the caller one small version GET in Redis and no decoding.
// Past max entries they are all dropped and refilled from Redis.
type localCopies[K comparable, V any] struct {
	max int
	ttl time.Duration

	mu sync.Mutex
	m  map[K]localCopy[V]
}

type localCopy[V any] struct {
	version string
	value   V
	expires time.Time
}

func newLocalCopies[K comparable, V any](max int, ttl time.Duration) *localCopies[K, V] {
	return &localCopies[K, V]{max: max, ttl: ttl, m: map[K]localCopy[V]{}}
}

// get returns the copy of k read at version, when it has one that has not expired.
func (l *localCopies[K, V]) get(k K, version string) (V, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.m[k]
	if !ok || c.version != version || time.Now().After(c.expires) {
		var zero V
		return zero, false
	}
	return c.value, true
}

// put keeps v as the copy of k read at version.
func (l *localCopies[K, V]) put(k K, version string, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.m) >= l.max {
		clear(l.m)
	}
	l.m[k] = localCopy[V]{version: version, value: v, expires: time.Now().Add(l.ttl)}
}
