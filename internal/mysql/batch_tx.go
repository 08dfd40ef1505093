package mysql

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/calendar"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/voucher"
)

// The statements of the counter's batched redemptions: each writes the rows of every redemption
// of a batch at once (multi-row inserts, one guarded update joined to a derived table of the
// amounts), so that a batch costs the same number of round trips whatever its size.

var _ ledger.BatchTx = (*Tx)(nil)

// unionRows is a derived table of n rows of the named columns, for arguments given row by row.
func unionRows(n int, columns ...string) string {
	cols := make([]string, len(columns))
	for i, c := range columns {
		cols[i] = "? AS " + c
	}
	row := "SELECT " + strings.Join(cols, ", ")
	return strings.TrimSuffix(strings.Repeat(row+" UNION ALL ", n), " UNION ALL ")
}

// marks is "?, ?, …" for n values.
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// sumsByID sums n amounts per row id and returns the ids in order (the order rows are locked in)
// and the (id, sum) arguments of unionRows(len(ids), "id", …).
func sumsByID(n int, of func(i int) (id, amount int64)) (ids []int64, args []any) {
	sums := map[int64]int64{}
	for i := range n {
		id, amount := of(i)
		if _, ok := sums[id]; !ok {
			ids = append(ids, id)
		}
		sums[id] += amount
	}
	slices.Sort(ids)
	for _, id := range ids {
		args = append(args, id, sums[id])
	}
	return ids, args
}

// placeholders is "(?, ?, …), (…)" for n rows of width values.
func placeholders(n, width int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// ApplyCaptures implements ledger.BatchTx.
func (t *Tx) ApplyCaptures(ctx context.Context, ms []ledger.Movement) ([]int64, error) {
	order, args := sumsByID(len(ms), func(i int) (int64, int64) { return ms[i].DebitAccountID, ms[i].Amount })
	for _, id := range order {
		args = append(args, id)
	}
	res, err := t.tx.ExecContext(ctx, `UPDATE accounts a FORCE INDEX (PRIMARY) JOIN (`+unionRows(len(order), "id", "amount")+`) m ON m.id = a.id
		SET a.debits = a.debits + m.amount, a.held = a.held - m.amount WHERE a.id IN (`+marks(len(order))+`) AND a.held >= m.amount`, args...)
	if err != nil {
		return nil, fmt.Errorf("capture on %d accounts: %w", len(order), err)
	}
	if n, _ := res.RowsAffected(); n != int64(len(order)) {
		return nil, fmt.Errorf("capture on %d accounts, %d hold enough: %w", len(order), n, ledger.ErrInsufficientPoints)
	}
	q, qargs, err := sqlx.In(`SELECT id, credits - debits AS balance FROM accounts WHERE id IN (?)`, order)
	if err != nil {
		return nil, err
	}
	var balances []struct {
		ID      int64 `db:"id"`
		Balance int64 `db:"balance"`
	}
	if err := t.tx.SelectContext(ctx, &balances, q, qargs...); err != nil {
		return nil, err
	}
	running := make(map[int64]int64, len(balances))
	for _, b := range balances {
		running[b.ID] = b.Balance
	}
	// The balance after each movement, counted back from the balance after them all.
	after := make([]int64, len(ms))
	for i := len(ms) - 1; i >= 0; i-- {
		after[i] = running[ms[i].DebitAccountID]
		running[ms[i].DebitAccountID] += ms[i].Amount
	}
	return after, nil
}

// AppendTransfers implements ledger.BatchTx. The rows' ids are read back by their holds, which
// are unique: nothing relies on a multi-row insert's auto-increment values being consecutive.
func (t *Tx) AppendTransfers(ctx context.Context, ts []ledger.Transfer) ([]ledger.Transfer, error) {
	now := t.db.now()
	args := make([]any, 0, 15*len(ts))
	holds := make([]int64, len(ts))
	for i := range ts {
		tr := &ts[i]
		if tr.HoldID == nil {
			return nil, fmt.Errorf("append transfers: transfer %d captures no hold", i)
		}
		tr.CreatedAt, holds[i] = now, *tr.HoldID
		args = append(args, tr.VillageID, tr.DebitAccountID, tr.CreditAccountID, tr.Amount, tr.Kind, tr.Earning, tr.Reason,
			tr.RefType, tr.RefID, tr.HoldID, tr.ReversesID, tr.DebitBalanceAfter, tr.CreditBalanceAfter, tr.CreatedBy, tr.CreatedAt)
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO transfers (village_id, debit_account_id, credit_account_id, amount, kind, earning, reason,
		ref_type, ref_id, hold_id, reverses_id, debit_balance_after, credit_balance_after, created_by, created_at) VALUES `+placeholders(len(ts), 15), args...)
	if isDuplicate(err) {
		return nil, ledger.ErrHoldNotPending
	}
	if err != nil {
		return nil, fmt.Errorf("insert %d transfers: %w", len(ts), err)
	}
	ids, err := idsBy(ctx, t.tx, "transfers", "hold_id", holds)
	if err != nil {
		return nil, err
	}
	for i := range ts {
		ts[i].ID = ids[holds[i]]
	}
	return ts, nil
}

// idsBy reads the ids of rows just written by a unique column's values.
func idsBy(ctx context.Context, tx *sqlx.Tx, table, column string, values []int64) (map[int64]int64, error) {
	q, args, err := sqlx.In(`SELECT id, `+column+` AS value FROM `+table+` WHERE `+column+` IN (?)`, values)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID    int64 `db:"id"`
		Value int64 `db:"value"`
	}
	if err := tx.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("ids of %s: %w", table, err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.Value] = r.ID
	}
	if len(out) != len(values) {
		return nil, fmt.Errorf("ids of %s: %d of %d rows found", table, len(out), len(values))
	}
	return out, nil
}

// EndHolds implements ledger.BatchTx.
func (t *Tx) EndHolds(ctx context.Context, hs []ledger.Hold, status ledger.HoldStatus) ([]ledger.Hold, error) {
	now := t.db.now()
	ids := make([]int64, len(hs))
	for i, h := range hs {
		ids[i] = h.ID
	}
	q, args, err := sqlx.In(`UPDATE holds SET status = ?, resolved_at = ? WHERE id IN (?) AND status = 'pending'`, status, now, ids)
	if err != nil {
		return nil, err
	}
	res, err := t.tx.ExecContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != int64(len(hs)) {
		return nil, ledger.ErrHoldNotPending
	}
	out := make([]ledger.Hold, len(hs))
	for i, h := range hs {
		h.Status, h.ResolvedAt = status, &now
		out[i] = h
	}
	return out, nil
}

// holdAsNested is the hold's columns named for a nested struct field tagged "hold".
var holdAsNested = func() string {
	cols := strings.Split(holdColumns, ", ")
	for i, c := range cols {
		cols[i] = "h." + c + " AS `hold." + c + "`"
	}
	return strings.Join(cols, ", ")
}()

// Redeemables implements voucher.Tx: the vouchers with their items, holds, agreements and goods
// in one statement (the items and goods as JSON arrays).
func (t *Tx) Redeemables(ctx context.Context, ids []int64, day time.Time) (map[int64]voucher.Redeemable, error) {
	q, args, err := sqlx.In(`SELECT v.id, v.village_id, vi.township_id, v.shop_id, v.account_id, v.holder_id, v.points, v.status,
		v.nonce, v.short_code, v.hold_id, v.fence, v.expires_at, v.created_at, v.resolved_at, v.proxy, `+itemsJSON+`,
		(SELECT JSON_ARRAYAGG(JSON_OBJECT('goods_id', g.id, 'stock', g.stock, 'monthly_limit', g.monthly_limit))
			FROM voucher_items i JOIN goods g ON g.id = i.goods_id WHERE i.voucher_id = v.id) AS goods_json,
		EXISTS (SELECT 1 FROM shop_agreements a WHERE a.shop_id = v.shop_id AND a.village_id = v.village_id AND a.status = 'active'
			AND ? BETWEEN a.valid_from AND a.valid_to) AS agreement_in_force, `+holdAsNested+`
		FROM vouchers v JOIN villages vi ON vi.id = v.village_id JOIN holds h ON h.id = v.hold_id WHERE v.id IN (?)`, calendar.Date(day), ids)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		voucherRow
		GoodsJSON []byte      `db:"goods_json"`
		Agreement bool        `db:"agreement_in_force"`
		Hold      ledger.Hold `db:"hold"`
	}
	if err := t.tx.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, err
	}
	out := make(map[int64]voucher.Redeemable, len(rows))
	for _, r := range rows {
		v, err := r.voucher()
		if err != nil {
			return nil, err
		}
		rd := voucher.Redeemable{Voucher: v, Hold: r.Hold, AgreementInForce: r.Agreement}
		if len(r.GoodsJSON) > 0 {
			if err := json.Unmarshal(r.GoodsJSON, &rd.Goods); err != nil {
				return nil, fmt.Errorf("goods of voucher %d: %w", v.ID, err)
			}
		}
		out[v.ID] = rd
	}
	return out, nil
}

// EndVouchers implements voucher.Tx: one compare-and-set of many vouchers, each raising its row's
// fence to the lock token its writer holds.
func (t *Tx) EndVouchers(ctx context.Context, ends []voucher.FencedEnd, status voucher.Status) (bool, error) {
	args := make([]any, 0, 2*len(ends)+2)
	for _, e := range ends {
		args = append(args, e.ID, int64(e.Fence))
	}
	args = append(args, status, t.db.now())
	for _, e := range ends {
		args = append(args, e.ID)
	}
	// The primary key, forced: on few rows the optimizer may walk every issued voucher by status.
	res, err := t.tx.ExecContext(ctx, `UPDATE vouchers v FORCE INDEX (PRIMARY) JOIN (`+unionRows(len(ends), "id", "fence")+`) m ON m.id = v.id
		SET v.status = ?, v.resolved_at = ?, v.fence = GREATEST(v.fence, m.fence)
		WHERE v.id IN (`+marks(len(ends))+`) AND v.status = 'issued' AND (m.fence = 0 OR v.fence < m.fence)`, args...)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == int64(len(ends)), nil
}

// InsertRedemptions implements voucher.Tx: vouchers' redemptions, their ids read back by voucher.
func (t *Tx) InsertRedemptions(ctx context.Context, rs []*voucher.Redemption) error {
	now := t.db.now()
	args := make([]any, 0, 14*len(rs))
	vouchers := make([]int64, len(rs))
	for i, r := range rs {
		if r.VoucherID == nil || r.TransferID == 0 {
			return fmt.Errorf("insert redemptions: redemption %d names no voucher or transfer", i)
		}
		r.CreatedAt, vouchers[i] = now, *r.VoucherID
		args = append(args, r.VillageID, r.ShopID, r.AccountID, r.Kind, r.VoucherID, r.MemberCodeID, r.Points, r.PriceFen, r.CashFen,
			r.TransferID, r.RedeemedBy, r.CreatedAt, r.Proxy, r.CardID)
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO redemptions (village_id, shop_id, account_id, kind, voucher_id, member_code_id,
		points, price_fen, cash_fen, transfer_id, redeemed_by, created_at, proxy, card_id) VALUES `+placeholders(len(rs), 14), args...)
	if isDuplicate(err) {
		return voucher.ErrAlreadyRedeemed
	}
	if err != nil {
		return fmt.Errorf("insert %d redemptions: %w", len(rs), err)
	}
	ids, err := idsBy(ctx, t.tx, "redemptions", "voucher_id", vouchers)
	if err != nil {
		return err
	}
	for _, r := range rs {
		r.ID = ids[*r.VoucherID]
	}
	return nil
}

// InsertRedemptionItems implements voucher.Tx.
func (t *Tx) InsertRedemptionItems(ctx context.Context, rs []*voucher.Redemption) error {
	var args []any
	n := 0
	for _, r := range rs {
		for _, it := range r.Items {
			args = append(args, r.ID, it.GoodsID, it.Name, it.Unit, it.Quantity, it.PointsEach, it.PriceFen, r.VillageID)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	_, err := t.tx.ExecContext(ctx, `INSERT INTO redemption_items (redemption_id, goods_id, name, unit, quantity, points_each, price_fen, village_id)
		VALUES `+placeholders(n, 8), args...)
	return err
}

// MoveStocks implements voucher.Tx: every goods row by one guarded update (in goods id order),
// then the movements in one insert. catalog.ErrOutOfStock when a row's stock does not cover its
// movements.
func (t *Tx) MoveStocks(ctx context.Context, ms []catalog.Movement) error {
	if len(ms) == 0 {
		return nil
	}
	now := t.db.now()
	order, args := sumsByID(len(ms), func(i int) (int64, int64) { return ms[i].GoodsID, ms[i].Delta })
	args = append(args, now)
	for _, id := range order {
		args = append(args, id)
	}
	res, err := t.tx.ExecContext(ctx, `UPDATE goods g FORCE INDEX (PRIMARY) JOIN (`+unionRows(len(order), "id", "delta")+`) m ON m.id = g.id
		SET g.stock = g.stock + m.delta, g.updated_at = ? WHERE g.id IN (`+marks(len(order))+`) AND g.stock + m.delta >= 0`, args...)
	if err != nil {
		return fmt.Errorf("move stock of %d goods: %w", len(order), err)
	}
	if n, _ := res.RowsAffected(); n != int64(len(order)) {
		return catalog.ErrOutOfStock
	}
	margs := make([]any, 0, 10*len(ms))
	for _, m := range ms {
		margs = append(margs, m.GoodsID, m.Delta, m.Kind, m.Reason, m.RefType, m.RefID, calendar.Date(now), m.CreatedBy, now, m.GoodsID)
	}
	row := "(?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT village_id FROM goods WHERE id = ?))"
	_, err = t.tx.ExecContext(ctx, `INSERT INTO stock_movements (goods_id, delta, kind, reason, ref_type, ref_id, moved_on, created_by, created_at, village_id)
		VALUES `+strings.TrimSuffix(strings.Repeat(row+", ", len(ms)), ", "), margs...)
	return err
}
