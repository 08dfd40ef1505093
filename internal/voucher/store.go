package voucher

import (
	"context"
	"time"

	"pointsmarket/internal/ledger"
)

// Store keeps vouchers and redemptions. Each write is one transaction spanning everything it
// touches — voucher, ledger, stock, redemption, audit — with its idempotency record.
type Store interface {
	// Issue prices the lines from the shop's goods as they are in the transaction, holds the points
	// and writes the voucher. Returns ledger.ErrInsufficientPoints, catalog.ErrNoAgreement,
	// catalog.ErrOutOfStock, ErrNotOnShelf, ErrMonthlyLimit.
	Issue(ctx context.Context, r IssueRequest, idem ledger.Idempotency) (Voucher, error)
	// Voucher returns a voucher with its items (and its holder's name), or ErrVoucherNotFound.
	Voucher(ctx context.Context, id int64) (Voucher, HolderName, error)
	// VoucherByShortCode finds a voucher of one of the shops by its short code. It returns
	// ErrInvalidCode when none of them has it, whether or not another shop does: a typed code
	// must not confirm that it exists elsewhere.
	VoucherByShortCode(ctx context.Context, shopIDs []int64, code string) (Voucher, HolderName, error)
	// Vouchers returns an account's vouchers, newest first.
	Vouchers(ctx context.Context, accountIDs []int64, limit int) ([]Voucher, error)
	// Cancel moves an issued voucher to cancelled and releases its hold. ErrNotIssued.
	Cancel(ctx context.Context, id int64, fence Fence) (Voucher, error)
	// Expire moves an issued voucher past its expiry to expired and releases its hold. ErrNotIssued.
	Expire(ctx context.Context, id int64, now time.Time) (Voucher, error)
	// DueForExpiry lists issued vouchers past their expiry.
	DueForExpiry(ctx context.Context, now time.Time, limit int) ([]int64, error)
	// Redeem captures a voucher at its shop. Returns ErrAlreadyRedeemed (with when and where),
	// ErrCancelled, ErrExpired, ErrWrongShop, ErrInvalidCode, ErrBusy (a newer lock holder wrote),
	// catalog.ErrNoAgreement, catalog.ErrOutOfStock, ErrMonthlyLimit.
	Redeem(ctx context.Context, r RedeemRequest, idem ledger.Idempotency) (Redemption, error)
	// Checkout takes points at once for goods rung up against a member code. Returns
	// ErrMemberCodeUsed, ledger.ErrInsufficientPoints and the errors of Issue.
	Checkout(ctx context.Context, r CheckoutRequest, idem ledger.Idempotency) (Redemption, error)
	// AccountHolder returns the name of an account's holder: the household head or the representative.
	AccountHolder(ctx context.Context, accountID int64) (HolderName, error)
	// Explain returns the refusal a redemption of a voucher that is no longer issued would get.
	Explain(ctx context.Context, id int64, now time.Time) error
	Redemption(ctx context.Context, id int64) (Redemption, error)
	// Redemptions returns redemptions matching f, newest first.
	Redemptions(ctx context.Context, f RedemptionFilter) ([]Redemption, error)
	// Reverse returns a same-day redemption's points and stock. ErrAlreadyReversed, ErrNotToday.
	Reverse(ctx context.Context, id int64, reason string, now time.Time) (Redemption, error)
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
	ShopID    int64
	Lines     []Line
	Nonce     []byte
	Now       time.Time
}

// RedeemRequest is a voucher presented at its shop's counter. Nonce is nil when the voucher was
// found by its short code. Voucher, when set, is the voucher as the counter read it: everything
// but its status is immutable, so the store need not read it again (the status is compared-and-set).
type RedeemRequest struct {
	VoucherID int64
	Voucher   *Voucher
	Nonce     []byte
	ShopID    int64
	By        int64
	Fence     Fence
	Now       time.Time
}

// CheckoutRequest is goods rung up against a member code.
type CheckoutRequest struct {
	Code   MemberCode
	ShopID int64
	Lines  []Line
	By     int64
	Now    time.Time
}

// RedemptionFilter selects redemptions: of a shop or a village, in [From, To).
type RedemptionFilter struct {
	ShopID    int64
	VillageID int64
	// AccountIDs and Kind narrow it to accounts' redemptions of a kind; AfterID to newer ones.
	AccountIDs []int64
	Kind       Kind
	AfterID    int64
	From, To   time.Time
	Limit      int
}
