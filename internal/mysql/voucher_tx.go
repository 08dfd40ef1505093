package mysql

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/catalog"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/voucher"
)

var _ voucher.Tx = (*Tx)(nil)

// Spending implements voucher.Tx.
func (t *Tx) Spending(ctx context.Context, accountID int64) (voucher.Spending, error) {
	var s voucher.Spending
	err := getRow(ctx, t.tx, &s, ledger.ErrAccountNotFound, `SELECT a.village_id, a.kind, v.voucher_days, v.cash_top_up,
		(SELECT c.id FROM accounts c WHERE c.village_id = a.village_id AND c.kind = 'redemptions' AND c.owner_id = 0) AS clearing
		FROM accounts a JOIN villages v ON v.id = a.village_id WHERE a.id = ?`, accountID)
	return s, err
}

// AvailableForUpdate implements voucher.Tx.
func (t *Tx) AvailableForUpdate(ctx context.Context, accountID int64) (int64, error) {
	var available int64
	err := getRow(ctx, t.tx, &available, ledger.ErrAccountNotFound, `SELECT credits - debits - held FROM accounts WHERE id = ? FOR UPDATE`, accountID)
	return available, err
}

// ActiveAgreement implements voucher.Tx.
func (t *Tx) ActiveAgreement(ctx context.Context, shopID, villageID int64, at time.Time) (catalog.Agreement, error) {
	return activeAgreement(ctx, t.tx, shopID, villageID, at)
}

// Goods implements voucher.Tx.
func (t *Tx) Goods(ctx context.Context, ids []int64) ([]catalog.Goods, error) {
	q, args, err := sqlx.In(`SELECT `+goodsColumns+` FROM goods WHERE id IN (?)`, ids)
	if err != nil {
		return nil, err
	}
	var goods []catalog.Goods
	err = t.tx.SelectContext(ctx, &goods, q, args...)
	return goods, err
}

// HouseholdAccounts implements voucher.Tx.
func (t *Tx) HouseholdAccounts(ctx context.Context, accountID int64) ([]int64, error) {
	return householdAccounts(ctx, t.tx, accountID, true)
}

// TakenSince implements voucher.Tx.
func (t *Tx) TakenSince(ctx context.Context, accounts []int64, since time.Time, except int64) (map[int64]int64, error) {
	return takenSince(ctx, t.tx, accounts, since, except)
}

// CeilingsInForce implements voucher.Tx.
func (t *Tx) CeilingsInForce(ctx context.Context, villageID int64) (voucher.Ceilings, error) {
	return ceilingsInForce(ctx, t.tx, villageID)
}

// MemberCodePointsSince implements voucher.Tx.
func (t *Tx) MemberCodePointsSince(ctx context.Context, accounts []int64, since time.Time) (int64, error) {
	q, args, err := sqlx.In(`SELECT COALESCE(SUM(points), 0) FROM redemptions WHERE account_id IN (?) AND kind IN ('member_code', 'card')
		AND created_at >= ? AND reversed_at IS NULL`, accounts, since)
	if err != nil {
		return 0, err
	}
	var total int64
	err = t.tx.GetContext(ctx, &total, q, args...)
	return total, err
}

// InsertVoucher implements voucher.Tx.
func (t *Tx) InsertVoucher(ctx context.Context, v *voucher.Voucher) error {
	v.CreatedAt = t.db.now()
	return insertVoucher(ctx, t.tx, v)
}

// SetVoucherHold implements voucher.Tx.
func (t *Tx) SetVoucherHold(ctx context.Context, voucherID, holdID int64) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE vouchers SET hold_id = ? WHERE id = ? AND hold_id IS NULL`, holdID, voucherID)
	return err
}

// InsertItems implements voucher.Tx.
func (t *Tx) InsertItems(ctx context.Context, of voucher.ItemsOf, id int64, items []voucher.Item) error {
	table, parent := "voucher_items", "voucher_id"
	if of == voucher.RedemptionItems {
		table, parent = "redemption_items", "redemption_id"
	}
	return insertItems(ctx, t.tx, table, parent, id, items)
}

// VoucherByID implements voucher.Tx.
func (t *Tx) VoucherByID(ctx context.Context, id int64) (voucher.Voucher, error) {
	v, _, err := voucherByID(ctx, t.tx, id, false)
	return v, err
}

// EndVoucher implements voucher.Tx: the compare-and-set of a voucher's status. A fenced write
// also raises the row's fence, so that a writer holding an older lock is refused after it.
func (t *Tx) EndVoucher(ctx context.Context, id int64, status voucher.Status, g voucher.Guard) (bool, error) {
	q := `UPDATE vouchers SET status = ?, resolved_at = ?, fence = GREATEST(fence, ?) WHERE id = ? AND status = 'issued'`
	args := []any{status, t.db.now(), int64(g.Fence), id}
	if g.Fence != 0 {
		q, args = q+` AND fence < ?`, append(args, int64(g.Fence))
	}
	if g.Unexpired {
		q, args = q+` AND expires_at > ?`, append(args, g.Now)
	}
	if g.Expired {
		q, args = q+` AND expires_at <= ?`, append(args, g.Now)
	}
	res, err := t.tx.ExecContext(ctx, q, args...)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// VoucherState implements voucher.Tx.
func (t *Tx) VoucherState(ctx context.Context, id int64) (voucher.State, error) {
	return voucherState(ctx, t.tx, id)
}

// MemberCodeUsed implements voucher.Tx.
func (t *Tx) MemberCodeUsed(ctx context.Context, codeID []byte) (bool, error) {
	var used int
	err := t.tx.GetContext(ctx, &used, `SELECT COUNT(*) FROM redemptions WHERE member_code_id = ?`, codeID)
	return used > 0, err
}

// InsertRedemption implements voucher.Tx.
func (t *Tx) InsertRedemption(ctx context.Context, r *voucher.Redemption) error {
	r.CreatedAt = t.db.now()
	var transfer *int64
	if r.TransferID != 0 {
		transfer = &r.TransferID
	}
	res, err := t.tx.ExecContext(ctx, `INSERT INTO redemptions (village_id, shop_id, account_id, kind, voucher_id, member_code_id,
		points, price_fen, cash_fen, transfer_id, redeemed_by, created_at, proxy, card_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.VillageID, r.ShopID, r.AccountID, r.Kind, r.VoucherID, r.MemberCodeID, r.Points, r.PriceFen, r.CashFen, transfer, r.RedeemedBy, r.CreatedAt, r.Proxy, r.CardID)
	if isDuplicate(err) {
		return voucher.ErrAlreadyRedeemed
	}
	if err != nil {
		return err
	}
	r.ID, err = res.LastInsertId()
	return err
}

// SetRedemptionTransfer implements voucher.Tx.
func (t *Tx) SetRedemptionTransfer(ctx context.Context, id, transferID int64) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE redemptions SET transfer_id = ? WHERE id = ? AND transfer_id IS NULL`, transferID, id)
	return err
}

// RedemptionByID implements voucher.Tx.
func (t *Tx) RedemptionByID(ctx context.Context, id int64) (voucher.Redemption, error) {
	return redemptionByID(ctx, t.tx, id)
}

// MarkReversed implements voucher.Tx.
func (t *Tx) MarkReversed(ctx context.Context, id int64, at time.Time, by int64, reason string) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE redemptions SET reversed_at = ?, reversed_by = ?, reversal_reason = ?
		WHERE id = ? AND reversed_at IS NULL`, at, by, reason, id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetReversalTransfer implements voucher.Tx.
func (t *Tx) SetReversalTransfer(ctx context.Context, id, transferID int64) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE redemptions SET reversal_transfer_id = ? WHERE id = ?`, transferID, id)
	return err
}

// MoveStock implements catalog.StockTx.
func (t *Tx) MoveStock(ctx context.Context, m catalog.Movement) (catalog.Movement, error) {
	return moveStock(ctx, t.tx, t.db.now(), m)
}
