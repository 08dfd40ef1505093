package demo

import (
	"context"
	"errors"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/org"
	"pointsmarket/internal/request"
)

// departmentSpec is a county department that takes the requests townships pass on, with one
// member of staff (who lives in one of the county's villages, as the county's staff do).
type departmentSpec struct {
	name, staff, phone, home string
}

var departments = []departmentSpec{
	{"县民政局", "民干事", "13800000502", "白沙村"},
	{"县自然资源局", "林干事", "13800000503", "青山村"},
}

// departments creates the county's departments and their staff through the request service, as
// the county admin would: seeding again finds them there.
func (s *seeder) departments(ctx context.Context, countyID, adminID int64, homes map[string]org.Village) error {
	admin := auth.Principal{PersonID: adminID, Grants: []auth.Grant{{Role: auth.RoleCountyAdmin, CountyID: countyID}}}
	have, err := s.Requests.Departments(ctx, admin, countyID)
	if err != nil {
		return err
	}
	for _, spec := range departments {
		var d request.Department
		for _, h := range have {
			if h.Name == spec.name {
				d = h
			}
		}
		if d.ID == 0 {
			if d, err = s.Requests.CreateDepartment(ctx, admin, countyID, request.DepartmentInput{Name: spec.name}); err != nil {
				return err
			}
		}
		p, err := s.ensurePerson(ctx, homes[spec.home].ID, nil, spec.staff, spec.phone)
		if err != nil {
			return err
		}
		if _, err := s.Requests.AddStaff(ctx, admin, d.ID, request.StaffInput{PersonID: p.ID}); err != nil && !errors.Is(err, request.ErrDuplicateStaff) {
			return err
		}
	}
	return nil
}
