package voucher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/org"
	"pointsmarket/internal/write"
)

// Proxies says whether a person may redeem for a household (代办).
type Proxies interface {
	// ProxyOf returns the person's proxy grant for the household, or nil when it named them not.
	ProxyOf(ctx context.Context, personID, householdID int64) (*ProxyGrant, error)
}

// ProxyGrant is a person's leave to redeem for a household, with its monthly ceiling (nil: none).
type ProxyGrant struct {
	ID      int64  `db:"id"`
	Name    string `db:"name"`
	Ceiling *int64 `db:"monthly_ceiling"`
}

// ErrProxyCeiling refuses a proxy voucher above what the household lets the proxy take a month.
var ErrProxyCeiling = fault.New(fault.Unprocessable, "proxy_ceiling_exceeded", "the household lets you take no more points for it this month")

// Accounts reads points accounts; the ledger store implements it.
type Accounts interface {
	Account(ctx context.Context, id int64) (ledger.Account, error)
	AccountOf(ctx context.Context, villageID int64, kind ledger.AccountKind, ownerID int64) (ledger.Account, error)
}

// Deps are what the Service needs.
type Deps struct {
	Store Store
	// InTx runs the counter's workflows in one transaction each.
	InTx     write.InTx[Tx]
	Ceilings CeilingStore
	Accounts Accounts
	// Proxies says who may redeem for a household (nil: nobody but its members).
	Proxies Proxies
	// Cards checks household cards and their PINs (nil: no cards at the counter).
	Cards  Cards
	Places auth.Places
	Locks  Locker
	Codes  Codes
	// Invalidate drops cached catalog reads of shops whose stock a redemption moved.
	Invalidate func(ctx context.Context, shopIDs ...int64)
	Observer   Observer
	// Throttle and Misses limit typed short codes (ShortCodes tunes them; zero is the default).
	Throttle   Limiter
	Misses     auth.Lockout
	ShortCodes ShortCodeLimits
	// MemberShortCodes keeps the digits of member codes (nil: member codes are scanned only).
	MemberShortCodes MemberShortCodes
	// Batch groups the counter's redemptions into shared transactions under load.
	Batch BatchLimits
	Log   *slog.Logger
	Now   func() time.Time
}

// Service issues vouchers and runs the counter.
type Service struct {
	Deps
	// redeemed is told of each redemption and reversal after it commits, shortCodeMissed when a
	// shop's typed codes are locked after misses (risk alerts).
	redeemed        func(ctx context.Context, r Redemption, reversal bool)
	shortCodeMissed func(ctx context.Context, shopID, personID int64, misses int)
	// redeemedTogether is told of the redemptions of one batch at once (each with its caller's
	// context); when nil, redeemed is told of each.
	redeemedTogether func(ctxs []context.Context, rs []Redemption)
	queue            *captureQueue
}

// NewService returns a Service.
func NewService(d Deps) *Service {
	return &Service{Deps: d, queue: &captureQueue{limits: d.Batch, arrived: make(chan struct{}, 1)}}
}

// OnRedeemed sets what is told of each redemption and reversal after it commits.
func (s *Service) OnRedeemed(fn func(ctx context.Context, r Redemption, reversal bool)) {
	s.redeemed = fn
}

// OnRedeemedTogether sets what is told of the voucher redemptions a batch wrote, after it
// commits, instead of OnRedeemed's callback for each: the alert counters of a batch go in one
// round trip.
func (s *Service) OnRedeemedTogether(fn func(ctxs []context.Context, rs []Redemption)) {
	s.redeemedTogether = fn
}

// OnShortCodeMissed sets what is told when a shop's typed codes are locked after misses.
func (s *Service) OnShortCodeMissed(fn func(ctx context.Context, shopID, personID int64, misses int)) {
	s.shortCodeMissed = fn
}

// IssueInput is what a villager sends to get a voucher. AccountID picks the account (default: the
// household's).
type IssueInput struct {
	ShopID    int64  `json:"shop_id"`
	Items     []Line `json:"items"`
	AccountID *int64 `json:"account_id"`
}

// spendingAccount returns the account p spends from: their household's, or one they name that is
// theirs (the household's or their representative account), or the account of a household that
// named them its proxy (with that grant).
func (s *Service) spendingAccount(ctx context.Context, p auth.Principal, id *int64) (ledger.Account, *ProxyGrant, error) {
	if id == nil {
		if p.HouseholdID == 0 {
			return ledger.Account{}, nil, fault.Invalidf("you belong to no household: give account_id")
		}
		a, err := s.Accounts.AccountOf(ctx, p.Home.VillageID, ledger.Household, p.HouseholdID)
		return a, nil, err
	}
	a, err := s.Accounts.Account(ctx, *id)
	if err != nil {
		return a, nil, err
	}
	mine := (a.Kind == ledger.Household && a.OwnerID == p.HouseholdID && p.HouseholdID != 0) ||
		(a.Kind == ledger.Representative && a.OwnerID == p.PersonID)
	if mine {
		return a, nil, nil
	}
	if a.Kind == ledger.Household && s.Proxies != nil {
		g, err := s.Proxies.ProxyOf(ctx, p.PersonID, a.OwnerID)
		if err != nil {
			return a, nil, err
		}
		if g != nil {
			return a, g, nil
		}
	}
	return a, nil, fmt.Errorf("account %d: %w", a.ID, fault.ErrForbidden)
}

// Issue holds the points for goods of a shop and issues a voucher. See Store.Issue for the errors.
func (s *Service) Issue(ctx context.Context, p auth.Principal, in IssueInput, key string) (Voucher, error) {
	if err := write.CheckKey(key); err != nil {
		return Voucher{}, err
	}
	if in.ShopID <= 0 {
		return Voucher{}, fault.Invalidf("shop_id is required")
	}
	if err := CheckLines(in.Items); err != nil {
		return Voucher{}, err
	}
	acct, proxy, err := s.spendingAccount(ctx, p, in.AccountID)
	if err != nil {
		return Voucher{}, err
	}
	k := write.NewKey(key, "voucher.issue", []any{acct.ID, in.ShopID, in.Items})
	v, err := s.IssueVoucher(ctx, IssueRequest{AccountID: acct.ID, HolderID: p.PersonID, Proxy: proxy, ShopID: in.ShopID, Lines: in.Items,
		Nonce: NewNonce(), Now: s.Now()}, k)
	return v, wrapf(err, "issue voucher")
}

// View is a voucher as one reader may see it: its code only for its holder.
type View struct {
	Voucher
	Holder    string `json:"holder"`
	Code      string `json:"code,omitempty"`
	ShortCode string `json:"short_code,omitempty"`
}

func (s *Service) view(p auth.Principal, v Voucher, holder HolderName) View {
	out := View{Voucher: v, Holder: org.MaskName(string(holder))}
	if v.HolderID == p.PersonID {
		out.Holder = string(holder)
		if v.Status == Issued {
			out.Code, out.ShortCode = s.Codes.VoucherQR(v), v.ShortCode
		}
	}
	return out
}

// Voucher returns a voucher to its holder, to its shop's shopkeeper and to those who may read its
// village.
func (s *Service) Voucher(ctx context.Context, p auth.Principal, id int64) (View, error) {
	v, holder, err := s.Store.Voucher(ctx, id)
	if err != nil {
		return View{}, err
	}
	if v.HolderID != p.PersonID && !p.RunsShop(v.ShopID) {
		place, err := s.Places.VillagePlace(ctx, v.VillageID)
		if err != nil {
			return View{}, err
		}
		if !p.CanReadVillage(place) {
			return View{}, fmt.Errorf("voucher %d: %w", id, ErrVoucherNotFound)
		}
	}
	return s.view(p, v, holder), nil
}

// Code returns the QR text of a voucher, for its holder only.
func (s *Service) Code(ctx context.Context, p auth.Principal, id int64) (string, error) {
	v, _, err := s.Store.Voucher(ctx, id)
	if err != nil {
		return "", err
	}
	if v.HolderID != p.PersonID {
		return "", fmt.Errorf("voucher %d: %w", id, ErrVoucherNotFound)
	}
	return s.Codes.VoucherQR(v), nil
}

// Mine lists the vouchers of p's accounts, newest first.
func (s *Service) Mine(ctx context.Context, p auth.Principal) ([]View, error) {
	var ids []int64
	if p.HouseholdID != 0 {
		if a, err := s.Accounts.AccountOf(ctx, p.Home.VillageID, ledger.Household, p.HouseholdID); err == nil {
			ids = append(ids, a.ID)
		}
	}
	if a, err := s.Accounts.AccountOf(ctx, p.Home.VillageID, ledger.Representative, p.PersonID); err == nil {
		ids = append(ids, a.ID)
	}
	out := []View{}
	if len(ids) == 0 {
		return out, nil
	}
	vs, err := s.Store.Vouchers(ctx, ids, 100)
	if err != nil {
		return nil, err
	}
	for _, v := range vs { // a household's vouchers spend the household's points: all its members see them
		out = append(out, s.view(p, v, HolderName(p.Name)))
	}
	return out, nil
}

// Cancel releases the hold of an issued voucher; only its holder may. ErrNotIssued otherwise.
func (s *Service) Cancel(ctx context.Context, p auth.Principal, id int64) (View, error) {
	v, holder, err := s.Store.Voucher(ctx, id)
	if err != nil {
		return View{}, err
	}
	if v.HolderID != p.PersonID {
		return View{}, fmt.Errorf("voucher %d: %w", id, ErrVoucherNotFound)
	}
	err = s.locked(ctx, fmt.Sprintf("voucher:%d", id), func(fence Fence) error {
		v, err = s.end(ctx, id, Cancelled, Guard{Fence: fence, Now: s.Now()})
		return err
	})
	if err != nil {
		return View{}, err
	}
	return s.view(p, v, holder), nil
}

// ExpireDue expires issued vouchers past their expiry and releases their holds. Several instances
// may run it at once: each voucher's compare-and-set lets one of them win.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	n := 0
	for {
		ids, err := s.Store.DueForExpiry(ctx, s.Now(), 100)
		if err != nil || len(ids) == 0 {
			return n, err
		}
		for _, id := range ids {
			if _, err := s.expire(ctx, id); err != nil && !errors.Is(err, ErrNotIssued) {
				return n, err
			}
			n++
		}
		if len(ids) < 100 {
			return n, nil
		}
	}
}

// expire moves an issued voucher past its expiry to expired and releases its hold. ErrNotIssued.
func (s *Service) expire(ctx context.Context, id int64) (Voucher, error) {
	now := s.Now()
	return s.end(ctx, id, Expired, Guard{Expired: true, Now: now})
}

// locked runs fn under the named lock. When the lock service is down it runs fn anyway with a zero
// fence — the database guards correctness — and says so in the log and the metrics.
func (s *Service) locked(ctx context.Context, name string, fn func(Fence) error) error {
	return s.holding(ctx, name, func(h *hold) error { return fn(Fence(h.Token)) })
}

// hold is the lock a call runs under. A batch lets go of all its locks in one round trip once it
// has committed, and marks them let go so that holding does not release them a second time.
type hold struct {
	Held
	letGo bool
}

// holding is locked for a call that may have its lock let go by its batch.
func (s *Service) holding(ctx context.Context, name string, fn func(*hold) error) error {
	token, release, err := s.Locks.Acquire(ctx, name, lockTTL)
	switch {
	case err == nil:
		h := &hold{Held: Held{Name: name, Token: token}}
		defer func() {
			if !h.letGo {
				release()
			}
		}()
		return fn(h)
	case errors.Is(err, ErrBusy):
		return err
	case fault.KindOf(err) == fault.Unavailable:
		s.Log.WarnContext(ctx, "locks are off: Redis unavailable; the database alone guards this write", "lock", name, "err", err)
		s.Observer.LocksOff()
		return fn(&hold{Held: Held{Name: name}})
	default:
		return err
	}
}
