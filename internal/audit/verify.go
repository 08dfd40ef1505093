package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Head is a chain's last position as its head row records it.
type Head struct {
	ChainID string `json:"chain_id" db:"chain_id"`
	Seq     int64  `json:"seq" db:"seq"`
	Hash    []byte `json:"-" db:"head_hash"`
}

// HashHex is the head hash in hex, for printing and JSON.
func (h Head) HashHex() string { return hex.EncodeToString(h.Hash) }

// Verifier checks chains entry by entry. Feed it every entry — in any order across chains, and in
// about seq order within one (the log read in id order: a chain's entries are appended one
// transaction after another) — then call Finish with the stored heads. Per chain it keeps its
// position and the few entries that arrived ahead of their turn, so a county's log is verified in
// memory proportional to its chains.
type Verifier struct {
	chains   map[string]*chainState
	Entries  int64
	Breaches []string
}

type chainState struct {
	seq     int64
	hash    []byte
	pending map[int64]Entry
}

// maxPending bounds the entries a chain holds waiting for a missing one: past it, the missing ones
// are reported and the chain goes on from the next entry it has.
const maxPending = 10_000

// NewVerifier returns an empty verifier.
func NewVerifier() *Verifier { return &Verifier{chains: map[string]*chainState{}} }

// Resume starts checking a chain after a position verified before (a checkpoint's head): the
// entries that follow must continue from it.
func (v *Verifier) Resume(chain string, seq int64, hash []byte) {
	v.chains[chain] = &chainState{seq: seq, hash: hash}
}

func (v *Verifier) state(chain string) *chainState {
	c, ok := v.chains[chain]
	if !ok {
		c = &chainState{hash: GenesisHash}
		v.chains[chain] = c
	}
	return c
}

// Add checks one entry against its predecessor (now, or when the predecessor arrives).
func (v *Verifier) Add(e Entry) {
	v.Entries++
	c := v.state(e.ChainID)
	switch {
	case e.Seq == c.seq+1:
		v.follow(c, e)
	case e.Seq > c.seq+1:
		if c.pending == nil {
			c.pending = map[int64]Entry{}
		}
		if _, dup := c.pending[e.Seq]; dup {
			v.breach("audit chain %s: seq %d appears twice (id %d)", e.ChainID, e.Seq, e.ID)
			return
		}
		c.pending[e.Seq] = e
		if len(c.pending) > maxPending {
			v.skipGap(e.ChainID, c)
		}
	default:
		v.breach("audit chain %s: entry id %d repeats seq %d (entries duplicated or reordered)", e.ChainID, e.ID, e.Seq)
	}
}

// follow checks e, the entry after c's position, and then the entries waiting behind it.
func (v *Verifier) follow(c *chainState, e Entry) {
	for {
		if !bytes.Equal(e.PrevHash, c.hash) {
			v.breach("audit chain %s seq %d (id %d): previous hash does not match the entry before it", e.ChainID, e.Seq, e.ID)
		}
		if !bytes.Equal(e.ComputeHash(), e.Hash) {
			v.breach("audit chain %s seq %d (id %d): content does not match its hash (the row was altered)", e.ChainID, e.Seq, e.ID)
		}
		c.seq, c.hash = e.Seq, e.Hash
		next, ok := c.pending[c.seq+1]
		if !ok {
			return
		}
		delete(c.pending, next.Seq)
		e = next
	}
}

// skipGap reports the entries missing before a chain's first waiting one and goes on from it.
func (v *Verifier) skipGap(chain string, c *chainState) {
	first := int64(0)
	for seq := range c.pending {
		if first == 0 || seq < first {
			first = seq
		}
	}
	e := c.pending[first]
	delete(c.pending, first)
	v.breach("audit chain %s: seq %d to %d are missing (entries removed)", chain, c.seq+1, first-1)
	c.seq, c.hash = first-1, e.PrevHash
	v.follow(c, e)
}

// Finish compares the chains' ends with the stored heads and returns the breaches found.
func (v *Verifier) Finish(heads []Head) []string {
	for id, c := range v.chains {
		for len(c.pending) > 0 {
			v.skipGap(id, c)
		}
	}
	seen := map[string]bool{}
	for _, h := range heads {
		seen[h.ChainID] = true
		c, ok := v.chains[h.ChainID]
		switch {
		case !ok && h.Seq != 0:
			v.breach("audit chain %s: head says seq %d but the chain has no entries", h.ChainID, h.Seq)
		case ok && (c.seq != h.Seq || !bytes.Equal(c.hash, h.Hash)):
			v.breach("audit chain %s: head says seq %d, the entries end at seq %d (entries removed or head altered)", h.ChainID, h.Seq, c.seq)
		}
	}
	for id := range v.chains {
		if !seen[id] {
			v.breach("audit chain %s has entries but no head row", id)
		}
	}
	sort.Strings(v.Breaches)
	return v.Breaches
}

func (v *Verifier) breach(format string, args ...any) {
	v.Breaches = append(v.Breaches, fmt.Sprintf(format, args...))
}

// Root returns the hash that fixes a set of heads: SHA-256 over the sorted "chain:seq:hash" lines.
func Root(heads []Head) []byte {
	lines := make([]string, 0, len(heads))
	for _, h := range heads {
		lines = append(lines, fmt.Sprintf("%s:%d:%s", h.ChainID, h.Seq, h.HashHex()))
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return sum[:]
}
