// Package voucher is redemption at the counter: vouchers (兑换券) that hold points for goods of one
// shop until the shopkeeper scans them, member codes (付款码) that let the shopkeeper ring goods up
// at once, the shopkeeper's day and same-day reversals (退货).
//
// A point is spent once and goods leave the shelf once whatever happens: the database is the
// guard (compare-and-set on the voucher, conditional balance and stock updates, a unique key per
// voucher redemption and per member code, idempotency keys, fenced lock tokens). Redis locks only
// give a second counter an immediate answer and keep contention off MySQL.
package voucher

import (
	"time"

	"pointsmarket/internal/fault"
)

// Status is where a voucher is in its life.
type Status string

// Voucher statuses: a voucher is issued, then redeemed, cancelled or expired, once.
const (
	Issued    Status = "issued"
	Redeemed  Status = "redeemed"
	Cancelled Status = "cancelled"
	Expired   Status = "expired"
)

// Item is a line of a voucher or a redemption: goods, quantity, and the points and agreed price of
// one unit when it was issued.
type Item struct {
	GoodsID    int64  `json:"goods_id" db:"goods_id"`
	Name       string `json:"name" db:"name"`
	Unit       string `json:"unit" db:"unit"`
	Quantity   int64  `json:"quantity" db:"quantity"`
	PointsEach int64  `json:"points_each" db:"points_each"`
	PriceFen   int64  `json:"price_fen" db:"price_fen"`
}

// Voucher holds points for goods of one shop.
type Voucher struct {
	ID         int64      `json:"id" db:"id"`
	VillageID  int64      `json:"village_id" db:"village_id"`
	TownshipID int64      `json:"-" db:"township_id"`
	ShopID     int64      `json:"shop_id" db:"shop_id"`
	AccountID  int64      `json:"account_id" db:"account_id"`
	HolderID   int64      `json:"holder_id" db:"holder_id"`
	Points     int64      `json:"points" db:"points"`
	Status     Status     `json:"status" db:"status"`
	Nonce      []byte     `json:"-" db:"nonce"`
	ShortCode  string     `json:"-" db:"short_code"`
	HoldID     int64      `json:"-" db:"hold_id"`
	Fence      int64      `json:"-" db:"fence"`
	ExpiresAt  time.Time  `json:"expires_at" db:"expires_at"`
	CreatedAt  time.Time  `json:"created_at" db:"created_at"`
	ResolvedAt *time.Time `json:"resolved_at" db:"resolved_at"`
	// Proxy marks a voucher its holder took for a household that named them (代办).
	Proxy bool   `json:"proxy" db:"proxy"`
	Items []Item `json:"items" db:"-"`
	// ShopName and ReversedAt say where it was redeemed and whether the goods came back, for its
	// holder's pages; they are read with the voucher, never written with it.
	ShopName   string     `json:"shop_name,omitempty" db:"shop_name"`
	ReversedAt *time.Time `json:"reversed_at,omitempty" db:"reversed_at"`
}

// Kind says how goods were redeemed.
type Kind string

// Redemption kinds.
const (
	ByVoucher    Kind = "voucher"
	ByMemberCode Kind = "member_code"
	ByCard       Kind = "card" // a household card and its PIN (户卡)
)

// Redemption is goods handed out for points at a counter.
type Redemption struct {
	ID           int64  `json:"id" db:"id"`
	VillageID    int64  `json:"village_id" db:"village_id"`
	ShopID       int64  `json:"shop_id" db:"shop_id"`
	AccountID    int64  `json:"account_id" db:"account_id"`
	Kind         Kind   `json:"kind" db:"kind"`
	VoucherID    *int64 `json:"voucher_id" db:"voucher_id"`
	MemberCodeID []byte `json:"-" db:"member_code_id"`
	Points       int64  `json:"points" db:"points"`
	PriceFen     int64  `json:"price_fen" db:"price_fen"`
	// CashFen is what the shop took in cash for points that fell short (积分+现金): it keeps it,
	// and the settlement reimburses PriceFen less it.
	CashFen            int64      `json:"cash_fen" db:"cash_fen"`
	TransferID         int64      `json:"transfer_id" db:"transfer_id"`
	RedeemedBy         int64      `json:"redeemed_by" db:"redeemed_by"`
	CreatedAt          time.Time  `json:"created_at" db:"created_at"`
	ReversedAt         *time.Time `json:"reversed_at" db:"reversed_at"`
	ReversedBy         *int64     `json:"reversed_by" db:"reversed_by"`
	ReversalTransferID *int64     `json:"reversal_transfer_id" db:"reversal_transfer_id"`
	ReversalReason     string     `json:"reversal_reason" db:"reversal_reason"`
	// Proxy marks the redemption of a voucher a proxy took for the household (代办).
	Proxy bool `json:"proxy" db:"proxy"`
	// CardID names the household card a redemption by card was made with.
	CardID *int64 `json:"card_id" db:"card_id"`
	// Holder names the account's holder in lists of redemptions (masked at the counter), ShopName
	// the shop; they are read with the list, never written.
	Holder   string `json:"holder,omitempty" db:"holder"`
	ShopName string `json:"shop_name,omitempty" db:"shop_name"`
	Items    []Item `json:"items" db:"-"`
}

// Limits of an order.
const (
	MaxLines    = 20
	MaxQuantity = 99
)

// Errors of redemption. The contract fixes the codes and statuses of the voucher_* ones.
var (
	ErrInvalidCode      = fault.New(fault.Invalid, "voucher_invalid", "the code is malformed or has been tampered with")
	ErrAlreadyRedeemed  = fault.New(fault.Conflict, "voucher_already_redeemed", "the voucher was already redeemed")
	ErrCancelled        = fault.New(fault.Conflict, "voucher_cancelled", "the voucher was cancelled")
	ErrExpired          = fault.New(fault.Gone, "voucher_expired", "the voucher has expired")
	ErrWrongShop        = fault.New(fault.Forbidden, "voucher_wrong_shop", "the voucher is for another shop")
	ErrNotIssued        = fault.New(fault.Conflict, "voucher_not_issued", "the voucher is no longer issued")
	ErrVoucherNotFound  = fault.New(fault.NotFound, "voucher_not_found", "no such voucher")
	ErrBusy             = fault.New(fault.Conflict, "being_redeemed_elsewhere", "this is being redeemed at another counter right now")
	ErrMemberCodeUsed   = fault.New(fault.Conflict, "member_code_used", "this member code was already used: refresh it")
	ErrMemberCodeExpiry = fault.New(fault.Gone, "member_code_expired", "this member code has expired: refresh it")
	ErrMonthlyLimit     = fault.New(fault.Conflict, "monthly_limit_exceeded", "more than this household may take this month")
	ErrNotOnShelf       = fault.New(fault.Conflict, "goods_unavailable", "the goods are not on the shelf")
	ErrNotShopkeeper    = fault.New(fault.Forbidden, "not_a_shopkeeper", "only the shop's shopkeeper may do this")
	ErrNotToday         = fault.New(fault.Conflict, "reversal_not_same_day", "only same-day redemptions can be reversed")
	ErrAlreadyReversed  = fault.New(fault.Conflict, "already_reversed", "this redemption was already reversed")
	ErrRedemptionNone   = fault.New(fault.NotFound, "redemption_not_found", "no such redemption")
)
