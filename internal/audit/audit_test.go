package audit

import (
	"pointsmarket/internal/calendar"
	"strings"
	"testing"
	"time"
)

func chain(n int) ([]Entry, Head) {
	var entries []Entry
	prevSeq, prev := int64(0), GenesisHash
	for i := range n {
		e, _ := NewEntry(Actor{PersonID: 7, Role: "clerk", IP: "10.0.0.1"}, Event{Place: Place{TownshipID: 1, VillageID: 2},
			Action: "household.update", ObjectType: "household", ObjectID: 5, After: map[string]int{"size": i}}, time.Unix(1700000000, 123456789))
		e.Chain(prevSeq, prev)
		prevSeq, prev = e.Seq, e.Hash
		entries = append(entries, e)
	}
	return entries, Head{ChainID: entries[0].ChainID, Seq: prevSeq, Hash: prev}
}

func verify(entries []Entry, head Head) []string {
	v := NewVerifier()
	for _, e := range entries {
		v.Add(e)
	}
	return v.Finish([]Head{head})
}

func TestVerifierFindsEveryKindOfEdit(t *testing.T) {
	entries, head := chain(5)
	if b := verify(entries, head); len(b) != 0 {
		t.Fatalf("clean chain: %v", b)
	}
	edits := map[string]func([]Entry, Head) ([]Entry, Head){
		"field changed": func(es []Entry, h Head) ([]Entry, Head) { es[2].After = `{"size":99}`; return es, h },
		"time changed": func(es []Entry, h Head) ([]Entry, Head) {
			es[1].OccurredAt = es[1].OccurredAt.Add(time.Second)
			return es, h
		},
		"entry removed": func(es []Entry, h Head) ([]Entry, Head) { return append(es[:2:2], es[3:]...), h },
		"tail removed":  func(es []Entry, h Head) ([]Entry, Head) { return es[:4], h },
		"reordered": func(es []Entry, h Head) ([]Entry, Head) {
			es[1].Seq, es[2].Seq = es[2].Seq, es[1].Seq
			return es, h
		},
		"duplicated": func(es []Entry, h Head) ([]Entry, Head) { return append(es, es[2]), h },
	}
	for name, edit := range edits {
		es, h := chain(5)
		es, h = edit(es, h)
		if b := verify(es, h); len(b) == 0 {
			t.Errorf("%s: not detected", name)
		}
	}
}

// The log is read in id order, in which chains interleave and a chain's entries may arrive a little
// out of seq order: that is no breach; a gap is, however far the chain goes on after it.
func TestVerifierReadsChainsInterleaved(t *testing.T) {
	a, ha := chain(30)
	b, _ := chain(30)
	prev := GenesisHash
	for i := range b { // the same entries in a chain of their own
		b[i].ChainID, b[i].PrevHash = "other", prev
		b[i].Hash = b[i].ComputeHash()
		prev = b[i].Hash
	}
	hb := Head{ChainID: "other", Seq: 30, Hash: prev}
	var mixed []Entry
	for i := range a {
		mixed = append(mixed, a[i], b[len(b)-1-i]) // one chain in order, the other backwards
	}
	if got := verify2(mixed, ha, hb); len(got) != 0 {
		t.Fatalf("interleaved and out of order: %v", got)
	}
	long, h := chain(maxPending + 50)
	gap := append(long[:5:5], long[6:]...)
	got := verify(gap, h)
	if len(got) == 0 || !strings.Contains(strings.Join(got, " "), "seq 6 to 6 are missing") {
		t.Fatalf("a gap far behind: %v", got)
	}
}

func verify2(entries []Entry, heads ...Head) []string {
	v := NewVerifier()
	for _, e := range entries {
		v.Add(e)
	}
	return v.Finish(heads)
}

func TestHashSurvivesMicrosecondStorage(t *testing.T) {
	entries, _ := chain(1)
	e := entries[0]
	if e.OccurredAt.Nanosecond()%1000 != 0 {
		t.Fatal("entries must be truncated to what DATETIME(6) keeps")
	}
	stored := e
	stored.OccurredAt = e.OccurredAt.In(calendar.Zone())
	if string(stored.ComputeHash()) != string(e.Hash) {
		t.Fatal("the hash depends on the time zone of the value read back")
	}
}

func TestChainsSpreadByObject(t *testing.T) {
	seen := map[string]bool{}
	for id := range int64(64) {
		c := ChainFor(Place{TownshipID: 1, VillageID: 3}, "transfer", id)
		if !strings.HasPrefix(c, "v3-") {
			t.Fatalf("chain %s is not the village's", c)
		}
		seen[c] = true
	}
	if len(seen) != Lanes {
		t.Errorf("64 objects used %d lanes, want %d", len(seen), Lanes)
	}
	if ChainFor(Place{TownshipID: 1}, "login", 0)[0] != 't' || ChainFor(Place{}, "login", 0)[0] != 'g' {
		t.Error("township and global chains")
	}
}
