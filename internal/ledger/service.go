package ledger

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/write"
)

// Store reads accounts and histories; writes go through Tx, in the workflows of this package.
type Store interface {
	Account(ctx context.Context, id int64) (Account, error)
	// AccountOf returns the account of an owner, or ErrAccountNotFound.
	AccountOf(ctx context.Context, villageID int64, kind AccountKind, ownerID int64) (Account, error)
	// History returns an account's transfers, newest first, with ids below beforeID (0: from the newest).
	History(ctx context.Context, accountID, beforeID int64, limit int) ([]HistoryLine, error)
}

// Report is what a ledger verification found.
type Report struct {
	Accounts  int64
	Transfers int64
	Holds     int64
	Breaches  []string
}

// TransferRequest asks for points to move.
type TransferRequest struct {
	DebitAccountID  int64        `json:"debit_account_id"`
	CreditAccountID int64        `json:"credit_account_id"`
	Amount          int64        `json:"amount"`
	Kind            TransferKind `json:"kind"`
	Reason          string       `json:"reason"`
	RefType         string       `json:"ref_type"`
	RefID           int64        `json:"ref_id"`
	// AllowNegative lets an approved penalty take the balance below zero where the village allows it.
	AllowNegative bool `json:"allow_negative"`
}

// HoldRequest asks for points to be reserved for a later capture.
type HoldRequest struct {
	DebitAccountID  int64        `json:"debit_account_id"`
	CreditAccountID int64        `json:"credit_account_id"`
	Amount          int64        `json:"amount"`
	Kind            TransferKind `json:"kind"`
	Reason          string       `json:"reason"`
	RefType         string       `json:"ref_type"`
	RefID           int64        `json:"ref_id"`
}

func checkMovement(debit, credit, amount int64, kind TransferKind, reason string) error {
	switch {
	case debit <= 0 || credit <= 0:
		return fault.Invalidf("both accounts are required")
	case debit == credit:
		return fault.Invalidf("debit and credit accounts must differ")
	case amount <= 0 || amount > MaxAmount:
		return fault.Invalidf("amount must be a whole number of points from 1 to %d", MaxAmount)
	case !kind.valid():
		return fault.Invalidf("unknown transfer kind %q", kind)
	}
	return checkReason(reason)
}

func checkReason(reason string) error {
	if r := strings.TrimSpace(reason); r == "" || utf8.RuneCountInString(r) > 200 {
		return fault.Invalidf("a reason of 1 to 200 characters is required: every movement says why")
	}
	return nil
}

// Deps are what the Service needs.
type Deps struct {
	Store  Store
	Places auth.Places
	InTx   write.InTx[Tx]
}

// Service validates ledger writes, runs them in one transaction each and applies the read access
// policy.
type Service struct{ Deps }

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{d} }

// Transfer moves points; key may be empty. ErrInsufficientPoints when the debit account's
// available points do not cover the amount (unless AllowNegative), ErrAccountNotFound,
// ErrCrossVillage, fault.ErrIdempotency.
func (s *Service) Transfer(ctx context.Context, req TransferRequest, key string) (Transfer, error) {
	if err := write.CheckKey(key); err != nil {
		return Transfer{}, err
	}
	return s.transfer(ctx, req, write.NewKey(key, "transfer", req))
}

// TransferOnce moves points at most once for (scope, key), whoever asks.
func (s *Service) TransferOnce(ctx context.Context, req TransferRequest, scope, key string) (Transfer, error) {
	if key == "" || scope == "" || len(scope) > 64 {
		return Transfer{}, fault.Invalidf("a scope and a key are required")
	}
	k := write.NewKey(key, "transfer", req)
	k.Scope = scope
	return s.transfer(ctx, req, k)
}

func (s *Service) transfer(ctx context.Context, req TransferRequest, k write.Key) (Transfer, error) {
	if err := checkMovement(req.DebitAccountID, req.CreditAccountID, req.Amount, req.Kind, req.Reason); err != nil {
		return Transfer{}, err
	}
	if req.AllowNegative && req.Kind != Penalty {
		return Transfer{}, fault.Invalidf("only a penalty may take a balance below zero")
	}
	t, err := write.Run(ctx, s.InTx, k, func(tx Tx, id int64) (Transfer, error) { return tx.TransferByID(ctx, id) },
		func(tx Tx) (write.Done[Transfer], error) {
			t, err := Move(ctx, tx, Movement{DebitAccountID: req.DebitAccountID, CreditAccountID: req.CreditAccountID,
				Amount: req.Amount, Kind: req.Kind, Earning: req.Kind.Earning(), Reason: req.Reason, RefType: req.RefType,
				RefID: req.RefID, AllowNegative: req.AllowNegative})
			if err != nil {
				return write.Done[Transfer]{}, err
			}
			place, err := tx.VillagePlace(ctx, t.VillageID)
			return write.Done[Transfer]{Value: t, ID: t.ID, Events: []audit.Event{TransferEvent(t, place)}}, err
		})
	if err != nil {
		return Transfer{}, fmt.Errorf("transfer %d→%d: %w", req.DebitAccountID, req.CreditAccountID, err)
	}
	return t, nil
}

// Account returns an account p may read: their household's, their own representative account,
// or any account of a village p may read.
func (s *Service) Account(ctx context.Context, p auth.Principal, id int64) (Account, error) {
	a, err := s.Store.Account(ctx, id)
	if err != nil {
		return Account{}, err
	}
	if err := s.authorize(ctx, p, a); err != nil {
		return Account{}, err
	}
	return a, nil
}

func (s *Service) authorize(ctx context.Context, p auth.Principal, a Account) error {
	switch {
	case a.Kind == Household && a.OwnerID == p.HouseholdID && p.HouseholdID != 0:
		return nil
	case a.Kind == Representative && a.OwnerID == p.PersonID:
		return nil
	}
	place, err := s.Places.VillagePlace(ctx, a.VillageID)
	if err != nil {
		return err
	}
	if !p.CanReadVillage(place) {
		return fmt.Errorf("account %d: %w", a.ID, fault.ErrForbidden)
	}
	return nil
}

// MaxPage is the largest history page.
const MaxPage = 200

// History returns a page of an account's history, newest first, for whoever may read the account.
func (s *Service) History(ctx context.Context, p auth.Principal, accountID, beforeID int64, limit int) ([]HistoryLine, error) {
	if _, err := s.Account(ctx, p, accountID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxPage {
		limit = 50
	}
	return s.Store.History(ctx, accountID, beforeID, limit)
}

// AccountsOf returns the principal's own accounts: the household's, then the representative one.
func (s *Service) AccountsOf(ctx context.Context, p auth.Principal) ([]Account, error) {
	var out []Account
	if p.HouseholdID != 0 {
		a, err := s.Store.AccountOf(ctx, p.Home.VillageID, Household, p.HouseholdID)
		if err != nil {
			return nil, fmt.Errorf("household account: %w", err)
		}
		out = append(out, a)
	}
	if p.HoldsIn(auth.RoleRepresentative, p.Home) {
		a, err := s.Store.AccountOf(ctx, p.Home.VillageID, Representative, p.PersonID)
		if err != nil {
			return nil, fmt.Errorf("representative account: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}
