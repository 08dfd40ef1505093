// Package dividend is how a village shares collective income by points (积分分红): the clerk
// proposes an amount and the months whose points count; each household's share is in proportion
// to the points it earned in them (posted entries, net of penalties: spending never lowers a
// dividend), split exactly to the fen; a quorate assembly adopts it, recorded by the branch
// committee or the township and never by its proposer; it is on the public notice for the
// village's notice days; then the clerk records each household's payment. A dividend moves no
// points.
package dividend

import (
	"context"
	"time"

	"pointsmarket/internal/earning"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/write"
)

// Status is where a dividend is: proposed, adopted (and on notice), paid (every share), or
// withdrawn (an objection upheld).
type Status string

// Statuses of a dividend.
const (
	Proposed  Status = "proposed"
	Adopted   Status = "adopted"
	Paid      Status = "paid"
	Withdrawn Status = "withdrawn"
)

// Dividend is one distribution of a village's collective income.
type Dividend struct {
	ID              int64       `json:"id" db:"id"`
	VillageID       int64       `json:"village_id" db:"village_id"`
	Title           string      `json:"title" db:"title"`
	AmountFen       int64       `json:"amount_fen" db:"amount_fen"`
	From            string      `json:"from" db:"from_month"`
	To              string      `json:"to" db:"to_month"`
	TotalPoints     int64       `json:"total_points" db:"total_points"`
	Status          Status      `json:"status" db:"status"`
	ProposedBy      int64       `json:"proposed_by" db:"proposed_by"`
	ProposedAt      time.Time   `json:"proposed_at" db:"proposed_at"`
	AssemblyDate    *time.Time  `json:"assembly_date" db:"assembly_date"`
	AssemblyBody    string      `json:"assembly_body" db:"assembly_body"`
	AssemblyMembers int         `json:"assembly_members" db:"assembly_members"`
	Attendance      int         `json:"attendance" db:"attendance"`
	VotesFor        int         `json:"votes_for" db:"votes_for"`
	VotesAgainst    int         `json:"votes_against" db:"votes_against"`
	VotesAbstain    int         `json:"votes_abstain" db:"votes_abstain"`
	AdoptedBy       *int64      `json:"adopted_by" db:"adopted_by"`
	AdoptedAt       *time.Time  `json:"adopted_at" db:"adopted_at"`
	NoticeUntil     *time.Time  `json:"notice_until" db:"notice_until"`
	Shares          []Share     `json:"shares" db:"-"`
	Objections      []Objection `json:"objections" db:"-"`
}

// Share is what one household receives.
type Share struct {
	HouseholdID int64      `json:"household_id" db:"household_id"`
	Household   string     `json:"household" db:"household"` // its number
	Head        string     `json:"head" db:"head"`           // masked for those who do not manage the village
	Points      int64      `json:"points" db:"points"`
	AmountFen   int64      `json:"amount_fen" db:"amount_fen"`
	PaidOn      *time.Time `json:"paid_on" db:"paid_on"`
	PaymentRef  string     `json:"payment_ref" db:"payment_ref"`
	PaidBy      *int64     `json:"paid_by" db:"paid_by"`
}

// Earned is the points a household earned in a dividend's months.
type Earned struct {
	HouseholdID int64 `db:"household_id"`
	Points      int64 `db:"points"`
}

// Errors of dividends.
var (
	ErrNotFound    = fault.New(fault.NotFound, "dividend_not_found", "no such dividend")
	ErrNoPoints    = fault.New(fault.Unprocessable, "no_points_in_period", "no household earned points in those months: there is nothing to share by")
	ErrPeriodOpen  = fault.New(fault.Unprocessable, "period_not_closed", "only months that have ended can be shared by")
	ErrWrongStep   = fault.New(fault.Conflict, "dividend_wrong_step", "the dividend is not at this step")
	ErrNoticeOpen  = fault.New(fault.Conflict, "dividend_notice_open", "the dividend is still on public notice: shares are paid after it closes")
	ErrNoShare     = fault.New(fault.NotFound, "share_not_found", "that household has no share in this dividend")
	ErrAlreadyPaid = fault.New(fault.Conflict, "share_already_paid", "that household's share was already paid")
	ErrSelfAdopt   = fault.New(fault.Forbidden, "self_approval", "the assembly's adoption is recorded by someone other than the dividend's proposer")
)

// Store reads dividends; their writes are this package's workflows, run in a Tx.
type Store interface {
	// Dividend returns a dividend with its shares and objections, or ErrNotFound.
	Dividend(ctx context.Context, id int64) (Dividend, error)
	// Dividends returns a village's dividends, newest first, without their shares.
	Dividends(ctx context.Context, villageID int64) ([]Dividend, error)
	// Objection returns an objection to a dividend, or ErrObjectionNotFound.
	Objection(ctx context.Context, id int64) (Objection, error)
}

// Tx is what the workflows need of their transaction.
type Tx interface {
	write.Tx
	// Earned returns the households of a village with points posted in the months from..to
	// (YYYY-MM, inclusive), net of penalties, above zero, by household id.
	Earned(ctx context.Context, villageID int64, from, to string) ([]Earned, error)
	// InsertDividend writes a dividend and its shares and sets its id.
	InsertDividend(ctx context.Context, d *Dividend) error
	// DividendLocked reads a dividend with its shares and objections under a row lock, or ErrNotFound.
	DividendLocked(ctx context.Context, id int64) (Dividend, error)
	// SaveAdoption records a dividend's status and assembly.
	SaveAdoption(ctx context.Context, d Dividend) error
	// SavePayment records one share's payment, and the dividend's status.
	SavePayment(ctx context.Context, d Dividend, s Share) error
	// InsertObjection writes an objection and sets its id.
	InsertObjection(ctx context.Context, o *Objection) error
	// SaveAnswer records an objection's answer.
	SaveAnswer(ctx context.Context, o Objection) error
	// SaveStatus records a dividend's status.
	SaveStatus(ctx context.Context, id int64, st Status) error
}

// Assemblies checks an assembly's vote against the village's register and rules: the earning
// service, which holds the rules for rule books too.
type Assemblies interface {
	CheckAssemblyOf(ctx context.Context, villageID int64, a earning.Assembly) error
}
