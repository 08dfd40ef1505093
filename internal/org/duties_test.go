package org

import (
	"errors"
	"testing"
	"time"

	"pointsmarket/internal/auth"
)

func TestCheckGrant(t *testing.T) {
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	decided := func(g auth.Grant) auth.Grant { g.DecidedOn, g.Reference = &day, "葫政〔2026〕1号"; return g }
	sup := func(village int64, body string) auth.Grant {
		return decided(auth.Grant{Role: auth.RoleSupervisor, TownshipID: 1, VillageID: village, Body: body})
	}
	clerkOf := func(village int64) auth.Grant {
		return auth.Grant{Role: auth.RoleClerk, TownshipID: 1, VillageID: village}
	}
	cases := []struct {
		name    string
		g       auth.Grant
		held    []auth.Grant
		village []HeldGrant
		want    error
	}{
		{"a supervisor without the township's decision", auth.Grant{Role: auth.RoleSupervisor, TownshipID: 1, VillageID: 2, Body: auth.BodyWorkTeam}, nil, nil, ErrDecisionRequired},
		{"a party member without a reference", auth.Grant{Role: auth.RolePartyMember, TownshipID: 1, VillageID: 2, DecidedOn: &day}, nil, nil, ErrDecisionRequired},
		{"the clerk as his own village's supervisor", sup(2, auth.BodyWorkTeam), []auth.Grant{clerkOf(2)}, nil, ErrIncompatibleRoles},
		{"the clerk as a township supervisor over his village", sup(0, auth.BodyWorkTeam), []auth.Grant{clerkOf(2)}, nil, ErrIncompatibleRoles},
		{"the clerk as another village's supervisor", sup(3, auth.BodyWorkTeam), []auth.Grant{clerkOf(2)}, nil, nil},
		{"a supervisor made shopkeeper", auth.Grant{Role: auth.RoleShopkeeper, TownshipID: 1, VillageID: 2, ShopID: 9}, []auth.Grant{sup(2, auth.BodyWorkTeam)}, nil, ErrIncompatibleRoles},
		{"a committee member made supervisor", sup(2, auth.BodyRepresentatives), []auth.Grant{decided(auth.Grant{Role: auth.RoleBranchCommittee, TownshipID: 1, VillageID: 2})}, nil, ErrIncompatibleRoles},
		{"a party member made supervisor", sup(2, auth.BodyRepresentatives), []auth.Grant{decided(auth.Grant{Role: auth.RolePartyMember, TownshipID: 1, VillageID: 2})}, nil, nil},
		{"a second supervisor of one body", sup(2, auth.BodyWorkTeam), nil, []HeldGrant{{PersonID: 7, Grant: sup(2, auth.BodyWorkTeam)}}, ErrBodyTaken},
		{"the same supervisor again", sup(2, auth.BodyWorkTeam), nil, []HeldGrant{{PersonID: 5, Grant: sup(2, auth.BodyWorkTeam)}}, nil},
		{"a supervisor of another body", sup(2, auth.BodyWorkTeam), nil, []HeldGrant{{PersonID: 7, Grant: sup(2, auth.BodyRepresentatives)}}, nil},
		{"a group leader needs no decision", auth.Grant{Role: auth.RoleGroupLeader, TownshipID: 1, VillageID: 2}, nil, nil, nil},
	}
	for _, c := range cases {
		if err := checkGrant(c.g, 5, c.held, c.village); !errors.Is(err, c.want) && (err != nil || c.want != nil) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

func TestOnlyTheTownshipManagesOfficials(t *testing.T) {
	place := auth.Place{TownshipID: 1, VillageID: 2}
	clerk := auth.Principal{PersonID: 1, Grants: []auth.Grant{{Role: auth.RoleClerk, TownshipID: 1, VillageID: 2}}}
	admin := auth.Principal{PersonID: 2, Grants: []auth.Grant{{Role: auth.RoleTownshipAdmin, TownshipID: 1}}}
	official := []auth.Grant{{Role: auth.RoleSupervisor, TownshipID: 1, VillageID: 2}}
	if err := checkManagesPerson(clerk, place, nil); err != nil {
		t.Errorf("the clerk changes a villager: %v", err)
	}
	if err := checkManagesPerson(clerk, place, official); !errors.Is(err, ErrOfficialsByTownship) {
		t.Errorf("the clerk changes a supervisor: %v", err)
	}
	if err := checkManagesPerson(admin, place, official); err != nil {
		t.Errorf("the township changes a supervisor: %v", err)
	}
	if err := checkSelf(clerk, Person{ID: 1}); !errors.Is(err, auth.ErrSelfAct) {
		t.Errorf("the clerk on himself: %v", err)
	}
	own, other := int64(7), int64(8)
	member := auth.Principal{PersonID: 1, HouseholdID: own}
	if err := checkSelf(member, Person{ID: 2, HouseholdID: &own}); !errors.Is(err, auth.ErrSelfAct) {
		t.Errorf("an official on a member of his household: %v", err)
	}
	if err := checkSelf(member, Person{ID: 2, HouseholdID: &other}, &own); !errors.Is(err, auth.ErrSelfAct) {
		t.Errorf("an official moving someone into his household: %v", err)
	}
	if err := checkSelf(member, Person{ID: 2, HouseholdID: &other}, &other); err != nil {
		t.Errorf("an official on another household: %v", err)
	}
}
