package org

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
)

// Store persists people and places. Every write is audited by the implementation in the same
// transaction; Update* methods run fn on the current row under a row lock, then save and audit it.
type Store interface {
	auth.Places
	Township(ctx context.Context, id int64) (Township, error)
	// Counties returns the counties of those ids, by id.
	Counties(ctx context.Context, ids []int64) ([]County, error)
	Village(ctx context.Context, id int64) (Village, error)
	// Villages returns the villages covered by any of places, by id.
	Villages(ctx context.Context, places []auth.Place) ([]Village, error)
	// SetSupervisionPhone records (audited) a village's supervision phone; nil clears it.
	SetSupervisionPhone(ctx context.Context, villageID int64, phone *string) (Village, error)
	// SetCashTopUp records (audited) whether a village's shops may take cash for points that fall short.
	SetCashTopUp(ctx context.Context, villageID int64, allowed bool) (Village, error)
	// Directory lists every village with its township's name, by township and name.
	Directory(ctx context.Context) ([]Listed, error)
	Groups(ctx context.Context, villageID int64) ([]Group, error)
	CreateGroup(ctx context.Context, g Group) (Group, error)
	Households(ctx context.Context, villageID, afterID int64, limit int) ([]Household, error)
	Household(ctx context.Context, id int64) (Household, error)
	// CreateHousehold saves h and opens its points account. Returns ErrDuplicate for a taken number.
	CreateHousehold(ctx context.Context, h Household) (Household, error)
	UpdateHousehold(ctx context.Context, id int64, fn func(*Household) error) (Household, error)
	People(ctx context.Context, f PeopleFilter) ([]Person, error)
	Person(ctx context.Context, id int64) (Person, error)
	// CreatePerson saves p with an optional password hash. Returns ErrPhoneTaken.
	CreatePerson(ctx context.Context, p Person, passwordHash string) (Person, error)
	UpdatePerson(ctx context.Context, id int64, fn func(*Person) error) (Person, error)
	Grants(ctx context.Context, personID int64) ([]auth.Grant, error)
	// SizeNotice returns a household size put on the notice, or ErrSizeNotFound.
	SizeNotice(ctx context.Context, sizeID int64) (SizeNotice, error)
	ObjectToSize(ctx context.Context, o SizeObjection) (SizeObjection, error)
	// SizeObjection returns ErrSizeNotFound for an unknown id.
	SizeObjection(ctx context.Context, id int64) (SizeObjection, error)
	// AnswerSizeObjection answers an open objection (ErrSizeObjectionDone otherwise); upheld withdraws the size.
	AnswerSizeObjection(ctx context.Context, id int64, upheld bool, answer string, by int64) (SizeObjection, error)
	// VillageGrants lists every village-level grant in a village with its holder.
	VillageGrants(ctx context.Context, villageID int64) ([]HeldGrant, error)
	// Grant gives a role; granting representative opens the person's representative account.
	Grant(ctx context.Context, personID int64, g auth.Grant) error
	// Revoke removes a role; returns ErrGrantNotFound.
	Revoke(ctx context.Context, personID int64, g auth.Grant) error
	Shop(ctx context.Context, id int64) (Shop, error)
}

// PeopleFilter selects people of a village, optionally of one household.
type PeopleFilter struct {
	VillageID   int64
	HouseholdID int64
	AfterID     int64
	Limit       int
}

// Deps are what the Service needs.
type Deps struct {
	Store Store
	Now   func() time.Time
}

// Service applies the access policy to people and places.
type Service struct {
	Deps
	changed func(ctx context.Context, c Change)
}

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// MaxPage is the largest page a list returns.
const MaxPage = 500

func pageSize(limit int) int {
	if limit <= 0 || limit > MaxPage {
		return 100
	}
	return limit
}

// Villages returns the villages p belongs to or holds a role in.
func (s *Service) Villages(ctx context.Context, p auth.Principal) ([]Village, error) {
	places := []auth.Place{p.Home}
	for _, g := range p.Grants {
		places = append(places, auth.Place{TownshipID: g.TownshipID, VillageID: g.VillageID})
	}
	return s.Store.Villages(ctx, places)
}

// Counties lists the counties an official may read: those they hold a role in, at the county or
// in one of its townships or villages. Villagers without a role are refused: the county level is
// the officials'.
func (s *Service) Counties(ctx context.Context, p auth.Principal) ([]County, error) {
	var counties []int64
	for _, g := range p.Grants {
		counties = append(counties, g.CountyID)
	}
	if len(counties) == 0 {
		return nil, fmt.Errorf("counties: %w", fault.ErrForbidden)
	}
	return s.Store.Counties(ctx, counties)
}

// Listed is a village as anyone may see it: the way to its public board.
type Listed struct {
	ID       int64  `json:"id" db:"id"`
	Name     string `json:"name" db:"name"`
	Township string `json:"township" db:"township"`
}

// Directory lists every village and its township, without logging in: a newcomer finds their
// village's public board from it. Names of villages are public (they are on the boards).
func (s *Service) Directory(ctx context.Context) ([]Listed, error) { return s.Store.Directory(ctx) }

// PhoneInput is a village's supervision phone: a mobile or a landline ("0739-1234567"), or ""
// for none.
type PhoneInput struct {
	Phone *string `json:"phone"` // required: a body without it would otherwise take the number off the board
}

var landline = regexp.MustCompile(`^0\d{2,3}-?\d{7,8}(-\d{1,6})?$|^1[3-9]\d{9}$|^12\d{3,4}$`)

// SetSupervisionPhone sets the number on a village's public board that villagers call to report
// to its supervision: the township's admin only, since a village's clerk or committee should not
// choose where complaints about them go.
func (s *Service) SetSupervisionPhone(ctx context.Context, p auth.Principal, villageID int64, in PhoneInput) (Village, error) {
	v, err := s.village(ctx, villageID, func(pl auth.Place) bool { return p.HoldsIn(auth.RoleTownshipAdmin, pl) })
	if err != nil {
		return v, err
	}
	if in.Phone == nil {
		return v, fault.Invalidf("phone is required: a number, or \"\" for none")
	}
	number := strings.NewReplacer(" ", "", "（", "", "）", "-", "(", "", ")", "-").Replace(strings.TrimSpace(*in.Phone))
	if number == "" {
		return s.Store.SetSupervisionPhone(ctx, v.ID, nil)
	}
	if !landline.MatchString(number) {
		return v, fault.Invalidf("phone must be a landline like 0739-1234567, a mobile number, or a hotline like 12345")
	}
	return s.Store.SetSupervisionPhone(ctx, v.ID, &number)
}

// CashInput says whether a village's shops may take cash for points that fall short.
type CashInput struct {
	Allowed *bool `json:"allowed"` // required: a body without it must not switch cash off (or on)
}

// SetCashTopUp lets (or stops) a village's partner shops take cash for the points a villager
// falls short of, at the goods' agreed price: the township's admin only, since it changes what the
// village's settlements reimburse.
func (s *Service) SetCashTopUp(ctx context.Context, p auth.Principal, villageID int64, in CashInput) (Village, error) {
	v, err := s.village(ctx, villageID, func(pl auth.Place) bool { return p.HoldsIn(auth.RoleTownshipAdmin, pl) })
	if err != nil {
		return v, err
	}
	if in.Allowed == nil {
		return v, fault.Invalidf("allowed is required: true or false")
	}
	return s.Store.SetCashTopUp(ctx, v.ID, *in.Allowed)
}

// village returns the village and fault.ErrForbidden unless allowed(place) holds.
func (s *Service) village(ctx context.Context, id int64, allowed func(auth.Place) bool) (Village, error) {
	v, err := s.Store.Village(ctx, id)
	if err != nil {
		return Village{}, err
	}
	if !allowed(v.Place()) {
		return Village{}, fmt.Errorf("village %d: %w", id, fault.ErrForbidden)
	}
	return v, nil
}

// Groups lists a village's groups for anyone who may read the village or lives in it.
func (s *Service) Groups(ctx context.Context, p auth.Principal, villageID int64) ([]Group, error) {
	if _, err := s.village(ctx, villageID, func(pl auth.Place) bool {
		return p.CanReadVillage(pl) || p.Home == pl
	}); err != nil {
		return nil, err
	}
	return s.Store.Groups(ctx, villageID)
}

// CreateGroup adds a group to a village the principal manages.
func (s *Service) CreateGroup(ctx context.Context, p auth.Principal, villageID int64, name string) (Group, error) {
	if _, err := s.village(ctx, villageID, p.CanManageVillage); err != nil {
		return Group{}, err
	}
	name, err := text.Clean("name", name, 1, 64)
	if err != nil {
		return Group{}, err
	}
	return s.Store.CreateGroup(ctx, Group{VillageID: villageID, Name: name})
}

// Households lists a village's households, for those who may read the whole village.
func (s *Service) Households(ctx context.Context, p auth.Principal, villageID, afterID int64, limit int) ([]Household, error) {
	if _, err := s.village(ctx, villageID, p.CanReadVillage); err != nil {
		return nil, err
	}
	return s.Store.Households(ctx, villageID, afterID, pageSize(limit))
}

// Household returns a household to its members and to those who may read its village.
func (s *Service) Household(ctx context.Context, p auth.Principal, id int64) (Household, error) {
	h, err := s.Store.Household(ctx, id)
	if err != nil {
		return Household{}, err
	}
	place, err := s.Store.VillagePlace(ctx, h.VillageID)
	if err != nil {
		return Household{}, err
	}
	if !p.CanReadHousehold(h.ID, place) {
		return Household{}, fmt.Errorf("household %d: %w", id, fault.ErrForbidden)
	}
	return h, nil
}

// HouseholdInput is what a clerk sends to create or change a household.
type HouseholdInput struct {
	GroupID  *int64 `json:"group_id"`
	Number   string `json:"number"`
	HeadName string `json:"head_name"`
	Size     int    `json:"size"`
	Address  string `json:"address"`
}

// clean normalises the input's text in place and checks its bounds.
func (in *HouseholdInput) clean() (err error) {
	if in.Number, err = text.Clean("number", in.Number, 1, 32); err != nil {
		return err
	}
	if in.HeadName, err = text.Clean("head_name", in.HeadName, 1, 64); err != nil {
		return err
	}
	if in.Address, err = text.Clean("address", in.Address, 0, 255); err != nil {
		return err
	}
	if in.Size < 1 || in.Size > 50 {
		return fault.Invalidf("size must be between 1 and 50 people")
	}
	return nil
}

// checkGroup returns ErrOtherVillage unless the group (if any) belongs to the village.
func (s *Service) checkGroup(ctx context.Context, villageID int64, groupID *int64) error {
	if groupID == nil {
		return nil
	}
	groups, err := s.Store.Groups(ctx, villageID)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if g.ID == *groupID {
			return nil
		}
	}
	return fmt.Errorf("group %d: %w", *groupID, ErrOtherVillage)
}

// CreateHousehold registers a household (and opens its points account) in a village p manages.
func (s *Service) CreateHousehold(ctx context.Context, p auth.Principal, villageID int64, in HouseholdInput) (Household, error) {
	if _, err := s.village(ctx, villageID, p.CanManageVillage); err != nil {
		return Household{}, err
	}
	if err := in.clean(); err != nil {
		return Household{}, err
	}
	if err := s.checkGroup(ctx, villageID, in.GroupID); err != nil {
		return Household{}, err
	}
	h, err := s.Store.CreateHousehold(ctx, Household{
		VillageID: villageID, GroupID: in.GroupID, Number: in.Number,
		HeadName: in.HeadName, Size: in.Size, Address: in.Address,
	})
	if err == nil {
		s.tell(ctx, Change{Kind: "household.create", VillageID: villageID, HouseholdID: h.ID, By: p.PersonID})
	}
	return h, err
}

// UpdateHousehold changes a household of a village p manages. Size changes are what base points follow.
func (s *Service) UpdateHousehold(ctx context.Context, p auth.Principal, id int64, in HouseholdInput) (Household, error) {
	h, err := s.Store.Household(ctx, id)
	if err != nil {
		return Household{}, err
	}
	if _, err := s.village(ctx, h.VillageID, p.CanManageVillage); err != nil {
		return Household{}, err
	}
	if h.ID == p.HouseholdID {
		return Household{}, fmt.Errorf("household %d: %w", id, auth.ErrSelfAct)
	}
	if err := in.clean(); err != nil {
		return Household{}, err
	}
	if err := s.checkGroup(ctx, h.VillageID, in.GroupID); err != nil {
		return Household{}, err
	}
	out, err := s.Store.UpdateHousehold(ctx, id, func(h *Household) error {
		h.GroupID, h.Number, h.HeadName = in.GroupID, in.Number, in.HeadName
		h.Size, h.Address = in.Size, in.Address
		return nil
	})
	if err == nil && out.Size != h.Size {
		s.tell(ctx, Change{Kind: "household.update", VillageID: h.VillageID, HouseholdID: h.ID, By: p.PersonID,
			Official: s.officialHousehold(ctx, h.VillageID, h.ID)})
	}
	return out, err
}
