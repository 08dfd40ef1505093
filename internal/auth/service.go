package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"pointsmarket/internal/fault"
	"pointsmarket/internal/phone"
)

// Errors of logins and sessions.
var (
	ErrInvalidCredentials = fault.New(fault.Unauthenticated, "invalid_credentials", "wrong phone number or password")
	ErrRateLimited        = fault.New(fault.RateLimited, "rate_limited", "too many attempts, please wait and try again")
	ErrWrongPassword      = fault.New(fault.Unprocessable, "wrong_password", "the current password is wrong")
	ErrSamePassword       = fault.New(fault.Unprocessable, "same_password", "the new password must differ from the old one")
	// ErrSelfAct refuses an official's act on their own login, roles or household.
	ErrSelfAct = fault.New(fault.Forbidden, "self_act_forbidden", "you may not do this to yourself")
	// ErrPasswordChangeRequired refuses every call but the password change until the initial password is replaced.
	ErrPasswordChangeRequired = fault.New(fault.Forbidden, "password_change_required", "please change your initial password first")
)

// Credential is what a login is checked against.
type Credential struct {
	PersonID     int64  `db:"id"`
	PasswordHash string `db:"password_hash"`
	Disabled     bool   `db:"disabled"`
}

// Store is the persistent side of authentication. Writes are audited by the implementation.
type Store interface {
	// CredentialByPhone returns fault.ErrNotFound for an unknown phone.
	CredentialByPhone(ctx context.Context, phone string) (Credential, error)
	Principal(ctx context.Context, personID int64) (Principal, error)
	// SetPassword stores a new hash and clears must_change_password.
	SetPassword(ctx context.Context, personID int64, hash string) error
	// ResetPassword stores an office's one-time password hash and sets must_change_password.
	ResetPassword(ctx context.Context, personID int64, hash string) error
	// Phone returns the person's canonical phone, or fault.ErrNotFound when they have none.
	Phone(ctx context.Context, personID int64) (string, error)
	// RecordLogin audits a login attempt, a logout or a revocation.
	RecordLogin(ctx context.Context, ev LoginEvent) error
}

// LoginEvent is an audited authentication event.
type LoginEvent struct {
	Action   string // auth.login, auth.login_failed, auth.logout, auth.unlock
	PersonID int64
	Phone    string // masked
	Reason   string
}

// Session is a logged-in browser or client. ID is the SHA-256 of the bearer token, so that a
// copy of Redis does not hand out working tokens.
type Session struct {
	ID        string    `json:"-"`
	PersonID  int64     `json:"person_id"`
	CSRF      string    `json:"csrf"`
	CreatedAt time.Time `json:"created_at"`
}

// Sessions stores sessions with a sliding expiry.
type Sessions interface {
	Create(ctx context.Context, s Session, ttl time.Duration) error
	// Get returns fault.ErrUnauthorized for an unknown or expired session and extends a live one.
	Get(ctx context.Context, id string, ttl time.Duration) (Session, error)
	Delete(ctx context.Context, id string) error
	// DeleteOthers removes every session of the person except keep.
	DeleteOthers(ctx context.Context, personID int64, keep string) error
}

// Config tunes logins.
type Config struct {
	SessionTTL time.Duration
	// PrincipalTTL is how long an instance reuses a person's roles read for a session (0: read
	// them at every request). A change on this instance takes effect at once; on the others
	// within PrincipalTTL.
	PrincipalTTL time.Duration
	// Phone is strict: it is what stops password guessing on one account.
	Phone LockPolicy
	// Address is generous: a whole village may share one carrier-NAT address.
	Address LockPolicy
}

// DefaultConfig is the production tuning.
func DefaultConfig() Config {
	return Config{SessionTTL: 12 * time.Hour, PrincipalTTL: time.Second, Phone: PhonePolicy(), Address: AddressPolicy()}
}

// Deps are what the Service needs.
type Deps struct {
	Store    Store
	Sessions Sessions
	Lockout  Lockout
	Config   Config
	Now      func() time.Time
}

// Service logs people in and out and authenticates sessions.
type Service struct {
	Deps
	// onReset is told of each password reset by an office (ResetPassword).
	onReset    func(ctx context.Context, villageID, personID, by int64)
	principals principalCache
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	return &Service{Deps: d, principals: principalCache{ttl: d.Config.PrincipalTTL}}
}

// Forget drops what the service keeps of these people's roles: they changed.
func (s *Service) Forget(_ context.Context, personIDs []int64) { s.principals.forget(personIDs) }

// Login is a successful login: a bearer token (also set as the session cookie), the CSRF token
// browsers must echo, and who logged in.
type Login struct {
	Token     string
	CSRF      string
	Principal Principal
}

// Login checks a phone and password. The phone is taken in its one canonical form however it
// was written. It returns phone.ErrInvalid for something that is no mobile number,
// ErrInvalidCredentials (without saying which was wrong, with the attempts left), ErrRateLimited
// with the wait, or fault.ErrUnavailable when Redis is down.
func (s *Service) Login(ctx context.Context, rawPhone, password, ip string) (Login, error) {
	if rawPhone == "" || password == "" || len(password) > 256 {
		return Login{}, fault.Invalidf("phone and password are required")
	}
	number, err := phone.Canonical(rawPhone)
	if err != nil {
		return Login{}, err
	}
	guards := []guard{{"login:ip:" + ip, s.Config.Address}, {"login:phone:" + number, s.Config.Phone}}
	var begun []guard
	for _, g := range guards {
		wait, err := s.Lockout.Begin(ctx, g.key, g.policy)
		if err == nil && wait > 0 {
			err = rateLimited(wait)
		}
		if err != nil {
			for _, b := range begun {
				_ = s.Lockout.Release(ctx, b.key) // nothing was guessed
			}
			return Login{}, err
		}
		begun = append(begun, g)
	}
	l, err := s.check(ctx, number, password)
	if err != nil && !errors.Is(err, ErrInvalidCredentials) {
		for _, g := range guards {
			_ = s.Lockout.Release(ctx, g.key)
		}
		return Login{}, err
	}
	if err == nil {
		// The phone's failures are forgiven by its owner's success; the address's are not, or
		// one valid account would reset a sprayer's count across every other phone.
		_ = s.Lockout.Release(ctx, guards[0].key)
		_ = s.Lockout.Succeed(ctx, guards[1].key) // a failed reset only keeps a stricter count
		return l, nil
	}
	var locked time.Duration
	left := s.Config.Phone.Failures
	for _, g := range guards {
		d, n, ferr := s.Lockout.Fail(ctx, g.key, g.policy)
		if ferr != nil {
			return Login{}, ferr
		}
		locked, left = max(locked, d), min(left, n)
	}
	reason := "wrong phone or password"
	if locked > 0 {
		reason += "; locked for " + locked.String()
	}
	if err := s.Store.RecordLogin(ctx, LoginEvent{Action: "auth.login_failed", PersonID: l.Principal.PersonID,
		Phone: phone.Mask(number), Reason: reason}); err != nil {
		return Login{}, err
	}
	details := map[string]any{"attempts_left": left}
	if locked > 0 {
		details["retry_after_seconds"] = seconds(locked)
	}
	return Login{}, ErrInvalidCredentials.WithDetails(details)
}

type guard struct {
	key    string
	policy LockPolicy
}

// check verifies the password of a canonical phone and opens a session. On a wrong password it
// returns ErrInvalidCredentials with the person (if any) in l.Principal.PersonID for the audit.
func (s *Service) check(ctx context.Context, number, password string) (l Login, err error) {
	cred, err := s.Store.CredentialByPhone(ctx, number)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return Login{}, err
	}
	if !passwordMatches(cred.PasswordHash, password) || cred.Disabled {
		if cred.PasswordHash == "" {
			_ = passwordMatches(string(dummyHash), password) // same time for unknown phones
		}
		l.Principal.PersonID = cred.PersonID
		return l, ErrInvalidCredentials
	}
	p, err := s.Store.Principal(ctx, cred.PersonID)
	if err != nil {
		return Login{}, err
	}
	token, sess := newToken(), Session{PersonID: p.PersonID, CSRF: newToken(), CreatedAt: s.Now()}
	sess.ID = SessionID(token)
	if err := s.Sessions.Create(ctx, sess, s.Config.SessionTTL); err != nil {
		return Login{}, err
	}
	if err := s.Store.RecordLogin(ctx, LoginEvent{Action: "auth.login", PersonID: p.PersonID, Phone: phone.Mask(number)}); err != nil {
		return Login{}, err
	}
	return Login{Token: token, CSRF: sess.CSRF, Principal: p}, nil
}

// rateLimited says how long to wait, in seconds (rounded up) and in words.
func rateLimited(wait time.Duration) error {
	secs := seconds(wait)
	details := map[string]any{"retry_after_seconds": secs}
	switch m := (secs + 59) / 60; {
	case secs < 60:
		return ErrRateLimited.WithMessage("too many attempts, please try again in %d seconds", secs).WithDetails(details)
	case m == 1:
		return ErrRateLimited.WithMessage("too many attempts, please try again in 1 minute").WithDetails(details)
	default:
		return ErrRateLimited.WithMessage("too many attempts, please try again in %d minutes", m).WithDetails(details)
	}
}

func seconds(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }

// Unlock lifts the login lock of a person of a village p manages (the village office, when a
// villager was shut out by someone guessing), and audits it. Nobody unlocks themselves. It
// reports whether the person was locked; fault.ErrForbidden or fault.ErrNotFound otherwise.
func (s *Service) Unlock(ctx context.Context, p Principal, personID int64) (bool, error) {
	if personID == p.PersonID {
		return false, fmt.Errorf("unlock person %d: %w", personID, ErrSelfAct)
	}
	target, err := s.Store.Principal(ctx, personID)
	if err != nil {
		return false, err
	}
	if !p.CanManageVillage(target.Home) {
		return false, fmt.Errorf("unlock person %d: %w", personID, fault.ErrForbidden)
	}
	number, err := s.Store.Phone(ctx, personID)
	if err != nil {
		return false, err
	}
	was, err := s.Lockout.Unlock(ctx, "login:phone:"+number)
	if err != nil {
		return false, err
	}
	reason := "not locked"
	if was {
		reason = "lock lifted"
	}
	return was, s.Store.RecordLogin(ctx, LoginEvent{Action: "auth.unlock", PersonID: personID, Phone: phone.Mask(number), Reason: reason})
}

// Authenticate returns the session of a token and its principal, or fault.ErrUnauthorized.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, Principal, error) {
	if token == "" || len(token) > 128 {
		return Session{}, Principal{}, fault.ErrUnauthorized
	}
	sess, err := s.Sessions.Get(ctx, SessionID(token), s.Config.SessionTTL)
	if err != nil {
		return Session{}, Principal{}, err
	}
	now := time.Now()
	p, ok := s.principals.get(sess.PersonID, now)
	if !ok {
		if p, err = s.Store.Principal(ctx, sess.PersonID); err != nil {
			if fault.KindOf(err) == fault.NotFound {
				return Session{}, Principal{}, fault.ErrUnauthorized
			}
			return Session{}, Principal{}, err
		}
		s.principals.put(p, now)
	}
	if p.Disabled {
		_ = s.Sessions.Delete(ctx, sess.ID)
		return Session{}, Principal{}, fault.ErrUnauthorized
	}
	return sess, p, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, sess Session) error {
	if err := s.Sessions.Delete(ctx, sess.ID); err != nil {
		return err
	}
	return s.Store.RecordLogin(ctx, LoginEvent{Action: "auth.logout", PersonID: sess.PersonID})
}

// ChangePassword replaces p's password after checking the current one, and ends every other
// session of p. It returns ErrWrongPassword, ErrWeakPassword or ErrSamePassword.
func (s *Service) ChangePassword(ctx context.Context, sess Session, current, next string) error {
	key := fmt.Sprintf("password:%d", sess.PersonID)
	wait, err := s.Lockout.Begin(ctx, key, s.Config.Phone)
	if err != nil {
		return err
	}
	if wait > 0 {
		return rateLimited(wait)
	}
	p, err := s.Store.Principal(ctx, sess.PersonID)
	if err != nil {
		_ = s.Lockout.Release(ctx, key)
		return err
	}
	if !passwordMatches(p.passwordHash, current) {
		if _, _, err := s.Lockout.Fail(ctx, key, s.Config.Phone); err != nil {
			return err
		}
		return ErrWrongPassword
	}
	_ = s.Lockout.Succeed(ctx, key)
	if current == next {
		return ErrSamePassword
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	if err := s.Store.SetPassword(ctx, sess.PersonID, hash); err != nil {
		return err
	}
	return s.Sessions.DeleteOthers(ctx, sess.PersonID, sess.ID)
}

// SessionID derives the stored session id from a bearer token.
func SessionID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux (Go 1.24+ panics instead of erroring)
	return base64.RawURLEncoding.EncodeToString(b)
}
