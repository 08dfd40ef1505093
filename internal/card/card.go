// Package card is the household card (户卡) with its PIN: a printed card per household, for the
// villagers who earn points but have no smartphone. The shopkeeper scans the card's QR (or types
// its number) and the villager keys a 6-digit PIN into the counter's PIN pad; the points are then
// taken as by a member code, in the same one-transaction redemption.
//
// The card is not the secret, the PIN is: a card's number is printed on it and its QR is
// long-lived, so wrong PINs are counted per card, in the database, and lock the card for a growing
// time from the third one in a row, with an alert for the village's supervisors. A PIN is stored as
// a slow hash and never shown; the village office sets it (the villager keys it in), and because
// whoever sets a PIN can spend the household's points, the household is told and, when the
// office set it, the supervisors too. A card reported lost is blocked at once, for good; the new
// card has a new QR and number.
package card

import (
	"crypto/rand"
	"math/big"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"pointsmarket/internal/fault"
	"pointsmarket/internal/org"
)

// Status is whether a card may be used.
type Status string

// Card statuses: a card is active until it is blocked (lost, replaced), for good.
const (
	Active  Status = "active"
	Blocked Status = "blocked"
)

// Card is a household's card.
type Card struct {
	ID          int64  `json:"id" db:"id"`
	VillageID   int64  `json:"village_id" db:"village_id"`
	Village     string `json:"village" db:"village"`
	HouseholdID int64  `json:"household_id" db:"household_id"`
	Household   string `json:"household" db:"household"` // the household's number (户号)
	// Head is the household head's name, masked (张*国): the card is carried and shown.
	Head      string `json:"head" db:"head"`
	AccountID int64  `json:"account_id" db:"account_id"`
	// Number is the typed card number: 12 digits, the last a check digit.
	Number      string     `json:"number" db:"number"`
	Nonce       []byte     `json:"-" db:"nonce"`
	PINHash     string     `json:"-" db:"pin_hash"`
	PINSet      bool       `json:"pin_set" db:"-"`
	PINSetAt    *time.Time `json:"pin_set_at" db:"pin_set_at"`
	PINSetBy    *int64     `json:"pin_set_by" db:"pin_set_by"`
	Failures    int        `json:"failures" db:"failures"`
	LockedUntil *time.Time `json:"locked_until" db:"locked_until"`
	Status      Status     `json:"status" db:"status"`
	IssuedBy    int64      `json:"issued_by" db:"issued_by"`
	IssuedAt    time.Time  `json:"issued_at" db:"issued_at"`
	BlockedBy   *int64     `json:"blocked_by" db:"blocked_by"`
	BlockedAt   *time.Time `json:"blocked_at" db:"blocked_at"`
	BlockReason string     `json:"block_reason" db:"block_reason"`
	// Available and CashTopUp are the household's spendable points and whether its village takes
	// cash for points that fall short: what a counter shows before the PIN.
	Available int64 `json:"-" db:"available"`
	CashTopUp bool  `json:"-" db:"cash_top_up"`
}

// shown is a card as its readers see it: whether it has a PIN, and the head's name masked.
func shown(c Card) Card {
	c.PINSet = c.PINHash != ""
	c.Head = org.MaskName(c.Head)
	return c
}

// The PIN's rules: how many wrong PINs in a row are free, and how the lock grows after them.
const (
	PINLength = 6
	// FreeTries wrong PINs in a row cost nothing (a villager's slip); each one after locks the
	// card for FirstLock, doubling each time, up to MaxLock: about fifteen guesses a day at most,
	// against a million PINs.
	FreeTries = 3
	FirstLock = time.Minute
	MaxLock   = 24 * time.Hour
)

// lockAfter is how long the card is locked after its failures-th wrong PIN in a row (0: not).
func lockAfter(failures int) time.Duration {
	if failures < FreeTries {
		return 0
	}
	d := FirstLock
	for i := FreeTries; i < failures && d < MaxLock; i++ {
		d *= 2
	}
	return min(d, MaxLock)
}

// Errors of cards.
var (
	ErrNotFound     = fault.New(fault.NotFound, "card_not_found", "no such card")
	ErrInvalid      = fault.New(fault.Invalid, "card_invalid", "this is not a card of a village this shop serves: check the number")
	ErrOtherVillage = fault.New(fault.Forbidden, "card_other_village", "the card is of a village this shop does not serve")
	ErrBlocked      = fault.New(fault.Forbidden, "card_blocked", "the card is blocked (reported lost or replaced): the village office issues a new one")
	ErrNoPIN        = fault.New(fault.Conflict, "card_pin_not_set", "the card has no PIN yet: the village office sets it")
	ErrWrongPIN     = fault.New(fault.Forbidden, "card_pin_wrong", "wrong PIN")
	ErrLocked       = fault.New(fault.RateLimited, "card_locked", "too many wrong PINs: the card is locked for a while")
	ErrWeakPIN      = fault.New(fault.Unprocessable, "weak_pin", "the PIN is 6 digits, not all the same and not in a row (like 123456)")
	ErrNotActive    = fault.New(fault.Conflict, "card_not_active", "the card is blocked already")
)

// CheckPIN returns ErrWeakPIN unless pin is 6 digits, not all the same and not a run up or down.
func CheckPIN(pin string) error {
	if len(pin) != PINLength || strings.Trim(pin, "0123456789") != "" {
		return ErrWeakPIN
	}
	same, up, down := true, true, true
	for i := 1; i < len(pin); i++ {
		d := int(pin[i]) - int(pin[i-1])
		same, up, down = same && d == 0, up && (d == 1 || d == -9), down && (d == -1 || d == 9)
	}
	if same || up || down {
		return ErrWeakPIN
	}
	return nil
}

// numberDigits is the length of a card number, its check digit included.
const numberDigits = 12

// NewNumber returns a random card number: 11 random digits (the first never 0) and a Luhn check
// digit, so that a mistyped digit or two swapped ones are caught before any lookup.
func NewNumber() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(9e10)) // never fails on Linux
	body := big.NewInt(0).Add(n, big.NewInt(1e10)).String()
	return body + string(rune('0'+luhnDigit(body)))
}

// Number returns s as a card number (spaces and dashes dropped) when it is 12 digits with a
// right check digit.
func Number(s string) (string, bool) {
	s = strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
	if len(s) != numberDigits || strings.Trim(s, "0123456789") != "" {
		return "", false
	}
	return s, luhnDigit(s[:numberDigits-1]) == int(s[numberDigits-1]-'0')
}

// luhnDigit is the Luhn check digit of a string of digits.
func luhnDigit(body string) int {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 { // doubled: the rightmost digit of the body and every second one
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10 - sum%10) % 10
}

// Bcrypt hashes PINs with bcrypt at Cost (0: bcrypt's default): a stolen table of PIN hashes
// still costs a million slow hashes per card.
type Bcrypt struct{ Cost int }

// Hash implements Hasher.
func (b Bcrypt) Hash(pin string) (string, error) {
	cost := b.Cost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pin), cost)
	return string(h), err
}

// Matches implements Hasher. An empty hash never matches.
func (b Bcrypt) Matches(hash, pin string) bool {
	return hash != "" && bcrypt.CompareHashAndPassword([]byte(hash), []byte(pin)) == nil
}
