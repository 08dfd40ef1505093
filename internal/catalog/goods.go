package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
)

// GoodsInput is what a shopkeeper or clerk sends to list or change goods.
type GoodsInput struct {
	Name         string `json:"name"`
	Category     string `json:"category"`
	Unit         string `json:"unit"`
	Points       int64  `json:"points"`
	PriceFen     int64  `json:"price_fen"`
	MonthlyLimit *int   `json:"monthly_limit"`
	LowStock     *int   `json:"low_stock"`
}

func (in GoodsInput) apply(g *Goods) (err error) {
	if in.Name, err = text.Clean("name", in.Name, 1, 64); err != nil {
		return err
	}
	if in.Category, err = text.Clean("category", in.Category, 1, 32); err != nil {
		return err
	}
	if in.Unit, err = text.Clean("unit", in.Unit, 1, 16); err != nil {
		return err
	}
	switch {
	case in.Points < 1 || in.Points > MaxPoints:
		return fault.Invalidf("points must be a whole number from 1 to %d", MaxPoints)
	case in.PriceFen < 0 || in.PriceFen > MaxPriceFen:
		return fault.Invalidf("price_fen must be a whole number of fen from 0 to %d", MaxPriceFen)
	case in.MonthlyLimit != nil && (*in.MonthlyLimit < 1 || *in.MonthlyLimit > 10_000):
		return fault.Invalidf("monthly_limit, when given, must be from 1 to 10000 per household")
	case in.LowStock != nil && (*in.LowStock < 0 || *in.LowStock > 1_000_000):
		return fault.Invalidf("low_stock must be from 0 to 1000000")
	}
	g.Name, g.Category, g.Unit = in.Name, in.Category, in.Unit
	g.Points, g.PriceFen, g.MonthlyLimit = in.Points, in.PriceFen, in.MonthlyLimit
	if in.LowStock != nil {
		g.LowStock = *in.LowStock
	}
	return nil
}

// GoodsFilter narrows a shop's goods: by category, by a piece of the name, and (for those who
// manage or read the shop) including goods off the shelf.
type GoodsFilter struct {
	Category string
	Query    string
	All      bool
}

// ShopGoods lists a shop's goods for anyone logged in. Only those who manage or read the shop see
// goods off the shelf, and only when they ask for all.
func (s *Service) ShopGoods(ctx context.Context, p auth.Principal, shopID int64, f GoodsFilter) ([]Goods, error) {
	sh, place, err := s.shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	all := f.All && canReadShop(p, sh, place)
	goods, err := s.Store.ShopGoods(ctx, shopID)
	if err != nil {
		return nil, err
	}
	q := strings.TrimSpace(f.Query)
	out := make([]Goods, 0, len(goods))
	for _, g := range goods {
		if (all || g.OnShelf) && (f.Category == "" || g.Category == f.Category) && (q == "" || strings.Contains(g.Name, q)) {
			out = append(out, g)
		}
	}
	return out, nil
}

// Categories lists the categories of a shop's goods on the shelf.
func (s *Service) Categories(ctx context.Context, shopID int64) ([]string, error) {
	goods, err := s.Store.ShopGoods(ctx, shopID)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, g := range goods {
		if g.OnShelf && !slices.Contains(out, g.Category) {
			out = append(out, g.Category)
		}
	}
	return out, nil
}

// Goods returns one goods item; off-shelf goods only to those who manage or read the shop.
func (s *Service) Goods(ctx context.Context, p auth.Principal, id int64) (Goods, error) {
	g, err := s.Store.Goods(ctx, id)
	if err != nil {
		return g, err
	}
	if !g.OnShelf {
		sh, place, err := s.shop(ctx, g.ShopID)
		if err != nil {
			return g, err
		}
		if !canReadShop(p, sh, place) {
			return Goods{}, fmt.Errorf("goods %d: %w", id, ErrGoodsNotFound)
		}
	}
	return g, nil
}

// managedGoods returns goods of a shop p manages.
func (s *Service) managedGoods(ctx context.Context, p auth.Principal, id int64) (Goods, error) {
	g, err := s.Store.Goods(ctx, id)
	if err != nil {
		return g, err
	}
	_, _, err = s.managedShop(ctx, p, g.ShopID)
	return g, err
}

// CreateGoods lists new goods (off the shelf) in a shop p manages.
func (s *Service) CreateGoods(ctx context.Context, p auth.Principal, shopID int64, in GoodsInput) (Goods, error) {
	if _, _, err := s.managedShop(ctx, p, shopID); err != nil {
		return Goods{}, err
	}
	g := Goods{ShopID: shopID, LowStock: 10}
	if err := in.apply(&g); err != nil {
		return Goods{}, err
	}
	return s.Store.CreateGoods(ctx, g)
}

// UpdateGoods changes goods of a shop p manages; a new price is checked against the standard again.
func (s *Service) UpdateGoods(ctx context.Context, p auth.Principal, id int64, in GoodsInput) (Goods, error) {
	if _, err := s.managedGoods(ctx, p, id); err != nil {
		return Goods{}, err
	}
	return s.Store.UpdateGoods(ctx, id, in.apply)
}

// SetShelf puts goods on the shelf or takes them off. Goods whose price breaks the approved
// standard, without a supervisor's exception, cannot go on: ErrBreaksStandard.
func (s *Service) SetShelf(ctx context.Context, p auth.Principal, id int64, on bool) (Goods, error) {
	if _, err := s.managedGoods(ctx, p, id); err != nil {
		return Goods{}, err
	}
	return s.Store.UpdateGoods(ctx, id, func(g *Goods) error {
		if on && !g.Shelvable() {
			return ErrBreaksStandard
		}
		g.OnShelf = on
		return nil
	})
}

// ApproveException lets goods whose price breaks the standard go on the shelf at that price. Only
// a supervisor of the shop's village may; a later price change voids it.
func (s *Service) ApproveException(ctx context.Context, p auth.Principal, id int64) (Goods, error) {
	g, err := s.Store.Goods(ctx, id)
	if err != nil {
		return g, err
	}
	_, place, err := s.shop(ctx, g.ShopID)
	if err != nil {
		return g, err
	}
	if !p.HoldsIn(auth.RoleSupervisor, place) {
		return g, fmt.Errorf("approve price of goods %d: %w", id, fault.ErrForbidden)
	}
	return s.Store.UpdateGoods(ctx, id, func(g *Goods) error {
		g.ExceptionBy = &p.PersonID
		return nil
	})
}

// UploadPhoto checks, shrinks and stores a photo of goods of a shop p manages.
func (s *Service) UploadPhoto(ctx context.Context, p auth.Principal, id int64, data []byte) (Goods, error) {
	if _, err := s.managedGoods(ctx, p, id); err != nil {
		return Goods{}, err
	}
	photo, err := s.preparePhoto(ctx, data)
	if err != nil {
		return Goods{}, err
	}
	photo.GoodsID = id
	return s.Store.SavePhoto(ctx, photo)
}

// preparePhoto runs PreparePhoto when a decode slot is free, or gives up when the request ends.
func (s *Service) preparePhoto(ctx context.Context, data []byte) (Photo, error) {
	select {
	case s.decodes <- struct{}{}:
	case <-ctx.Done():
		return Photo{}, fault.ErrUnavailable
	}
	defer func() { <-s.decodes }()
	return PreparePhoto(data)
}

// Photo returns a stored photo; goods photos are public.
func (s *Service) Photo(ctx context.Context, photoID int64) (Photo, error) {
	return s.Store.Photo(ctx, photoID)
}
