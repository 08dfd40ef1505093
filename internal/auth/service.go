package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"pointsmarket/internal/fault"
)

// Errors of logins and sessions.
var (
	ErrInvalidCredentials = fault.New(fault.Unauthenticated, "invalid_credentials", "手机号或密码错误 / wrong phone number or password")
	ErrRateLimited        = fault.New(fault.RateLimited, "rate_limited", "尝试次数过多，请稍后再试 / too many attempts, please wait and try again")
	ErrWrongPassword      = fault.New(fault.Unprocessable, "wrong_password", "原密码错误 / the current password is wrong")
	ErrSamePassword       = fault.New(fault.Unprocessable, "same_password", "新密码不能与原密码相同 / the new password must differ from the old one")
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
	// RecordLogin audits a login attempt, a logout or a revocation.
	RecordLogin(ctx context.Context, ev LoginEvent) error
}

// LoginEvent is an audited authentication event.
type LoginEvent struct {
	Action   string // auth.login, auth.login_failed, auth.logout
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

// Limiter counts attempts in fixed windows.
type Limiter interface {
	// Allow counts one attempt for key and reports whether it is within limit per window, and
	// when to retry if not.
	Allow(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error)
	Reset(ctx context.Context, key string) error
}

// Config tunes logins.
type Config struct {
	SessionTTL time.Duration
	// PhoneAttempts per PhoneWindow: strict, it is what stops password guessing on one account.
	PhoneAttempts int
	PhoneWindow   time.Duration
	// IPAttempts per IPWindow: generous, a whole village may share one carrier-NAT address.
	IPAttempts int
	IPWindow   time.Duration
}

// DefaultConfig is the production tuning.
func DefaultConfig() Config {
	return Config{SessionTTL: 12 * time.Hour, PhoneAttempts: 5, PhoneWindow: 15 * time.Minute,
		IPAttempts: 300, IPWindow: 10 * time.Minute}
}

// Service logs people in and out and authenticates sessions.
type Service struct {
	store    Store
	sessions Sessions
	limiter  Limiter
	cfg      Config
}

// NewService returns a Service.
func NewService(store Store, sessions Sessions, limiter Limiter, cfg Config) *Service {
	return &Service{store: store, sessions: sessions, limiter: limiter, cfg: cfg}
}

// Login is a successful login: a bearer token (also set as the session cookie), the CSRF token
// browsers must echo, and who logged in.
type Login struct {
	Token     string
	CSRF      string
	Principal Principal
}

// Login checks a phone and password. It returns ErrInvalidCredentials (without saying which was
// wrong), ErrRateLimited with a retry time, or fault.ErrUnavailable when Redis is down.
func (s *Service) Login(ctx context.Context, phone, password, ip string) (Login, error) {
	if phone == "" || password == "" || len(phone) > 32 || len(password) > 256 {
		return Login{}, fault.Invalidf("phone and password are required")
	}
	if err := s.limit(ctx, "ip:"+ip, s.cfg.IPAttempts, s.cfg.IPWindow); err != nil {
		return Login{}, err
	}
	if err := s.limit(ctx, "phone:"+phone, s.cfg.PhoneAttempts, s.cfg.PhoneWindow); err != nil {
		return Login{}, err
	}
	cred, err := s.store.CredentialByPhone(ctx, phone)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return Login{}, err
	}
	if !passwordMatches(cred.PasswordHash, password) || cred.Disabled {
		if cred.PasswordHash == "" {
			_ = passwordMatches(string(dummyHash), password) // same time for unknown phones
		}
		ev := LoginEvent{Action: "auth.login_failed", PersonID: cred.PersonID, Phone: maskPhone(phone), Reason: "wrong phone or password"}
		if cred.Disabled {
			ev.Reason = "disabled"
		}
		if err := s.store.RecordLogin(ctx, ev); err != nil {
			return Login{}, err
		}
		return Login{}, ErrInvalidCredentials
	}
	p, err := s.store.Principal(ctx, cred.PersonID)
	if err != nil {
		return Login{}, err
	}
	token, sess := newToken(), Session{PersonID: p.PersonID, CSRF: newToken(), CreatedAt: time.Now().UTC()}
	sess.ID = SessionID(token)
	if err := s.sessions.Create(ctx, sess, s.cfg.SessionTTL); err != nil {
		return Login{}, err
	}
	_ = s.limiter.Reset(ctx, "phone:"+phone) // a failed reset only keeps a stricter count
	if err := s.store.RecordLogin(ctx, LoginEvent{Action: "auth.login", PersonID: p.PersonID, Phone: maskPhone(phone)}); err != nil {
		return Login{}, err
	}
	return Login{Token: token, CSRF: sess.CSRF, Principal: p}, nil
}

func (s *Service) limit(ctx context.Context, key string, n int, window time.Duration) error {
	ok, retry, err := s.limiter.Allow(ctx, "login:"+key, n, window)
	if err != nil {
		return err
	}
	if !ok {
		return ErrRateLimited.WithDetails(map[string]any{"retry_after_seconds": int(retry.Seconds()) + 1})
	}
	return nil
}

// Authenticate returns the session of a token and its principal, or fault.ErrUnauthorized.
func (s *Service) Authenticate(ctx context.Context, token string) (Session, Principal, error) {
	if token == "" || len(token) > 128 {
		return Session{}, Principal{}, fault.ErrUnauthorized
	}
	sess, err := s.sessions.Get(ctx, SessionID(token), s.cfg.SessionTTL)
	if err != nil {
		return Session{}, Principal{}, err
	}
	p, err := s.store.Principal(ctx, sess.PersonID)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			return Session{}, Principal{}, fault.ErrUnauthorized
		}
		return Session{}, Principal{}, err
	}
	if p.Disabled {
		_ = s.sessions.Delete(ctx, sess.ID)
		return Session{}, Principal{}, fault.ErrUnauthorized
	}
	return sess, p, nil
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, sess Session) error {
	if err := s.sessions.Delete(ctx, sess.ID); err != nil {
		return err
	}
	return s.store.RecordLogin(ctx, LoginEvent{Action: "auth.logout", PersonID: sess.PersonID})
}

// ChangePassword replaces p's password after checking the current one, and ends every other
// session of p. It returns ErrWrongPassword, ErrWeakPassword or ErrSamePassword.
func (s *Service) ChangePassword(ctx context.Context, sess Session, current, next string) error {
	if err := s.limit(ctx, fmt.Sprintf("password:%d", sess.PersonID), s.cfg.PhoneAttempts, s.cfg.PhoneWindow); err != nil {
		return err
	}
	p, err := s.store.Principal(ctx, sess.PersonID)
	if err != nil {
		return err
	}
	if !passwordMatches(p.passwordHash, current) {
		return ErrWrongPassword
	}
	if current == next {
		return ErrSamePassword
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(ctx, sess.PersonID, hash); err != nil {
		return err
	}
	return s.sessions.DeleteOthers(ctx, sess.PersonID, sess.ID)
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

func maskPhone(phone string) string {
	if len(phone) < 8 {
		return "***"
	}
	return phone[:3] + "****" + phone[len(phone)-4:]
}
