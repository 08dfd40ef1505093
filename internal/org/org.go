// Package org holds the people and places of the points system: townships, villages, groups
// (村民小组), households, people, partner shops and the roles people hold in them. Clerks manage
// their village's households and people; the township admin appoints clerks and supervisors.
package org

import (
	"strings"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
)

// County is a county (县), above its townships.
type County struct {
	ID   int64  `json:"id" db:"id"`
	Name string `json:"name" db:"name"`
}

// Township is a township (乡镇) of a county.
type Township struct {
	ID        int64     `json:"id" db:"id"`
	CountyID  int64     `json:"county_id" db:"county_id"`
	County    string    `json:"county" db:"county"`
	Name      string    `json:"name" db:"name"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
}

// Village is a village (村). AllowNegativePenalty is its policy on penalties that exceed a balance.
type Village struct {
	ID                   int64   `json:"id" db:"id"`
	TownshipID           int64   `json:"township_id" db:"township_id"`
	Name                 string  `json:"name" db:"name"`
	AllowNegativePenalty bool    `json:"allow_negative_penalty" db:"allow_negative_penalty"`
	NoticeDays           int     `json:"notice_days" db:"notice_days"` // days points are publicly displayed before they count
	ExpiryDate           *string `json:"expiry_date" db:"expiry_date"` // "MM-DD": spendable points are cleared that day each year
	// AssemblyQuorumPct and MajorityPct tighten the law's vote rules for this village (nil: the law's).
	AssemblyQuorumPct *int `json:"assembly_quorum_pct" db:"assembly_quorum_pct"`
	MajorityPct       *int `json:"majority_pct" db:"majority_pct"`
	// SupervisionPhone is the number villagers call to report to the village's supervision
	// (监督电话), set by the township and printed on the public board.
	SupervisionPhone *string `json:"supervision_phone" db:"supervision_phone"`
	// CashTopUp lets the village's shops take cash for points that fall short (积分+现金), at the
	// goods' agreed price; the township sets it.
	CashTopUp bool      `json:"cash_top_up" db:"cash_top_up"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
}

// Place returns where the village is.
func (v Village) Place() auth.Place { return auth.Place{TownshipID: v.TownshipID, VillageID: v.ID} }

// Group is a villagers' group (村民小组) of a village.
type Group struct {
	ID        int64     `json:"id" db:"id"`
	VillageID int64     `json:"village_id" db:"village_id"`
	Name      string    `json:"name" db:"name"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
}

// Household is a household (户): the unit that holds points.
type Household struct {
	ID        int64     `json:"id" db:"id"`
	VillageID int64     `json:"village_id" db:"village_id"`
	GroupID   *int64    `json:"group_id" db:"group_id"`
	Number    string    `json:"number" db:"number"` // the village's household number (户号)
	HeadName  string    `json:"head_name" db:"head_name"`
	Size      int       `json:"size" db:"size"`
	Address   string    `json:"address" db:"address"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
	UpdatedAt time.Time `json:"updated_at" db:"updated_at"`
	// SizeNoticeUntil is when the notice of a new size ends (set by the store from the village's
	// notice days; the demo seed backdates its history).
	SizeNoticeUntil *time.Time `json:"size_notice_until,omitempty" db:"-"`
}

// SizeNotice is a household's size on the public notice before it counts for base points.
type SizeNotice struct {
	ID          int64     `json:"id" db:"id"`
	VillageID   int64     `json:"village_id" db:"village_id"`
	HouseholdID int64     `json:"household_id" db:"household_id"`
	Number      string    `json:"household" db:"number"`
	Head        string    `json:"head" db:"head_name"`
	Size        int       `json:"size" db:"size"`
	Previous    int       `json:"previous" db:"previous"`
	NoticeUntil time.Time `json:"notice_until" db:"notice_until"`
}

// Person is someone known to the system: a villager, an official, a shopkeeper.
type Person struct {
	ID                 int64     `json:"id" db:"id"`
	VillageID          int64     `json:"village_id" db:"village_id"`
	HouseholdID        *int64    `json:"household_id" db:"household_id"`
	Name               string    `json:"name" db:"name"`
	Phone              *string   `json:"phone" db:"phone"`
	MustChangePassword bool      `json:"must_change_password" db:"must_change_password"`
	Disabled           bool      `json:"disabled" db:"disabled"`
	CreatedAt          time.Time `json:"created_at" db:"created_at"`
	UpdatedAt          time.Time `json:"updated_at" db:"updated_at"`
}

// Shop is a partner shop (便民超市) of a village.
type Shop struct {
	ID        int64     `json:"id" db:"id"`
	VillageID int64     `json:"village_id" db:"village_id"`
	Name      string    `json:"name" db:"name"`
	Address   string    `json:"address" db:"address"`
	OwnerName string    `json:"owner_name" db:"owner_name"`
	Phone     string    `json:"phone" db:"phone"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
	UpdatedAt time.Time `json:"updated_at" db:"updated_at"`
}

// Errors of this package besides fault's common ones.
var (
	ErrPhoneTaken    = fault.New(fault.Conflict, "phone_taken", "this phone number is already registered")
	ErrDuplicate     = fault.New(fault.Conflict, "duplicate", "a record with this name or number already exists")
	ErrOtherVillage  = fault.New(fault.Unprocessable, "other_village", "it belongs to another village")
	ErrGrantNotFound = fault.New(fault.NotFound, "grant_not_found", "the person does not hold this role there")
)

// MaskName hides the middle of a name: 张三明 → 张*明, 张三 → 张*.
func MaskName(name string) string {
	r := []rune(name)
	switch len(r) {
	case 0, 1:
		return name
	case 2:
		return string(r[0]) + "*"
	default:
		return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
	}
}
