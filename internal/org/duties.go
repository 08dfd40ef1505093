package org

import (
	"context"
	"fmt"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
)

// Separation of duties: nobody acts on their own roles, household or login; those who approve or
// watch are appointed by the township, on a recorded decision; a watched role and the watcher's role
// never sit with one person in one village; the clerk manages villagers, not officials. These are
// plain functions over what the service loaded, so that they are tested without a database.

// Errors of the duties.
var (
	ErrIncompatibleRoles   = fault.New(fault.Conflict, "incompatible_roles", "one person cannot both hold a watched role in a village and supervise it")
	ErrBodyTaken           = fault.New(fault.Conflict, "supervisor_body_taken", "this body already has its supervisor in the village")
	ErrDecisionRequired    = fault.New(fault.Unprocessable, "decision_required", "the township's decision date and reference are required for this role")
	ErrOfficialsByTownship = fault.New(fault.Forbidden, "officials_managed_by_township", "officials are managed by the township, not the village clerk")
)

// HeldGrant is a grant with the person who holds it.
type HeldGrant struct {
	PersonID int64 `db:"person_id"`
	auth.Grant
}

// checkSelf refuses an act of p on their own person, or on a person of their own household (or
// one being moved into it): an official who makes his wife the shopkeeper, or re-phones his son to
// log in as him, acts on himself.
func checkSelf(p auth.Principal, person Person, householdIDs ...*int64) error {
	if person.ID == p.PersonID {
		return fmt.Errorf("person %d: %w", person.ID, auth.ErrSelfAct)
	}
	for _, h := range append(householdIDs, person.HouseholdID) {
		if h != nil && p.HouseholdID != 0 && *h == p.HouseholdID {
			return fmt.Errorf("person %d of the official's own household: %w", person.ID, auth.ErrSelfAct)
		}
	}
	return nil
}

// checkGrant applies the duties to a grant g about to be given to a person who holds held, in a
// village whose grants are village (everyone's, for the one-supervisor-per-body rule).
func checkGrant(g auth.Grant, personID int64, held []auth.Grant, village []HeldGrant) error {
	if g.Role.Approving() && (g.DecidedOn == nil || g.Reference == "") {
		return ErrDecisionRequired
	}
	for _, h := range held {
		if h.TownshipID != g.TownshipID {
			continue
		}
		sameVillage := h.VillageID == g.VillageID || h.VillageID == 0 || g.VillageID == 0
		if !sameVillage {
			continue
		}
		if g.Role == auth.RoleSupervisor && h.Role.Watched() || g.Role.Watched() && h.Role == auth.RoleSupervisor {
			return ErrIncompatibleRoles.WithDetails(map[string]any{"holds": h.Role, "village_id": h.VillageID})
		}
	}
	if g.Role == auth.RoleSupervisor && g.VillageID != 0 {
		for _, h := range village {
			if h.Role == auth.RoleSupervisor && h.VillageID == g.VillageID && h.Body == g.Body && h.PersonID != personID {
				return ErrBodyTaken.WithDetails(map[string]any{"body": g.Body})
			}
		}
	}
	return nil
}

// checkManagesPerson refuses a change by p of a person who holds any role, unless p is the
// township's admin: disabling, re-phoning or moving an official is the township's act.
func checkManagesPerson(p auth.Principal, place auth.Place, held []auth.Grant) error {
	if len(held) > 0 && !p.HoldsIn(auth.RoleTownshipAdmin, place) {
		return ErrOfficialsByTownship
	}
	return nil
}

// Change is a change to who holds office or how large a household is, told to the risk-alert
// rules after it was written.
type Change struct {
	Kind        string // role.grant, role.revoke, household.create, household.update
	VillageID   int64
	PersonID    int64 // the person whose role changed
	HouseholdID int64 // the household created or changed
	Role        auth.Role
	By          int64
	// Official reports whether the household has a member who holds a role.
	Official bool
}

// OnChange sets what is told of each change after it is written.
func (s *Service) OnChange(fn func(ctx context.Context, c Change)) { s.changed = fn }

func (s *Service) tell(ctx context.Context, c Change) {
	if s.changed != nil {
		s.changed(ctx, c)
	}
}

// officialHousehold reports whether any member of a household holds a role.
func (s *Service) officialHousehold(ctx context.Context, villageID, householdID int64) bool {
	people, err := s.Store.People(ctx, PeopleFilter{VillageID: villageID, HouseholdID: householdID, Limit: MaxPage})
	if err != nil {
		return true // when in doubt, let the supervisors look
	}
	for _, p := range people {
		if held, err := s.Store.Grants(ctx, p.ID); err != nil || len(held) > 0 {
			return true
		}
	}
	return false
}
