// Package catalog is the supply side of the points supermarket: partner shops and the villages'
// agreements with them (协议定点), the exchange standard each village's supervisors approve
// (兑换标准), the goods each shop hands out for points, their photos and their stock.
package catalog

import (
	"time"

	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
)

// AgreementStatus is where an agreement stands.
type AgreementStatus string

// Agreement statuses: an active agreement may be suspended and resumed; ended is final.
const (
	AgreementActive    AgreementStatus = "active"
	AgreementSuspended AgreementStatus = "suspended"
	AgreementEnded     AgreementStatus = "ended"
)

// Agreement is a village's agreement with a shop: the village pays the shop back for the goods it
// hands out to the village's households while the agreement is active and in its dates.
type Agreement struct {
	ID        int64           `json:"id" db:"id"`
	ShopID    int64           `json:"shop_id" db:"shop_id"`
	VillageID int64           `json:"village_id" db:"village_id"`
	ValidFrom time.Time       `json:"valid_from" db:"valid_from"`
	ValidTo   time.Time       `json:"valid_to" db:"valid_to"`
	Status    AgreementStatus `json:"status" db:"status"`
	Note      string          `json:"note" db:"note"`
	CreatedBy int64           `json:"created_by" db:"created_by"`
	CreatedAt time.Time       `json:"created_at" db:"created_at"`
	UpdatedAt time.Time       `json:"updated_at" db:"updated_at"`
}

// ActiveOn reports whether the agreement lets the shop redeem on day (a calendar date in calendar.Zone()).
func (a Agreement) ActiveOn(day time.Time) bool {
	d := calendar.Date(day)
	return a.Status == AgreementActive && !d.Before(a.ValidFrom) && !d.After(a.ValidTo)
}

// Goods is an item a shop hands out for points.
type Goods struct {
	ID           int64     `json:"id" db:"id"`
	ShopID       int64     `json:"shop_id" db:"shop_id"`
	Name         string    `json:"name" db:"name"`
	Category     string    `json:"category" db:"category"`
	Unit         string    `json:"unit" db:"unit"`
	Points       int64     `json:"points" db:"points"`
	PriceFen     int64     `json:"price_fen" db:"price_fen"` // agreed reimbursement price
	MonthlyLimit *int      `json:"monthly_limit" db:"monthly_limit"`
	OnShelf      bool      `json:"on_shelf" db:"on_shelf"`
	StandardOK   bool      `json:"standard_ok" db:"standard_ok"`
	ExceptionBy  *int64    `json:"exception_by" db:"exception_by"`
	PhotoID      *int64    `json:"photo_id" db:"photo_id"`
	Stock        int64     `json:"stock" db:"stock"`
	LowStock     int       `json:"low_stock" db:"low_stock"`
	CreatedAt    time.Time `json:"created_at" db:"created_at"`
	UpdatedAt    time.Time `json:"updated_at" db:"updated_at"`
}

// Shelvable reports whether the goods may be put on the shelf: its price keeps to the approved
// standard, or a supervisor approved the exception.
func (g Goods) Shelvable() bool { return g.StandardOK || g.ExceptionBy != nil }

// MovementKind says why stock moved.
type MovementKind string

// Stock movement kinds.
const (
	StockIn  MovementKind = "stock_in" // 进货
	Adjust   MovementKind = "adjust"   // damage, count correction ...
	Redeemed MovementKind = "redeem"   // handed out at the counter
	Returned MovementKind = "return"   // a same-day reversal brought it back
)

// Movement is one change of a goods item's stock.
type Movement struct {
	ID        int64        `json:"id" db:"id"`
	GoodsID   int64        `json:"goods_id" db:"goods_id"`
	Delta     int64        `json:"delta" db:"delta"`
	Kind      MovementKind `json:"kind" db:"kind"`
	Reason    string       `json:"reason" db:"reason"`
	RefType   string       `json:"ref_type" db:"ref_type"`
	RefID     int64        `json:"ref_id" db:"ref_id"`
	MovedOn   time.Time    `json:"moved_on" db:"moved_on"`
	CreatedBy int64        `json:"created_by" db:"created_by"`
	CreatedAt time.Time    `json:"created_at" db:"created_at"`
}

// Limits on what a shop records.
const (
	MaxPoints   = 100_000     // points for one unit of goods
	MaxPriceFen = 10_000_000  // 100,000 yuan
	MaxStock    = 100_000_000 // units in one movement or on hand
)

// Errors of the catalog.
var (
	ErrNoAgreement        = fault.New(fault.Forbidden, "shop_agreement_inactive", "the shop has no active agreement with this village")
	ErrOverlapping        = fault.New(fault.Conflict, "agreement_overlaps", "an agreement between this shop and village already covers these dates")
	ErrAgreementEnded     = fault.New(fault.Conflict, "agreement_ended", "the agreement has ended and cannot change")
	ErrOutOfStock         = fault.New(fault.Conflict, "out_of_stock", "not enough stock")
	ErrBreaksStandard     = fault.New(fault.Conflict, "price_breaks_standard", "the price breaks the exchange standard: fix it or have a supervisor approve it before shelving")
	ErrStandardNotPending = fault.New(fault.Conflict, "standard_not_proposed", "the exchange standard was already decided")
	ErrSelfApproval       = fault.New(fault.Forbidden, "self_approval", "you cannot approve your own proposal")
	ErrGoodsNotFound      = fault.New(fault.NotFound, "goods_not_found", "no such goods")
	ErrShopNotFound       = fault.New(fault.NotFound, "shop_not_found", "no such shop")
	ErrDuplicateGoods     = fault.New(fault.Conflict, "duplicate_goods", "the shop already has goods of this name")
	ErrAgreementNotFound  = fault.New(fault.NotFound, "agreement_not_found", "no such agreement")
	ErrStandardNotFound   = fault.New(fault.NotFound, "standard_not_found", "no such exchange standard")
	ErrNoPhoto            = fault.New(fault.NotFound, "no_photo", "the goods has no photo")
)
