package voucher

import (
	"context"
	"errors"
	"fmt"
	"slices"

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
			read, err := tx.VouchersByID(ctx, ids)
			if err != nil {
				return nil, err
			}
			vs := make([]Voucher, len(todo))
			var unfit []int
			for j, i := range todo {
				r := acts[i].req
				v, found := read[ids[j]]
				if !found || v.Status != Issued || !r.Now.Before(v.ExpiresAt) || (r.Fence != 0 && v.Fence >= int64(r.Fence)) ||
					!r.atShop(v.ShopID) || (r.Nonce != nil && string(r.Nonce) != string(v.Nonce)) {
					unfit = append(unfit, i)
				}
				vs[j] = v
			}
			if len(unfit) > 0 { // the rest of the checks need every voucher found
				return nil, &unfitError{acts: unfit}
			}
			if err := s.checkBatchAgreements(ctx, tx, acts, todo, vs, &unfit); err != nil {
				return nil, err
			}
			holdIDs := make([]int64, len(todo))
			for j := range vs {
				holdIDs[j] = vs[j].HoldID
			}
			holds, err := tx.HoldsByID(ctx, holdIDs)
			if err != nil {
				return nil, err
			}
			for j, i := range todo {
				if holds[j].Status != ledger.HoldPending {
					unfit = append(unfit, i)
				}
			}
			if err := checkBatchGoods(ctx, tx, todo, vs, &unfit); err != nil {
				return nil, err
			}
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

// checkBatchAgreements marks the acts whose shop has no agreement in force with the voucher's
// village on the act's day.
func (s *Service) checkBatchAgreements(ctx context.Context, tx Tx, acts []*captureCall, todo []int, vs []Voucher, unfit *[]int) error {
	type shopVillage struct{ shop, village int64 }
	byDay := map[string]map[shopVillage]bool{}
	for j, i := range todo {
		day := calendar.Date(acts[i].req.Now).Format("2006-01-02")
		if byDay[day] == nil {
			var shops []int64
			for k, i2 := range todo {
				if calendar.Date(acts[i2].req.Now).Format("2006-01-02") == day && !slices.Contains(shops, vs[k].ShopID) {
					shops = append(shops, vs[k].ShopID)
				}
			}
			agreements, err := tx.ActiveAgreements(ctx, shops, acts[i].req.Now)
			if err != nil {
				return err
			}
			byDay[day] = map[shopVillage]bool{}
			for _, a := range agreements {
				byDay[day][shopVillage{a.ShopID, a.VillageID}] = true
			}
		}
		if !byDay[day][shopVillage{vs[j].ShopID, vs[j].VillageID}] {
			*unfit = append(*unfit, i)
		}
	}
	return nil
}

// checkBatchGoods marks the acts whose goods carry a monthly limit (counted only by
// CaptureVoucher) or whose stock, with the rest of the batch, would run short.
func checkBatchGoods(ctx context.Context, tx Tx, todo []int, vs []Voucher, unfit *[]int) error {
	need := map[int64]int64{}
	for _, v := range vs {
		for _, it := range v.Items {
			need[it.GoodsID] += it.Quantity
		}
	}
	ids := make([]int64, 0, len(need))
	for id := range need {
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil
	}
	goods, err := tx.Goods(ctx, ids)
	if err != nil {
		return err
	}
	short := map[int64]bool{}
	for _, g := range goods {
		short[g.ID] = g.MonthlyLimit != nil || g.Stock < need[g.ID]
	}
	for j, i := range todo {
		for _, it := range vs[j].Items {
			if ok, found := short[it.GoodsID]; ok || !found {
				*unfit = append(*unfit, i)
				break
			}
		}
	}
	return nil
}
