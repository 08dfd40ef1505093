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

// Verifier checks chains entry by entry. Feed it every entry in (chain, seq) order, then call
// Finish with the stored heads. It keeps only one chain's position at a time, so a county's log
// is verified in constant memory.
type Verifier struct {
	chain    string
	seq      int64
	prevHash []byte
	tails    map[string]Head
	Entries  int64
	Breaches []string
}

// NewVerifier returns an empty verifier.
func NewVerifier() *Verifier { return &Verifier{tails: map[string]Head{}} }

// Resume starts checking a chain after a position verified before (a checkpoint's head): the
// entries that follow must continue from it.
func (v *Verifier) Resume(chain string, seq int64, hash []byte) {
	v.closeChain()
	v.chain, v.seq, v.prevHash = chain, seq, hash
}

// Add checks one entry against its predecessor.
func (v *Verifier) Add(e Entry) {
	v.Entries++
	if e.ChainID != v.chain {
		v.closeChain()
		v.chain, v.seq, v.prevHash = e.ChainID, 0, GenesisHash
	}
	if e.Seq != v.seq+1 {
		v.breach("audit chain %s: entry id %d has seq %d, expected %d (entries missing or reordered)", e.ChainID, e.ID, e.Seq, v.seq+1)
	}
	if !bytes.Equal(e.PrevHash, v.prevHash) {
		v.breach("audit chain %s seq %d (id %d): previous hash does not match the entry before it", e.ChainID, e.Seq, e.ID)
	}
	if !bytes.Equal(e.ComputeHash(), e.Hash) {
		v.breach("audit chain %s seq %d (id %d): content does not match its hash (the row was altered)", e.ChainID, e.Seq, e.ID)
	}
	v.seq, v.prevHash = e.Seq, e.Hash
}

func (v *Verifier) closeChain() {
	if v.chain != "" {
		v.tails[v.chain] = Head{ChainID: v.chain, Seq: v.seq, Hash: v.prevHash}
	}
}

// Finish compares the chains' ends with the stored heads and returns the breaches found.
func (v *Verifier) Finish(heads []Head) []string {
	v.closeChain()
	v.chain = ""
	for _, h := range heads {
		t, ok := v.tails[h.ChainID]
		switch {
		case !ok && h.Seq != 0:
			v.breach("audit chain %s: head says seq %d but the chain has no entries", h.ChainID, h.Seq)
		case ok && (t.Seq != h.Seq || !bytes.Equal(t.Hash, h.Hash)):
			v.breach("audit chain %s: head says seq %d, the entries end at seq %d (entries removed or head altered)", h.ChainID, h.Seq, t.Seq)
		}
		delete(v.tails, h.ChainID)
	}
	for id := range v.tails {
		v.breach("audit chain %s has entries but no head row", id)
	}
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
