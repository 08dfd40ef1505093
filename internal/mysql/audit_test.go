package mysql_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"pointsmarket/internal/app"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/mysql"
)

// breaches runs both verifications and returns every breach found.
func breaches(t *testing.T, a *app.App) []string {
	t.Helper()
	ctx := dbtest.SystemCtx()
	v, err := a.Verify(ctx, audit.Full)
	if err != nil {
		t.Fatal(err)
	}
	return v.Breaches
}

func mustExec(t testing.TB, a *app.App, q string, args ...any) {
	t.Helper()
	if _, err := a.DB.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func contains(list []string, part string) bool {
	for _, s := range list {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

// TestTamperingIsDetected edits rows by hand the way a dishonest operator might, and expects the
// verification to name each edit.
func TestTamperingIsDetected(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, a *app.App, v dbtest.Village, tr ledger.Transfer)
		want   string
	}{
		{"transfer amount edited", func(t *testing.T, a *app.App, v dbtest.Village, tr ledger.Transfer) {
			mustExec(t, a, `UPDATE transfers SET amount = amount + 100 WHERE id = ?`, tr.ID)
		}, "stored credits"},
		{"transfer and account edited together", func(t *testing.T, a *app.App, v dbtest.Village, tr ledger.Transfer) {
			mustExec(t, a, `UPDATE transfers SET amount = amount + 100 WHERE id = ?`, tr.ID)
			mustExec(t, a, `UPDATE accounts SET credits = credits + 100, earned = earned + 100 WHERE id = ?`, tr.CreditAccountID)
		}, "differs from its audit entry"},
		{"balance edited", func(t *testing.T, a *app.App, v dbtest.Village, tr ledger.Transfer) {
			mustExec(t, a, `UPDATE accounts SET credits = credits + 5000 WHERE id = ?`, v.Accounts[0])
		}, "add up to"},
		{"transfer deleted", func(t *testing.T, a *app.App, v dbtest.Village, tr ledger.Transfer) {
			mustExec(t, a, `DELETE FROM transfers WHERE id = ?`, tr.ID)
		}, "stored credits"},
		{"audit entry rewritten", func(t *testing.T, a *app.App, v dbtest.Village, tr ledger.Transfer) {
			mustExec(t, a, `UPDATE audit_log SET actor_role = 'clerk' WHERE object_type = 'transfer' AND object_id = ?`, tr.ID)
		}, "content does not match its hash"},
		{"audit entry deleted", func(t *testing.T, a *app.App, v dbtest.Village, tr ledger.Transfer) {
			mustExec(t, a, `DELETE FROM audit_log WHERE object_type = 'household' LIMIT 1`)
		}, "audit chain"},
		{"newest audit entry and head rolled back", func(t *testing.T, a *app.App, v dbtest.Village, tr ledger.Transfer) {
			var e audit.Entry
			if err := a.DB.GetContext(context.Background(), &e, `SELECT chain_id, seq, prev_hash FROM audit_log WHERE object_type = 'transfer' AND object_id = ?`, tr.ID); err != nil {
				t.Fatal(err)
			}
			mustExec(t, a, `DELETE FROM audit_log WHERE chain_id = ? AND seq >= ?`, e.ChainID, e.Seq)
			mustExec(t, a, `UPDATE audit_chains SET seq = ?, head_hash = ? WHERE chain_id = ?`, e.Seq-1, e.PrevHash, e.ChainID)
		}, "was rewritten"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := dbtest.New(t, app.Options{})
			v := dbtest.NewVillage(t, a, "一村", 2)
			tr := v.Grant(t, a, v.Accounts[0], 100)
			ctx := audit.WithActor(context.Background(), audit.SystemActor("test"))
			if _, _, err := a.Audit.Checkpoint(ctx, time.Now()); err != nil {
				t.Fatal(err)
			}
			if b := breaches(t, a); len(b) != 0 {
				t.Fatalf("breaches before tampering: %v", b)
			}
			tc.tamper(t, a, v, tr)
			b := breaches(t, a)
			if !contains(b, tc.want) {
				t.Fatalf("breaches = %q, want one mentioning %q", b, tc.want)
			}
		})
	}
}

func TestCheckpointOnlyWhenHeadsMoved(t *testing.T) {
	a := dbtest.New(t, app.Options{})
	v := dbtest.NewVillage(t, a, "一村", 1)
	ctx := dbtest.SystemCtx()
	first, made, err := a.Audit.Checkpoint(ctx, time.Now())
	if err != nil || !made {
		t.Fatalf("first checkpoint: made=%v err=%v", made, err)
	}
	again, made, err := a.Audit.Checkpoint(ctx, time.Now())
	if err != nil || made || again.ID != first.ID {
		t.Fatalf("unchanged heads: made=%v id=%d err=%v; want the same checkpoint", made, again.ID, err)
	}
	v.Grant(t, a, v.Accounts[0], 1)
	if _, made, err := a.Audit.Checkpoint(ctx, time.Now()); err != nil || !made {
		t.Fatalf("after a write: made=%v err=%v", made, err)
	}
}

func TestWritesWithoutActorAreRefused(t *testing.T) {
	a := dbtest.New(t, app.Options{})
	v := dbtest.NewVillage(t, a, "一村", 1)
	_, err := a.Ledger.Transfer(context.Background(), ledger.TransferRequest{DebitAccountID: v.Issuance, CreditAccountID: v.Accounts[0], Amount: 1, Kind: ledger.Earn, Reason: "x"}, "")
	if err == nil {
		t.Fatal("a write without an audit actor succeeded")
	}
	if acc, _ := mysql.NewLedgerStore(a.DB).Account(context.Background(), v.Accounts[0]); acc.Balance() != 0 {
		t.Fatalf("balance = %d, the refused write moved points", acc.Balance())
	}
}

// Checkpoints are chained and sealed with a key outside the database: a deleted, altered or
// forged checkpoint is named, and so is a log that moved on with its newest checkpoints gone.
func TestCheckpointChainIsSealed(t *testing.T) {
	setup := func(t *testing.T, every time.Duration) (*app.App, []int64) {
		t.Helper()
		cfg := dbtest.Config(t)
		cfg.CheckpointEach = every
		a := dbtest.NewWith(t, cfg, app.Options{})
		v := dbtest.NewVillage(t, a, "一村", 1)
		var ids []int64
		for i := range 3 {
			v.Grant(t, a, v.Accounts[0], int64(10+i))
			cp, made, err := a.Audit.Checkpoint(dbtest.SystemCtx(), time.Now())
			if err != nil || !made {
				t.Fatalf("checkpoint %d: %v %v", i, made, err)
			}
			ids = append(ids, cp.ID)
		}
		if b := breaches(t, a); len(b) != 0 {
			t.Fatalf("breaches before tampering: %v", b)
		}
		return a, ids
	}
	cases := []struct {
		name   string
		every  time.Duration
		tamper func(t *testing.T, a *app.App, ids []int64)
		want   string
	}{
		{"a checkpoint deleted from the middle", time.Hour, func(t *testing.T, a *app.App, ids []int64) {
			mustExec(t, a, `DELETE FROM audit_checkpoints WHERE id = ?`, ids[1])
		}, "is missing"},
		{"a root altered and its link recomputed (no key)", time.Hour, func(t *testing.T, a *app.App, ids []int64) {
			var prev []byte
			var at time.Time
			if err := a.DB.QueryRowContext(context.Background(), `SELECT link FROM audit_checkpoints WHERE id = ?`, ids[1]).Scan(&prev); err != nil {
				t.Fatal(err)
			}
			if err := a.DB.QueryRowContext(context.Background(), `SELECT created_at FROM audit_checkpoints WHERE id = ?`, ids[2]).Scan(&at); err != nil {
				t.Fatal(err)
			}
			mustExec(t, a, `UPDATE audit_checkpoints SET root_hash = ?, heads = '[]', link = ? WHERE id = ?`, audit.Root(nil), audit.Link(prev, audit.Root(nil), at), ids[2])
		}, "seal does not match"},
		{"every checkpoint deleted while the log moved on", time.Millisecond, func(t *testing.T, a *app.App, ids []int64) {
			time.Sleep(10 * time.Millisecond)
			mustExec(t, a, `DELETE FROM audit_checkpoints`)
		}, "audit checkpoints: none"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, ids := setup(t, tc.every)
			tc.tamper(t, a, ids)
			if b := breaches(t, a); !contains(b, tc.want) {
				t.Fatalf("breaches = %q, want one mentioning %q", b, tc.want)
			}
		})
	}
}

// A county rotates its audit key: checkpoints name the key that sealed them, so the older seals
// are checked with the old key (PM_AUDIT_OLD_KEYS) and the rotation is in the chain; without the
// old key they are named as sealed by an unknown one.
func TestAuditKeyRotation(t *testing.T) {
	cfg := dbtest.Config(t)
	before := dbtest.NewWith(t, cfg, app.Options{})
	v := dbtest.NewVillage(t, before, "一村", 1)
	v.Grant(t, before, v.Accounts[0], 5)
	if _, _, err := before.Audit.Checkpoint(dbtest.SystemCtx(), time.Now()); err != nil {
		t.Fatal(err)
	}
	rotated := cfg
	rotated.AuditKey, rotated.AuditOldKeys = "rotated-audit-key-0123456789abcdef0123456789", []string{cfg.AuditKey}
	after := dbtest.NewWith(t, rotated, app.Options{})
	v.Grant(t, after, v.Accounts[0], 6)
	if _, _, err := after.Audit.Checkpoint(dbtest.SystemCtx(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if b := breaches(t, after); len(b) != 0 {
		t.Fatalf("after a rotation, with the old key kept: %v", b)
	}
	var keys int
	if err := after.DB.GetContext(t.Context(), &keys, `SELECT COUNT(DISTINCT key_id) FROM audit_checkpoints`); err != nil || keys != 2 {
		t.Fatalf("the chain records %d keys, %v; want the old and the new", keys, err)
	}
	forgot := rotated
	forgot.AuditOldKeys = nil
	if b := breaches(t, dbtest.NewWith(t, forgot, app.Options{})); !contains(b, "neither PM_AUDIT_KEY nor one of PM_AUDIT_OLD_KEYS") {
		t.Fatalf("without the old key: %v", b)
	}
}
