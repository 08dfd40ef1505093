package voucher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/notify"
	"pointsmarket/internal/write"
)

// The counter's money-moving workflows. Each is one transaction (write.Run) over the voucher, the
// ledger, the stock, the redemption and the audit log; the lock order is fixed so that two of them
// never wait on each other in opposite orders: the voucher row (compare-and-set), then the account
// (the conditional debit or hold), then the household's account (limits), then the goods rows in
// goods id order (stock).

// IssueVoucher holds the points for priced lines of a shop and writes the voucher: the workflow
// under Issue, which checks who asks first (load generators call it directly). The points are
// reserved before the voucher is written (the account's lock first), and the hold is written
// once, naming its voucher. ledger.ErrInsufficientPoints, catalog.ErrNoAgreement,
// catalog.ErrOutOfStock, ErrNotOnShelf, ErrMonthlyLimit.
func (s *Service) IssueVoucher(ctx context.Context, r IssueRequest, k write.Key) (Voucher, error) {
	return write.Run(ctx, s.InTx, k, func(tx Tx, id int64) (Voucher, error) { return tx.VoucherByID(ctx, id) },
		func(tx Tx) (write.Done[Voucher], error) {
			var none write.Done[Voucher]
			acct, err := tx.Spending(ctx, r.AccountID)
			if err != nil {
				return none, err
			}
			if _, err := tx.ActiveAgreement(ctx, r.ShopID, acct.VillageID, r.Now); err != nil {
				return none, err
			}
			items, points, goods, err := price(ctx, tx, r.ShopID, r.Lines)
			if err != nil {
				return none, err
			}
			reason := "兑换券：" + ItemsText(items)
			if r.Proxy != nil {
				reason = "代办（" + r.Proxy.Name + "）" + reason
			}
			h, err := ledger.Reserve(ctx, tx, ledger.HoldRequest{DebitAccountID: r.AccountID, CreditAccountID: acct.Clearing,
				Amount: points, Kind: ledger.Redeem, Reason: reason, RefType: "voucher"})
			if err != nil {
				return none, err
			}
			// The hold took the account's row: two proxy vouchers at once take turns at the ceiling.
			if r.Proxy != nil && r.Proxy.Ceiling != nil {
				spent, err := tx.ProxySpent(ctx, r.AccountID, r.HolderID, calendar.MonthStart(r.Now))
				if err != nil {
					return none, err
				}
				if spent+points > *r.Proxy.Ceiling {
					return none, ErrProxyCeiling.WithDetails(map[string]any{"monthly_ceiling": *r.Proxy.Ceiling, "taken": spent, "asked": points})
				}
			}
			if hasLimits(goods) {
				if err := checkLimits(ctx, tx, r.AccountID, nil, 0, items, goods, r.Now); err != nil {
					return none, err
				}
			}
			v := Voucher{VillageID: acct.VillageID, ShopID: r.ShopID, AccountID: r.AccountID, HolderID: r.HolderID,
				Points: points, Status: Issued, Nonce: r.Nonce, Items: items, Proxy: r.Proxy != nil,
				ExpiresAt: r.Now.Add(time.Duration(acct.VoucherDays) * 24 * time.Hour).UTC().Truncate(time.Microsecond)}
			if err := tx.InsertVoucher(ctx, &v); err != nil {
				return none, err
			}
			h.RefID = v.ID
			if h, err = tx.AppendHold(ctx, h); err != nil {
				return none, err
			}
			v.HoldID = h.ID
			if err := tx.SetVoucherHold(ctx, v.ID, h.ID); err != nil {
				return none, err
			}
			if err := tx.InsertItems(ctx, VoucherItems, v.ID, items); err != nil {
				return none, err
			}
			place, err := tx.VillagePlace(ctx, v.VillageID)
			var notices []notify.Notice
			if r.Proxy != nil {
				notices = append(notices, notify.Notice{To: []notify.To{{AccountID: r.AccountID}}, Kind: notify.VoucherRedeemed,
					Title: "代办人为您家开了兑换券", Body: fmt.Sprintf("%s 代办：%s，%d 分", r.Proxy.Name, ItemsText(items), points),
					Link: "/home", Key: fmt.Sprintf("voucher:%d:proxy", v.ID), Except: r.HolderID})
			}
			return write.Done[Voucher]{Value: v, ID: v.ID, Events: []audit.Event{
				{Place: place, Action: "voucher.issue", ObjectType: "voucher", ObjectID: v.ID, After: v},
				ledger.HoldEvent(h, "ledger.hold", place)}, Notices: notices}, err
		})
}

// CaptureVoucher redeems a voucher at its shop: the workflow under Redeem, which resolves the
// code, checks the shopkeeper and takes the voucher's lock first (r.Fence is its token). The
// compare-and-set on the voucher row is the guard that lets exactly one counter (and none holding
// a lock older than the last writer's) win. ErrAlreadyRedeemed (with when and where),
// ErrCancelled, ErrExpired, ErrWrongShop, ErrInvalidCode, ErrBusy, catalog.ErrNoAgreement,
// catalog.ErrOutOfStock, ErrMonthlyLimit.
func (s *Service) CaptureVoucher(ctx context.Context, r RedeemRequest, k write.Key) (Redemption, error) {
	return write.Run(ctx, s.InTx, k, func(tx Tx, id int64) (Redemption, error) { return tx.RedemptionByID(ctx, id) },
		func(tx Tx) (write.Done[Redemption], error) {
			var none write.Done[Redemption]
			var v Voucher
			var err error
			if r.Voucher != nil && r.Voucher.ID == r.VoucherID {
				v = *r.Voucher // everything but its status is immutable; the status is compared-and-set
			} else if v, err = tx.VoucherByID(ctx, r.VoucherID); errors.Is(err, ErrVoucherNotFound) {
				return none, ErrInvalidCode
			} else if err != nil {
				return none, err
			}
			if r.Nonce != nil && !bytes.Equal(r.Nonce, v.Nonce) {
				return none, ErrInvalidCode
			}
			if !r.atShop(v.ShopID) {
				return none, ErrWrongShop.WithDetails(map[string]any{"shop_id": v.ShopID})
			}
			ok, err := tx.EndVoucher(ctx, v.ID, Redeemed, Guard{Fence: r.Fence, Unexpired: true, Now: r.Now})
			if err != nil {
				return none, err
			}
			if !ok {
				return none, explain(ctx, tx, v.ID, r.Fence, r.Now)
			}
			if _, err := tx.ActiveAgreement(ctx, v.ShopID, v.VillageID, r.Now); err != nil {
				return none, err
			}
			h, t, err := ledger.Capture(ctx, tx, v.HoldID)
			if err != nil {
				return none, err
			}
			if err := checkLimits(ctx, tx, v.AccountID, nil, v.ID, v.Items, nil, r.Now); err != nil {
				return none, err
			}
			out := Redemption{VillageID: v.VillageID, ShopID: v.ShopID, AccountID: v.AccountID, Kind: ByVoucher,
				VoucherID: &v.ID, Points: v.Points, TransferID: t.ID, RedeemedBy: r.By, Items: v.Items, Proxy: v.Proxy}
			if err := insertRedemption(ctx, tx, &out); err != nil {
				return none, err
			}
			if err := handOver(ctx, tx, out); err != nil {
				return none, err
			}
			place := audit.Place{TownshipID: v.TownshipID, VillageID: v.VillageID}
			return write.Done[Redemption]{Value: out, ID: out.ID, Events: []audit.Event{
				redemptionEvent(out, place, "counter.redeem"), ledger.TransferEvent(t, place),
				ledger.HoldEvent(h, "ledger.capture", place)}, Notices: []notify.Notice{redeemedNotice(out)}}, nil
		})
}

// checkout takes points at once for goods rung up against a member code. The redemption is
// written after the points are taken and before their transfer, so that the transfer names it.
func (s *Service) checkout(ctx context.Context, r CheckoutRequest, k write.Key) (Redemption, error) {
	return write.Run(ctx, s.InTx, k, func(tx Tx, id int64) (Redemption, error) { return tx.RedemptionByID(ctx, id) },
		func(tx Tx) (write.Done[Redemption], error) {
			var none write.Done[Redemption]
			accountID, kind, how, action := r.Code.AccountID, ByMemberCode, "付款码兑换：", "counter.checkout"
			var cardID *int64
			if r.Card != nil {
				accountID, kind, how, action, cardID = r.Card.AccountID, ByCard, "户卡兑换：", "counter.card_checkout", &r.Card.CardID
			} else if used, err := tx.MemberCodeUsed(ctx, r.Code.ID); err != nil {
				return none, err
			} else if used {
				return none, ErrMemberCodeUsed
			}
			acct, err := tx.Spending(ctx, accountID)
			if errors.Is(err, ledger.ErrAccountNotFound) || (err == nil && acct.Kind.IsSystem()) {
				return none, ErrInvalidCode
			}
			if err != nil {
				return none, err
			}
			if _, err := tx.ActiveAgreement(ctx, r.ShopID, acct.VillageID, r.Now); err != nil {
				return none, err
			}
			items, points, _, err := price(ctx, tx, r.ShopID, r.Lines)
			if err != nil {
				return none, err
			}
			reason, cash := how+ItemsText(items), int64(0)
			if r.TopUp {
				if !acct.CashTopUp {
					return none, ErrCashNotAllowed
				}
				available, err := tx.AvailableForUpdate(ctx, accountID)
				if err != nil {
					return none, err
				}
				full := points
				if points, cash = TopUp(full, itemsPrice(items), available); points <= 0 || (points < full && cash == 0) {
					return none, ledger.ErrInsufficientPoints
				}
				if cash > 0 {
					reason += fmt.Sprintf("（现金补差 %d.%02d 元）", cash/100, cash%100)
				}
			}
			m, err := ledger.Prepare(ctx, tx, ledger.Movement{DebitAccountID: accountID, CreditAccountID: acct.Clearing,
				Amount: points, Kind: ledger.Redeem, Reason: reason, RefType: "redemption"})
			if err != nil {
				return none, err
			}
			// The household's accounts (and its row lock) serve both the monthly limits and the ceilings.
			accounts, err := tx.HouseholdAccounts(ctx, accountID)
			if err != nil {
				return none, err
			}
			if err := checkLimits(ctx, tx, accountID, accounts, 0, items, nil, r.Now); err != nil {
				return none, err
			}
			if err := checkCeilings(ctx, tx, acct.VillageID, accounts, points, r.Now); err != nil {
				return none, err
			}
			out := Redemption{VillageID: acct.VillageID, ShopID: r.ShopID, AccountID: accountID, Kind: kind,
				MemberCodeID: r.Code.ID, CardID: cardID, Points: points, CashFen: cash, RedeemedBy: r.By, Items: items}
			if err := insertRedemption(ctx, tx, &out); err != nil {
				return none, err
			}
			m.RefID = out.ID
			t, err := ledger.Append(ctx, tx, m)
			if err != nil {
				return none, err
			}
			out.TransferID = t.ID
			if err := tx.SetRedemptionTransfer(ctx, out.ID, t.ID); err != nil {
				return none, err
			}
			if err := handOver(ctx, tx, out); err != nil {
				return none, err
			}
			place, err := tx.VillagePlace(ctx, acct.VillageID)
			return write.Done[Redemption]{Value: out, ID: out.ID, Events: []audit.Event{
				redemptionEvent(out, place, action), ledger.TransferEvent(t, place)}, Notices: []notify.Notice{redeemedNotice(out)}}, err
		})
}

// reverse returns a same-day redemption's points and stock (退货): the redemption row
// (compare-and-set), then the account (a reversing transfer), then the goods rows.
func (s *Service) reverse(ctx context.Context, id int64, reason string, now time.Time) (Redemption, error) {
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Redemption], error) {
		var none write.Done[Redemption]
		r, err := tx.RedemptionByID(ctx, id)
		if err != nil {
			return none, err
		}
		if err := Reversible(r, now); err != nil {
			return none, err
		}
		by := audit.PersonOf(ctx)
		ok, err := tx.MarkReversed(ctx, id, now, by, reason)
		if err != nil {
			return none, err
		}
		if !ok {
			return none, ErrAlreadyReversed
		}
		orig, err := tx.TransferByID(ctx, r.TransferID)
		if err != nil {
			return none, err
		}
		m, err := ledger.Reversing(orig, "退货："+reason, "redemption", r.ID)
		if err != nil {
			return none, err
		}
		t, err := ledger.Move(ctx, tx, m)
		if err != nil {
			return none, err
		}
		if err := tx.SetReversalTransfer(ctx, id, t.ID); err != nil {
			return none, err
		}
		for _, it := range r.Items {
			if _, err := tx.MoveStock(ctx, catalog.Movement{GoodsID: it.GoodsID, Delta: it.Quantity, Kind: catalog.Returned,
				Reason: "退货：" + reason, RefType: "redemption", RefID: r.ID}); err != nil {
				return none, err
			}
		}
		r.ReversedAt, r.ReversedBy, r.ReversalTransferID, r.ReversalReason = &now, &by, &t.ID, reason
		place, err := tx.VillagePlace(ctx, r.VillageID)
		return write.Done[Redemption]{Value: r, ID: r.ID, Events: []audit.Event{
			{Place: place, Action: "counter.reverse", ObjectType: "redemption", ObjectID: r.ID,
				Before: map[string]any{"reversed": false}, After: map[string]any{"reversed": true, "reason": reason, "points": r.Points, "items": r.Items}},
			ledger.TransferEvent(t, place)}}, err
	})
}

// Reversible refuses to reverse a redemption reversed already (ErrAlreadyReversed) or made on
// another day than now, China time (ErrNotToday): a shop's day is settled at its close.
func Reversible(r Redemption, now time.Time) error {
	if r.ReversedAt != nil {
		return ErrAlreadyReversed
	}
	if !calendar.DayStart(r.CreatedAt).Equal(calendar.DayStart(now)) {
		return ErrNotToday
	}
	return nil
}

// end moves an issued voucher to cancelled or expired and releases its hold: the voucher row,
// then the account (by the release).
func (s *Service) end(ctx context.Context, id int64, status Status, g Guard) (Voucher, error) {
	v, err := write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Voucher], error) {
		var none write.Done[Voucher]
		ok, err := tx.EndVoucher(ctx, id, status, g)
		if err != nil {
			return none, err
		}
		v, err := tx.VoucherByID(ctx, id)
		if err != nil {
			return none, err
		}
		if !ok {
			return none, ErrNotIssued.WithDetails(map[string]any{"status": v.Status})
		}
		h, err := ledger.Release(ctx, tx, v.HoldID)
		if err != nil {
			return none, err
		}
		v.Status, v.ResolvedAt = status, &g.Now
		place, err := tx.VillagePlace(ctx, v.VillageID)
		return write.Done[Voucher]{Value: v, ID: v.ID, Events: []audit.Event{
			{Place: place, Action: "voucher." + string(status), ObjectType: "voucher", ObjectID: v.ID,
				Before: map[string]any{"status": Issued}, After: map[string]any{"status": status, "points_released": v.Points}},
			ledger.HoldEvent(h, "ledger.release", place)}}, err
	})
	return v, wrapf(err, "%s voucher %d", status, id)
}

// explain turns a failed compare-and-set into the refusal a person understands: redeemed (when
// and where), cancelled, expired, or taken over by a newer lock holder.
func explain(ctx context.Context, tx interface {
	VoucherState(ctx context.Context, id int64) (State, error)
}, id int64, fence Fence, now time.Time) error {
	st, err := tx.VoucherState(ctx, id)
	if err != nil {
		return err
	}
	return Why(st, fence, now)
}

// Why is the refusal of a redemption of a voucher in state st.
func Why(st State, fence Fence, now time.Time) error {
	switch {
	case st.Status == Redeemed:
		if st.RedeemedAt == nil || st.ShopName == nil {
			return ErrAlreadyRedeemed
		}
		local := st.RedeemedAt.In(calendar.Zone()).Format("2006-01-02 15:04")
		return ErrAlreadyRedeemed.WithMessage("already redeemed at %s (China time) at %s", local, *st.ShopName).
			WithDetails(map[string]any{"redeemed_at": *st.RedeemedAt, "shop_id": *st.ShopID, "shop_name": *st.ShopName})
	case st.Status == Cancelled:
		return ErrCancelled
	case st.Status == Expired || !now.Before(st.ExpiresAt):
		return ErrExpired.WithDetails(map[string]any{"expired_at": st.ExpiresAt})
	case fence != 0 && st.Fence >= int64(fence):
		return ErrBusy
	}
	return ErrBusy
}

// price reads the goods of lines as they are in the transaction and prices them.
func price(ctx context.Context, tx Tx, shopID int64, lines []Line) ([]Item, int64, []catalog.Goods, error) {
	ids := make([]int64, len(lines))
	for i, l := range lines {
		ids[i] = l.GoodsID
	}
	goods, err := tx.Goods(ctx, ids)
	if err != nil {
		return nil, 0, nil, err
	}
	items, points, _, err := Price(shopID, lines, goods)
	return items, points, goods, err
}

func hasLimits(goods []catalog.Goods) bool {
	for _, g := range goods {
		if g.MonthlyLimit != nil {
			return true
		}
	}
	return false
}

// checkLimits applies the goods' monthly limits per household with what the household already
// took or holds in other vouchers this month (but the voucher being redeemed). goods are the
// items' goods when the caller read them (nil: read here); accounts the household's accounts when
// the caller has them (nil: looked up, and the household's row locked, only when a goods item has
// a limit).
func checkLimits(ctx context.Context, tx Tx, accountID int64, accounts []int64, redeeming int64, items []Item, goods []catalog.Goods, now time.Time) error {
	if goods == nil {
		ids := make([]int64, len(items))
		for i, it := range items {
			ids[i] = it.GoodsID
		}
		var err error
		if goods, err = tx.Goods(ctx, ids); err != nil {
			return err
		}
	}
	if !hasLimits(goods) {
		return nil
	}
	if accounts == nil {
		var err error
		if accounts, err = tx.HouseholdAccounts(ctx, accountID); err != nil {
			return err
		}
	}
	taken, err := tx.TakenSince(ctx, accounts, calendar.MonthStart(now), redeeming)
	if err != nil {
		return err
	}
	return CheckLimits(items, goods, taken)
}

// checkCeilings applies the village's member-code ceilings to a checkout, with what the household
// took by member code today. The household's row is locked by then.
func checkCeilings(ctx context.Context, tx Tx, villageID int64, accounts []int64, points int64, now time.Time) error {
	c, err := tx.CeilingsInForce(ctx, villageID)
	if errors.Is(err, ErrCeilingNotFound) {
		c, err = DefaultCeilings(villageID), nil
	}
	if err != nil {
		return err
	}
	today, err := tx.MemberCodePointsSince(ctx, accounts, calendar.DayStart(now))
	if err != nil {
		return err
	}
	return CheckCeilings(c, points, today)
}

// insertRedemption writes a redemption's row; a second redemption of one voucher or member code
// is refused by the row's unique keys.
func insertRedemption(ctx context.Context, tx Tx, r *Redemption) error {
	for _, it := range r.Items {
		r.PriceFen += it.Quantity * it.PriceFen
	}
	err := tx.InsertRedemption(ctx, r)
	if errors.Is(err, ErrAlreadyRedeemed) && r.Kind == ByMemberCode {
		return ErrMemberCodeUsed
	}
	return err
}

// handOver takes a redemption's goods off the shelf (in goods id order: items are sorted so) and
// records its items.
func handOver(ctx context.Context, tx Tx, r Redemption) error {
	for _, it := range r.Items {
		if _, err := tx.MoveStock(ctx, catalog.Movement{GoodsID: it.GoodsID, Delta: -it.Quantity, Kind: catalog.Redeemed,
			Reason: "兑换", RefType: "redemption", RefID: r.ID}); err != nil {
			if errors.Is(err, catalog.ErrOutOfStock) {
				return catalog.ErrOutOfStock.WithMessage("%s is out of stock", it.Name).WithDetails(map[string]any{"goods_id": it.GoodsID})
			}
			return err
		}
	}
	return tx.InsertItems(ctx, RedemptionItems, r.ID, r.Items)
}

func redemptionEvent(r Redemption, place audit.Place, action string) audit.Event {
	return audit.Event{Place: place, Action: action, ObjectType: "redemption", ObjectID: r.ID, After: r}
}

// ItemsText is the items in a transfer's reason: "毛巾×2、香皂×1", cut at 180 characters.
func ItemsText(items []Item) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteString("、")
		}
		fmt.Fprintf(&b, "%s×%d", it.Name, it.Quantity)
	}
	if s := []rune(b.String()); len(s) > 180 {
		return string(s[:180]) + "…"
	}
	return b.String()
}

func wrapf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// redeemedNotice tells the account's household what was redeemed (never the voucher's code).
func redeemedNotice(r Redemption) notify.Notice {
	return notify.Notice{To: []notify.To{{AccountID: r.AccountID}}, Kind: notify.VoucherRedeemed, Title: "兑换成功",
		Body: fmt.Sprintf("兑换 %s，用去 %d 分", ItemsText(r.Items), r.Points), Link: "/home", Key: fmt.Sprintf("redemption:%d", r.ID)}
}
