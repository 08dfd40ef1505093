package card

import (
	"bytes"
	"context"
	"errors"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/voucher"
	"pointsmarket/internal/write"
)

// Find returns the card a counter presented (its QR's text, or its typed number) if the shop
// serves its village: a signed QR of another village is ErrOtherVillage, a typed number of one
// answers like a number that does not exist (ErrInvalid), so that typing numbers at a counter
// confirms nothing of other villages' cards. ErrBlocked for a blocked card.
func (s *Service) Find(ctx context.Context, shopID int64, code string) (Card, error) {
	var c Card
	number, typed := Number(code)
	if typed {
		var err error
		if c, err = s.Store.ByNumber(ctx, number); errors.Is(err, ErrNotFound) {
			return Card{}, ErrInvalid
		} else if err != nil {
			return Card{}, err
		}
	} else {
		id, nonce, err := s.Codes.ParseCard(code)
		if err != nil {
			return Card{}, ErrInvalid
		}
		if c, err = s.Store.Card(ctx, id); errors.Is(err, ErrNotFound) {
			return Card{}, ErrInvalid
		} else if err != nil {
			return Card{}, err
		}
		if !bytes.Equal(c.Nonce, nonce) {
			return Card{}, ErrInvalid
		}
	}
	serves, err := s.Store.ShopServes(ctx, shopID, c.VillageID, s.Now())
	if err != nil {
		return Card{}, err
	}
	if !serves && typed {
		return Card{}, ErrInvalid
	}
	if !serves {
		return Card{}, ErrOtherVillage.WithDetails(map[string]any{"village": c.Village})
	}
	if c.Status != Active {
		return Card{}, ErrBlocked
	}
	return shown(c), nil
}

// Preview is what a counter shows of a card before the PIN: whose it is (masked) and whether it
// can be used now.
type Preview struct {
	CardID      int64      `json:"card_id"`
	Household   string     `json:"household"`
	Holder      string     `json:"holder"`
	Village     string     `json:"village"`
	AccountID   int64      `json:"account_id"`
	PINSet      bool       `json:"pin_set"`
	LockedUntil *time.Time `json:"locked_until"`
	Available   int64      `json:"available"`
	// CashTopUp says whether the counter may take cash for points that fall short.
	CashTopUp bool `json:"cash_top_up"`
}

// Scan shows whose card a counter presented. It changes nothing.
func (s *Service) Scan(ctx context.Context, shopID int64, code string) (Preview, error) {
	c, err := s.Find(ctx, shopID, code)
	if err != nil {
		return Preview{}, err
	}
	out := Preview{CardID: c.ID, Household: c.Household, Holder: c.Head, Village: c.Village, AccountID: c.AccountID, PINSet: c.PINSet,
		Available: c.Available, CashTopUp: c.CashTopUp}
	if c.LockedUntil != nil && c.LockedUntil.After(s.Now()) {
		out.LockedUntil = c.LockedUntil
	}
	return out, nil
}

// Unlock implements voucher.Cards: it finds the card a counter presented and checks its PIN,
// counting a wrong one against the card in a transaction of its own (the count must stay though
// the redemption does not happen): from the FreeTries-th wrong PIN in a row, the card is locked
// for a growing time and the supervisors are alerted once. A locked card's PIN is not even
// compared. ErrInvalid, ErrOtherVillage, ErrBlocked, ErrNoPIN, ErrWrongPIN, ErrLocked.
func (s *Service) Unlock(ctx context.Context, shopID int64, code, pin string) (voucher.CardHolder, error) {
	c, err := s.Find(ctx, shopID, code)
	if err != nil {
		return voucher.CardHolder{}, err
	}
	if !c.PINSet {
		return voucher.CardHolder{}, ErrNoPIN
	}
	now := s.Now()
	var refused error
	failures, err := write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[int], error) {
		refused = nil
		c, err := tx.LockCard(ctx, c.ID)
		if err != nil {
			return write.Done[int]{}, err
		}
		switch {
		case c.Status != Active:
			refused = ErrBlocked
			return write.Done[int]{}, nil
		case c.LockedUntil != nil && c.LockedUntil.After(now):
			refused = locked(*c.LockedUntil, now)
			return write.Done[int]{}, nil
		case s.Hasher.Matches(c.PINHash, pin):
			if c.Failures == 0 {
				return write.Done[int]{}, nil // nothing to write, nothing to audit: the redemption is the record
			}
			return write.Done[int]{}, tx.SetFailures(ctx, c.ID, 0, nil)
		}
		failures := c.Failures + 1
		var until *time.Time
		if d := lockAfter(failures); d > 0 {
			t := now.Add(d)
			until = &t
		}
		if err := tx.SetFailures(ctx, c.ID, failures, until); err != nil {
			return write.Done[int]{}, err
		}
		pl, err := s.Org.VillagePlace(ctx, c.VillageID) // only a wrong PIN is audited here: the redemption audits itself
		if err != nil {
			return write.Done[int]{}, err
		}
		refused = ErrWrongPIN.WithDetails(map[string]any{"failures": failures, "free_tries_left": max(FreeTries-failures, 0)})
		if until != nil {
			refused = ErrWrongPIN.WithDetails(map[string]any{"failures": failures, "free_tries_left": 0,
				"locked_until": until, "retry_after_seconds": int(until.Sub(now).Seconds())})
		}
		return write.Done[int]{Value: failures, ID: c.ID, Events: []audit.Event{{Place: pl, Action: "card.pin_wrong", ObjectType: "household",
			ObjectID: c.HouseholdID, After: map[string]any{"card_id": c.ID, "shop_id": shopID, "failures": failures, "locked_until": until}}}}, nil
	})
	if err != nil {
		return voucher.CardHolder{}, err
	}
	if failures == FreeTries {
		s.Alerts.OnCardPINFailures(ctx, c.VillageID, c.HouseholdID, c.ID, shopID, failures)
	}
	if refused != nil {
		return voucher.CardHolder{}, refused
	}
	return voucher.CardHolder{CardID: c.ID, AccountID: c.AccountID, Holder: c.Head}, nil
}

// locked is ErrLocked with when the card may be tried again.
func locked(until, now time.Time) error {
	return ErrLocked.WithDetails(map[string]any{"locked_until": until, "retry_after_seconds": int(until.Sub(now).Seconds()) + 1})
}
