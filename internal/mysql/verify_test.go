package mysql_test

import (
	"context"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/dbtest"
)

func verify(t *testing.T, a *app.App, mode audit.VerifyMode) audit.Report {
	t.Helper()
	v, err := a.Verify(dbtest.SystemCtx(), mode)
	if err != nil {
		t.Fatal(err)
	}
	return v.Audit
}

func checkpoint(t *testing.T, a *app.App) audit.Checkpoint {
	t.Helper()
	cp, _, err := a.Audit.Checkpoint(dbtest.SystemCtx(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

// rehash rewrites the reason of a chain's first entry and recomputes the hashes of it, of every
// entry after it and of the head: a rewrite by whoever holds the database password but not the
// audit key.
func rehash(t *testing.T, a *app.App, chain string) {
	t.Helper()
	ctx := context.Background()
	var entries []audit.Entry
	if err := a.DB.SelectContext(ctx, &entries, `SELECT id, chain_id, seq, prev_hash, hash, occurred_at, actor_id, actor_role,
		township_id, village_id, action, object_type, object_id, before_data, after_data, ip, request_id
		FROM audit_log WHERE chain_id = ? ORDER BY seq`, chain); err != nil || len(entries) == 0 {
		t.Fatalf("chain %s: %d entries, %v", chain, len(entries), err)
	}
	entries[0].After = `{"rewritten":true}`
	prev := audit.GenesisHash
	for i := range entries {
		entries[i].Chain(int64(i), prev)
		prev = entries[i].Hash
		mustExec(t, a, `UPDATE audit_log SET after_data = ?, prev_hash = ?, hash = ? WHERE id = ?`,
			entries[i].After, entries[i].PrevHash, entries[i].Hash, entries[i].ID)
	}
	mustExec(t, a, `UPDATE audit_chains SET head_hash = ? WHERE chain_id = ?`, prev, chain)
}

// TestIncrementalCheck: the first check reads the whole log and records where it got to; the next
// reads only what was written after that checkpoint, and still catches an entry altered after
// it, a rewrite (rehashed, without the key) of entries before it, and a forged record of a
// verification, which only costs a full run.
func TestIncrementalCheck(t *testing.T) {
	a := dbtest.New(t, app.Options{})
	v := dbtest.NewVillage(t, a, "一村", 2)
	for i := range 5 {
		v.Grant(t, a, v.Accounts[i%2], int64(1+i))
	}
	first := checkpoint(t, a)
	r := verify(t, a, audit.Incremental)
	if r.Mode != audit.Full || len(r.Breaches) != 0 || r.Entries == 0 {
		t.Fatalf("first check: %+v, want a clean full one (nothing verified before)", r)
	}
	total := r.Entries
	v.Grant(t, a, v.Accounts[0], 7)
	second := checkpoint(t, a)
	r = verify(t, a, audit.Incremental)
	if r.Mode != audit.Incremental || r.From != first.ID || len(r.Breaches) != 0 || r.Entries == 0 || r.Entries >= total {
		t.Fatalf("second check: %+v, want a clean incremental one from checkpoint %d reading fewer than %d entries", r, first.ID, total)
	}
	if full := verify(t, a, audit.Full); full.Entries <= total || len(full.Breaches) != 0 {
		t.Fatalf("a full check after: %+v", full)
	}

	t.Run("an entry after the verified checkpoint altered", func(t *testing.T) {
		v.Grant(t, a, v.Accounts[1], 8)
		var id int64
		if err := a.DB.GetContext(t.Context(), &id, `SELECT MAX(id) FROM audit_log`); err != nil {
			t.Fatal(err)
		}
		mustExec(t, a, `UPDATE audit_log SET after_data = '{}' WHERE id = ?`, id)
		if r := verify(t, a, audit.Incremental); r.Mode != audit.Incremental || !contains(r.Breaches, "content does not match its hash") {
			t.Fatalf("incremental check: %+v", r)
		}
	})
	t.Run("entries before it rewritten and rehashed", func(t *testing.T) {
		var chain string
		if err := a.DB.GetContext(t.Context(), &chain, `SELECT chain_id FROM audit_log WHERE id = (SELECT MIN(id) FROM audit_log)`); err != nil {
			t.Fatal(err)
		}
		rehash(t, a, chain)
		if r := verify(t, a, audit.Incremental); !contains(r.Breaches, "no longer has the hash it published") {
			t.Fatalf("incremental check after a rehashed rewrite: %+v", r)
		}
	})
	t.Run("a forged verification record", func(t *testing.T) {
		mustExec(t, a, `INSERT INTO audit_verifications (checkpoint_id, mode, entries, started_at, finished_at, seal)
			VALUES (?, 'full', 1, NOW(6), NOW(6), NULL)`, second.ID)
		if r := verify(t, a, audit.Incremental); r.Mode != audit.Full {
			t.Fatalf("a forged record was trusted: %+v", r.Mode)
		}
	})
}
