package card

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/notify"
	"pointsmarket/internal/org"
	"pointsmarket/internal/text"
	"pointsmarket/internal/voucher"
	"pointsmarket/internal/write"
)

// Store reads cards.
type Store interface {
	// Card returns a card with its household and account, or ErrNotFound.
	Card(ctx context.Context, id int64) (Card, error)
	// ByNumber returns the card of a typed number, or ErrNotFound.
	ByNumber(ctx context.Context, number string) (Card, error)
	// Of returns a household's cards, newest first.
	Of(ctx context.Context, householdID int64) ([]Card, error)
	// ShopServes reports whether a shop has an agreement in force with a village at a time.
	ShopServes(ctx context.Context, shopID, villageID int64, at time.Time) (bool, error)
}

// Tx is what the card's workflows need of their transaction.
type Tx interface {
	write.Tx
	// InsertCard writes a new active card for its household and blocks the household's active
	// card, if any, as replaced; the household's row is the lock. It returns the card blocked (0: none).
	InsertCard(ctx context.Context, c *Card) (replaced int64, err error)
	// LockCard reads a card and locks its row. ErrNotFound.
	LockCard(ctx context.Context, id int64) (Card, error)
	// SetPIN stores a PIN's hash and clears the wrong PINs counted.
	SetPIN(ctx context.Context, id int64, hash string, at time.Time, by int64) error
	// SetFailures records the wrong PINs in a row and the lock they earned.
	SetFailures(ctx context.Context, id int64, failures int, lockedUntil *time.Time) error
	// BlockCard blocks an active card; false when it was not active.
	BlockCard(ctx context.Context, id int64, at time.Time, by int64, reason string) (bool, error)
}

// Org is what cards read of the register.
type Org interface {
	VillagePlace(ctx context.Context, villageID int64) (auth.Place, error)
	Household(ctx context.Context, id int64) (org.Household, error)
}

// Alerts is told what the supervisors must see of cards.
type Alerts interface {
	// OnCardPINByOffice: the village office set a household's PIN (it could spend the points).
	OnCardPINByOffice(ctx context.Context, villageID, householdID, cardID, by int64)
	// OnCardPINFailures: a card reached FreeTries wrong PINs in a row at a shop.
	OnCardPINFailures(ctx context.Context, villageID, householdID, cardID, shopID int64, failures int)
}

// Hasher hashes and compares PINs slowly.
type Hasher interface {
	Hash(pin string) (string, error)
	Matches(hash, pin string) bool
}

// Deps are what the Service needs.
type Deps struct {
	Store  Store
	InTx   write.InTx[Tx]
	Org    Org
	Alerts Alerts
	Hasher Hasher
	Codes  voucher.Codes
	Now    func() time.Time
}

// Service applies the cards' rules.
type Service struct{ Deps }

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// household reads a household and its village's place.
func (s *Service) household(ctx context.Context, id int64) (org.Household, auth.Place, error) {
	h, err := s.Org.Household(ctx, id)
	if err != nil {
		return h, auth.Place{}, err
	}
	pl, err := s.Org.VillagePlace(ctx, h.VillageID)
	return h, pl, err
}

// spokenFor returns a card's household and place when p speaks for it (its members, the village
// office), else fault.ErrForbidden; act names the act for the error.
func (s *Service) spokenFor(ctx context.Context, p auth.Principal, cardID int64, act string) (org.Household, auth.Place, error) {
	c, err := s.Store.Card(ctx, cardID)
	if err != nil {
		return org.Household{}, auth.Place{}, err
	}
	h, pl, err := s.household(ctx, c.HouseholdID)
	if err != nil {
		return h, pl, err
	}
	if !p.SpeaksForHousehold(h.ID, pl) {
		return h, pl, fmt.Errorf("%s card %d: %w", act, cardID, fault.ErrForbidden)
	}
	return h, pl, nil
}

// Issue prints a new card for a household (the village office): a fresh QR and number; the
// household's card in use, if any, is blocked as replaced. The PIN is set apart (SetPIN).
func (s *Service) Issue(ctx context.Context, p auth.Principal, householdID int64) (Card, error) {
	h, pl, err := s.household(ctx, householdID)
	if err != nil {
		return Card{}, err
	}
	if !p.CanManageVillage(pl) {
		return Card{}, fmt.Errorf("issue a card to household %d: %w", householdID, fault.ErrForbidden)
	}
	c := Card{VillageID: h.VillageID, HouseholdID: h.ID, Number: NewNumber(), Nonce: voucher.NewNonce(), Status: Active,
		IssuedBy: p.PersonID, IssuedAt: s.Now()}
	c, err = write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Card], error) {
		replaced, err := tx.InsertCard(ctx, &c)
		if err != nil {
			return write.Done[Card]{}, err
		}
		events := []audit.Event{{Place: pl, Action: "card.issue", ObjectType: "household", ObjectID: h.ID,
			After: map[string]any{"card_id": c.ID, "number": c.Number, "replaced": replaced}}}
		return write.Done[Card]{Value: c, ID: c.ID, Events: events, Notices: []notify.Notice{
			s.notice(h, c.ID, "村里为您家制了新的户卡", "新卡启用，旧卡（如有）已停用。不是您家办的，请联系村监督小组。", "issued", p.PersonID)}}, nil
	})
	if err != nil {
		return Card{}, err
	}
	return s.read(ctx, c.ID)
}

// notice tells a household's members of a change to its card.
func (s *Service) notice(h org.Household, cardID int64, title, body, what string, by int64) notify.Notice {
	return notify.Notice{To: []notify.To{{HouseholdID: h.ID}}, Kind: notify.CardChanged, Title: title, Body: body,
		Link: "/home", Key: fmt.Sprintf("card:%d:%s:%d", cardID, what, s.Now().UnixNano()), Except: by}
}

// read returns a card as its readers see it.
func (s *Service) read(ctx context.Context, id int64) (Card, error) {
	c, err := s.Store.Card(ctx, id)
	return shown(c), err
}

// PINInput is a new PIN, keyed in by the villager at the village office.
type PINInput struct {
	PIN string `json:"pin"`
}

// SetPIN sets or resets a card's PIN (the village office, or a member of the household): the
// hash is stored, the wrong PINs counted are cleared, the household is told and, when the office
// set it, the supervisors are alerted. ErrWeakPIN, ErrNotActive.
func (s *Service) SetPIN(ctx context.Context, p auth.Principal, cardID int64, in PINInput) (Card, error) {
	if err := CheckPIN(in.PIN); err != nil {
		return Card{}, err
	}
	h, pl, err := s.spokenFor(ctx, p, cardID, "set the PIN of")
	if err != nil {
		return Card{}, err
	}
	hash, err := s.Hasher.Hash(in.PIN)
	if err != nil {
		return Card{}, err
	}
	now := s.Now()
	_, err = write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[int64], error) {
		c, err := tx.LockCard(ctx, cardID)
		if err != nil {
			return write.Done[int64]{}, err
		}
		if c.Status != Active {
			return write.Done[int64]{}, ErrNotActive
		}
		if err := tx.SetPIN(ctx, cardID, hash, now, p.PersonID); err != nil {
			return write.Done[int64]{}, err
		}
		return write.Done[int64]{ID: cardID, Events: []audit.Event{{Place: pl, Action: "card.pin_set", ObjectType: "household",
			ObjectID: h.ID, Before: map[string]any{"card_id": cardID, "pin_set": c.PINHash != ""}, After: map[string]any{"card_id": cardID, "pin_set": true}}},
			Notices: []notify.Notice{s.notice(h, cardID, "您家户卡的密码已设置", "户卡密码已设置或重置。不是您家办的，请联系村监督小组。", "pin", p.PersonID)}}, nil
	})
	if err != nil {
		return Card{}, err
	}
	if p.HouseholdID != h.ID {
		s.Alerts.OnCardPINByOffice(ctx, h.VillageID, h.ID, cardID, p.PersonID)
	}
	return s.read(ctx, cardID)
}

// BlockInput says why a card is blocked.
type BlockInput struct {
	Reason string `json:"reason"`
}

// Block blocks a card at once and for good (reported lost): the household's members or the
// village office. ErrNotActive.
func (s *Service) Block(ctx context.Context, p auth.Principal, cardID int64, in BlockInput) (Card, error) {
	reason, err := text.CleanLines("reason", in.Reason, 1, 200)
	if err != nil {
		return Card{}, err
	}
	h, pl, err := s.spokenFor(ctx, p, cardID, "block")
	if err != nil {
		return Card{}, err
	}
	_, err = write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[int64], error) {
		ok, err := tx.BlockCard(ctx, cardID, s.Now(), p.PersonID, reason)
		if err != nil {
			return write.Done[int64]{}, err
		}
		if !ok {
			return write.Done[int64]{}, ErrNotActive
		}
		return write.Done[int64]{ID: cardID, Events: []audit.Event{{Place: pl, Action: "card.block", ObjectType: "household",
			ObjectID: h.ID, Before: map[string]any{"card_id": cardID, "status": Active}, After: map[string]any{"card_id": cardID, "status": Blocked, "reason": reason}}},
			Notices: []notify.Notice{s.notice(h, cardID, "您家的户卡已停用", "停用原因："+reason, "block", p.PersonID)}}, nil
	})
	if err != nil {
		return Card{}, err
	}
	return s.read(ctx, cardID)
}

// Of lists a household's cards: its members, the village office and those who read the village.
func (s *Service) Of(ctx context.Context, p auth.Principal, householdID int64) ([]Card, error) {
	h, pl, err := s.household(ctx, householdID)
	if err != nil {
		return nil, err
	}
	if !p.SpeaksForHousehold(h.ID, pl) && !p.CanReadVillage(pl) {
		return nil, fmt.Errorf("cards of household %d: %w", householdID, fault.ErrForbidden)
	}
	cs, err := s.Store.Of(ctx, householdID)
	for i := range cs {
		cs[i] = shown(cs[i])
	}
	return cs, err
}

// Card returns a card for its household's members, the village office and those who read the
// village.
func (s *Service) Card(ctx context.Context, p auth.Principal, cardID int64) (Card, error) {
	c, err := s.read(ctx, cardID)
	if err != nil {
		return Card{}, err
	}
	pl, err := s.Org.VillagePlace(ctx, c.VillageID)
	if err != nil {
		return Card{}, err
	}
	if !p.SpeaksForHousehold(c.HouseholdID, pl) && !p.CanReadVillage(pl) {
		return Card{}, fmt.Errorf("card %d: %w", cardID, fault.ErrForbidden)
	}
	return c, nil
}

// Printable returns an active card and the text of its QR, for printing (the village office and
// the household's members).
func (s *Service) Printable(ctx context.Context, p auth.Principal, cardID int64) (Card, string, error) {
	c, err := s.read(ctx, cardID)
	if err != nil {
		return Card{}, "", err
	}
	pl, err := s.Org.VillagePlace(ctx, c.VillageID)
	if err != nil {
		return Card{}, "", err
	}
	if !p.SpeaksForHousehold(c.HouseholdID, pl) {
		return Card{}, "", fmt.Errorf("print card %d: %w", cardID, fault.ErrForbidden)
	}
	if c.Status != Active {
		return Card{}, "", ErrBlocked
	}
	return c, s.Codes.Card(c.ID, c.Nonce), nil
}
