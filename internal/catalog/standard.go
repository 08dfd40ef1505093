package catalog

import "time"

// StandardStatus is where an exchange standard stands.
type StandardStatus string

// Standard statuses. Only one standard per village is approved at a time; approving another
// supersedes it.
const (
	StandardProposed   StandardStatus = "proposed"
	StandardApproved   StandardStatus = "approved"
	StandardRejected   StandardStatus = "rejected"
	StandardSuperseded StandardStatus = "superseded"
)

// Standard is a village's exchange standard: one point is worth FenPerPoint fen when the village
// pays a shop back, and an item's agreed price may differ from points × FenPerPoint by at most
// TolerancePct percent.
type Standard struct {
	ID           int64          `json:"id" db:"id"`
	VillageID    int64          `json:"village_id" db:"village_id"`
	FenPerPoint  int64          `json:"fen_per_point" db:"fen_per_point"`
	TolerancePct int64          `json:"tolerance_pct" db:"tolerance_pct"`
	Status       StandardStatus `json:"status" db:"status"`
	Note         string         `json:"note" db:"note"`
	ProposedBy   int64          `json:"proposed_by" db:"proposed_by"`
	ProposedAt   time.Time      `json:"proposed_at" db:"proposed_at"`
	DecidedBy    *int64         `json:"decided_by" db:"decided_by"`
	DecidedAt    *time.Time     `json:"decided_at" db:"decided_at"`
	DecisionNote string         `json:"decision_note" db:"decision_note"`
}

// Allows reports whether an item worth points may be reimbursed at priceFen under the standard.
// Integers only: |price − points×rate| × 100 ≤ points×rate × tolerance.
func (s Standard) Allows(points, priceFen int64) bool {
	fair := points * s.FenPerPoint
	diff := priceFen - fair
	if diff < 0 {
		diff = -diff
	}
	return diff*100 <= fair*s.TolerancePct
}

// Allows reports whether goods keep to the approved standard; without one, nothing does.
func Allows(approved *Standard, points, priceFen int64) bool {
	return approved != nil && approved.Allows(points, priceFen)
}
