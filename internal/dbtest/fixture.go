package dbtest

import (
	"fmt"
	"testing"

	"pointsmarket/internal/app"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/mysql"
	"pointsmarket/internal/org"
)

// Village is a village made for a test, with its system accounts and households.
type Village struct {
	Village                         org.Village
	Issuance, Penalties, Redemption int64 // system account ids
	Households                      []org.Household
	Accounts                        []int64 // household account ids, in the order of Households
}

// NewVillage creates a township (if needed) and a village with n households of size 3.
func NewVillage(t testing.TB, a *app.App, name string, n int) Village {
	t.Helper()
	ctx := SystemCtx()
	ledgers := mysql.NewLedgerStore(a.DB)
	places := mysql.NewOrgStore(a.DB, ledgers)
	tw, err := places.EnsureTownship(ctx, "测试县", "测试镇")
	if err != nil {
		t.Fatal(err)
	}
	v, err := places.EnsureVillage(ctx, tw.ID, name)
	if err != nil {
		t.Fatal(err)
	}
	out := Village{Village: v}
	for kind, dst := range map[ledger.AccountKind]*int64{ledger.Issuance: &out.Issuance, ledger.Penalties: &out.Penalties, ledger.Redemptions: &out.Redemption} {
		acc, err := ledgers.AccountOf(ctx, v.ID, kind, 0)
		if err != nil {
			t.Fatal(err)
		}
		*dst = acc.ID
	}
	for i := range n {
		h, err := places.CreateHousehold(ctx, org.Household{VillageID: v.ID, Number: fmt.Sprintf("T-%04d", i+1), HeadName: "户主", Size: 3})
		if err != nil {
			t.Fatal(err)
		}
		acc, err := ledgers.AccountOf(ctx, v.ID, ledger.Household, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		out.Households = append(out.Households, h)
		out.Accounts = append(out.Accounts, acc.ID)
	}
	return out
}

// Grant gives account the points from the village's issuance account.
func (v Village) Grant(t testing.TB, a *app.App, account, points int64) ledger.Transfer {
	t.Helper()
	tr, err := a.Ledger.Transfer(SystemCtx(), ledger.TransferRequest{DebitAccountID: v.Issuance, CreditAccountID: account,
		Amount: points, Kind: ledger.Earn, Reason: "测试发放"}, "")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// MustVerify fails the test when the ledger or the audit log has any breach.
func MustVerify(t testing.TB, a *app.App) {
	t.Helper()
	ctx := SystemCtx()
	v, err := a.Verify(ctx, audit.Full)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range v.Breaches {
		t.Error("breach:", b)
	}
}
