package auth

import "testing"

func TestPolicyByRoleAndPlace(t *testing.T) {
	gc := Place{TownshipID: 1, VillageID: 10}
	jy := Place{TownshipID: 1, VillageID: 11}
	other := Place{TownshipID: 2, VillageID: 20}
	clerk := Principal{PersonID: 1, Grants: []Grant{{Role: RoleClerk, TownshipID: 1, VillageID: 10}}}
	sup := Principal{PersonID: 2, Grants: []Grant{{Role: RoleSupervisor, TownshipID: 1, VillageID: 10, Body: BodyWorkTeam}}}
	townSup := Principal{PersonID: 3, Grants: []Grant{{Role: RoleSupervisor, TownshipID: 1}}}
	admin := Principal{PersonID: 4, Grants: []Grant{{Role: RoleTownshipAdmin, TownshipID: 1}}}
	villager := Principal{PersonID: 5, HouseholdID: 7, Home: gc}
	cases := []struct {
		name string
		got  bool
		want bool
	}{
		{"clerk manages own village", clerk.CanManageVillage(gc), true},
		{"clerk does not manage a neighbour", clerk.CanManageVillage(jy), false},
		{"clerk may not audit", clerk.CanAudit(gc), false},
		{"supervisor reads own village", sup.CanReadVillage(gc), true},
		{"supervisor does not manage", sup.CanManageVillage(gc), false},
		{"supervisor does not read a neighbour", sup.CanReadVillage(jy), false},
		{"township supervisor reads every village of the township", townSup.CanReadVillage(jy), true},
		{"township supervisor stops at the township", townSup.CanReadVillage(other), false},
		{"admin manages the township's villages", admin.CanManageVillage(jy), true},
		{"admin not another township", admin.CanManageVillage(other), false},
		{"villager reads own household", villager.CanReadHousehold(7, gc), true},
		{"villager not a neighbour's household", villager.CanReadHousehold(8, gc), false},
		{"villager cannot read the village", villager.CanReadVillage(gc), false},
		{"clerk appoints representatives", clerk.CanGrant(RoleRepresentative, gc), true},
		{"clerk cannot appoint supervisors", clerk.CanGrant(RoleSupervisor, gc), false},
		{"clerk cannot appoint clerks", clerk.CanGrant(RoleClerk, gc), false},
		{"admin appoints supervisors", admin.CanGrant(RoleSupervisor, jy), true},
		{"nobody with zero place", clerk.CanManageVillage(Place{TownshipID: 1}), false},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("%s: got %v", tc.name, tc.got)
		}
	}
	if r := villager.Roles(); len(r) != 1 || r[0] != "villager" {
		t.Errorf("villager roles = %v", r)
	}
}

func TestPasswordPolicy(t *testing.T) {
	for pw, ok := range map[string]bool{"short": false, "12345678": true, "八个汉字的密码啊": true, string(make([]byte, 73)): false} {
		if err := CheckPasswordPolicy(pw); (err == nil) != ok {
			t.Errorf("%q: err = %v, want ok=%v", pw, err, ok)
		}
	}
	h, err := HashPassword("demo-pass-2026")
	if err != nil || !passwordMatches(h, "demo-pass-2026") || passwordMatches(h, "demo-pass-2027") || passwordMatches("", "") {
		t.Error("bcrypt round trip failed")
	}
}
