package catalog

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/org"
	"pointsmarket/internal/phone"
	"pointsmarket/internal/text"
)

// Deps are what the Service needs.
type Deps struct {
	Store  Store
	Places auth.Places
	Now    func() time.Time
}

// Service applies the catalog's rules and access policy: a shopkeeper manages only their shop's
// goods and stock, a clerk their village's shops and agreements, a supervisor reads their village's
// and approves its exchange standard; everyone may browse goods on the shelf.
type Service struct {
	Deps
	// decodes holds a token per photo being decoded, so that six uploads at once take the memory
	// of two.
	decodes chan struct{}
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	return &Service{Deps: d, decodes: make(chan struct{}, PhotoDecodes)}
}

// shop returns a shop and its place.
func (s *Service) shop(ctx context.Context, id int64) (org.Shop, auth.Place, error) {
	sh, err := s.Store.Shop(ctx, id)
	if err != nil {
		return sh, auth.Place{}, err
	}
	place, err := s.Places.VillagePlace(ctx, sh.VillageID)
	return sh, place, err
}

func canManageShop(p auth.Principal, sh org.Shop, place auth.Place) bool {
	return p.RunsShop(sh.ID) || p.CanManageVillage(place)
}

func canReadShop(p auth.Principal, sh org.Shop, place auth.Place) bool {
	return canManageShop(p, sh, place) || p.CanReadVillage(place)
}

// managedShop returns the shop when p may manage it, else fault.ErrForbidden.
func (s *Service) managedShop(ctx context.Context, p auth.Principal, id int64) (org.Shop, auth.Place, error) {
	sh, place, err := s.shop(ctx, id)
	if err == nil && !canManageShop(p, sh, place) {
		err = fmt.Errorf("shop %d: %w", id, fault.ErrForbidden)
	}
	return sh, place, err
}

// Shops returns the shops p may use or run: shops with an active agreement with p's village,
// p's own shop, and the shops of the villages and townships where p holds an office.
func (s *Service) Shops(ctx context.Context, p auth.Principal) ([]org.Shop, error) {
	var filters []ShopFilter
	if p.HouseholdID != 0 {
		filters = append(filters, ShopFilter{ActiveFor: p.Home.VillageID, Day: s.Now()})
	}
	for _, g := range p.Grants {
		switch {
		case g.Role == auth.RoleShopkeeper:
			filters = append(filters, ShopFilter{IDs: []int64{g.ShopID}})
		case g.Role == auth.RoleRepresentative && p.HouseholdID == 0:
			filters = append(filters, ShopFilter{ActiveFor: g.VillageID, Day: s.Now()})
		case g.VillageID == 0 && (g.Role == auth.RoleTownshipAdmin || g.Role == auth.RoleSupervisor):
			filters = append(filters, ShopFilter{TownshipID: g.TownshipID})
		case g.Role == auth.RoleClerk || g.Role == auth.RoleSupervisor:
			filters = append(filters, ShopFilter{VillageIDs: []int64{g.VillageID}})
		}
	}
	seen := map[int64]bool{}
	places := map[int64]auth.Place{}
	out := []org.Shop{}
	for _, f := range filters {
		shops, err := s.Store.Shops(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, sh := range shops {
			if seen[sh.ID] {
				continue
			}
			seen[sh.ID] = true
			place, ok := places[sh.VillageID]
			if !ok {
				if place, err = s.Places.VillagePlace(ctx, sh.VillageID); err != nil {
					return nil, err
				}
				places[sh.VillageID] = place
			}
			out = append(out, forViewer(p, sh, place))
		}
	}
	return out, nil
}

// forViewer hides the owner's phone from everyone but those who manage the shop's village and the
// shop's own shopkeepers: villagers of every village may list the shop, not call its owner.
func forViewer(p auth.Principal, sh org.Shop, place auth.Place) org.Shop {
	if !p.CanManageVillage(place) && !p.RunsShop(sh.ID) {
		sh.Phone = ""
	}
	return sh
}

// ShopInput is what a clerk sends to register or change a shop.
type ShopInput struct {
	Name      string `json:"name"`
	Address   string `json:"address"`
	OwnerName string `json:"owner_name"`
	Phone     string `json:"phone"`
}

func (in ShopInput) apply(sh *org.Shop) (err error) {
	if in.Name, err = text.Clean("name", in.Name, 1, 64); err != nil {
		return err
	}
	if in.Address, err = text.Clean("address", in.Address, 0, 255); err != nil {
		return err
	}
	if in.OwnerName, err = text.Clean("owner_name", in.OwnerName, 0, 64); err != nil {
		return err
	}
	if in.Phone, err = text.Clean("phone", in.Phone, 0, 64); err != nil {
		return err
	}
	if in.Phone != "" {
		if in.Phone, err = phone.Canonical(in.Phone); err != nil {
			return err
		}
	}
	sh.Name, sh.Address, sh.OwnerName, sh.Phone = in.Name, in.Address, in.OwnerName, in.Phone
	return nil
}

// CreateShop registers a partner shop located in a village p manages.
func (s *Service) CreateShop(ctx context.Context, p auth.Principal, villageID int64, in ShopInput) (org.Shop, error) {
	place, err := s.Places.VillagePlace(ctx, villageID)
	if err != nil {
		return org.Shop{}, err
	}
	if !p.CanManageVillage(place) {
		return org.Shop{}, fmt.Errorf("create shop in village %d: %w", villageID, fault.ErrForbidden)
	}
	sh := org.Shop{VillageID: villageID}
	if err := in.apply(&sh); err != nil {
		return org.Shop{}, err
	}
	return s.Store.CreateShop(ctx, sh)
}

// UpdateShop changes a shop of a village p manages.
func (s *Service) UpdateShop(ctx context.Context, p auth.Principal, id int64, in ShopInput) (org.Shop, error) {
	sh, place, err := s.shop(ctx, id)
	if err != nil {
		return sh, err
	}
	if !p.CanManageVillage(place) {
		return sh, fmt.Errorf("update shop %d: %w", id, fault.ErrForbidden)
	}
	return s.Store.UpdateShop(ctx, id, in.apply)
}

// Shop returns a shop to anyone logged in: shops are public places; the owner's phone is shown
// only to those who manage its village and its shopkeepers.
func (s *Service) Shop(ctx context.Context, p auth.Principal, id int64) (org.Shop, error) {
	sh, place, err := s.shop(ctx, id)
	if err != nil {
		return sh, err
	}
	return forViewer(p, sh, place), nil
}
