// Package settlement is how the village pays its shops back (报账): per shop and period a
// statement generated from the redemptions themselves — each item at its agreed price, reversals
// as negative lines, a reversal made after its period was settled carried into the next —,
// approved by the village's clerk, countersigned by a supervisor who is a different person, and
// paid from the village's supermarket fund (运转经费). A paid statement never changes.
package settlement

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/org"
	"pointsmarket/internal/text"
	"pointsmarket/internal/write"
)

// Status is where a statement is: generated, approved by the committee, countersigned by the
// supervisor, paid; each step once, in that order.
type Status string

// Statuses of a statement.
const (
	Generated     Status = "generated"
	Approved      Status = "approved"
	Countersigned Status = "countersigned"
	Paid          Status = "paid"
)

// Statement is what a village owes a shop for a period.
type Statement struct {
	ID              int64      `json:"id" db:"id"`
	VillageID       int64      `json:"village_id" db:"village_id"`
	ShopID          int64      `json:"shop_id" db:"shop_id"`
	Period          string     `json:"period" db:"period"`
	Status          Status     `json:"status" db:"status"`
	TotalPoints     int64      `json:"total_points" db:"total_points"`
	TotalFen        int64      `json:"total_fen" db:"total_fen"`
	FundBeforeFen   int64      `json:"fund_before_fen" db:"fund_before_fen"` // what the fund held when it was generated
	OverFund        bool       `json:"over_fund" db:"over_fund"`             // flagged: more than the fund holds
	GeneratedBy     int64      `json:"generated_by" db:"generated_by"`
	GeneratedAt     time.Time  `json:"generated_at" db:"generated_at"`
	ApprovedBy      *int64     `json:"approved_by" db:"approved_by"`
	ApprovedAt      *time.Time `json:"approved_at" db:"approved_at"`
	CountersignedBy *int64     `json:"countersigned_by" db:"countersigned_by"`
	CountersignedAt *time.Time `json:"countersigned_at" db:"countersigned_at"`
	PaidFen         *int64     `json:"paid_fen" db:"paid_fen"`
	PaidOn          *time.Time `json:"paid_on" db:"paid_on"`
	PaymentRef      string     `json:"payment_ref" db:"payment_ref"`
	Lines           []Line     `json:"lines" db:"-"`
	// ShopName is read with the village's list of statements, never written.
	ShopName string `json:"shop_name,omitempty" db:"shop_name"`
}

// Line is one item of a redemption (or, negative, of a reversal) on a statement.
type Line struct {
	RedemptionID int64 `json:"redemption_id" db:"redemption_id"`
	// Kind is redemption or reversal (an item, negative when reversed), or cash (what a shop took in
	// cash for points that fell short: it keeps it, so the line is negative) and cash_back (the
	// cash of a reversed redemption, handed back by the shop).
	Kind       string    `json:"kind" db:"kind"`
	GoodsID    int64     `json:"goods_id" db:"goods_id"`
	Name       string    `json:"name" db:"name"`
	Quantity   int64     `json:"quantity" db:"quantity"`
	Points     int64     `json:"points" db:"points"`
	PriceFen   int64     `json:"price_fen" db:"price_fen"`
	AmountFen  int64     `json:"amount_fen" db:"amount_fen"`
	HappenedAt time.Time `json:"happened_at" db:"happened_at"`
}

// Errors of settlement.
var (
	ErrNotFound         = fault.New(fault.NotFound, "settlement_not_found", "no such settlement")
	ErrPeriodOpen       = fault.New(fault.Unprocessable, "period_not_closed", "only a month that has ended can be settled")
	ErrExists           = fault.New(fault.Conflict, "settlement_exists", "the statement of that month exists")
	ErrWrongStep        = fault.New(fault.Conflict, "settlement_wrong_step", "the statement is not at this step")
	ErrSameSigner       = fault.New(fault.Forbidden, "countersigner_is_approver", "the countersignature must come from someone other than the approver")
	ErrNotSupervisor    = fault.New(fault.Forbidden, "not_supervisor", "only the supervision group countersigns")
	ErrFundInsufficient = fault.New(fault.Conflict, "fund_insufficient", "the village fund does not hold enough to pay this")
	ErrNoAgreement      = fault.New(fault.Unprocessable, "no_agreement_in_period", "the shop had no agreement with the village in that period")
	ErrPaidWrongAmount  = fault.New(fault.Unprocessable, "paid_amount_mismatch", "the amount paid differs from the statement")
)

// Store reads statements and the fund. Their writes are this package's workflows, run in a Tx.
type Store interface {
	Statement(ctx context.Context, id int64) (Statement, error)
	Statements(ctx context.Context, villageID int64) ([]Statement, error)
	// Fund returns what the village's fund holds: deposits less payments.
	Fund(ctx context.Context, villageID int64) (int64, error)
}

// Deps are what the Service needs.
type Deps struct {
	Store Store
	// InTx runs the settlement workflows in one transaction each.
	InTx   write.InTx[Tx]
	Places auth.Places
	Shops  Shops
	Now    func() time.Time
}

// Service applies the settlement flow and its access rules.
type Service struct {
	Deps
	// generated is told of each statement after it is written (risk alerts).
	generated func(ctx context.Context, st Statement)
}

// OnGenerated sets what is told of each statement after it is written.
func (s *Service) OnGenerated(fn func(ctx context.Context, st Statement)) { s.generated = fn }

// Shops reads shops and their agreements; the catalog store implements it.
type Shops interface {
	Shop(ctx context.Context, id int64) (org.Shop, error)
	Agreements(ctx context.Context, shopID int64) ([]catalog.Agreement, error)
}

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// GenerateInput names the statement to generate.
type GenerateInput struct {
	ShopID int64  `json:"shop_id"`
	Period string `json:"period"`
}

func (s *Service) village(ctx context.Context, p auth.Principal, villageID int64, allowed func(auth.Principal, auth.Place) bool) error {
	pl, err := s.Places.VillagePlace(ctx, villageID)
	if err != nil {
		return err
	}
	if !allowed(p, pl) {
		return fmt.Errorf("settlements of village %d: %w", villageID, fault.ErrForbidden)
	}
	return nil
}

func manages(p auth.Principal, pl auth.Place) bool { return p.CanManageVillage(pl) }
func reads(p auth.Principal, pl auth.Place) bool   { return p.CanReadVillage(pl) }

// Generate builds the statement of a shop for an ended month (the village's clerk).
func (s *Service) Generate(ctx context.Context, p auth.Principal, villageID int64, in GenerateInput) (Statement, error) {
	if err := s.village(ctx, p, villageID, manages); err != nil {
		return Statement{}, err
	}
	start, err := text.Month("period", in.Period, calendar.Zone())
	if err != nil {
		return Statement{}, err
	}
	end := start.AddDate(0, 1, 0)
	if s.Now().Before(end) {
		return Statement{}, ErrPeriodOpen
	}
	if _, err := s.Shops.Shop(ctx, in.ShopID); err != nil {
		return Statement{}, err
	}
	agreements, err := s.Shops.Agreements(ctx, in.ShopID)
	if err != nil {
		return Statement{}, err
	}
	if !agreedIn(agreements, villageID, start, end) {
		return Statement{}, ErrNoAgreement
	}
	st, err := s.generate(ctx, Statement{VillageID: villageID, ShopID: in.ShopID, Period: in.Period, Status: Generated, GeneratedBy: p.PersonID}, end.UTC())
	if err == nil && s.generated != nil {
		s.generated(ctx, st)
	}
	return st, err
}

// agreedIn reports whether one of a shop's agreements with the village covered part of [start, end).
func agreedIn(as []catalog.Agreement, villageID int64, start, end time.Time) bool {
	for _, a := range as {
		// Agreement dates are China days: valid_to is the last day included.
		from := time.Date(a.ValidFrom.Year(), a.ValidFrom.Month(), a.ValidFrom.Day(), 0, 0, 0, 0, calendar.Zone())
		to := time.Date(a.ValidTo.Year(), a.ValidTo.Month(), a.ValidTo.Day(), 0, 0, 0, 0, calendar.Zone()).AddDate(0, 0, 1)
		if a.VillageID == villageID && from.Before(end) && to.After(start) {
			return true
		}
	}
	return false
}

// Statements lists a village's statements for those who may read the village.
func (s *Service) Statements(ctx context.Context, p auth.Principal, villageID int64) ([]Statement, error) {
	if err := s.village(ctx, p, villageID, reads); err != nil {
		return nil, err
	}
	return s.Store.Statements(ctx, villageID)
}

// Statement returns one statement with its lines to those who may read its village and to the
// shop's own shopkeepers.
func (s *Service) Statement(ctx context.Context, p auth.Principal, id int64) (Statement, error) {
	st, err := s.Store.Statement(ctx, id)
	if err != nil {
		return st, err
	}
	if p.RunsShop(st.ShopID) {
		return st, nil
	}
	return st, s.village(ctx, p, st.VillageID, reads)
}

// ShopStatements lists a shop's statements, with what was paid, for its shopkeepers and those who
// may read the shop's village.
func (s *Service) ShopStatements(ctx context.Context, p auth.Principal, shopID int64) ([]Statement, error) {
	sh, err := s.Shops.Shop(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if !p.RunsShop(shopID) {
		if err := s.village(ctx, p, sh.VillageID, reads); err != nil {
			return nil, err
		}
	}
	all, err := s.Store.Statements(ctx, sh.VillageID)
	if err != nil {
		return nil, err
	}
	out := []Statement{}
	for _, st := range all {
		if st.ShopID == shopID {
			out = append(out, st)
		}
	}
	return out, nil
}

// Approve is the clerk's approval of a generated statement.
func (s *Service) Approve(ctx context.Context, p auth.Principal, id int64) (Statement, error) {
	st, err := s.Statement(ctx, p, id)
	if err != nil {
		return st, err
	}
	if err := s.village(ctx, p, st.VillageID, manages); err != nil {
		return st, err
	}
	return s.advance(ctx, id, Generated, false, func(st *Statement, _ int64) error {
		now := s.Now()
		st.Status, st.ApprovedBy, st.ApprovedAt = Approved, &p.PersonID, &now
		return nil
	})
}

// Countersign is the supervision group's countersignature: a supervisor of the village who is not
// the person who approved it.
func (s *Service) Countersign(ctx context.Context, p auth.Principal, id int64) (Statement, error) {
	st, err := s.Statement(ctx, p, id)
	if err != nil {
		return st, err
	}
	pl, err := s.Places.VillagePlace(ctx, st.VillageID)
	if err != nil {
		return st, err
	}
	if !p.HoldsIn(auth.RoleSupervisor, pl) {
		return st, ErrNotSupervisor
	}
	return s.advance(ctx, id, Approved, false, func(st *Statement, _ int64) error {
		if st.ApprovedBy != nil && *st.ApprovedBy == p.PersonID {
			return ErrSameSigner
		}
		now := s.Now()
		st.Status, st.CountersignedBy, st.CountersignedAt = Countersigned, &p.PersonID, &now
		return nil
	})
}

// Payment records that a countersigned statement was paid.
type Payment struct {
	AmountFen int64  `json:"amount_fen"`
	PaidOn    string `json:"paid_on"`
	Reference string `json:"reference"`
}

// Pay records the payment of a countersigned statement (the clerk); the amount must be the
// statement's total. A paid statement never changes again.
func (s *Service) Pay(ctx context.Context, p auth.Principal, id int64, in Payment) (Statement, error) {
	st, err := s.Statement(ctx, p, id)
	if err != nil {
		return st, err
	}
	if err := s.village(ctx, p, st.VillageID, manages); err != nil {
		return st, err
	}
	day, err := text.Date("paid_on", in.PaidOn)
	if err != nil {
		return st, err
	}
	ref, err := text.Clean("reference", in.Reference, 1, 64)
	if err != nil {
		return st, fault.Invalidf("a payment reference (voucher or bank slip number) of up to 64 characters is required")
	}
	return s.advance(ctx, id, Countersigned, true, func(st *Statement, fundFen int64) error {
		if in.AmountFen != st.TotalFen {
			return ErrPaidWrongAmount.WithDetails(map[string]any{"statement_fen": st.TotalFen})
		}
		if in.AmountFen > fundFen {
			return ErrFundInsufficient.WithMessage("the fund holds %d.%02d yuan, less than the %d.%02d yuan to pay",
				fundFen/100, fundFen%100, in.AmountFen/100, in.AmountFen%100).WithDetails(map[string]any{"fund_fen": fundFen, "amount_fen": in.AmountFen})
		}
		st.Status, st.PaidFen, st.PaidOn, st.PaymentRef = Paid, &in.AmountFen, &day, ref
		return nil
	})
}

// DepositInput is money put into the village's supermarket fund.
type DepositInput struct {
	AmountFen int64  `json:"amount_fen"`
	Note      string `json:"note"`
}

// FundState is what the fund holds.
type FundState struct {
	BalanceFen int64 `json:"balance_fen"`
}

// Deposit records money put into the village's supermarket fund (the clerk).
func (s *Service) Deposit(ctx context.Context, p auth.Principal, villageID int64, in DepositInput) (FundState, error) {
	if err := s.village(ctx, p, villageID, manages); err != nil {
		return FundState{}, err
	}
	if in.AmountFen < 1 || in.AmountFen > 100_000_000_00 {
		return FundState{}, fault.Invalidf("amount_fen must be a whole number of fen from 1 to 10,000,000,000")
	}
	note, err := text.CleanLines("note", in.Note, 1, 255)
	if err != nil {
		return FundState{}, text.ErrInvalid.WithMessage("a note (where the money came from, up to 255 characters) is required")
	}
	if err := s.deposit(ctx, villageID, in.AmountFen, note); err != nil {
		return FundState{}, err
	}
	bal, err := s.Store.Fund(ctx, villageID)
	return FundState{BalanceFen: bal}, err
}

// Fund returns what the village's fund holds, for those who may read the village.
func (s *Service) Fund(ctx context.Context, p auth.Principal, villageID int64) (FundState, error) {
	if err := s.village(ctx, p, villageID, reads); err != nil {
		return FundState{}, err
	}
	bal, err := s.Store.Fund(ctx, villageID)
	return FundState{BalanceFen: bal}, err
}
