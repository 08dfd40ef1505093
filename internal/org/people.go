package org

import (
	"context"
	"fmt"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/phone"
	"pointsmarket/internal/text"
)

// People lists a village's people (or one household's) for those who may read the village, and a
// household's members for the household. Phones are masked except for those who manage the village.
func (s *Service) People(ctx context.Context, p auth.Principal, f PeopleFilter) ([]Person, error) {
	v, err := s.Store.Village(ctx, f.VillageID)
	if err != nil {
		return nil, err
	}
	own := f.HouseholdID != 0 && f.HouseholdID == p.HouseholdID
	if !p.CanReadVillage(v.Place()) && !own {
		return nil, fmt.Errorf("people of village %d: %w", f.VillageID, fault.ErrForbidden)
	}
	f.Limit = pageSize(f.Limit)
	people, err := s.Store.People(ctx, f)
	if err != nil {
		return nil, err
	}
	for i := range people {
		people[i] = s.masked(p, v.Place(), people[i])
	}
	return people, nil
}

// Person returns one person to themselves and to those who may read their village.
func (s *Service) Person(ctx context.Context, p auth.Principal, id int64) (Person, error) {
	person, err := s.Store.Person(ctx, id)
	if err != nil {
		return Person{}, err
	}
	place, err := s.Store.VillagePlace(ctx, person.VillageID)
	if err != nil {
		return Person{}, err
	}
	if person.ID != p.PersonID && !p.CanReadVillage(place) {
		return Person{}, fmt.Errorf("person %d: %w", id, fault.ErrForbidden)
	}
	return s.masked(p, place, person), nil
}

func (s *Service) masked(p auth.Principal, place auth.Place, person Person) Person {
	if person.Phone != nil && person.ID != p.PersonID && !p.CanManageVillage(place) {
		m := phone.Mask(*person.Phone)
		person.Phone = &m
	}
	return person
}

// PersonInput is what a clerk sends to register or change a person. InitialPassword, when given,
// lets the person log in once; they must change it at first login.
type PersonInput struct {
	Name            string `json:"name"`
	Phone           string `json:"phone"`
	HouseholdID     *int64 `json:"household_id"`
	InitialPassword string `json:"initial_password,omitempty"`
	Disabled        bool   `json:"disabled"`
}

// cleanPerson normalises the input's name and phone in place (the phone to its one canonical
// form, so that the login finds it however it was typed) and checks the household.
func (s *Service) cleanPerson(ctx context.Context, villageID int64, in *PersonInput) (err error) {
	if in.Name, err = text.Clean("name", in.Name, 1, 64); err != nil {
		return err
	}
	if blank, _ := text.Clean("phone", in.Phone, 0, 64); blank == "" {
		in.Phone = ""
	} else if in.Phone, err = phone.Canonical(in.Phone); err != nil {
		return err
	}
	if in.HouseholdID != nil {
		h, err := s.Store.Household(ctx, *in.HouseholdID)
		if err != nil {
			return err
		}
		if h.VillageID != villageID {
			return fmt.Errorf("household %d: %w", h.ID, ErrOtherVillage)
		}
	}
	return nil
}

func optionalPhone(phone string) *string {
	if phone == "" {
		return nil
	}
	return &phone
}

// CreatePerson registers a person in a village p manages.
func (s *Service) CreatePerson(ctx context.Context, p auth.Principal, villageID int64, in PersonInput) (Person, error) {
	if _, err := s.village(ctx, villageID, p.CanManageVillage); err != nil {
		return Person{}, err
	}
	if err := s.cleanPerson(ctx, villageID, &in); err != nil {
		return Person{}, err
	}
	var hash string
	if in.InitialPassword != "" {
		if in.Phone == "" {
			return Person{}, fault.Invalidf("a person without a phone cannot log in, so needs no password")
		}
		var err error
		if hash, err = auth.HashPassword(in.InitialPassword); err != nil {
			return Person{}, err
		}
	}
	return s.Store.CreatePerson(ctx, Person{
		VillageID: villageID, HouseholdID: in.HouseholdID, Name: in.Name,
		Phone: optionalPhone(in.Phone), MustChangePassword: hash != "",
	}, hash)
}

// UpdatePerson changes a person of a village p manages (name, phone, household, disabled).
func (s *Service) UpdatePerson(ctx context.Context, p auth.Principal, id int64, in PersonInput) (Person, error) {
	person, err := s.Store.Person(ctx, id)
	if err != nil {
		return Person{}, err
	}
	if _, err := s.village(ctx, person.VillageID, p.CanManageVillage); err != nil {
		return Person{}, err
	}
	if in.InitialPassword != "" {
		return Person{}, fault.Invalidf("passwords are changed by their owner, not here")
	}
	if err := s.cleanPerson(ctx, person.VillageID, &in); err != nil {
		return Person{}, err
	}
	if err := checkSelf(p, person, in.HouseholdID); err != nil {
		return Person{}, err
	}
	held, err := s.Store.Grants(ctx, id)
	if err != nil {
		return Person{}, err
	}
	place, err := s.Store.VillagePlace(ctx, person.VillageID)
	if err != nil {
		return Person{}, err
	}
	if err := checkManagesPerson(p, place, held); err != nil {
		return Person{}, err
	}
	return s.Store.UpdatePerson(ctx, id, func(x *Person) error {
		x.Name, x.Phone, x.HouseholdID, x.Disabled = in.Name, optionalPhone(in.Phone), in.HouseholdID, in.Disabled
		return nil
	})
}

// GrantInput names a role to give or take in the person's village (or township, for township roles).
type GrantInput struct {
	Role   auth.Role `json:"role"`
	ShopID int64     `json:"shop_id"`
	Body   string    `json:"body"`
	// DecidedOn (YYYY-MM-DD) and Reference (文号) record the township's decision; required for
	// branch committee, party member and supervisor.
	DecidedOn string `json:"decided_on"`
	Reference string `json:"reference"`
	// TownshipWide grants the role for the whole township (township admin, township supervisor,
	// township assessor).
	TownshipWide bool `json:"township_wide"`
	// CountyWide grants the role for the whole county of the person's village (county admin,
	// county assessor).
	CountyWide bool `json:"county_wide"`
}

// grant resolves in to the grant it describes for a person and checks that p may make it.
func (s *Service) grant(ctx context.Context, p auth.Principal, personID int64, in GrantInput) (auth.Grant, error) {
	if !in.Role.Valid() {
		return auth.Grant{}, fault.Invalidf("unknown role %q", in.Role)
	}
	person, err := s.Store.Person(ctx, personID)
	if err != nil {
		return auth.Grant{}, err
	}
	if err := checkSelf(p, person); err != nil {
		return auth.Grant{}, err
	}
	v, err := s.Store.Village(ctx, person.VillageID)
	if err != nil {
		return auth.Grant{}, err
	}
	t, err := s.Store.Township(ctx, v.TownshipID)
	if err != nil {
		return auth.Grant{}, err
	}
	g := auth.Grant{Role: in.Role, TownshipID: v.TownshipID, VillageID: v.ID, Body: in.Body, CountyID: t.CountyID}
	switch {
	case in.CountyWide && in.TownshipWide:
		return auth.Grant{}, fault.Invalidf("a role is township-wide or county-wide, not both")
	case in.CountyWide:
		if in.Role != auth.RoleCountyAdmin && in.Role != auth.RoleAssessor || in.Body != "" || in.ShopID != 0 {
			return auth.Grant{}, fault.Invalidf("only county_admin and assessor can be county-wide, without a body or shop")
		}
		// The county's own staff are appointed by its admin; nobody appoints themselves (checkSelf).
		if !p.HoldsInCounty(auth.RoleCountyAdmin, t.CountyID) {
			return auth.Grant{}, fmt.Errorf("grant %s in county %d: %w", in.Role, t.CountyID, fault.ErrForbidden)
		}
		return auth.Grant{Role: in.Role, CountyID: t.CountyID}, nil
	case in.Role == auth.RoleCountyAdmin:
		return auth.Grant{}, fault.Invalidf("county_admin is always county-wide")
	case in.TownshipWide:
		if in.Role != auth.RoleTownshipAdmin && in.Role != auth.RoleSupervisor && in.Role != auth.RoleAssessor {
			return auth.Grant{}, fault.Invalidf("only township_admin, supervisor and assessor can be township-wide")
		}
		g.VillageID = 0
	case in.Role == auth.RoleTownshipAdmin || in.Role == auth.RoleAssessor:
		return auth.Grant{}, fault.Invalidf("%s is township-wide or county-wide, never one village's", in.Role)
	}
	switch in.Role {
	case auth.RoleSupervisor:
		if in.Body != auth.BodyVillageCommittee && in.Body != auth.BodyWorkTeam && in.Body != auth.BodyRepresentatives {
			return auth.Grant{}, fault.Invalidf("a supervisor comes from village_committee, work_team or representatives")
		}
	case auth.RoleShopkeeper:
		shop, err := s.Store.Shop(ctx, in.ShopID)
		if err != nil {
			return auth.Grant{}, err
		}
		if shop.VillageID != v.ID {
			return auth.Grant{}, fmt.Errorf("shop %d: %w", shop.ID, ErrOtherVillage)
		}
		g.ShopID = shop.ID
	}
	if in.Role != auth.RoleSupervisor && in.Body != "" {
		return auth.Grant{}, fault.Invalidf("only a supervisor comes from a body (village_committee, work_team or representatives)")
	}
	// The county admin appoints the township-wide staff of the county's townships too.
	countyAppoints := g.VillageID == 0 && p.HoldsInCounty(auth.RoleCountyAdmin, t.CountyID)
	if !countyAppoints && !p.CanGrant(in.Role, auth.Place{TownshipID: g.TownshipID, VillageID: g.VillageID}) {
		return auth.Grant{}, fmt.Errorf("grant %s: %w", in.Role, fault.ErrForbidden)
	}
	return g, nil
}

// Grant gives a person a role. It returns auth.ErrSelfAct for one's own roles, fault.ErrForbidden
// unless p may appoint it there (approving and watching roles only the township),
// ErrDecisionRequired without the township's decision for those, ErrIncompatibleRoles when the
// person would both hold a watched role and supervise the village, ErrBodyTaken for a second
// supervisor of one body.
func (s *Service) Grant(ctx context.Context, p auth.Principal, personID int64, in GrantInput) (auth.Grant, error) {
	g, err := s.grant(ctx, p, personID, in)
	if err != nil {
		return auth.Grant{}, err
	}
	if g.Role.Approving() {
		if in.DecidedOn != "" {
			d, err := text.Date("decided_on", in.DecidedOn)
			if err != nil {
				return auth.Grant{}, err
			}
			g.DecidedOn = &d
		}
		if g.Reference, err = text.Clean("reference", in.Reference, 0, 64); err != nil {
			return auth.Grant{}, err
		}
	}
	held, err := s.Store.Grants(ctx, personID)
	if err != nil {
		return auth.Grant{}, err
	}
	var village []HeldGrant
	if g.Role == auth.RoleSupervisor && g.VillageID != 0 {
		if village, err = s.Store.VillageGrants(ctx, g.VillageID); err != nil {
			return auth.Grant{}, err
		}
	}
	if err := checkGrant(g, personID, held, village); err != nil {
		return auth.Grant{}, err
	}
	if err := s.Store.Grant(ctx, personID, g); err != nil {
		return auth.Grant{}, err
	}
	s.tell(ctx, Change{Kind: "role.grant", VillageID: g.VillageID, PersonID: personID, Role: g.Role, By: p.PersonID, Official: true})
	return g, nil
}

// Revoke takes a role away. It returns ErrGrantNotFound when the person does not hold it.
func (s *Service) Revoke(ctx context.Context, p auth.Principal, personID int64, in GrantInput) error {
	g, err := s.grant(ctx, p, personID, in)
	if err != nil {
		return err
	}
	if err := s.Store.Revoke(ctx, personID, g); err != nil {
		return err
	}
	s.tell(ctx, Change{Kind: "role.revoke", VillageID: g.VillageID, PersonID: personID, Role: g.Role, By: p.PersonID, Official: true})
	return nil
}

// Grants lists the roles of a person, for themselves and those who may read their village.
func (s *Service) Grants(ctx context.Context, p auth.Principal, personID int64) ([]auth.Grant, error) {
	if _, err := s.Person(ctx, p, personID); err != nil {
		return nil, err
	}
	return s.Store.Grants(ctx, personID)
}
