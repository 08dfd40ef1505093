package auth

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"pointsmarket/internal/fault"
)

// ErrWeakPassword is returned for a new password that is too short or too long.
var ErrWeakPassword = fault.New(fault.Unprocessable, "weak_password",
	"the new password needs at least 8 characters and at most 72 bytes")

// passwordCost is bcrypt's work factor: about 50 ms on one core of a small server, slow enough for
// an offline attacker, fast enough that a market-day morning of logins does not queue.
const passwordCost = 10

// HashPassword returns the bcrypt hash of a password that passes CheckPasswordPolicy.
func HashPassword(password string) (string, error) { return HashPasswordAt(password, passwordCost) }

// HashPasswordAt is HashPassword at another work factor (0: the production one): the test suite's
// demo data takes bcrypt's least, since under the race detector one comparison at the production
// cost takes most of a second and every test logs in.
func HashPasswordAt(password string, cost int) (string, error) {
	if err := CheckPasswordPolicy(password); err != nil {
		return "", err
	}
	if cost == 0 {
		cost = passwordCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPasswordPolicy returns ErrWeakPassword unless password has 8 to 72 bytes (bcrypt's limit).
func CheckPasswordPolicy(password string) error {
	if utf8.RuneCountInString(password) < 8 || len(password) > 72 {
		return ErrWeakPassword
	}
	return nil
}

// passwordMatches reports whether password matches hash. An empty hash never matches.
func passwordMatches(hash, password string) bool {
	if hash == "" {
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// dummyHash is compared against when the phone is unknown, so that a wrong phone and a wrong
// password take the same time and an attacker cannot enumerate registered phones.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("pointsmarket-timing-equaliser"), passwordCost)
