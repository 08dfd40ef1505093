package voucher

import (
	"context"
	"errors"
	"fmt"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/notify"
	"pointsmarket/internal/write"
)

// unfitError names the acts of a batch that cannot be redeemed with the others (a voucher no
// longer issued, a limit to count, stock short ...): they go alone through CaptureVoucher, which
// gives each its exact answer.
type unfitError struct{ acts []int }

func (e *unfitError) Error() string {
	return fmt.Sprintf("%d vouchers of the batch must be redeemed alone", len(e.acts))
}

// captureMany redeems the vouchers of several counters in one transaction, with what
// CaptureVoucher writes for each: the voucher's compare-and-set, the hold captured into a transfer,
// the redemption and its items, the stock, three audit entries and the household's notice. Every
// row of the batch is written by one statement per table, so the transaction's round trips do not
// grow with the batch. Under the row locks it checks each act as CaptureVoucher would; an act that
// fails a check (or needs a monthly limit counted) makes the batch end with an *unfitError naming
// it, and nothing is written. Each act's audit entries name its own actor.
func (s *Service) captureMany(ctx context.Context, acts []*captureCall) ([]Redemption, error) {
	keys := make([]write.Key, len(acts))
	for i, c := range acts {
		keys[i] = c.key.Of(c.req.By)
	}
	return write.RunMany(ctx, s.InTx, keys, func(tx Tx, id int64) (Redemption, error) { return tx.RedemptionByID(ctx, id) },
		func(tx Tx, todo []int) ([]write.Done[Redemption], error) {
			ids := make([]int64, len(todo))
			for j, i := range todo {
				ids[j] = acts[i].req.VoucherID
			}
			day := calendar.Date(acts[todo[0]].req.Now)
			read, err := tx.Redeemables(ctx, ids, day)
			if err != nil {
				return nil, err
			}
			vs := make([]Voucher, len(todo))
			holds := make([]ledger.Hold, len(todo))
			var unfit []int
			for j, i := range todo {
				r := acts[i].req
				rd, found := read[ids[j]]
				v := rd.Voucher
				// An act of another day (a batch across midnight) is checked alone, against its day's agreements.
				if !found || v.Status != Issued || !r.Now.Before(v.ExpiresAt) || (r.Fence != 0 && v.Fence >= int64(r.Fence)) ||
					!r.atShop(v.ShopID) || (r.Nonce != nil && string(r.Nonce) != string(v.Nonce)) ||
					!rd.AgreementInForce || !calendar.Date(r.Now).Equal(day) || rd.Hold.Status != ledger.HoldPending {
					unfit = append(unfit, i)
				}
				vs[j], holds[j] = v, rd.Hold
			}
			unfit = append(unfit, shortOfGoods(todo, read, ids)...)
			if len(unfit) > 0 {
				return nil, &unfitError{acts: unfit}
			}

			ends := make([]FencedEnd, len(todo))
			by := make([]int64, len(todo))
			for j, i := range todo {
				ends[j], by[j] = FencedEnd{ID: ids[j], Fence: acts[i].req.Fence}, acts[i].req.By
			}
			if ok, err := tx.EndVouchers(ctx, ends, Redeemed); err != nil || !ok {
				return nil, errors.Join(errors.New("batched compare-and-set of vouchers did not match every row"), err)
			}
			hs, ts, err := ledger.CaptureAll(ctx, tx, holds, by)
			if err != nil {
				return nil, err
			}
			rs := make([]*Redemption, len(todo))
			for j := range todo {
				v := vs[j]
				rs[j] = &Redemption{VillageID: v.VillageID, ShopID: v.ShopID, AccountID: v.AccountID, Kind: ByVoucher,
					VoucherID: &ids[j], Points: v.Points, TransferID: ts[j].ID, RedeemedBy: by[j], Items: v.Items, Proxy: v.Proxy}
				for _, it := range v.Items {
					rs[j].PriceFen += it.Quantity * it.PriceFen
				}
			}
			if err := tx.InsertRedemptions(ctx, rs); err != nil {
				return nil, err
			}
			var moves []catalog.Movement
			for j, r := range rs {
				for _, it := range r.Items {
					moves = append(moves, catalog.Movement{GoodsID: it.GoodsID, Delta: -it.Quantity, Kind: catalog.Redeemed,
						Reason: "兑换", RefType: "redemption", RefID: r.ID, CreatedBy: by[j]})
				}
			}
			if err := tx.MoveStocks(ctx, moves); err != nil {
				return nil, err
			}
			if err := tx.InsertRedemptionItems(ctx, rs); err != nil {
				return nil, err
			}
			done := make([]write.Done[Redemption], len(todo))
			for j, i := range todo {
				out, actor := *rs[j], &acts[i].actor
				place := audit.Place{TownshipID: vs[j].TownshipID, VillageID: vs[j].VillageID}
				events := []audit.Event{redemptionEvent(out, place, "counter.redeem"), ledger.TransferEvent(ts[j], place),
					ledger.HoldEvent(hs[j], "ledger.capture", place)}
				for e := range events {
					events[e].Actor = actor
				}
				done[j] = write.Done[Redemption]{Value: out, ID: out.ID, Events: events, Notices: []notify.Notice{redeemedNotice(out)}}
			}
			return done, nil
		})
}

// shortOfGoods returns the acts whose goods carry a monthly limit (counted only by
// CaptureVoucher) or whose stock, with the rest of the batch, would run short.
func shortOfGoods(todo []int, read map[int64]Redeemable, ids []int64) []int {
	need, stock := map[int64]int64{}, map[int64]int64{}
	limited := map[int64]bool{}
	for _, id := range ids {
		rd := read[id]
		for _, it := range rd.Items {
			need[it.GoodsID] += it.Quantity
		}
		for _, g := range rd.Goods {
			stock[g.GoodsID], limited[g.GoodsID] = g.Stock, g.MonthlyLimit != nil
		}
	}
	var short []int
	for j, i := range todo {
		for _, it := range read[ids[j]].Items {
			if have, found := stock[it.GoodsID]; !found || limited[it.GoodsID] || have < need[it.GoodsID] {
				short = append(short, i)
				break
			}
		}
	}
	return short
}
