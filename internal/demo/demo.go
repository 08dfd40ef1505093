// Package demo loads the demo data of the contract: township 葫芦镇 with 国茶村, 尖岩村 and 米塔村,
// their households, officials, supervision groups and partner shops, and six months of points
// history posted through the ledger (so balances come from transfers). Loading twice changes
// nothing: places and people are found before they are created, and every posting carries an
// idempotency key that replays on the second run.
package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"pointsmarket/internal/assessment"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/earning"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/mysql"
	"pointsmarket/internal/org"
	"pointsmarket/internal/request"
	"pointsmarket/internal/write"
)

// Password is the demo users' password (API-CONTRACT.md).
const Password = "demo-pass-2026"

// Stores are what the seed writes through.
type Stores struct {
	Org      *mysql.OrgStore
	Ledger   *mysql.LedgerStore
	Postings *ledger.Service // validates and fingerprints postings like any other caller
	Catalog  catalog.Store
	Earning  earning.Store
	// Assessment runs the county's seeding in one transaction per half-year.
	Assessment write.InTx[assessment.Tx]
	// Requests creates the county's departments, as its county admin would.
	Requests *request.Service
}

type seeder struct {
	Stores
	log  *slog.Logger
	hash string // one bcrypt hash of Password, shared: hashing per user would take seconds
	// since is when the households were registered (their sizes noticed) and the shops' agreements begin.
	since time.Time
	// generated: a generated county's villages, whose history SeedCounty writes month by month.
	generated bool
}

// registeredSince is when the demo's households were registered and their sizes noticed.
var registeredSince = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Seed loads the demo data; passwordCost is the bcrypt work factor of the demo's password hash
// (0: the production one).
func Seed(ctx context.Context, st Stores, log *slog.Logger, passwordCost int) error {
	ctx = audit.WithActor(ctx, audit.SystemActor("seed --demo"))
	hash, err := auth.HashPasswordAt(Password, passwordCost)
	if err != nil {
		return err
	}
	s := &seeder{Stores: st, log: log, hash: hash, since: registeredSince}
	homes := map[string]org.Village{}
	var county int64
	for _, ts := range townships {
		t, err := st.Org.EnsureTownship(ctx, "示范县", ts.name)
		if err != nil {
			return err
		}
		county = t.CountyID
		for i, v := range ts.villages {
			village, err := s.village(ctx, t, v)
			if err != nil {
				return fmt.Errorf("seed %s: %w", v.name, err)
			}
			homes[v.name] = village
			if i > 0 {
				continue
			}
			p, err := s.ensurePerson(ctx, village.ID, nil, ts.admin, ts.adminPhone)
			if err != nil {
				return err
			}
			if err := s.ensureGrant(ctx, p.ID, auth.Grant{Role: auth.RoleTownshipAdmin, TownshipID: t.ID}); err != nil {
				return err
			}
		}
	}
	if err := s.county(ctx, county, homes); err != nil {
		return fmt.Errorf("seed the county: %w", err)
	}
	log.Info("demo data loaded", "townships", len(townships), "villages", len(homes))
	return nil
}

func (s *seeder) village(ctx context.Context, t org.Township, spec villageSpec) (org.Village, error) {
	v, err := s.Org.EnsureVillage(ctx, t.ID, spec.name)
	if err != nil {
		return v, err
	}
	return v, s.fill(ctx, v, spec)
}

// fill gives a village its groups, shop, households with their history, officials, catalogue,
// rule book and representatives.
func (s *seeder) fill(ctx context.Context, v org.Village, spec villageSpec) error {
	place := v.Place()
	groups := make([]int64, 0, len(groupNames))
	for _, name := range groupNames {
		g, err := s.ensureGroup(ctx, v.ID, name)
		if err != nil {
			return err
		}
		groups = append(groups, g.ID)
	}
	shop, err := s.Org.EnsureShop(ctx, org.Shop{VillageID: v.ID, Name: spec.name + "便民超市",
		Address: spec.name + "村部旁", OwnerName: spec.shopOwner, Phone: spec.phone(2)})
	if err != nil {
		return err
	}
	issuance, err := s.Ledger.AccountOf(ctx, v.ID, ledger.Issuance, 0)
	if err != nil {
		return err
	}
	penalties, err := s.Ledger.AccountOf(ctx, v.ID, ledger.Penalties, 0)
	if err != nil {
		return err
	}
	for i, hs := range spec.households {
		h, err := s.ensureHousehold(ctx, v.ID, groups[i%len(groups)], spec.prefix, i+1, hs)
		if err != nil {
			return err
		}
		for j, m := range hs.members {
			phone := ""
			if j == 0 && hs.phoneSuffix != 0 {
				phone = spec.phone(hs.phoneSuffix)
			}
			p, err := s.ensurePerson(ctx, v.ID, &h.ID, m, phone)
			if err != nil {
				return err
			}
			if j == 0 {
				for _, role := range hs.roles {
					if err := s.grant(ctx, p.ID, place, role, 0); err != nil {
						return err
					}
				}
			}
		}
		if s.generated {
			continue
		}
		if err := s.history(ctx, v, h, hs, issuance.ID, penalties.ID); err != nil {
			return err
		}
	}
	// Officials who are not the head of a seeded household.
	officials := map[auth.Role]int64{}
	for _, o := range spec.officials {
		p, err := s.ensurePerson(ctx, v.ID, nil, o.name, spec.phone(o.phoneSuffix))
		if err != nil {
			return err
		}
		if err := s.grant(ctx, p.ID, place, o.role, shop.ID, o.body); err != nil {
			return err
		}
		if officials[o.role] == 0 {
			officials[o.role] = p.ID
		}
	}
	if err := s.catalogFor(ctx, v, shop, officials[auth.RoleClerk], officials[auth.RoleSupervisor]); err != nil {
		return err
	}
	if err := s.rulesFor(ctx, v, officials[auth.RoleClerk]); err != nil {
		return err
	}
	return s.representatives(ctx, v, spec)
}

func (s *seeder) ensureGroup(ctx context.Context, villageID int64, name string) (org.Group, error) {
	groups, err := s.Org.Groups(ctx, villageID)
	if err != nil {
		return org.Group{}, err
	}
	for _, g := range groups {
		if g.Name == name {
			return g, nil
		}
	}
	return s.Org.CreateGroup(ctx, org.Group{VillageID: villageID, Name: name})
}

func (s *seeder) ensureHousehold(ctx context.Context, villageID, groupID int64, prefix string, n int, hs householdSpec) (org.Household, error) {
	number := fmt.Sprintf("%s-%03d", prefix, n)
	h, err := s.Org.HouseholdByNumber(ctx, villageID, number)
	if !errors.Is(err, fault.ErrNotFound) {
		return h, err
	}
	noticed := s.since // the households are history: their sizes were noticed long ago
	return s.Org.CreateHousehold(ctx, org.Household{VillageID: villageID, GroupID: &groupID, Number: number,
		HeadName: hs.members[0], Size: hs.size, Address: fmt.Sprintf("%s组%d号", prefix, n), SizeNoticeUntil: &noticed})
}

// ensurePerson finds a person by phone (or, without one, by name in the household) or creates
// them; people with a phone get the demo password.
func (s *seeder) ensurePerson(ctx context.Context, villageID int64, householdID *int64, name, phone string) (org.Person, error) {
	var p org.Person
	var err error
	switch {
	case phone != "":
		p, err = s.Org.PersonByPhone(ctx, phone)
	case householdID != nil:
		p, err = s.Org.PersonByName(ctx, *householdID, name)
	default:
		return org.Person{}, fmt.Errorf("person %s needs a phone or a household", name)
	}
	if !errors.Is(err, fault.ErrNotFound) {
		return p, err
	}
	hash := ""
	var ph *string
	if phone != "" {
		hash, ph = s.hash, &phone
	}
	return s.Org.CreatePerson(ctx, org.Person{VillageID: villageID, HouseholdID: householdID, Name: name, Phone: ph}, hash)
}

// grant gives a role unless the person holds it already (so the audit log does not grow).
func (s *seeder) grant(ctx context.Context, personID int64, place auth.Place, role auth.Role, shopID int64, body ...string) error {
	g := auth.Grant{Role: role, TownshipID: place.TownshipID, VillageID: place.VillageID}
	if role == auth.RoleShopkeeper {
		g.ShopID = shopID
	}
	if len(body) > 0 {
		g.Body = body[0]
	}
	return s.ensureGrant(ctx, personID, g)
}

func (s *seeder) ensureGrant(ctx context.Context, personID int64, g auth.Grant) error {
	have, err := s.Org.Grants(ctx, personID)
	if err != nil {
		return err
	}
	for _, h := range have {
		if h.Role == g.Role && h.TownshipID == g.TownshipID && h.VillageID == g.VillageID && h.ShopID == g.ShopID {
			return nil
		}
	}
	return s.Org.Grant(ctx, personID, g)
}

// history posts six months of base, reward and penalty points for a household.
func (s *seeder) history(ctx context.Context, v org.Village, h org.Household, hs householdSpec, issuance, penalties int64) error {
	acct, err := s.Ledger.AccountOf(ctx, v.ID, ledger.Household, h.ID)
	if err != nil {
		return err
	}
	for i, e := range hs.entries(h.Size) {
		req := ledger.TransferRequest{DebitAccountID: issuance, CreditAccountID: acct.ID, Amount: e.points, Kind: ledger.Earn, Reason: e.reason}
		if e.points < 0 {
			req = ledger.TransferRequest{DebitAccountID: acct.ID, CreditAccountID: penalties, Amount: -e.points, Kind: ledger.Penalty, Reason: e.reason}
		}
		key := fmt.Sprintf("demo:household:%d:%d", h.ID, i)
		if _, err := s.Postings.Transfer(ctx, req, key); err != nil {
			return fmt.Errorf("post %q for household %s: %w", e.reason, h.Number, err)
		}
	}
	return nil
}

// representatives grants the representative role and posts their own points.
func (s *seeder) representatives(ctx context.Context, v org.Village, spec villageSpec) error {
	issuance, err := s.Ledger.AccountOf(ctx, v.ID, ledger.Issuance, 0)
	if err != nil {
		return err
	}
	for _, hs := range spec.households {
		if !hs.representative {
			continue
		}
		p, err := s.Org.PersonByPhone(ctx, spec.phone(hs.phoneSuffix))
		if err != nil {
			return err
		}
		if err := s.grant(ctx, p.ID, v.Place(), auth.RoleRepresentative, 0); err != nil {
			return err
		}
		acct, err := s.Ledger.AccountOf(ctx, v.ID, ledger.Representative, p.ID)
		if err != nil {
			return err
		}
		for i, e := range representativeEntries() {
			key := fmt.Sprintf("demo:representative:%d:%d", p.ID, i)
			req := ledger.TransferRequest{DebitAccountID: issuance.ID, CreditAccountID: acct.ID, Amount: e.points, Kind: ledger.Earn, Reason: e.reason}
			if _, err := s.Postings.Transfer(ctx, req, key); err != nil {
				return err
			}
		}
	}
	return nil
}
