package ledger

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
)

// Idempotency identifies a repeatable write: the caller's key and the hash of its request.
// An empty Key means the write is not repeatable. Keys belong to the person writing, unless Scope
// names another owner (a village's base points are issued once, whoever issues them).
type Idempotency struct {
	Key   string
	Hash  []byte
	Scope string
}

// Store keeps accounts, transfers and holds. Each write runs in one transaction together with its
// idempotency record and its audit entry; a repeat with the same key and hash returns the first
// result, the same key with another hash returns fault.ErrIdempotency.
type Store interface {
	// Transfer moves points. Returns ErrInsufficientPoints when the debit account's available points
	// do not cover the amount (unless allowNegative), ErrAccountNotFound, ErrCrossVillage.
	Transfer(ctx context.Context, req TransferRequest, idem Idempotency) (Transfer, error)
	// Hold reserves points. Returns ErrInsufficientPoints, ErrAccountNotFound, ErrCrossVillage.
	Hold(ctx context.Context, req HoldRequest, idem Idempotency) (Hold, error)
	// Capture turns a pending hold into a transfer. Returns ErrHoldNotPending, ErrHoldNotFound.
	Capture(ctx context.Context, holdID int64, idem Idempotency) (Transfer, error)
	// Release lets a pending hold go. Returns ErrHoldNotPending, ErrHoldNotFound.
	Release(ctx context.Context, holdID int64, idem Idempotency) (Hold, error)
	// Reverse undoes a transfer with a new one in the other direction. Returns ErrAlreadyReversed,
	// ErrTransferNotFound, ErrInsufficientPoints (points already spent).
	Reverse(ctx context.Context, transferID int64, reason string, idem Idempotency) (Transfer, error)
	Account(ctx context.Context, id int64) (Account, error)
	// AccountOf returns the account of an owner, or ErrAccountNotFound.
	AccountOf(ctx context.Context, villageID int64, kind AccountKind, ownerID int64) (Account, error)
	// History returns an account's transfers, newest first, with ids below beforeID (0: from the newest).
	History(ctx context.Context, accountID, beforeID int64, limit int) ([]HistoryLine, error)
	// Verify checks every ledger invariant and returns what it found.
	Verify(ctx context.Context) (Report, error)
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

// CheckKey returns an error for an Idempotency-Key longer than 128 characters.
func CheckKey(key string) error { return checkKey(key) }

func checkKey(key string) error {
	if len(key) > 128 {
		return fault.Invalidf("Idempotency-Key is longer than 128 characters")
	}
	return nil
}

// Service validates ledger writes and applies the read access policy.
type Service struct {
	store  Store
	places auth.Places
}

// NewService returns a Service over store; places resolves accounts' villages.
func NewService(store Store, places auth.Places) *Service {
	return &Service{store: store, places: places}
}

// Transfer moves points; see Store.Transfer for the errors. key may be empty.
func (s *Service) Transfer(ctx context.Context, req TransferRequest, key string) (Transfer, error) {
	if err := checkMovement(req.DebitAccountID, req.CreditAccountID, req.Amount, req.Kind, req.Reason); err != nil {
		return Transfer{}, err
	}
	if req.AllowNegative && req.Kind != Penalty {
		return Transfer{}, fault.Invalidf("only a penalty may take a balance below zero")
	}
	if err := checkKey(key); err != nil {
		return Transfer{}, err
	}
	return s.store.Transfer(ctx, req, Idempotency{Key: key, Hash: Fingerprint("transfer", req)})
}

// TransferOnce moves points at most once for (scope, key), whoever asks.
func (s *Service) TransferOnce(ctx context.Context, req TransferRequest, scope, key string) (Transfer, error) {
	if err := checkMovement(req.DebitAccountID, req.CreditAccountID, req.Amount, req.Kind, req.Reason); err != nil {
		return Transfer{}, err
	}
	if key == "" || scope == "" || len(scope) > 64 {
		return Transfer{}, fault.Invalidf("a scope and a key are required")
	}
	return s.store.Transfer(ctx, req, Idempotency{Key: key, Hash: Fingerprint("transfer", req), Scope: scope})
}

// Hold reserves points; see Store.Hold.
func (s *Service) Hold(ctx context.Context, req HoldRequest, key string) (Hold, error) {
	if err := checkMovement(req.DebitAccountID, req.CreditAccountID, req.Amount, req.Kind, req.Reason); err != nil {
		return Hold{}, err
	}
	if err := checkKey(key); err != nil {
		return Hold{}, err
	}
	return s.store.Hold(ctx, req, Idempotency{Key: key, Hash: Fingerprint("hold", req)})
}

// Capture turns a pending hold into a transfer; see Store.Capture.
func (s *Service) Capture(ctx context.Context, holdID int64, key string) (Transfer, error) {
	if err := checkKey(key); err != nil {
		return Transfer{}, err
	}
	return s.store.Capture(ctx, holdID, Idempotency{Key: key, Hash: Fingerprint("capture", holdID)})
}

// Release lets a pending hold go; see Store.Release.
func (s *Service) Release(ctx context.Context, holdID int64, key string) (Hold, error) {
	if err := checkKey(key); err != nil {
		return Hold{}, err
	}
	return s.store.Release(ctx, holdID, Idempotency{Key: key, Hash: Fingerprint("release", holdID)})
}

// Reverse undoes a transfer; see Store.Reverse.
func (s *Service) Reverse(ctx context.Context, transferID int64, reason, key string) (Transfer, error) {
	if err := checkReason(reason); err != nil {
		return Transfer{}, err
	}
	if err := checkKey(key); err != nil {
		return Transfer{}, err
	}
	return s.store.Reverse(ctx, transferID, reason, Idempotency{Key: key, Hash: Fingerprint("reverse", []any{transferID, reason})})
}

// Account returns an account p may read: their household's, their own representative account,
// or any account of a village p may read.
func (s *Service) Account(ctx context.Context, p auth.Principal, id int64) (Account, error) {
	a, err := s.store.Account(ctx, id)
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
	place, err := s.places.VillagePlace(ctx, a.VillageID)
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
	return s.store.History(ctx, accountID, beforeID, limit)
}

// AccountsOf returns the principal's own accounts: the household's, then the representative one.
func (s *Service) AccountsOf(ctx context.Context, p auth.Principal) ([]Account, error) {
	var out []Account
	if p.HouseholdID != 0 {
		a, err := s.store.AccountOf(ctx, p.Home.VillageID, Household, p.HouseholdID)
		if err != nil {
			return nil, fmt.Errorf("household account: %w", err)
		}
		out = append(out, a)
	}
	if p.HoldsIn(auth.RoleRepresentative, p.Home) {
		a, err := s.store.AccountOf(ctx, p.Home.VillageID, Representative, p.PersonID)
		if err != nil {
			return nil, fmt.Errorf("representative account: %w", err)
		}
		out = append(out, a)
	}
	return out, nil
}

// Verify checks the ledger's invariants.
func (s *Service) Verify(ctx context.Context) (Report, error) { return s.store.Verify(ctx) }
