package dividend

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/earning"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/org"
	"pointsmarket/internal/text"
	"pointsmarket/internal/write"
)

// Villages reads a village's settings (its notice days).
type Villages interface {
	Village(ctx context.Context, id int64) (org.Village, error)
}

// Deps are what the Service needs.
type Deps struct {
	Store      Store
	InTx       write.InTx[Tx]
	Places     auth.Places
	Villages   Villages
	Assemblies Assemblies
	Now        func() time.Time
}

// Service applies the dividend flow and its access rules.
type Service struct{ Deps }

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// Proposal is a dividend as the clerk proposes it: the amount and the months whose points count.
type Proposal struct {
	Title     string `json:"title"`
	AmountFen int64  `json:"amount_fen"`
	From      string `json:"from"`
	To        string `json:"to"`
}

// maxAmountFen bounds one distribution: ¥100 million is more than any village's year.
const maxAmountFen = 100_000_000_00

// Propose computes a dividend's shares from the points posted in its months and records it for
// the assembly (the clerk or the township admin of the village).
func (s *Service) Propose(ctx context.Context, p auth.Principal, villageID int64, in Proposal) (Dividend, error) {
	pl, err := s.Places.VillagePlace(ctx, villageID)
	if err != nil {
		return Dividend{}, err
	}
	if !p.CanManageVillage(pl) {
		return Dividend{}, fmt.Errorf("propose a dividend in village %d: %w", villageID, fault.ErrForbidden)
	}
	title, err := text.Clean("title", in.Title, 1, 100)
	if err != nil {
		return Dividend{}, err
	}
	if in.AmountFen < 1 || in.AmountFen > maxAmountFen {
		return Dividend{}, fault.Invalidf("amount_fen must be a whole number of fen from 1 to 10,000,000,000")
	}
	from, err := text.Month("from", in.From, calendar.Zone())
	if err != nil {
		return Dividend{}, err
	}
	to, err := text.Month("to", in.To, calendar.Zone())
	if err != nil {
		return Dividend{}, err
	}
	if to.Before(from) || to.After(from.AddDate(3, 0, 0)) {
		return Dividend{}, fault.Invalidf("to must be a month from from to three years after it")
	}
	if s.Now().Before(to.AddDate(0, 1, 0)) {
		return Dividend{}, ErrPeriodOpen
	}
	d := Dividend{VillageID: villageID, Title: title, AmountFen: in.AmountFen, From: from.Format("2006-01"), To: to.Format("2006-01"),
		Status: Proposed, ProposedBy: p.PersonID, ProposedAt: s.Now()}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Dividend], error) {
		earned, err := tx.Earned(ctx, villageID, d.From, d.To)
		if err != nil {
			return write.Done[Dividend]{}, err
		}
		if len(earned) == 0 {
			return write.Done[Dividend]{}, ErrNoPoints
		}
		weights := make([]int64, len(earned))
		for i, e := range earned {
			weights[i] = e.Points
			d.TotalPoints += e.Points
		}
		for i, fen := range Split(d.AmountFen, weights) {
			d.Shares = append(d.Shares, Share{HouseholdID: earned[i].HouseholdID, Points: earned[i].Points, AmountFen: fen})
		}
		if err := tx.InsertDividend(ctx, &d); err != nil {
			return write.Done[Dividend]{}, err
		}
		return write.Done[Dividend]{Value: d, ID: d.ID, Events: []audit.Event{{Place: pl, Action: "dividend.propose",
			ObjectType: "dividend", ObjectID: d.ID, After: d}}}, nil
	})
}

// Adopt records the assembly that adopted a dividend: quorate and passed by the village's rules,
// recorded by the branch committee or the township admin — never by the dividend's proposer — and
// puts it on the public notice for the village's notice days.
func (s *Service) Adopt(ctx context.Context, p auth.Principal, id int64, a earning.Assembly) (Dividend, error) {
	d, pl, err := s.placed(ctx, id)
	if err != nil {
		return d, err
	}
	if !p.HoldsIn(auth.RoleBranchCommittee, pl) && !p.HoldsIn(auth.RoleTownshipAdmin, pl) {
		return d, fmt.Errorf("adopt dividend %d: %w", id, fault.ErrForbidden)
	}
	if d.ProposedBy == p.PersonID {
		return d, ErrSelfAdopt
	}
	day, err := text.Date("date", a.Date)
	if err != nil {
		return d, err
	}
	if day.After(calendar.Today(s.Now())) {
		return d, fault.Invalidf("the assembly's date cannot be in the future")
	}
	if err := s.Assemblies.CheckAssemblyOf(ctx, d.VillageID, a); err != nil {
		return d, err
	}
	v, err := s.Villages.Village(ctx, d.VillageID)
	if err != nil {
		return d, err
	}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Dividend], error) {
		d, err := atStep(ctx, tx, id, Proposed)
		if err != nil {
			return write.Done[Dividend]{}, err
		}
		before := d
		now := s.Now()
		until := now.AddDate(0, 0, v.NoticeDays)
		d.Status, d.AssemblyDate, d.AssemblyBody, d.AssemblyMembers = Adopted, &day, a.Body, a.Members
		d.Attendance, d.VotesFor, d.VotesAgainst, d.VotesAbstain = a.Attendance, a.For, a.Against, a.Abstain
		d.AdoptedBy, d.AdoptedAt, d.NoticeUntil = &p.PersonID, &now, &until
		if err := tx.SaveAdoption(ctx, d); err != nil {
			return write.Done[Dividend]{}, err
		}
		// The shares do not change: the audit entry keeps the decision, the answer the whole dividend.
		decided := d
		before.Shares, decided.Shares, before.Objections, decided.Objections = nil, nil, nil, nil
		return write.Done[Dividend]{Value: d, ID: id, Events: []audit.Event{{Place: pl, Action: "dividend.adopt",
			ObjectType: "dividend", ObjectID: id, Before: before, After: decided}}}, nil
	})
}

// Payment is one household's share paid out.
type Payment struct {
	HouseholdID int64  `json:"household_id"`
	PaidOn      string `json:"paid_on"`
	Reference   string `json:"reference"`
}

// Pay records that a household's share was paid (the clerk or township admin), once the notice has
// closed; the amount is the share's, and an official never records the payment of their own
// household's share.
func (s *Service) Pay(ctx context.Context, p auth.Principal, id int64, in Payment) (Dividend, error) {
	d, pl, err := s.placed(ctx, id)
	if err != nil {
		return d, err
	}
	if !p.CanManageVillage(pl) {
		return d, fmt.Errorf("pay dividend %d: %w", id, fault.ErrForbidden)
	}
	if in.HouseholdID != 0 && in.HouseholdID == p.HouseholdID {
		return d, auth.ErrSelfAct
	}
	day, err := text.Date("paid_on", in.PaidOn)
	if err != nil {
		return d, err
	}
	ref, err := text.Clean("reference", in.Reference, 1, 64)
	if err != nil {
		return d, fault.Invalidf("a payment reference (voucher or bank slip number) of up to 64 characters is required")
	}
	return write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Dividend], error) {
		d, err := atStep(ctx, tx, id, Adopted)
		if err != nil {
			return write.Done[Dividend]{}, err
		}
		if d.NoticeUntil != nil && s.Now().Before(*d.NoticeUntil) {
			return write.Done[Dividend]{}, ErrNoticeOpen.WithDetails(map[string]any{"notice_until": d.NoticeUntil})
		}
		if n := open(d.Objections, 0); n > 0 {
			return write.Done[Dividend]{}, ErrObjectionOpen.WithDetails(map[string]any{"open_objections": n})
		}
		i := shareOf(d, in.HouseholdID)
		if i < 0 {
			return write.Done[Dividend]{}, ErrNoShare
		}
		before := d.Shares[i]
		if before.PaidOn != nil {
			return write.Done[Dividend]{}, ErrAlreadyPaid
		}
		sh := before
		sh.PaidOn, sh.PaymentRef, sh.PaidBy = &day, ref, &p.PersonID
		d.Shares[i] = sh
		if allPaid(d) {
			d.Status = Paid
		}
		if err := tx.SavePayment(ctx, d, sh); err != nil {
			return write.Done[Dividend]{}, err
		}
		return write.Done[Dividend]{Value: d, ID: id, Events: []audit.Event{{Place: pl, Action: "dividend.pay",
			ObjectType: "dividend", ObjectID: id, Before: before, After: sh}}}, nil
	})
}

// placed reads a dividend and the place of its village.
func (s *Service) placed(ctx context.Context, id int64) (Dividend, auth.Place, error) {
	d, err := s.Store.Dividend(ctx, id)
	if err != nil {
		return d, auth.Place{}, err
	}
	pl, err := s.Places.VillagePlace(ctx, d.VillageID)
	return d, pl, err
}

// atStep reads a dividend under its row lock and refuses it unless it is at step want: two
// officials acting at once take their turns, and the second finds the step taken.
func atStep(ctx context.Context, tx Tx, id int64, want Status) (Dividend, error) {
	d, err := tx.DividendLocked(ctx, id)
	if err == nil && d.Status != want {
		err = ErrWrongStep
	}
	return d, err
}

func shareOf(d Dividend, householdID int64) int {
	for i, sh := range d.Shares {
		if sh.HouseholdID == householdID {
			return i
		}
	}
	return -1
}

func allPaid(d Dividend) bool {
	for _, sh := range d.Shares {
		if sh.PaidOn == nil {
			return false
		}
	}
	return true
}

// Dividends lists a village's dividends to its people and those who may read it.
func (s *Service) Dividends(ctx context.Context, p auth.Principal, villageID int64) ([]Dividend, error) {
	pl, err := s.Places.VillagePlace(ctx, villageID)
	if err != nil {
		return nil, err
	}
	if p.Home != pl && !p.CanReadVillage(pl) {
		return nil, fmt.Errorf("dividends of village %d: %w", villageID, fault.ErrForbidden)
	}
	return s.Store.Dividends(ctx, villageID)
}

// Dividend returns one dividend with its shares: what the notice shows the village's people
// (heads' names masked), and in full to those who may read the village.
func (s *Service) Dividend(ctx context.Context, p auth.Principal, id int64) (Dividend, error) {
	d, pl, err := s.placed(ctx, id)
	if err != nil {
		return d, err
	}
	if p.CanReadVillage(pl) {
		return d, nil
	}
	if p.Home != pl {
		return Dividend{}, fmt.Errorf("dividend %d: %w", id, fault.ErrForbidden)
	}
	for i := range d.Shares {
		d.Shares[i].Head = org.MaskName(d.Shares[i].Head)
	}
	// A villager's objection is between their household and the supervision: others see none.
	own := []Objection{}
	for _, o := range d.Objections {
		if o.HouseholdID == p.HouseholdID {
			own = append(own, o)
		}
	}
	d.Objections = own
	return d, nil
}
