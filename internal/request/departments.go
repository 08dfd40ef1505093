package request

import (
	"context"
	"fmt"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
	"pointsmarket/internal/write"
)

// DepartmentInput names a new department.
type DepartmentInput struct {
	Name string `json:"name"`
}

// CreateDepartment adds a department to the county (its county admin).
func (s *Service) CreateDepartment(ctx context.Context, p auth.Principal, countyID int64, in DepartmentInput) (Department, error) {
	if !p.HoldsInCounty(auth.RoleCountyAdmin, countyID) {
		return Department{}, fmt.Errorf("add a department to county %d: %w", countyID, fault.ErrForbidden)
	}
	name, err := text.Clean("name", in.Name, 2, 64)
	if err != nil {
		return Department{}, err
	}
	d := Department{CountyID: countyID, Name: name}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Department], error) {
		if err := tx.InsertDepartment(ctx, &d); err != nil {
			return write.Done[Department]{}, err
		}
		events, err := audit.CountyEvents(ctx, tx, countyID, audit.Event{Action: "department.create", ObjectType: "department", ObjectID: d.ID, After: d})
		return write.Done[Department]{Value: d, ID: d.ID, Events: events}, err
	})
}

// Departments lists a county's departments (to any official: a township passes requests to them).
func (s *Service) Departments(ctx context.Context, p auth.Principal, countyID int64) ([]Department, error) {
	if !p.IsOfficial() {
		return nil, fmt.Errorf("departments of county %d: %w", countyID, fault.ErrForbidden)
	}
	return s.Store.Departments(ctx, countyID)
}

// StaffInput names a person for a department's staff.
type StaffInput struct {
	PersonID int64 `json:"person_id"`
}

// AddStaff puts a person on a department's staff (the county admin; never themselves).
func (s *Service) AddStaff(ctx context.Context, p auth.Principal, departmentID int64, in StaffInput) (Department, error) {
	d, err := s.Store.Department(ctx, departmentID)
	if err != nil {
		return d, err
	}
	if !p.HoldsInCounty(auth.RoleCountyAdmin, d.CountyID) {
		return Department{}, fmt.Errorf("staff department %d: %w", departmentID, fault.ErrForbidden)
	}
	if in.PersonID == p.PersonID {
		return Department{}, auth.ErrSelfAct
	}
	if in.PersonID <= 0 {
		return Department{}, fault.Invalidf("person_id is required")
	}
	if _, err := s.Org.Person(ctx, in.PersonID); err != nil {
		return Department{}, err
	}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Department], error) {
		if err := tx.AddStaff(ctx, departmentID, in.PersonID); err != nil {
			return write.Done[Department]{}, err
		}
		events, err := audit.CountyEvents(ctx, tx, d.CountyID, audit.Event{Action: "department.staff_add", ObjectType: "department",
			ObjectID: d.ID, After: map[string]int64{"person_id": in.PersonID}})
		return write.Done[Department]{Value: d, ID: d.ID, Events: events}, err
	})
}

// MyDepartments lists the departments p is on the staff of (their desks).
func (s *Service) MyDepartments(ctx context.Context, p auth.Principal) ([]Department, error) {
	return s.Store.StaffOf(ctx, p.PersonID)
}
