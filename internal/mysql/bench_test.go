package mysql_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mysqldrv "github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/app"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/dbtest"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/mysql"
	"pointsmarket/internal/org"
)

// The ledger benchmarks run each operation through the service (validation, idempotency, audit
// entry with its JSON and hash chain) and, beside it, as a raw-SQL baseline: the same statements
// in the same transaction with precomputed values and no service code. Run with
//
//	make bench     (go test -run '^$' -bench Ledger -benchtime 3000x ./internal/mysql/)
//
// and compare the transfers/s metrics of service/cN and raw/cN.

type benchEnv struct {
	a *app.App
	v dbtest.Village
}

var benchSeq atomic.Int64

func newBenchEnv(b *testing.B) benchEnv {
	a := dbtest.New(b, app.Options{})
	v := dbtest.NewVillage(b, a, "压测村", 64)
	for _, acct := range v.Accounts {
		v.Grant(b, a, acct, 1_000_000)
	}
	return benchEnv{a: a, v: v}
}

// parallel runs op b.N times over conc goroutines and reports operations per second.
func parallel(b *testing.B, conc int, unit string, op func(worker int, i int64) error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conc)
	b.ResetTimer()
	start := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if err := op(w, i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), unit)
}

func BenchmarkLedgerTransfer(b *testing.B) {
	e := newBenchEnv(b)
	ctx := dbtest.SystemCtx()
	for _, conc := range []int{1, 32} {
		b.Run(fmt.Sprintf("service/c%d", conc), func(b *testing.B) {
			parallel(b, conc, "transfers/s", func(w int, i int64) error {
				_, err := e.a.Ledger.Transfer(ctx, ledger.TransferRequest{DebitAccountID: e.v.Accounts[w], CreditAccountID: e.v.Redemption,
					Amount: 1, Kind: ledger.Redeem, Reason: "压测兑换"}, fmt.Sprintf("bench-%d", benchSeq.Add(1)))
				return err
			})
		})
		b.Run(fmt.Sprintf("raw/c%d", conc), func(b *testing.B) {
			parallel(b, conc, "transfers/s", func(w int, i int64) error {
				return rawTransfer(ctx, e.a.DB.DB, e.v.Village.ID, e.v.Accounts[w], e.v.Redemption, fmt.Sprintf("raw-%d", benchSeq.Add(1)))
			})
		})
	}
}

func BenchmarkLedgerHoldCapture(b *testing.B) {
	e := newBenchEnv(b)
	ctx := dbtest.SystemCtx()
	for _, conc := range []int{1, 32} {
		b.Run(fmt.Sprintf("service/c%d", conc), func(b *testing.B) {
			parallel(b, conc, "holds+captures/s", func(w int, i int64) error {
				n := benchSeq.Add(1)
				h, err := ops(e.a).Hold(ctx, ledger.HoldRequest{DebitAccountID: e.v.Accounts[w], CreditAccountID: e.v.Redemption,
					Amount: 1, Kind: ledger.Redeem, Reason: "压测兑换券"}, fmt.Sprintf("bench-h-%d", n))
				if err != nil {
					return err
				}
				_, err = ops(e.a).Capture(ctx, h.ID, fmt.Sprintf("bench-c-%d", n))
				return err
			})
		})
		b.Run(fmt.Sprintf("raw/c%d", conc), func(b *testing.B) {
			parallel(b, conc, "holds+captures/s", func(w int, i int64) error {
				n := benchSeq.Add(1)
				id, err := rawHold(ctx, e.a.DB.DB, e.v.Village.ID, e.v.Accounts[w], e.v.Redemption, fmt.Sprintf("raw-h-%d", n))
				if err != nil {
					return err
				}
				return rawCapture(ctx, e.a.DB.DB, e.v.Village.ID, id, fmt.Sprintf("raw-c-%d", n))
			})
		})
	}
}

// The raw baseline: the service's statements, in its order, with fixed values.

var rawHash = sha256.Sum256([]byte("raw"))

func rawTx(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	for {
		tx, err := db.BeginTxx(ctx, nil)
		if err != nil {
			return err
		}
		if err = fn(tx); err == nil {
			if err = tx.Commit(); err == nil {
				return nil
			}
		}
		_ = tx.Rollback()
		if !isRetryable(err) {
			return err
		}
	}
}

func isRetryable(err error) bool {
	var me *mysqldrv.MySQLError
	return errors.As(err, &me) && (me.Number == 1213 || me.Number == 1205)
}

func rawAudit(ctx context.Context, tx *sqlx.Tx, chain string, objectID int64) error {
	var seq int64
	var head []byte
	err := tx.QueryRowContext(ctx, `SELECT seq, head_hash FROM audit_chains WHERE chain_id = ? FOR UPDATE`, chain).Scan(&seq, &head)
	if err == sql.ErrNoRows {
		if _, err := tx.ExecContext(ctx, `INSERT IGNORE INTO audit_chains VALUES (?, 0, ?)`, chain, rawHash[:]); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT seq, head_hash FROM audit_chains WHERE chain_id = ? FOR UPDATE`, chain).Scan(&seq, &head)
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (chain_id, seq, prev_hash, hash, occurred_at, actor_id, actor_role,
		township_id, village_id, action, object_type, object_id, before_data, after_data, ip, request_id)
		VALUES (?, ?, ?, ?, ?, 0, 'system', 1, 1, 'raw', 'transfer', ?, '', '{"amount":1}', '', 'raw')`,
		chain, seq+1, head, rawHash[:], time.Now().UTC(), objectID); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE audit_chains SET seq = ?, head_hash = ? WHERE chain_id = ?`, seq+1, rawHash[:], chain)
	return err
}

func rawClaim(ctx context.Context, tx *sqlx.Tx, key string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, idem_key, request_hash, created_at) VALUES ('raw', ?, ?, ?)`,
		key, rawHash[:], time.Now().UTC())
	return err
}

func rawSettle(ctx context.Context, tx *sqlx.Tx, key string, id int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET result_id = ? WHERE scope = 'raw' AND idem_key = ?`, id, key)
	return err
}

func rawMeta(ctx context.Context, tx *sqlx.Tx, a, b int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, village_id, kind, derived_totals FROM accounts WHERE id IN (?, ?)`, a, b)
	if err != nil {
		return err
	}
	return rows.Close()
}

func rawBalances(ctx context.Context, tx *sqlx.Tx, a, b int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, credits - debits FROM accounts WHERE id IN (?, ?) AND derived_totals = 0`, a, b)
	if err != nil {
		return err
	}
	return rows.Close()
}

func rawPlace(ctx context.Context, tx *sqlx.Tx, village int64) error {
	var t, v int64
	return tx.QueryRowContext(ctx, `SELECT township_id, id FROM villages WHERE id = ?`, village).Scan(&t, &v)
}

func rawInsertTransfer(ctx context.Context, tx *sqlx.Tx, village, debit, credit int64, holdID *int64) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO transfers (village_id, debit_account_id, credit_account_id, amount, kind, earning,
		reason, ref_type, ref_id, hold_id, reverses_id, debit_balance_after, credit_balance_after, created_by, created_at)
		VALUES (?, ?, ?, 1, 'redeem', 0, '压测兑换', '', 0, ?, NULL, 0, NULL, 0, ?)`, village, debit, credit, holdID, time.Now().UTC())
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func rawTransfer(ctx context.Context, db *sqlx.DB, village, debit, credit int64, key string) error {
	return rawTx(ctx, db, func(tx *sqlx.Tx) error {
		if err := rawClaim(ctx, tx, key); err != nil {
			return err
		}
		if err := rawMeta(ctx, tx, debit, credit); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET debits = debits + 1, earned = earned - 0 WHERE id = ? AND credits - debits - held >= 1`, debit); err != nil {
			return err
		}
		if err := rawBalances(ctx, tx, debit, credit); err != nil {
			return err
		}
		id, err := rawInsertTransfer(ctx, tx, village, debit, credit, nil)
		if err != nil {
			return err
		}
		if err := rawSettle(ctx, tx, key, id); err != nil {
			return err
		}
		if err := rawPlace(ctx, tx, village); err != nil {
			return err
		}
		return rawAudit(ctx, tx, fmt.Sprintf("raw%d", id%8), id)
	})
}

func rawHold(ctx context.Context, db *sqlx.DB, village, debit, credit int64, key string) (int64, error) {
	var id int64
	err := rawTx(ctx, db, func(tx *sqlx.Tx) error {
		if err := rawClaim(ctx, tx, key); err != nil {
			return err
		}
		if err := rawMeta(ctx, tx, debit, credit); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET held = held + 1 WHERE id = ? AND credits - debits - held >= 1`, debit); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO holds (village_id, debit_account_id, credit_account_id, amount, kind, reason,
			ref_type, ref_id, status, created_by, created_at) VALUES (?, ?, ?, 1, 'redeem', '压测兑换券', '', 0, 'pending', 0, ?)`,
			village, debit, credit, time.Now().UTC())
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := rawSettle(ctx, tx, key, id); err != nil {
			return err
		}
		if err := rawPlace(ctx, tx, village); err != nil {
			return err
		}
		return rawAudit(ctx, tx, fmt.Sprintf("raw%d", id%8), id)
	})
	return id, err
}

func rawCapture(ctx context.Context, db *sqlx.DB, village, holdID int64, key string) error {
	return rawTx(ctx, db, func(tx *sqlx.Tx) error {
		if err := rawClaim(ctx, tx, key); err != nil {
			return err
		}
		var debit, credit int64
		if err := tx.QueryRowContext(ctx, `SELECT debit_account_id, credit_account_id FROM holds WHERE id = ?`, holdID).Scan(&debit, &credit); err != nil {
			return err
		}
		if err := rawMeta(ctx, tx, debit, credit); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET debits = debits + 1, held = held - 1, earned = earned - 0 WHERE id = ? AND held >= 1`, debit); err != nil {
			return err
		}
		if err := rawBalances(ctx, tx, debit, credit); err != nil {
			return err
		}
		id, err := rawInsertTransfer(ctx, tx, village, debit, credit, &holdID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE holds SET status = 'captured', resolved_at = ? WHERE id = ? AND status = 'pending'`, time.Now().UTC(), holdID); err != nil {
			return err
		}
		if err := rawSettle(ctx, tx, key, id); err != nil {
			return err
		}
		if err := rawPlace(ctx, tx, village); err != nil {
			return err
		}
		if err := rawAudit(ctx, tx, fmt.Sprintf("raw%d", holdID%8), holdID); err != nil {
			return err
		}
		return rawAudit(ctx, tx, fmt.Sprintf("raw%d", id%8), id)
	})
}

// BenchmarkCatalogRead reads one shop's goods list (30 items) with 64 concurrent readers, from
// MySQL and through the Redis cache, and reports reads/s of each.
func BenchmarkCatalogRead(b *testing.B) {
	a := dbtest.New(b, app.Options{})
	ctx := dbtest.SystemCtx()
	v := dbtest.NewVillage(b, a, "压测村", 0)
	shop, err := mysql.NewCatalogStore(a.DB).CreateShop(ctx, org.Shop{VillageID: v.Village.ID, Name: "压测超市"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 30 {
		if _, err := mysql.NewCatalogStore(a.DB).CreateGoods(ctx, catalog.Goods{ShopID: shop.ID, Name: fmt.Sprintf("商品%02d", i),
			Category: []string{"粮油", "调味", "清洁", "日用"}[i%4], Unit: "件", Points: int64(5 + i), PriceFen: int64(500 + 100*i), LowStock: 10}); err != nil {
			b.Fatal(err)
		}
	}
	for name, store := range map[string]catalog.Store{"mysql": mysql.NewCatalogStore(a.DB), "cached": cacheOf(a)} {
		b.Run(name+"/c64", func(b *testing.B) {
			parallel(b, 64, "reads/s", func(int, int64) error {
				gs, err := store.ShopGoods(ctx, shop.ID)
				if err == nil && len(gs) != 30 {
					err = fmt.Errorf("read %d goods", len(gs))
				}
				return err
			})
		})
	}
}
