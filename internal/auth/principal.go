// Package auth holds who is acting and what they may do: roles held in places, the principal of a
// session, the access policy, passwords, sessions and login rate limits. It knows nothing of HTTP,
// SQL or Redis; the stores it needs are interfaces implemented in internal/mysql and internal/redis.
package auth

import (
	"context"
	"slices"
	"time"
)

// Role is a role held in a place.
type Role string

// The roles. Villager is implicit: anyone who belongs to a household holds it in their village.
const (
	RoleTownshipAdmin   Role = "township_admin"
	RoleClerk           Role = "clerk"
	RoleBranchCommittee Role = "branch_committee"
	RolePartyMember     Role = "party_member"
	RoleRepresentative  Role = "representative"
	RoleGroupLeader     Role = "group_leader"
	RoleShopkeeper      Role = "shopkeeper"
	RoleSupervisor      Role = "supervisor"
	RoleVillager        Role = "villager"
	// RoleAssessor records the events and inspections villages are scored on: township-wide in
	// role_grants, or county-wide as a CountyGrant.
	RoleAssessor Role = "assessor"
	// RoleCountyAdmin adopts the county's assessment scheme, answers villages' objections to their
	// score and publishes the ranking. Held only as a CountyGrant.
	RoleCountyAdmin Role = "county_admin"
)

// Roles lists every role that can be granted (villager is implied by a household, not granted).
var Roles = []Role{RoleTownshipAdmin, RoleClerk, RoleBranchCommittee, RolePartyMember,
	RoleRepresentative, RoleGroupLeader, RoleShopkeeper, RoleSupervisor, RoleAssessor, RoleCountyAdmin}

// Valid reports whether r can be granted.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// The three bodies a supervision-group member comes from.
const (
	BodyVillageCommittee = "village_committee"
	BodyWorkTeam         = "work_team"
	BodyRepresentatives  = "representatives"
)

// Place locates a thing: every village belongs to a township. A zero VillageID means the
// township itself.
type Place struct {
	TownshipID int64 `json:"township_id" db:"township_id"`
	VillageID  int64 `json:"village_id,omitempty" db:"village_id"`
}

// Grant is a role held in a place. ShopID is set for shopkeepers; Body for supervisors.
type Grant struct {
	Role       Role   `json:"role" db:"role"`
	TownshipID int64  `json:"township_id,omitempty" db:"township_id"`
	VillageID  int64  `json:"village_id,omitempty" db:"village_id"`
	ShopID     int64  `json:"shop_id,omitempty" db:"shop_id"`
	Body       string `json:"body,omitempty" db:"body"`
	// CountyID is the county of the grant's township (read with the grant, not stored with it),
	// or, for a county-level grant, the county itself; a county-level grant has no TownshipID, so
	// that it never covers a village by itself.
	CountyID int64 `json:"county_id,omitempty" db:"county_id"`
	// DecidedOn and Reference record the township's decision for an approving role.
	DecidedOn *time.Time `json:"decided_on,omitempty" db:"decided_on"`
	Reference string     `json:"reference,omitempty" db:"reference"`
}

// Principal is the person behind a session with everything the access policy needs.
type Principal struct {
	PersonID           int64
	Name               string
	HouseholdID        int64 // 0 when the person belongs to no household
	Home               Place // the village the person lives in
	Grants             []Grant
	MustChangePassword bool
	Disabled           bool
	// passwordHash is loaded with the principal for password changes; it never leaves this package.
	passwordHash string
}

// WithPasswordHash returns p carrying its password hash; stores use it when loading a principal.
func (p Principal) WithPasswordHash(hash string) Principal {
	p.passwordHash = hash
	return p
}

// Roles lists the principal's distinct role names, villager first when they have a household.
func (p Principal) Roles() []string {
	var out []string
	if p.HouseholdID != 0 {
		out = append(out, string(RoleVillager))
	}
	for _, g := range p.Grants {
		if !slices.Contains(out, string(g.Role)) {
			out = append(out, string(g.Role))
		}
	}
	return out
}

// Has reports whether the principal holds role in any place.
func (p Principal) Has(role Role) bool {
	if role == RoleVillager {
		return p.HouseholdID != 0
	}
	return slices.ContainsFunc(p.Grants, func(g Grant) bool { return g.Role == role })
}

// HoldsIn reports whether the principal holds role for place: a village grant covers that village,
// a township-level grant (VillageID 0) covers every village of the township.
func (p Principal) HoldsIn(role Role, place Place) bool {
	return slices.ContainsFunc(p.Grants, func(g Grant) bool {
		return g.Role == role && covers(g, place)
	})
}

func covers(g Grant, place Place) bool {
	if g.TownshipID != place.TownshipID {
		return false
	}
	return g.VillageID == 0 || g.VillageID == place.VillageID
}

// CanManageVillage reports whether the principal may change the village's households, people and
// shops: its clerk, or the township's admin.
func (p Principal) CanManageVillage(place Place) bool {
	return place.VillageID != 0 && (p.HoldsIn(RoleClerk, place) || p.HoldsIn(RoleTownshipAdmin, place))
}

// CanReadVillage reports whether the principal may read everything of the village (not masked):
// those who manage it, and its supervisors (a township-level supervisor reads the whole township).
func (p Principal) CanReadVillage(place Place) bool {
	return p.CanManageVillage(place) || p.HoldsIn(RoleSupervisor, place)
}

// CanAudit reports whether the principal may read the audit log of place: supervisors and the
// township's admin. Clerks are the ones being watched, so they may not.
func (p Principal) CanAudit(place Place) bool {
	return p.HoldsIn(RoleSupervisor, place) || p.HoldsIn(RoleTownshipAdmin, place)
}

// CanReadHousehold reports whether the principal may read a household of place: its members, and
// whoever may read the village.
func (p Principal) CanReadHousehold(householdID int64, place Place) bool {
	return (householdID != 0 && p.HouseholdID == householdID) || p.CanReadVillage(place)
}

// SpeaksForHousehold reports whether the principal may act for a household of place (name its
// proxies, set its card's PIN, block its card): its members, and the village office for a household
// whose members cannot.
func (p Principal) SpeaksForHousehold(householdID int64, place Place) bool {
	return (householdID != 0 && p.HouseholdID == householdID) || p.CanManageVillage(place)
}

// AuditScopes returns the places whose audit log the principal may read.
func (p Principal) AuditScopes() []Place {
	var out []Place
	for _, g := range p.Grants {
		if g.Role == RoleSupervisor || g.Role == RoleTownshipAdmin {
			out = append(out, Place{TownshipID: g.TownshipID, VillageID: g.VillageID})
		}
	}
	return out
}

// CanGrant reports whether the principal may grant (or revoke) role in place. The township admin
// appoints clerks, the approving and watching roles and township staff; a clerk appoints only the
// village's representatives, group leaders and shopkeepers — never those who approve or watch him.
func (p Principal) CanGrant(role Role, place Place) bool {
	if p.HoldsIn(RoleTownshipAdmin, place) {
		return true
	}
	switch role {
	case RoleRepresentative, RoleGroupLeader, RoleShopkeeper:
		return place.VillageID != 0 && p.HoldsIn(RoleClerk, place)
	}
	return false
}

// Approving reports whether a role approves or watches others' acts: those come from the township,
// on a recorded decision.
func (r Role) Approving() bool {
	return r == RoleBranchCommittee || r == RolePartyMember || r == RoleSupervisor
}

// Watched reports whether a role is one the supervision group watches: its holder cannot also be a
// supervisor of the same village.
func (r Role) Watched() bool {
	return r == RoleClerk || r == RoleGroupLeader || r == RoleShopkeeper || r == RoleBranchCommittee
}

// CountyWide reports whether the grant is held for a whole county.
func (g Grant) CountyWide() bool { return g.TownshipID == 0 && g.CountyID != 0 }

// HoldsInCounty reports whether the principal holds role for the whole county.
func (p Principal) HoldsInCounty(role Role, countyID int64) bool {
	return slices.ContainsFunc(p.Grants, func(g Grant) bool {
		return g.Role == role && g.CountyWide() && g.CountyID == countyID
	})
}

// CountyStaff reports whether the principal works for the county or one of its townships: any
// county-level grant there, or a township-wide admin, assessor or supervisor grant in one of its
// townships. Village officials are not county staff.
func (p Principal) CountyStaff(countyID int64) bool {
	return slices.ContainsFunc(p.Grants, func(g Grant) bool {
		if g.CountyID != countyID {
			return false
		}
		return g.CountyWide() || g.VillageID == 0 &&
			(g.Role == RoleTownshipAdmin || g.Role == RoleAssessor || g.Role == RoleSupervisor)
	})
}

// Assesses reports whether the principal may record assessment events and inspections for a
// village of place in countyID: a county assessor, or an assessor of the village's township.
func (p Principal) Assesses(place Place, countyID int64) bool {
	return p.HoldsInCounty(RoleAssessor, countyID) || p.HoldsIn(RoleAssessor, place)
}

// IsOfficial reports whether the principal holds any role at all: the clerk manages villagers, and
// the township manages officials.
func (p Principal) IsOfficial() bool { return len(p.Grants) > 0 }

// Places resolves where a village is. Implemented by the org store.
type Places interface {
	// VillagePlace returns the place of a village, or fault.ErrNotFound.
	VillagePlace(ctx context.Context, villageID int64) (Place, error)
}

// InVillage reports whether the principal belongs to the village: lives there or holds a role
// there. Township staff, whose grants cover the whole township, are outsiders to each village.
func (p Principal) InVillage(villageID int64) bool {
	return p.Home.VillageID == villageID || slices.ContainsFunc(p.Grants, func(g Grant) bool { return g.VillageID == villageID })
}

// RunsShop reports whether the principal is a shopkeeper of the shop.
func (p Principal) RunsShop(shopID int64) bool {
	return slices.ContainsFunc(p.Grants, func(g Grant) bool { return g.Role == RoleShopkeeper && g.ShopID == shopID })
}
