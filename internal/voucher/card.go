package voucher

import (
	"context"
	"fmt"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/write"
)

// Cards checks a household card presented at a counter and the PIN keyed in for it; the card
// package implements it.
type Cards interface {
	// Unlock returns the card's holder when the shop serves the card's village and the PIN is
	// right, and counts a wrong PIN against the card.
	Unlock(ctx context.Context, shopID int64, code, pin string) (CardHolder, error)
}

// CardHolder is the account a household card spends from, once its PIN was right.
type CardHolder struct {
	CardID    int64
	AccountID int64
	Holder    string // masked
}

// CounterShop returns the shop a counter works for: shopID when p keeps it, or p's first shop
// when shopID is 0. ErrNotShopkeeper.
func CounterShop(p auth.Principal, shopID int64) (int64, error) {
	shops, err := shopsOf(p)
	if err != nil {
		return 0, err
	}
	if shopID == 0 {
		return shops[0], nil
	}
	if !p.RunsShop(shopID) {
		return 0, ErrNotShopkeeper
	}
	return shopID, nil
}

// CardInput is goods rung up against a household card, with the PIN the villager keyed in.
type CardInput struct {
	Card   string `json:"card"` // the card's QR text or its typed number
	PIN    string `json:"pin"`
	ShopID int64  `json:"shop_id"` // optional when the shopkeeper keeps one shop
	Items  []Line `json:"items"`
	// TopUp takes cash for the points that fall short (积分+现金).
	TopUp bool `json:"top_up"`
}

// CardCheckout takes the points for goods at once from the household of a card whose PIN is
// right: the same one-transaction redemption as a member code's, under the account's lock. The
// PIN is checked (and a wrong one counted) first, in a transaction of its own; it is not part of
// the idempotency key's request, so a retry after a dropped answer replays the first redemption.
func (s *Service) CardCheckout(ctx context.Context, p auth.Principal, in CardInput, key string) (r Redemption, err error) {
	defer func() { s.observe(ByCard, err) }()
	if err := write.CheckKey(key); err != nil {
		return Redemption{}, err
	}
	shop, err := CounterShop(p, in.ShopID)
	if err != nil {
		return Redemption{}, err
	}
	if err := CheckLines(in.Items); err != nil {
		return Redemption{}, err
	}
	if s.Cards == nil {
		return Redemption{}, fmt.Errorf("card checkout: no cards wired: %w", ErrInvalidCode)
	}
	holder, err := s.Cards.Unlock(ctx, shop, in.Card, in.PIN)
	if err != nil {
		return Redemption{}, err
	}
	k := write.NewKey(key, "counter.card_checkout", []any{holder.CardID, shop, in.Items, in.TopUp})
	err = s.locked(ctx, fmt.Sprintf("account:%d", holder.AccountID), func(Fence) error {
		r, err = s.checkout(ctx, CheckoutRequest{Card: &holder, ShopID: shop, Lines: in.Items, TopUp: in.TopUp, By: p.PersonID, Now: s.Now()}, k)
		err = wrapf(err, "card checkout")
		return err
	})
	if err != nil {
		return Redemption{}, err
	}
	r.Holder = holder.Holder
	s.Invalidate(ctx, shop)
	s.watch(ctx, r, false)
	return r, nil
}
