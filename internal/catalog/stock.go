package catalog

import (
	"context"
	"fmt"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
)

// StockInput is a stock-in (quantity > 0, with the delivery date) or an adjustment (a signed
// quantity with a reason: damage, count correction ...).
type StockInput struct {
	Quantity int64  `json:"quantity"`
	Date     string `json:"date"` // YYYY-MM-DD; today when empty
	Reason   string `json:"reason"`
}

// StockIn records a delivery (进货) for goods of a shop p manages.
func (s *Service) StockIn(ctx context.Context, p auth.Principal, goodsID int64, in StockInput) (Goods, error) {
	if in.Quantity < 1 || in.Quantity > MaxStock {
		return Goods{}, fault.Invalidf("quantity must be a whole number from 1 to %d", MaxStock)
	}
	if in.Reason == "" {
		in.Reason = "进货"
	}
	return s.move(ctx, p, goodsID, StockIn, in.Quantity, in)
}

// AdjustStock corrects the stock of goods of a shop p manages; a reason is required.
func (s *Service) AdjustStock(ctx context.Context, p auth.Principal, goodsID int64, in StockInput) (Goods, error) {
	if in.Quantity == 0 || in.Quantity > MaxStock || in.Quantity < -MaxStock {
		return Goods{}, fault.Invalidf("quantity must be a non-zero whole number from -%d to %d", MaxStock, MaxStock)
	}
	if _, err := text.CleanLines("reason", in.Reason, 1, 255); err != nil {
		return Goods{}, text.ErrInvalid.WithMessage("an adjustment needs a reason (damage, count correction ...)")
	}
	return s.move(ctx, p, goodsID, Adjust, in.Quantity, in)
}

func (s *Service) move(ctx context.Context, p auth.Principal, goodsID int64, kind MovementKind, delta int64, in StockInput) (Goods, error) {
	if _, err := s.managedGoods(ctx, p, goodsID); err != nil {
		return Goods{}, err
	}
	day := calendar.Date(s.Now())
	if in.Date != "" {
		d, err := parseDate("date", in.Date)
		if err != nil {
			return Goods{}, err
		}
		if d.After(day) {
			return Goods{}, fault.Invalidf("date cannot be in the future")
		}
		day = d
	}
	reason, err := text.CleanLines("reason", in.Reason, 1, 255)
	if err != nil {
		return Goods{}, err
	}
	return s.Store.MoveStock(ctx, Movement{GoodsID: goodsID, Delta: delta, Kind: kind, Reason: reason,
		MovedOn: day, CreatedBy: p.PersonID})
}

// Movements lists a goods item's stock movements, newest first, for those who manage or read the shop.
func (s *Service) Movements(ctx context.Context, p auth.Principal, goodsID, beforeID int64, limit int) ([]Movement, error) {
	g, err := s.Store.Goods(ctx, goodsID)
	if err != nil {
		return nil, err
	}
	sh, place, err := s.shop(ctx, g.ShopID)
	if err != nil {
		return nil, err
	}
	if !canReadShop(p, sh, place) {
		return nil, fmt.Errorf("stock of goods %d: %w", goodsID, fault.ErrForbidden)
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return s.Store.Movements(ctx, goodsID, beforeID, limit)
}

// LowStock lists a shop's goods at or below their low-stock mark, for those who manage or read it.
func (s *Service) LowStock(ctx context.Context, p auth.Principal, shopID int64) ([]Goods, error) {
	sh, place, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if !canReadShop(p, sh, place) {
		return nil, fmt.Errorf("low stock of shop %d: %w", shopID, fault.ErrForbidden)
	}
	goods, err := s.Store.ShopGoods(ctx, shopID)
	if err != nil {
		return nil, err
	}
	out := []Goods{}
	for _, g := range goods {
		if g.Stock <= int64(g.LowStock) {
			out = append(out, g)
		}
	}
	return out, nil
}
