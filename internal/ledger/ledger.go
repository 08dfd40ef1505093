// Package ledger is the double-entry points ledger. Every movement is a transfer of whole points
// from one account to another; transfers are append-only and a mistake is undone by a reversing
// transfer. A hold is a pending transfer: it reserves points (available = balance − held) until it
// is captured (becomes a transfer) or released.
//
// Invariants (verified by Store.Verify and `pointsmarket check`): stored totals equal the sum of
// an account's transfers; the sum of all balances is zero; available never goes below zero except
// by an approved penalty where the village allows it; an idempotency key moves points once; lifetime
// earned points are not reduced by spending.
package ledger

import (
	"errors"
	"time"

	"pointsmarket/internal/fault"
)

// AccountKind says whose an account is.
type AccountKind string

// Account kinds. Household and representative accounts hold villagers' points; the others are the
// village's system accounts, the other side of earning, penalties, redemptions and expiry.
const (
	Household      AccountKind = "household"
	Representative AccountKind = "representative"
	Issuance       AccountKind = "issuance"    // debited when points are granted; its balance is minus all points ever issued
	Penalties      AccountKind = "penalties"   // credited by penalties
	Redemptions    AccountKind = "redemptions" // credited when points are spent at a shop (redemption clearing)
	Expiry         AccountKind = "expiry"      // credited when spendable points expire
)

// SystemKinds are the per-village system accounts. Their totals are derived from transfers instead
// of being stored, so that they never become a row every transaction of the village must lock.
var SystemKinds = []AccountKind{Issuance, Penalties, Redemptions, Expiry}

// IsSystem reports whether k is a system account kind.
func (k AccountKind) IsSystem() bool { return k != Household && k != Representative }

// Account is a points account.
type Account struct {
	ID            int64       `json:"id" db:"id"`
	VillageID     int64       `json:"village_id" db:"village_id"`
	Kind          AccountKind `json:"kind" db:"kind"`
	OwnerID       int64       `json:"owner_id" db:"owner_id"` // household id or person id; 0 for system accounts
	Credits       int64       `json:"credits" db:"credits"`
	Debits        int64       `json:"debits" db:"debits"`
	Held          int64       `json:"held" db:"held"`
	Earned        int64       `json:"earned" db:"earned"`
	DerivedTotals bool        `json:"-" db:"derived_totals"`
	CreatedAt     time.Time   `json:"created_at" db:"created_at"`
}

// Balance is credits − debits.
func (a Account) Balance() int64 { return a.Credits - a.Debits }

// Available is what can be spent or held now: balance − held.
func (a Account) Available() int64 { return a.Balance() - a.Held }

// TransferKind says why points moved.
type TransferKind string

// Transfer kinds.
const (
	Earn     TransferKind = "earn"     // points granted under the rule book
	Penalty  TransferKind = "penalty"  // points deducted under the rule book
	Redeem   TransferKind = "redeem"   // points spent at a partner shop
	Expire   TransferKind = "expire"   // spendable points cleared on the village's expiry date
	Reversal TransferKind = "reversal" // undoes an earlier transfer
)

// Earning reports whether transfers of kind k count towards lifetime earned points. Spending and
// expiry never do, so lifetime points are not reduced by them.
func (k TransferKind) Earning() bool { return k == Earn || k == Penalty }

func (k TransferKind) valid() bool {
	switch k {
	case Earn, Penalty, Redeem, Expire:
		return true
	}
	return false
}

// Transfer is one movement of points.
type Transfer struct {
	ID                 int64        `json:"id" db:"id"`
	VillageID          int64        `json:"village_id" db:"village_id"`
	DebitAccountID     int64        `json:"debit_account_id" db:"debit_account_id"`
	CreditAccountID    int64        `json:"credit_account_id" db:"credit_account_id"`
	Amount             int64        `json:"amount" db:"amount"`
	Kind               TransferKind `json:"kind" db:"kind"`
	Earning            bool         `json:"earning" db:"earning"`
	Reason             string       `json:"reason" db:"reason"`
	RefType            string       `json:"ref_type" db:"ref_type"`
	RefID              int64        `json:"ref_id" db:"ref_id"`
	HoldID             *int64       `json:"hold_id,omitempty" db:"hold_id"`
	ReversesID         *int64       `json:"reverses_id,omitempty" db:"reverses_id"`
	DebitBalanceAfter  *int64       `json:"debit_balance_after,omitempty" db:"debit_balance_after"`
	CreditBalanceAfter *int64       `json:"credit_balance_after,omitempty" db:"credit_balance_after"`
	CreatedBy          int64        `json:"created_by" db:"created_by"`
	CreatedAt          time.Time    `json:"created_at" db:"created_at"`
}

// HoldStatus is where a hold is in its life.
type HoldStatus string

// Hold statuses: a hold starts pending and ends captured or released, once.
const (
	HoldPending  HoldStatus = "pending"
	HoldCaptured HoldStatus = "captured"
	HoldReleased HoldStatus = "released"
)

// Hold is a pending transfer: points reserved on the debit account.
type Hold struct {
	ID              int64        `json:"id" db:"id"`
	VillageID       int64        `json:"village_id" db:"village_id"`
	DebitAccountID  int64        `json:"debit_account_id" db:"debit_account_id"`
	CreditAccountID int64        `json:"credit_account_id" db:"credit_account_id"`
	Amount          int64        `json:"amount" db:"amount"`
	Kind            TransferKind `json:"kind" db:"kind"`
	Reason          string       `json:"reason" db:"reason"`
	RefType         string       `json:"ref_type" db:"ref_type"`
	RefID           int64        `json:"ref_id" db:"ref_id"`
	Status          HoldStatus   `json:"status" db:"status"`
	CreatedBy       int64        `json:"created_by" db:"created_by"`
	CreatedAt       time.Time    `json:"created_at" db:"created_at"`
	ResolvedAt      *time.Time   `json:"resolved_at,omitempty" db:"resolved_at"`
}

// HistoryLine is one transfer as an account's owner sees it.
type HistoryLine struct {
	TransferID   int64        `json:"transfer_id" db:"id"`
	At           time.Time    `json:"at" db:"created_at"`
	Amount       int64        `json:"amount" db:"amount"` // positive in, negative out
	Kind         TransferKind `json:"kind" db:"kind"`
	Reason       string       `json:"reason" db:"reason"`
	Counterparty AccountKind  `json:"counterparty" db:"counterparty"`
	BalanceAfter *int64       `json:"balance_after" db:"balance_after"`
	RefType      string       `json:"ref_type" db:"ref_type"`
	RefID        int64        `json:"ref_id" db:"ref_id"`
	ReversesID   *int64       `json:"reverses_id,omitempty" db:"reverses_id"`
	// Period is the month the points were earned in (YYYY-MM), for points posted from an entry: a
	// villager reads "2026-10 的积分" although it was posted in November, after its notice.
	Period string `json:"period,omitempty" db:"period"`
}

// MaxAmount bounds a single movement; anything larger is a typo or an attack.
const MaxAmount = 1_000_000

// Errors of the ledger.
var (
	ErrInsufficientPoints = fault.New(fault.Conflict, "insufficient_points", "not enough available points")
	ErrAccountNotFound    = fault.New(fault.NotFound, "account_not_found", "no such points account")
	ErrHoldNotPending     = fault.New(fault.Conflict, "hold_not_pending", "the hold was already captured or released")
	ErrHoldNotFound       = fault.New(fault.NotFound, "hold_not_found", "no such hold")
	ErrTransferNotFound   = fault.New(fault.NotFound, "transfer_not_found", "no such transfer")
	ErrAlreadyReversed    = fault.New(fault.Conflict, "already_reversed", "the transfer was already reversed")
	ErrCrossVillage       = fault.New(fault.Unprocessable, "cross_village_transfer", "points cannot move between villages")
	// ErrReversalOfReversal: a reversal is not itself reversed; a new transfer says what happened.
	ErrReversalOfReversal = fault.New(fault.Unprocessable, "invalid_input", "a reversal is not reversed; record a new transfer instead")
	// ErrHoldOnSystemAccount: points are held only where a villager spends them.
	ErrHoldOnSystemAccount = fault.New(fault.Unprocessable, "invalid_input", "points are held only on household and representative accounts")
	// ErrHeldShort is a broken invariant: an account holds fewer points than its pending hold.
	ErrHeldShort = errors.New("the account holds fewer points than its pending hold")
)
