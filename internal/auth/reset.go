package auth

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"

	"pointsmarket/internal/fault"
)

// ErrResetOfficial refuses a village clerk who resets the password of someone holding a role: the
// township resets officials' passwords, so that a clerk cannot take over a supervisor's login.
var ErrResetOfficial = fault.New(fault.Forbidden, "reset_official_forbidden", "the password of someone holding a role is reset by the township")

// OneTimeDigits is the length of a one-time password: digits, which an old villager can type.
const OneTimeDigits = 8

// ResetPassword is the village office's answer to 忘记密码: it gives the person a one-time password
// (shown once, to the official who reads it out; only its hash is stored), requires them to choose
// their own at the next login, logs out every device of theirs and lifts a login lock. A village's
// clerk resets its villagers, the township's admin anyone of the township; no one their own. The
// reset is audited and told to onReset (the supervisors' alert), since whoever reads the one-time
// password could log in as the person.
func (s *Service) ResetPassword(ctx context.Context, p Principal, personID int64) (string, error) {
	if personID == p.PersonID {
		return "", fmt.Errorf("reset password of %d: %w", personID, ErrSelfAct)
	}
	target, err := s.Store.Principal(ctx, personID)
	if err != nil {
		return "", err
	}
	if !p.CanManageVillage(target.Home) {
		return "", fmt.Errorf("reset password of %d: %w", personID, fault.ErrForbidden)
	}
	if target.IsOfficial() && !p.HoldsIn(RoleTownshipAdmin, Place{TownshipID: target.Home.TownshipID}) {
		return "", fmt.Errorf("reset password of %d: %w", personID, ErrResetOfficial)
	}
	number, err := s.Store.Phone(ctx, personID)
	if err != nil {
		return "", err
	}
	once, err := oneTimePassword()
	if err != nil {
		return "", err
	}
	hash, err := HashPassword(once)
	if err != nil {
		return "", err
	}
	if err := s.Store.ResetPassword(ctx, personID, hash); err != nil {
		return "", err
	}
	if err := s.Sessions.DeleteOthers(ctx, personID, ""); err != nil {
		return "", err
	}
	if _, err := s.Lockout.Unlock(ctx, "login:phone:"+number); err != nil {
		return "", err
	}
	if s.onReset != nil {
		s.onReset(ctx, target.Home.VillageID, personID, p.PersonID)
	}
	return once, nil
}

// OnReset sets what is told of each password reset (the supervisors' alert).
func (s *Service) OnReset(fn func(ctx context.Context, villageID, personID, by int64)) {
	s.onReset = fn
}

func oneTimePassword() (string, error) {
	max := big.NewInt(1)
	for range OneTimeDigits {
		max.Mul(max, big.NewInt(10))
	}
	n, err := rand.Int(rand.Reader, max)
	if err != nil {
		return "", fmt.Errorf("one-time password: %w", err)
	}
	return fmt.Sprintf("%0*d", OneTimeDigits, n), nil
}
