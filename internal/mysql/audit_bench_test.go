package mysql_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/app"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/dbtest"
)

// generateAudit appends n entries spread over the lanes of villages villages, as the service
// writes them (chained, hashed, with a transfer-sized body), by multi-row INSERTs, and moves the
// chains' heads. It continues chains that exist.
func generateAudit(b *testing.B, a *app.App, villages, n int) {
	b.Helper()
	ctx := context.Background()
	heads := map[string]audit.Head{}
	var hs []audit.Head
	if err := a.DB.SelectContext(ctx, &hs, `SELECT chain_id, seq, head_hash FROM audit_chains`); err != nil {
		b.Fatal(err)
	}
	for _, h := range hs {
		heads[h.ChainID] = h
	}
	after := `{"id":123456,"village_id":17,"debit_account_id":3401,"credit_account_id":3388,"amount":30,"kind":"redeem",` +
		`"earning":false,"reason":"兑换券：毛巾×1、香皂×2","ref_type":"voucher","ref_id":98765,"hold_id":4567,` +
		`"debit_balance_after":240,"created_by":3301,"created_at":"2026-11-30T08:15:02.123456Z"}`
	const batch = 1000
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for done := 0; done < n; done += batch {
		rows := make([]audit.Entry, 0, batch)
		for i := done; i < min(done+batch, n); i++ {
			village := int64(i%villages + 1)
			chain := fmt.Sprintf("v%d-%d", village, (i/villages)%audit.Lanes)
			h, ok := heads[chain]
			if !ok {
				h = audit.Head{ChainID: chain, Hash: audit.GenesisHash}
			}
			e := audit.Entry{ChainID: chain, OccurredAt: at.Add(time.Duration(i) * time.Second), ActorID: 3301, ActorRole: "shopkeeper",
				TownshipID: 1 + village/30, VillageID: village, Action: "ledger.transfer", ObjectType: "transfer", ObjectID: int64(i + 1),
				After: after, IP: "10.0.0.8", RequestID: "bench" + strconv.Itoa(i)}
			e.Chain(h.Seq, h.Hash)
			heads[chain] = audit.Head{ChainID: chain, Seq: e.Seq, Hash: e.Hash}
			rows = append(rows, e)
		}
		if _, err := a.DB.NamedExecContext(ctx, `INSERT INTO audit_log (chain_id, seq, prev_hash, hash, occurred_at, actor_id, actor_role,
			township_id, village_id, action, object_type, object_id, before_data, after_data, ip, request_id)
			VALUES (:chain_id, :seq, :prev_hash, :hash, :occurred_at, :actor_id, :actor_role, :township_id,
			:village_id, :action, :object_type, :object_id, :before_data, :after_data, :ip, :request_id)`, rows); err != nil {
			b.Fatal(err)
		}
	}
	for _, h := range heads {
		q, args, _ := sqlx.In(`INSERT INTO audit_chains (chain_id, seq, head_hash) VALUES (?, ?, ?)
			ON DUPLICATE KEY UPDATE seq = VALUES(seq), head_hash = VALUES(head_hash)`, h.ChainID, h.Seq, h.Hash)
		if _, err := a.DB.ExecContext(ctx, q, args...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuditCheck measures `pointsmarket check`'s audit verification on a generated log of
// PM_BENCH_AUDIT_ENTRIES entries (200,000 by default; a county's year is about 10 million) over
// 300 villages: a full run, then an incremental one after 1% more entries were written past the
// checkpoint the full run verified. Run it by hand:
//
//	PM_BENCH_AUDIT_ENTRIES=1000000 go test -run '^$' -bench AuditCheck -benchtime 1x -timeout 60m ./internal/mysql/
func BenchmarkAuditCheck(b *testing.B) {
	n := 200_000
	if s := os.Getenv("PM_BENCH_AUDIT_ENTRIES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	a := dbtest.New(b, app.Options{})
	start := time.Now()
	generateAudit(b, a, 300, n)
	b.Logf("generated %d entries in %s", n, time.Since(start).Round(time.Second))
	if _, _, err := a.Audit.Checkpoint(dbtest.SystemCtx(), time.Now()); err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, mode audit.VerifyMode) {
		for b.Loop() {
			v, err := a.Verify(dbtest.SystemCtx(), mode)
			if err != nil {
				b.Fatal(err)
			}
			r := v.Audit
			if len(r.Breaches) != 0 {
				b.Fatalf("breaches: %v", r.Breaches[:min(5, len(r.Breaches))])
			}
			b.ReportMetric(float64(r.Entries), "entries")
			b.ReportMetric(r.RowsPerSecond(), "entries/s")
			b.ReportMetric(r.Elapsed.Seconds(), "s/check")
		}
	}
	b.Run("full", func(b *testing.B) { run(b, audit.Full) })
	generateAudit(b, a, 300, n/100)
	b.Run("incremental", func(b *testing.B) { run(b, audit.Incremental) })
}
