package voucher

import (
	"context"
	"slices"
	"time"
)

// Store reads vouchers and redemptions. Their writes are the workflows of this package, run in a
// Tx: one transaction spanning everything each touches — voucher, ledger, stock, redemption,
// audit — with its idempotency record.
type Store interface {
	// Voucher returns a voucher with its items (and its holder's name), or ErrVoucherNotFound.
	Voucher(ctx context.Context, id int64) (Voucher, HolderName, error)
	// VoucherByShortCode finds a voucher of one of the shops by its short code. It returns
	// ErrInvalidCode when none of them has it, whether or not another shop does: a typed code
	// must not confirm that it exists elsewhere.
	VoucherByShortCode(ctx context.Context, shopIDs []int64, code string) (Voucher, HolderName, error)
	// Vouchers returns an account's vouchers, newest first.
	Vouchers(ctx context.Context, accountIDs []int64, limit int) ([]Voucher, error)
	// TakenThisMonth sums, per goods, what the household of an account took since a time and what
	// its issued vouchers hold: what counts against the goods' monthly limits.
	TakenThisMonth(ctx context.Context, accountID int64, since time.Time) (map[int64]int64, error)
	// VoucherDays returns how many days the village's vouchers stay valid.
	VoucherDays(ctx context.Context, villageID int64) (int, error)
	// DueForExpiry lists issued vouchers past their expiry.
	DueForExpiry(ctx context.Context, now time.Time, limit int) ([]int64, error)
	// AccountHolder returns the name of an account's holder: the household head or the representative.
	AccountHolder(ctx context.Context, accountID int64) (HolderName, error)
	// VoucherState reads a voucher's status, expiry and fence, and where it was redeemed.
	VoucherState(ctx context.Context, id int64) (State, error)
	Redemption(ctx context.Context, id int64) (Redemption, error)
	// Redemptions returns redemptions matching f, newest first.
	Redemptions(ctx context.Context, f RedemptionFilter) ([]Redemption, error)
}

// HolderName is the name of a voucher's holder, for the counter's (masked) preview.
type HolderName string

// Fence is the token of the lock a write holds; a row written under a newer token refuses it.
// Zero means locks are off (Redis unreachable) and only the database's own guards apply.
type Fence int64

// IssueRequest is a voucher about to be written.
type IssueRequest struct {
	AccountID int64
	HolderID  int64
	// Proxy is set when the holder redeems for a household that named them (代办).
	Proxy  *ProxyGrant
	ShopID int64
	Lines  []Line
	Nonce  []byte
	Now    time.Time
}

// atShop says whether a voucher of shop may be redeemed at the request's counter.
func (r RedeemRequest) atShop(shop int64) bool {
	return r.ShopID == shop || (r.ShopID == 0 && slices.Contains(r.Shops, shop))
}

// RedeemRequest is a voucher presented at its shop's counter. Nonce is nil when the voucher was
// found by its short code. Voucher, when set, is the voucher as the counter read it: everything
// but its status is immutable, so the store need not read it again (the status is compared-and-set);
// when nil (a scanned QR code, whose id is signed) it is read in the transaction.
type RedeemRequest struct {
	VoucherID int64
	Voucher   *Voucher
	Nonce     []byte
	// ShopID is the counter's shop; when 0, the voucher's shop must be one of Shops (those its
	// keeper runs, when the code does not say which counter it was shown at).
	ShopID int64
	Shops  []int64
	By     int64
	Fence  Fence
	Now    time.Time
}

// CheckoutRequest is goods rung up against a member code, or against a household card whose PIN
// was keyed in (Card set; Code is then empty).
type CheckoutRequest struct {
	Code MemberCode
	Card *CardHolder
	// TopUp takes cash for the points that fall short, where the village allows it.
	TopUp  bool
	ShopID int64
	Lines  []Line
	By     int64
	Now    time.Time
}

// RedemptionFilter selects redemptions: of a shop or a village, in [From, To).
type RedemptionFilter struct {
	ID        int64 // one redemption
	ShopID    int64
	VillageID int64
	// AccountIDs and Kind narrow it to accounts' redemptions of a kind; AfterID to newer ones.
	AccountIDs []int64
	Kind       Kind
	AfterID    int64
	From, To   time.Time
	Limit      int
}
