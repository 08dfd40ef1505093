package voucher

import (
	"context"
	"time"

	"pointsmarket/internal/catalog"
	"pointsmarket/internal/ledger"
)

// Spending is what a spend from an account needs to know of it and its village.
type Spending struct {
	VillageID int64              `db:"village_id"`
	Kind      ledger.AccountKind `db:"kind"`
	// Clearing is the village's redemptions account, the other side of every spend.
	Clearing    int64 `db:"clearing"`
	VoucherDays int   `db:"voucher_days"`
	// CashTopUp says whether the village lets its shops take cash for points that fall short.
	CashTopUp bool `db:"cash_top_up"`
}

// Guard is the condition of a voucher's compare-and-set besides being issued: the lock token
// the writer holds (0: locks are off) and the side of its expiry the write needs.
type Guard struct {
	Fence Fence
	// Unexpired asks that the voucher has not expired at Now; Expired that it has.
	Unexpired, Expired bool
	Now                time.Time
}

// State is what a voucher's row says after a compare-and-set failed: what Explain tells.
type State struct {
	Status    Status    `db:"status"`
	ExpiresAt time.Time `db:"expires_at"`
	Fence     int64     `db:"fence"`
	// RedeemedAt and ShopName say when and where a redeemed voucher was used.
	RedeemedAt *time.Time `db:"redeemed_at"`
	ShopID     *int64     `db:"redeemed_shop_id"`
	ShopName   *string    `db:"redeemed_shop_name"`
}

// ItemsOf names whose items a row of items is: a voucher's or a redemption's.
type ItemsOf string

// The parents of items.
const (
	VoucherItems    ItemsOf = "voucher"
	RedemptionItems ItemsOf = "redemption"
)

// Tx is the part of one transaction the counter's workflows need; the store implements it bound
// to the transaction. It moves points (ledger.Tx) and stock (catalog.StockTx) besides its own rows.
type Tx interface {
	// ProxySpent is the points of the vouchers (issued or redeemed) a proxy took for an account
	// since a moment (the month's start).
	ProxySpent(ctx context.Context, accountID, proxyID int64, since time.Time) (int64, error)
	ledger.BatchTx
	catalog.StockTx
	// AvailableForUpdate locks an account's row and returns its available points.
	AvailableForUpdate(ctx context.Context, accountID int64) (int64, error)
	// Spending returns the account's village, kind and clearing account. ledger.ErrAccountNotFound.
	Spending(ctx context.Context, accountID int64) (Spending, error)
	// ActiveAgreement returns the shop's agreement in force with the village. catalog.ErrNoAgreement.
	ActiveAgreement(ctx context.Context, shopID, villageID int64, at time.Time) (catalog.Agreement, error)
	// Goods returns the goods of ids as they are in the transaction.
	Goods(ctx context.Context, ids []int64) ([]catalog.Goods, error)
	// HouseholdAccounts returns every account of the household an account belongs to (the
	// household's and its members' representative accounts) and locks the household account's
	// row, which serialises the limit checks of all of them.
	HouseholdAccounts(ctx context.Context, accountID int64) ([]int64, error)
	// TakenSince sums, per goods, what accounts took since a time (redemptions not reversed) and
	// what their issued vouchers hold, but for the voucher except (0: none).
	TakenSince(ctx context.Context, accounts []int64, since time.Time, except int64) (map[int64]int64, error)
	// CeilingsInForce returns the village's approved member-code ceilings. ErrCeilingNotFound.
	CeilingsInForce(ctx context.Context, villageID int64) (Ceilings, error)
	// MemberCodePointsSince sums the points the accounts spent at once (member code, household card)
	// since a time: what counts against the member-code ceilings.
	MemberCodePointsSince(ctx context.Context, accounts []int64, since time.Time) (int64, error)
	// InsertVoucher writes a voucher row (without its hold and items) with a fresh short code.
	InsertVoucher(ctx context.Context, v *Voucher) error
	// SetVoucherHold names the hold of a voucher just written.
	SetVoucherHold(ctx context.Context, voucherID, holdID int64) error
	// InsertItems writes the items of a voucher or a redemption.
	InsertItems(ctx context.Context, of ItemsOf, id int64, items []Item) error
	// VoucherByID returns a voucher with its items. ErrVoucherNotFound.
	VoucherByID(ctx context.Context, id int64) (Voucher, error)
	// EndVoucher moves an issued voucher to status by compare-and-set under g; false when the row
	// did not match.
	EndVoucher(ctx context.Context, id int64, status Status, g Guard) (bool, error)
	// VoucherState reads a voucher's status, expiry and fence, and where it was redeemed.
	VoucherState(ctx context.Context, id int64) (State, error)
	// MemberCodeUsed reports whether a member code was used already.
	MemberCodeUsed(ctx context.Context, codeID []byte) (bool, error)
	// InsertRedemption writes a redemption row (without its items). ErrAlreadyRedeemed when its
	// voucher or member code was redeemed already.
	InsertRedemption(ctx context.Context, r *Redemption) error
	// SetRedemptionTransfer names the transfer of a redemption just written.
	SetRedemptionTransfer(ctx context.Context, id, transferID int64) error
	// RedemptionByID returns a redemption with its items. ErrRedemptionNone.
	RedemptionByID(ctx context.Context, id int64) (Redemption, error)
	// MarkReversed records a redemption's reversal by compare-and-set; false when it was reversed.
	MarkReversed(ctx context.Context, id int64, at time.Time, by int64, reason string) (bool, error)
	// SetReversalTransfer names the transfer that reversed a redemption.
	SetReversalTransfer(ctx context.Context, id, transferID int64) error

	// The counter's batched redemptions (capture_many.go): each writes the rows of a whole batch.

	// Redeemables returns vouchers as a batch of redemptions reads them (missing ones are absent),
	// in one statement and without locking them: EndVouchers' compare-and-set and the guarded
	// updates of accounts, holds and stock that follow are the guards.
	Redeemables(ctx context.Context, ids []int64, day time.Time) (map[int64]Redeemable, error)
	// EndVouchers moves issued vouchers to status by one compare-and-set, each under its fence;
	// false when not every row matched.
	EndVouchers(ctx context.Context, ends []FencedEnd, status Status) (bool, error)
	// InsertRedemptions writes the redemptions of vouchers (each naming its transfer), setting
	// their ids and time. ErrAlreadyRedeemed when a voucher was redeemed already.
	InsertRedemptions(ctx context.Context, rs []*Redemption) error
	// InsertRedemptionItems writes the items of redemptions just written.
	InsertRedemptionItems(ctx context.Context, rs []*Redemption) error
	// MoveStocks applies stock movements, each goods row once. catalog.ErrOutOfStock.
	MoveStocks(ctx context.Context, ms []catalog.Movement) error
}

// Redeemable is a voucher with what redeeming it in a batch checks: its hold, whether its shop's
// agreement with its village is in force on the batch's day, and its goods' stock and limits.
type Redeemable struct {
	Voucher
	Hold             ledger.Hold
	AgreementInForce bool
	Goods            []GoodsState
}

// GoodsState is a goods row's stock and monthly limit, as a batch checks them.
type GoodsState struct {
	GoodsID      int64  `json:"goods_id"`
	Stock        int64  `json:"stock"`
	MonthlyLimit *int64 `json:"monthly_limit"`
}

// FencedEnd is one voucher of a batched compare-and-set, with the lock token its writer holds.
type FencedEnd struct {
	ID    int64
	Fence Fence
}
