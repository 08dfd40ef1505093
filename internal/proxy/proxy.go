// Package proxy is who may redeem for a household (代办): a household names a person with a
// login of their own in another household (a child working away, a neighbour) or its grid head,
// each with an optional monthly ceiling of points; the village office may record it for a
// household without a phone, never naming one of its own. A proxy redemption is marked as such
// everywhere it shows, and the household is told.
package proxy

import (
	"context"
	"errors"
	"fmt"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/org"
	"pointsmarket/internal/phone"
	"pointsmarket/internal/write"
)

// Proxy is a person a household lets redeem for it.
type Proxy struct {
	ID          int64      `json:"id" db:"id"`
	VillageID   int64      `json:"village_id" db:"village_id"`
	HouseholdID int64      `json:"household_id" db:"household_id"`
	Household   string     `json:"household" db:"household"`
	PersonID    int64      `json:"person_id" db:"person_id"`
	Name        string     `json:"name" db:"name"`
	CeilingPts  *int64     `json:"monthly_ceiling" db:"monthly_ceiling"` // nil: no ceiling
	NamedBy     int64      `json:"named_by" db:"named_by"`
	CreatedAt   time.Time  `json:"created_at" db:"created_at"`
	RevokedAt   *time.Time `json:"revoked_at" db:"revoked_at"`
	// SpentThisMonth is what the proxy has taken for the household this month (in lists).
	SpentThisMonth int64 `json:"spent_this_month" db:"spent_this_month"`
	// Available is the household's spendable points (in the proxy's own list).
	Available int64 `json:"available" db:"available"`
	AccountID int64 `json:"account_id" db:"account_id"`
}

// Errors of proxies.
var (
	ErrNotFound    = fault.New(fault.NotFound, "proxy_not_found", "no such proxy")
	ErrOwnMember   = fault.New(fault.Unprocessable, "proxy_of_household", "a proxy is someone outside the household: its members redeem for it themselves")
	ErrNamedBefore = fault.New(fault.Conflict, "proxy_exists", "that person is already a proxy of the household")
	ErrNoSuchLogin = fault.New(fault.NotFound, "person_not_found", "nobody logs in with that phone: the proxy needs an account of their own (the village office opens one)")
)

// Store reads proxies.
type Store interface {
	// Proxy returns a proxy, or ErrNotFound.
	Proxy(ctx context.Context, id int64) (Proxy, error)
	// Of returns a household's proxies in force, with what each took this month.
	Of(ctx context.Context, householdID int64, monthStart time.Time) ([]Proxy, error)
	// For returns the households a person may redeem for, with their spendable points.
	For(ctx context.Context, personID int64, monthStart time.Time) ([]Proxy, error)
}

// Tx is what the workflows need of their transaction.
type Tx interface {
	write.Tx
	InsertProxy(ctx context.Context, p *Proxy) error
	RevokeProxy(ctx context.Context, id int64, at time.Time) (bool, error)
}

// Org is what proxies read of the register.
type Org interface {
	VillagePlace(ctx context.Context, villageID int64) (auth.Place, error)
	Household(ctx context.Context, id int64) (org.Household, error)
	Person(ctx context.Context, id int64) (org.Person, error)
	PersonByPhone(ctx context.Context, phone string) (org.Person, error)
}

// Alerts is told of each proxy the village office names (not the household itself).
type Alerts interface {
	OnProxyByOffice(ctx context.Context, villageID, householdID, proxyID, by int64)
}

// Deps are what the Service needs.
type Deps struct {
	Store  Store
	InTx   write.InTx[Tx]
	Org    Org
	Alerts Alerts
	Now    func() time.Time
}

// Service applies the proxies' rules.
type Service struct{ Deps }

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// Input names a proxy: by person id, or by the phone they log in with (how a household knows
// them).
type Input struct {
	PersonID       int64  `json:"person_id"`
	Phone          string `json:"phone"`
	MonthlyCeiling *int64 `json:"monthly_ceiling"`
}

// Name lets a person redeem for a household.
func (s *Service) Name(ctx context.Context, p auth.Principal, householdID int64, in Input) (Proxy, error) {
	h, err := s.Org.Household(ctx, householdID)
	if err != nil {
		return Proxy{}, err
	}
	pl, err := s.Org.VillagePlace(ctx, h.VillageID)
	if err != nil {
		return Proxy{}, err
	}
	if !p.SpeaksForHousehold(h.ID, pl) {
		return Proxy{}, fmt.Errorf("name a proxy of household %d: %w", householdID, fault.ErrForbidden)
	}
	who, err := s.person(ctx, in)
	if err != nil {
		return Proxy{}, err
	}
	if who.ID == p.PersonID && p.HouseholdID != householdID {
		return Proxy{}, auth.ErrSelfAct // an official never makes themselves the proxy of a household
	}
	if who.HouseholdID != nil && *who.HouseholdID == householdID {
		return Proxy{}, ErrOwnMember
	}
	if who.Disabled || who.Phone == nil {
		return Proxy{}, fault.Invalidf("a proxy logs in with a phone of their own")
	}
	if in.MonthlyCeiling != nil && (*in.MonthlyCeiling < 1 || *in.MonthlyCeiling > 1_000_000) {
		return Proxy{}, fault.Invalidf("monthly_ceiling must be from 1 to 1000000 points, or null for none")
	}
	x := Proxy{VillageID: h.VillageID, HouseholdID: householdID, Household: h.Number, PersonID: who.ID, Name: who.Name,
		CeilingPts: in.MonthlyCeiling, NamedBy: p.PersonID, CreatedAt: s.Now()}
	x, err = write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Proxy], error) {
		if err := tx.InsertProxy(ctx, &x); err != nil {
			return write.Done[Proxy]{}, err
		}
		return write.Done[Proxy]{Value: x, ID: x.ID, Events: []audit.Event{{Place: pl, Action: "proxy.name", ObjectType: "household",
			ObjectID: householdID, After: x}}}, nil
	})
	if err != nil {
		return x, err
	}
	if p.HouseholdID != householdID {
		s.Alerts.OnProxyByOffice(ctx, h.VillageID, householdID, x.ID, p.PersonID)
	}
	x, err = s.Store.Proxy(ctx, x.ID) // with the household's account and points
	return shown(p, pl, x), err
}

// shown masks the proxy's name for anyone but the village office: a phone typed in reveals no
// more than 张*国 of whoever logs in with it.
func shown(p auth.Principal, pl auth.Place, x Proxy) Proxy {
	if !p.CanManageVillage(pl) {
		x.Name = org.MaskName(x.Name)
	}
	return x
}

// person finds the person an Input names.
func (s *Service) person(ctx context.Context, in Input) (org.Person, error) {
	if in.PersonID != 0 {
		return s.Org.Person(ctx, in.PersonID)
	}
	ph, err := phone.Canonical(in.Phone)
	if err != nil {
		return org.Person{}, fault.Invalidf("person_id or phone is required: the phone the proxy logs in with")
	}
	who, err := s.Org.PersonByPhone(ctx, ph)
	if errors.Is(err, fault.ErrNotFound) {
		return who, ErrNoSuchLogin
	}
	return who, err
}

// Revoke ends a proxy (the household's members, or the village office).
func (s *Service) Revoke(ctx context.Context, p auth.Principal, id int64) (Proxy, error) {
	x, err := s.Store.Proxy(ctx, id)
	if err != nil {
		return x, err
	}
	h, err := s.Org.Household(ctx, x.HouseholdID)
	if err != nil {
		return Proxy{}, err
	}
	pl, err := s.Org.VillagePlace(ctx, h.VillageID)
	if err != nil {
		return Proxy{}, err
	}
	if !p.SpeaksForHousehold(h.ID, pl) {
		return Proxy{}, fmt.Errorf("revoke proxy %d: %w", id, fault.ErrForbidden)
	}
	now := s.Now()
	x, err = write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Proxy], error) {
		ok, err := tx.RevokeProxy(ctx, id, now)
		if err != nil {
			return write.Done[Proxy]{}, err
		}
		if !ok {
			return write.Done[Proxy]{}, ErrNotFound
		}
		x.RevokedAt = &now
		return write.Done[Proxy]{Value: x, ID: x.ID, Events: []audit.Event{{Place: pl, Action: "proxy.revoke", ObjectType: "household",
			ObjectID: x.HouseholdID, After: x}}}, nil
	})
	return x, err
}

// Of lists a household's proxies (its members and the village office).
func (s *Service) Of(ctx context.Context, p auth.Principal, householdID int64) ([]Proxy, error) {
	h, err := s.Org.Household(ctx, householdID)
	if err != nil {
		return nil, err
	}
	pl, err := s.Org.VillagePlace(ctx, h.VillageID)
	if err != nil {
		return nil, err
	}
	if !p.SpeaksForHousehold(h.ID, pl) && !p.CanReadVillage(pl) {
		return nil, fmt.Errorf("proxies of household %d: %w", householdID, fault.ErrForbidden)
	}
	xs, err := s.Store.Of(ctx, householdID, calendar.MonthStart(s.Now()))
	for i := range xs {
		xs[i] = shown(p, pl, xs[i])
	}
	return xs, err
}

// For lists the households p may redeem for, with their spendable points.
func (s *Service) For(ctx context.Context, p auth.Principal) ([]Proxy, error) {
	return s.Store.For(ctx, p.PersonID, calendar.MonthStart(s.Now()))
}
