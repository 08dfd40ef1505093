package app

import (
	"context"

	"pointsmarket/internal/alert"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/earning"
	"pointsmarket/internal/org"
	"pointsmarket/internal/settlement"
	"pointsmarket/internal/voucher"
)

// watch connects the writes that can trigger risk alerts to the alert rules. The rules run after
// the write committed: an alert that cannot be raised is logged and never fails the write.
func (a *App) watch() {
	a.Earning.OnRegistered(func(ctx context.Context, e earning.Entry, item earning.RuleItem, registrar auth.Principal) {
		f := alert.EntryFacts{ID: e.ID, VillageID: e.VillageID, ItemID: e.RuleItemID, AccountID: e.AccountID, Points: e.Points,
			Period: e.Period, CapMonth: item.CapMonth, Registrar: registrar, ByOfficial: e.Source == earning.SourceClerk || e.Source == earning.SourceGroupLeader, At: e.RegisteredAt}
		if e.HouseholdID != nil {
			f.HouseholdID = *e.HouseholdID
		}
		a.Alerts.OnEntry(ctx, f)
	})
	a.Vouchers.OnRedeemed(func(ctx context.Context, r voucher.Redemption, reversal bool) {
		at := r.CreatedAt
		if reversal && r.ReversedAt != nil {
			at = *r.ReversedAt
		}
		a.Alerts.OnRedemption(ctx, alert.RedemptionFacts{ID: r.ID, VillageID: r.VillageID, ShopID: r.ShopID, AccountID: r.AccountID, At: at, Reversal: reversal})
	})
	a.Vouchers.OnRedeemedTogether(func(ctxs []context.Context, rs []voucher.Redemption) {
		facts := make([]alert.RedemptionFacts, len(rs))
		for i, r := range rs {
			facts[i] = alert.RedemptionFacts{ID: r.ID, VillageID: r.VillageID, ShopID: r.ShopID, AccountID: r.AccountID, At: r.CreatedAt}
		}
		a.Alerts.OnRedemptions(ctxs, facts)
	})
	a.Vouchers.OnShortCodeMissed(func(ctx context.Context, shopID, personID int64, misses int) {
		shop, err := a.stores.catalog.Shop(ctx, shopID)
		if err != nil {
			a.Log.WarnContext(ctx, "alert facts unreadable", "err", err)
			return
		}
		a.Alerts.OnShortCodeMisses(ctx, shop.VillageID, shopID, personID, misses)
	})
	a.Earning.OnPostFailed(func(ctx context.Context, entryID int64, why string) {
		e, err := a.stores.earning.Entry(ctx, entryID)
		if err != nil {
			a.Log.WarnContext(ctx, "alert facts unreadable", "err", err)
			return
		}
		a.Alerts.OnPostFailure(ctx, e.VillageID, entryID, why)
	})
	a.Org.OnChange(func(ctx context.Context, c org.Change) {
		a.Alerts.OnOfficeChange(ctx, alert.OfficeChange{Kind: c.Kind, VillageID: c.VillageID, PersonID: c.PersonID, Household: c.HouseholdID,
			Role: string(c.Role), By: c.By, Official: c.Official, At: a.Now()})
	})
	a.Auth.OnReset(a.Alerts.OnPasswordReset)
	a.Settlement.OnGenerated(func(ctx context.Context, st settlement.Statement) {
		a.Alerts.OnSettlement(ctx, st.ID, st.VillageID)
	})
}
