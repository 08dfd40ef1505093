package mysql

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/voucher"
)

// Redeem implements voucher.Store: one transaction, locking the voucher row (compare-and-set),
// then the account (capture), then the goods rows (stock, in goods id order).
func (s *VoucherStore) Redeem(ctx context.Context, r voucher.RedeemRequest, idem ledger.Idempotency) (voucher.Redemption, error) {
	var out voucher.Redemption
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		prev, replay, err := claimKey(ctx, tx, r.Now, idem)
		if err != nil {
			return err
		}
		if replay {
			out, err = redemptionByID(ctx, tx, prev)
			return err
		}
		var v voucher.Voucher
		if r.Voucher != nil && r.Voucher.ID == r.VoucherID {
			v = *r.Voucher
		} else if v, _, err = voucherByID(ctx, tx, r.VoucherID); errors.Is(err, voucher.ErrVoucherNotFound) {
			return voucher.ErrInvalidCode
		} else if err != nil {
			return err
		}
		if r.Nonce != nil && !bytes.Equal(r.Nonce, v.Nonce) {
			return voucher.ErrInvalidCode
		}
		if v.ShopID != r.ShopID {
			return voucher.ErrWrongShop.WithDetails(map[string]any{"shop_id": v.ShopID})
		}
		// The guard: exactly one transaction can move this row from issued, and none holding a
		// lock older than the last writer's.
		fenceMax, fenceSet := int64(math.MaxInt64), int64(0)
		if r.Fence != 0 {
			fenceMax, fenceSet = int64(r.Fence)-1, int64(r.Fence)
		}
		res, err := tx.ExecContext(ctx, `UPDATE vouchers SET status = 'redeemed', resolved_at = ?, fence = GREATEST(fence, ?)
			WHERE id = ? AND status = 'issued' AND expires_at > ? AND fence <= ?`, r.Now, fenceSet, v.ID, r.Now, fenceMax)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return whyNotRedeemable(ctx, tx, v.ID, r)
		}
		if _, err := activeAgreement(ctx, tx, v.ShopID, v.VillageID, r.Now); err != nil {
			return err
		}
		h, t, err := s.ledger.capture(ctx, tx, v.HoldID)
		if err != nil {
			return err
		}
		if err := s.checkLimitsAtCounter(ctx, tx, v.AccountID, nil, v.ID, v.Items, r.Now); err != nil {
			return err
		}
		out = voucher.Redemption{VillageID: v.VillageID, ShopID: v.ShopID, AccountID: v.AccountID, Kind: voucher.ByVoucher,
			VoucherID: &v.ID, Points: v.Points, TransferID: t.ID, RedeemedBy: r.By, Items: v.Items}
		if err := s.handOver(ctx, tx, &out); err != nil {
			return err
		}
		if err := settleKey(ctx, tx, idem, out.ID); err != nil {
			return err
		}
		place := audit.Place{TownshipID: v.TownshipID, VillageID: v.VillageID}
		return s.db.audit(ctx, tx, redemptionEvent(out, place, "counter.redeem"), transferEvent(t, place),
			holdEvent(h, "ledger.capture", nil, place))
	}, ReadCommitted)
	if err != nil {
		return voucher.Redemption{}, fmt.Errorf("redeem voucher %d: %w", r.VoucherID, err)
	}
	return out, nil
}

// whyNotRedeemable explains a failed compare-and-set: redeemed (when and where), cancelled,
// expired, or taken over by a newer lock holder.
func whyNotRedeemable(ctx context.Context, tx sqlx.QueryerContext, id int64, r voucher.RedeemRequest) error {
	var v struct {
		Status    voucher.Status `db:"status"`
		ExpiresAt time.Time      `db:"expires_at"`
		Fence     int64          `db:"fence"`
	}
	if err := sqlx.GetContext(ctx, tx, &v, `SELECT status, expires_at, fence FROM vouchers WHERE id = ?`, id); err != nil {
		return err
	}
	switch {
	case v.Status == voucher.Redeemed:
		var at struct {
			At       time.Time `db:"created_at"`
			ShopID   int64     `db:"shop_id"`
			ShopName string    `db:"name"`
		}
		if err := sqlx.GetContext(ctx, tx, &at, `SELECT r.created_at, r.shop_id, s.name FROM redemptions r JOIN shops s ON s.id = r.shop_id
			WHERE r.voucher_id = ?`, id); err != nil {
			return voucher.ErrAlreadyRedeemed
		}
		local := at.At.In(catalog.China).Format("2006-01-02 15:04")
		return voucher.ErrAlreadyRedeemed.WithMessage("该兑换券已于 %s 在%s兑换 / already redeemed at %s (China time) at %s", local, at.ShopName, local, at.ShopName).
			WithDetails(map[string]any{"redeemed_at": at.At, "shop_id": at.ShopID, "shop_name": at.ShopName})
	case v.Status == voucher.Cancelled:
		return voucher.ErrCancelled
	case v.Status == voucher.Expired || !r.Now.Before(v.ExpiresAt):
		return voucher.ErrExpired.WithDetails(map[string]any{"expired_at": v.ExpiresAt})
	case r.Fence != 0 && v.Fence >= int64(r.Fence):
		return voucher.ErrBusy
	}
	return voucher.ErrBusy
}

// checkLimitsAtCounter applies the goods' monthly limits per household with what the household
// already took or holds in other vouchers this month. The account row is locked by then.
// accounts are the household's accounts when the caller has them already (nil: looked up, and the
// household's row locked, only when a goods item has a limit).
func (s *VoucherStore) checkLimitsAtCounter(ctx context.Context, tx *sqlx.Tx, accountID int64, accounts []int64, voucherID int64, items []voucher.Item, now time.Time) error {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.GoodsID
	}
	q, args, _ := sqlx.In(`SELECT `+goodsColumns+` FROM goods WHERE id IN (?) AND monthly_limit IS NOT NULL`, ids)
	var goods []catalog.Goods
	if err := tx.SelectContext(ctx, &goods, q, args...); err != nil || len(goods) == 0 {
		return err
	}
	if accounts == nil {
		var err error
		if accounts, err = householdAccounts(ctx, tx, accountID); err != nil {
			return err
		}
	}
	taken, err := takenThisMonth(ctx, tx, accounts, now, voucherID)
	if err != nil {
		return err
	}
	return voucher.CheckLimits(items, goods, taken)
}

// checkCeilings applies the village's member-code ceilings to a checkout of points, with what the
// household took by member code today. The account row is locked; the household's is locked here.
func checkCeilings(ctx context.Context, tx *sqlx.Tx, villageID int64, accounts []int64, points int64, now time.Time) error {
	c, err := ceilingsInForce(ctx, tx, villageID)
	if err != nil {
		return err
	}
	today, err := memberCodeToday(ctx, tx, accounts, now)
	if err != nil {
		return err
	}
	return voucher.CheckCeilings(c, points, today)
}

// handOver takes the goods off the shelf (stock, in goods id order) and records the redemption.
func (s *VoucherStore) handOver(ctx context.Context, tx *sqlx.Tx, r *voucher.Redemption) error {
	r.CreatedAt = s.db.now()
	for _, it := range r.Items {
		r.PriceFen += it.Quantity * it.PriceFen
	}
	res, err := tx.NamedExecContext(ctx, `INSERT INTO redemptions (village_id, shop_id, account_id, kind, voucher_id, member_code_id,
		points, price_fen, transfer_id, redeemed_by, created_at) VALUES (:village_id, :shop_id, :account_id, :kind, :voucher_id,
		:member_code_id, :points, :price_fen, :transfer_id, :redeemed_by, :created_at)`, r)
	if isDuplicate(err) {
		if r.Kind == voucher.ByMemberCode {
			return voucher.ErrMemberCodeUsed
		}
		return voucher.ErrAlreadyRedeemed
	}
	if err != nil {
		return err
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	for _, it := range r.Items {
		if _, err := s.catalog.moveStock(ctx, tx, catalog.Movement{GoodsID: it.GoodsID, Delta: -it.Quantity, Kind: catalog.Redeemed,
			Reason: "兑换", RefType: "redemption", RefID: r.ID}); err != nil {
			if errors.Is(err, catalog.ErrOutOfStock) {
				return catalog.ErrOutOfStock.WithMessage("%s 库存不足 / %s is out of stock", it.Name, it.Name).WithDetails(map[string]any{"goods_id": it.GoodsID})
			}
			return err
		}
	}
	return insertItems(ctx, tx, "redemption_items", "redemption_id", r.ID, r.Items)
}

func redemptionEvent(r voucher.Redemption, place audit.Place, action string) audit.Event {
	return audit.Event{Place: place, Action: action, ObjectType: "redemption", ObjectID: r.ID, After: r}
}

// Checkout implements voucher.Store. Lock order: the account row (the conditional debit), then the
// goods rows; the member code's unique key refuses a second use.
func (s *VoucherStore) Checkout(ctx context.Context, r voucher.CheckoutRequest, idem ledger.Idempotency) (voucher.Redemption, error) {
	var out voucher.Redemption
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		prev, replay, err := claimKey(ctx, tx, r.Now, idem)
		if err != nil {
			return err
		}
		if replay {
			out, err = redemptionByID(ctx, tx, prev)
			return err
		}
		var used int
		if err := tx.GetContext(ctx, &used, `SELECT COUNT(*) FROM redemptions WHERE member_code_id = ?`, r.Code.ID); err != nil {
			return err
		}
		if used > 0 {
			return voucher.ErrMemberCodeUsed
		}
		var acct struct {
			VillageID int64  `db:"village_id"`
			Kind      string `db:"kind"`
			Clearing  int64  `db:"clearing"`
		}
		if err := getRow(ctx, tx, &acct, voucher.ErrInvalidCode, `SELECT a.village_id, a.kind,
			(SELECT c.id FROM accounts c WHERE c.village_id = a.village_id AND c.kind = 'redemptions' AND c.owner_id = 0) AS clearing
			FROM accounts a WHERE a.id = ?`, r.Code.AccountID); err != nil {
			return err
		}
		if acct.Kind != string(ledger.Household) && acct.Kind != string(ledger.Representative) {
			return voucher.ErrInvalidCode
		}
		if _, err := activeAgreement(ctx, tx, r.ShopID, acct.VillageID, r.Now); err != nil {
			return err
		}
		items, points, _, _, err := priceInTx(ctx, tx, r.ShopID, r.Lines)
		if err != nil {
			return err
		}
		t, err := s.ledger.move(ctx, tx, movement{debitID: r.Code.AccountID, creditID: acct.Clearing, amount: points,
			kind: ledger.Redeem, reason: "付款码兑换：" + voucherItemsText(items), refType: "member_code"})
		if err != nil {
			return err
		}
		// The household's accounts (and its row lock) serve both the monthly limits and the ceilings.
		accounts, err := householdAccounts(ctx, tx, r.Code.AccountID)
		if err != nil {
			return err
		}
		if err := s.checkLimitsAtCounter(ctx, tx, r.Code.AccountID, accounts, 0, items, r.Now); err != nil {
			return err
		}
		if err := checkCeilings(ctx, tx, acct.VillageID, accounts, points, r.Now); err != nil {
			return err
		}
		out = voucher.Redemption{VillageID: acct.VillageID, ShopID: r.ShopID, AccountID: r.Code.AccountID, Kind: voucher.ByMemberCode,
			MemberCodeID: r.Code.ID, Points: points, TransferID: t.ID, RedeemedBy: r.By, Items: items}
		if err := s.handOver(ctx, tx, &out); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE transfers SET ref_id = ? WHERE id = ? AND ref_id = 0`, out.ID, t.ID); err != nil {
			return err
		}
		t.RefID = out.ID
		if err := settleKey(ctx, tx, idem, out.ID); err != nil {
			return err
		}
		place, err := villagePlace(ctx, tx, acct.VillageID)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, redemptionEvent(out, place, "counter.checkout"), transferEvent(t, place))
	}, ReadCommitted)
	if err != nil {
		return voucher.Redemption{}, fmt.Errorf("checkout: %w", err)
	}
	return out, nil
}

func redemptionByID(ctx context.Context, q sqlx.QueryerContext, id int64) (voucher.Redemption, error) {
	var r voucher.Redemption
	if err := getRow(ctx, q, &r, voucher.ErrRedemptionNone, `SELECT `+redemptionColumns+` FROM redemptions WHERE id = ?`, id); err != nil {
		return r, err
	}
	var err error
	r.Items, err = itemsOf(ctx, q, "redemption_items", "redemption_id", id)
	return r, err
}

// Redemption implements voucher.Store.
func (s *VoucherStore) Redemption(ctx context.Context, id int64) (voucher.Redemption, error) {
	r, err := redemptionByID(ctx, s.db, id)
	return r, wrap(classify(err), "redemption %d", id)
}

// Redemptions implements voucher.Store.
func (s *VoucherStore) Redemptions(ctx context.Context, f voucher.RedemptionFilter) ([]voucher.Redemption, error) {
	var where []string
	var args []any
	if f.ShopID != 0 {
		where, args = append(where, "shop_id = ?"), append(args, f.ShopID)
	}
	if f.VillageID != 0 {
		where, args = append(where, "village_id = ?"), append(args, f.VillageID)
	}
	if len(f.AccountIDs) > 0 {
		q, a, err := sqlx.In("account_id IN (?)", f.AccountIDs)
		if err != nil {
			return nil, err
		}
		where, args = append(where, q), append(args, a...)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.AfterID != 0 {
		where, args = append(where, "id > ?"), append(args, f.AfterID)
	}
	if !f.From.IsZero() {
		where, args = append(where, "created_at >= ?"), append(args, f.From)
	}
	if !f.To.IsZero() {
		where, args = append(where, "created_at < ?"), append(args, f.To)
	}
	if len(where) == 0 {
		return nil, errors.New("redemptions: no filter")
	}
	out := []voucher.Redemption{}
	if err := s.db.list(ctx, &out, `SELECT `+redemptionColumns+` FROM redemptions WHERE `+strings.Join(where, " AND ")+
		` ORDER BY id DESC LIMIT ?`, append(args, f.Limit)...); err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i, r := range out {
		ids[i] = r.ID
	}
	items, err := itemsOfMany(ctx, s.db, "redemption_items", "redemption_id", ids)
	if err != nil {
		return nil, classify(err)
	}
	for i := range out {
		out[i].Items = items[out[i].ID]
	}
	return out, nil
}

// Reverse implements voucher.Store: the redemption row (compare-and-set on reversed_at), then the
// account (a reversing transfer), then the goods rows (stock back).
func (s *VoucherStore) Reverse(ctx context.Context, id int64, reason string, now time.Time) (voucher.Redemption, error) {
	var out voucher.Redemption
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		r, err := redemptionByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.ReversedAt != nil {
			return voucher.ErrAlreadyReversed
		}
		if !voucher.DayStart(r.CreatedAt).Equal(voucher.DayStart(now)) {
			return voucher.ErrNotToday
		}
		by := actorID(ctx)
		res, err := tx.ExecContext(ctx, `UPDATE redemptions SET reversed_at = ?, reversed_by = ?, reversal_reason = ?
			WHERE id = ? AND reversed_at IS NULL`, now, by, reason, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return voucher.ErrAlreadyReversed
		}
		orig, err := s.ledger.transferByID(ctx, tx, r.TransferID, nil)
		if err != nil {
			return err
		}
		t, err := s.ledger.move(ctx, tx, movement{debitID: orig.CreditAccountID, creditID: orig.DebitAccountID, amount: orig.Amount,
			kind: ledger.Reversal, earning: orig.Earning, reason: "退货：" + reason, refType: "redemption", refID: r.ID, reversesID: &orig.ID})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE redemptions SET reversal_transfer_id = ? WHERE id = ?`, t.ID, id); err != nil {
			return err
		}
		for _, it := range r.Items {
			if _, err := s.catalog.moveStock(ctx, tx, catalog.Movement{GoodsID: it.GoodsID, Delta: it.Quantity, Kind: catalog.Returned,
				Reason: "退货：" + reason, RefType: "redemption", RefID: r.ID}); err != nil {
				return err
			}
		}
		r.ReversedAt, r.ReversedBy, r.ReversalTransferID, r.ReversalReason = &now, &by, &t.ID, reason
		out = r
		place, err := villagePlace(ctx, tx, r.VillageID)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, audit.Event{Place: place, Action: "counter.reverse", ObjectType: "redemption", ObjectID: r.ID,
			Before: map[string]any{"reversed": false}, After: map[string]any{"reversed": true, "reason": reason, "points": r.Points, "items": r.Items}},
			transferEvent(t, place))
	})
	return out, wrap(err, "reverse redemption %d", id)
}

// Explain implements voucher.Store: why a voucher that is not issued (or is past its expiry)
// cannot be redeemed.
func (s *VoucherStore) Explain(ctx context.Context, id int64, now time.Time) error {
	return whyNotRedeemable(ctx, s.db, id, voucher.RedeemRequest{VoucherID: id, Now: now})
}
