package audit

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"
)

// Checkpoints are chained and sealed: each one's link hashes the previous link with its own root
// and time, and its seal is an HMAC of the link under a key that is not in the database
// (PM_AUDIT_KEY). Whoever holds the database password can rewrite the log and recompute every
// SHA-256 — but not the seals, so a rewritten log no longer matches any sealed checkpoint; and a
// deleted checkpoint breaks the next one's link, or leaves the log without a recent checkpoint.
// An HMAC rather than a signature: the verifier (`pointsmarket check`, run by the county) holds the
// key anyway, and supervisors verify the printed roots, not the seals.

// Sealer seals checkpoints with the current audit key and checks them with the key each names:
// the current one or one of the keys it replaced (PM_AUDIT_OLD_KEYS), so that a key can be
// rotated without the older seals turning into breaches, and the rotation is in the chain (the key
// id changes from one checkpoint to the next).
type Sealer struct {
	key []byte
	old [][]byte
}

// NewSealer returns a Sealer for key, which also checks seals made with old keys; an empty key
// seals nothing (and checks nothing).
func NewSealer(key string, old ...string) Sealer {
	s := Sealer{key: []byte(key)}
	for _, k := range old {
		if k != "" {
			s.old = append(s.old, []byte(k))
		}
	}
	return s
}

// Enabled reports whether a key is set.
func (s Sealer) Enabled() bool { return len(s.key) > 0 }

// KeyID names the current key: 8 bytes that tell keys apart without revealing them.
func (s Sealer) KeyID() []byte {
	if !s.Enabled() {
		return nil
	}
	return keyID(s.key)
}

func keyID(key []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("pointsmarket audit key id"))
	return m.Sum(nil)[:8]
}

// keyFor returns the key a seal names: the current one when it names none (checkpoints sealed
// before keys were named), nil when it names a key this sealer does not hold.
func (s Sealer) keyFor(id []byte) []byte {
	if id == nil || hmac.Equal(id, keyID(s.key)) {
		return s.key
	}
	for _, k := range s.old {
		if hmac.Equal(id, keyID(k)) {
			return k
		}
	}
	return nil
}

func sealWith(key, link []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(link)
	return m.Sum(nil)
}

// Link is the checkpoint chain's hash over the previous link, a root and its time.
func Link(prev, root []byte, at time.Time) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(root)
	_ = binary.Write(h, binary.BigEndian, at.UTC().UnixMicro())
	return h.Sum(nil)
}

// Seal is the HMAC of a link under the current key.
func (s Sealer) Seal(link []byte) []byte {
	if !s.Enabled() {
		return nil
	}
	return sealWith(s.key, link)
}

// CheckLinks verifies a run of checkpoints in id order: each sealed one links the one before, its
// link is recomputed from its root and time, and its seal matches. gaps reports ids missing
// between linked checkpoints. It returns a sentence per breach.
func (s Sealer) CheckLinks(cps []Checkpoint) []string {
	var out []string
	var prev *Checkpoint
	for i := range cps {
		c := &cps[i]
		if c.Link == nil { // written before checkpoints were chained
			prev = c
			continue
		}
		var prevLink []byte
		if prev != nil {
			prevLink = prev.Link
			if prev.Link == nil {
				prevLink = prev.Root
			}
		}
		if c.PrevID != 0 && (prev == nil || prev.ID != c.PrevID) {
			out = append(out, fmt.Sprintf("audit checkpoint %d: the checkpoint it follows (%d) is missing", c.ID, c.PrevID))
		}
		if want := Link(prevLink, c.Root, c.CreatedAt); !hmac.Equal(want, c.Link) {
			out = append(out, fmt.Sprintf("audit checkpoint %d: its link does not follow from the previous checkpoint, its root and its time", c.ID))
		}
		if s.Enabled() {
			key := s.keyFor(c.KeyID)
			switch {
			case key == nil:
				out = append(out, fmt.Sprintf("audit checkpoint %d: sealed with a key (id %x) that is neither PM_AUDIT_KEY nor one of PM_AUDIT_OLD_KEYS", c.ID, c.KeyID))
			case !hmac.Equal(sealWith(key, c.Link), c.Seal):
				out = append(out, fmt.Sprintf("audit checkpoint %d: its seal does not match (written or altered without the audit key)", c.ID))
			}
		}
		prev = c
	}
	return out
}
