package voucher

import (
	"slices"

	"pointsmarket/internal/catalog"
	"pointsmarket/internal/fault"
)

// Line is what a villager or shopkeeper asks for: goods and a quantity.
type Line struct {
	GoodsID  int64 `json:"goods_id"`
	Quantity int64 `json:"quantity"`
}

// CheckLines returns an Unprocessable error unless lines are 1 to MaxLines distinct goods with
// quantities from 1 to MaxQuantity.
func CheckLines(lines []Line) error {
	if len(lines) == 0 || len(lines) > MaxLines {
		return fault.Invalidf("items must list 1 to %d goods", MaxLines)
	}
	seen := map[int64]bool{}
	for _, l := range lines {
		switch {
		case l.GoodsID <= 0:
			return fault.Invalidf("each item needs a goods_id")
		case l.Quantity < 1 || l.Quantity > MaxQuantity:
			return fault.Invalidf("quantity must be a whole number from 1 to %d", MaxQuantity)
		case seen[l.GoodsID]:
			return fault.Invalidf("goods %d is listed twice: give one line with the total quantity", l.GoodsID)
		}
		seen[l.GoodsID] = true
	}
	return nil
}

// Price turns lines into items priced from the shop's current goods, in goods id order (the order
// stock rows are locked in). It returns ErrNotOnShelf for goods of another shop or off the shelf,
// and catalog.ErrOutOfStock when the shop has fewer than asked.
func Price(shopID int64, lines []Line, goods []catalog.Goods) ([]Item, int64, int64, error) {
	byID := map[int64]catalog.Goods{}
	for _, g := range goods {
		byID[g.ID] = g
	}
	items := make([]Item, 0, len(lines))
	var points, fen int64
	for _, l := range lines {
		g, ok := byID[l.GoodsID]
		if !ok || g.ShopID != shopID || !g.OnShelf {
			return nil, 0, 0, ErrNotOnShelf.WithDetails(map[string]any{"goods_id": l.GoodsID})
		}
		if g.Stock < l.Quantity {
			return nil, 0, 0, catalog.ErrOutOfStock.WithMessage("%s: only %d%s left", g.Name, g.Stock, g.Unit).
				WithDetails(map[string]any{"goods_id": g.ID, "stock": g.Stock})
		}
		items = append(items, Item{GoodsID: g.ID, Name: g.Name, Unit: g.Unit, Quantity: l.Quantity, PointsEach: g.Points, PriceFen: g.PriceFen})
		points += l.Quantity * g.Points
		fen += l.Quantity * g.PriceFen
	}
	slices.SortFunc(items, func(a, b Item) int { return int(a.GoodsID - b.GoodsID) })
	return items, points, fen, nil
}

// CheckLimits returns ErrMonthlyLimit when items plus what the account already took this month
// exceed a goods item's monthly limit per household.
func CheckLimits(items []Item, goods []catalog.Goods, taken map[int64]int64) error {
	limits := map[int64]catalog.Goods{}
	for _, g := range goods {
		limits[g.ID] = g
	}
	for _, it := range items {
		g := limits[it.GoodsID]
		if g.MonthlyLimit == nil {
			continue
		}
		if have := taken[it.GoodsID]; have+it.Quantity > int64(*g.MonthlyLimit) {
			return ErrMonthlyLimit.WithMessage("%s: %d%s per household a month, %d taken already",
				g.Name, *g.MonthlyLimit, g.Unit, have).
				WithDetails(map[string]any{"goods_id": g.ID, "limit": *g.MonthlyLimit, "taken": have})
		}
	}
	return nil
}
