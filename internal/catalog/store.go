package catalog

import (
	"context"
	"time"

	"pointsmarket/internal/org"
)

// Store keeps the catalog. Every write is audited by the implementation in its transaction.
type Store interface {
	Shop(ctx context.Context, id int64) (org.Shop, error)
	// Shops returns the shops matching f, by id.
	Shops(ctx context.Context, f ShopFilter) ([]org.Shop, error)
	CreateShop(ctx context.Context, s org.Shop) (org.Shop, error)
	UpdateShop(ctx context.Context, id int64, fn func(*org.Shop) error) (org.Shop, error)

	Agreements(ctx context.Context, shopID int64) ([]Agreement, error)
	Agreement(ctx context.Context, id int64) (Agreement, error)
	// CreateAgreement returns ErrOverlapping when a live agreement of the same shop and village
	// covers any of the dates.
	CreateAgreement(ctx context.Context, a Agreement) (Agreement, error)
	// SetAgreementStatus returns ErrAgreementEnded for an ended agreement.
	SetAgreementStatus(ctx context.Context, id int64, status AgreementStatus, note string) (Agreement, error)
	// ActiveAgreement returns the agreement letting the shop serve the village on day, or ErrNoAgreement.
	ActiveAgreement(ctx context.Context, shopID, villageID int64, day time.Time) (Agreement, error)

	Standards(ctx context.Context, villageID int64) ([]Standard, error)
	Standard(ctx context.Context, id int64) (Standard, error)
	// ApprovedStandard returns the village's approved standard, or nil when it has none.
	ApprovedStandard(ctx context.Context, villageID int64) (*Standard, error)
	ProposeStandard(ctx context.Context, s Standard) (Standard, error)
	// DecideStandard approves or rejects a proposed standard. Approval supersedes the previous one
	// and re-prices every goods item of the village's shops (Goods.Reprice) in the same
	// transaction; it returns the shops whose goods it touched. Returns ErrStandardNotPending.
	DecideStandard(ctx context.Context, id int64, approve bool, note string) (Standard, []int64, error)

	// ShopGoods returns every goods item of a shop, on the shelf or not, by category and name.
	ShopGoods(ctx context.Context, shopID int64) ([]Goods, error)
	Goods(ctx context.Context, id int64) (Goods, error)
	// CreateGoods saves new goods, priced against the village's approved standard. ErrDuplicateGoods.
	CreateGoods(ctx context.Context, g Goods) (Goods, error)
	// UpdateGoods runs fn on the goods under a row lock, re-prices it and saves it.
	UpdateGoods(ctx context.Context, id int64, fn func(*Goods) error) (Goods, error)
	SavePhoto(ctx context.Context, p Photo) (Goods, error)
	Photo(ctx context.Context, photoID int64) (Photo, error)
	// MoveStock applies a movement by conditional update; ErrOutOfStock when it would go below zero.
	MoveStock(ctx context.Context, m Movement) (Goods, error)
	Movements(ctx context.Context, goodsID, beforeID int64, limit int) ([]Movement, error)
}

// ShopFilter selects shops: those with the ids, located in the villages, located in the township,
// or with an agreement with ActiveFor that is active on Day.
type ShopFilter struct {
	IDs        []int64
	VillageIDs []int64
	TownshipID int64
	ActiveFor  int64
	Day        time.Time
}

// Reprice re-checks goods against the approved standard after a change from (points, priceFen):
// a changed price voids a supervisor's exception, and goods that may not be shelved leave the shelf.
func (g *Goods) Reprice(approved *Standard, points, priceFen int64) {
	if g.Points != points || g.PriceFen != priceFen {
		g.ExceptionBy = nil
	}
	g.StandardOK = Allows(approved, g.Points, g.PriceFen)
	if !g.Shelvable() {
		g.OnShelf = false
	}
}

// StockTx takes goods off the shelf and puts them back inside a transaction of another workflow
// (a redemption, a reversal), so that the stock moves with the points or not at all.
type StockTx interface {
	// MoveStock changes a goods item's stock by a conditional update and records the movement.
	// ErrOutOfStock when it would go below zero, ErrGoodsNotFound.
	MoveStock(ctx context.Context, m Movement) (Movement, error)
}
