// Package board is the public board (阳光公示) of a village: what anyone may read without logging
// in, and what is printed for the village's notice board — the points under public notice (names
// masked), the month's points earned and spent, redemptions by shop, settlements and payments, and
// the latest audit checkpoint, so that anyone can later prove the log was not rewritten.
package board

import (
	"context"
	"encoding/hex"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/earning"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/org"
	"pointsmarket/internal/redact"
	"pointsmarket/internal/settlement"
)

// ShopMonth is a shop's redemptions in a month, reversals excluded.
type ShopMonth struct {
	ShopID      int64  `json:"shop_id" db:"shop_id"`
	Shop        string `json:"shop" db:"shop"`
	Redemptions int64  `json:"redemptions" db:"redemptions"`
	Points      int64  `json:"points" db:"points"`
	PriceFen    int64  `json:"price_fen" db:"price_fen"`
}

// Totals are a village's points earned (net of penalties) and spent in a month.
type Totals struct {
	Earned int64 `json:"earned" db:"earned"`
	Spent  int64 `json:"spent" db:"spent"`
}

// Store reads the month's figures.
type Store interface {
	MonthTotals(ctx context.Context, villageID int64, from, to time.Time) (Totals, error)
	RedemptionsByShop(ctx context.Context, villageID int64, from, to time.Time) ([]ShopMonth, error)
}

// Statement is a settlement as the public sees it.
type Statement struct {
	Period     string     `json:"period"`
	ShopID     int64      `json:"shop_id"`
	Shop       string     `json:"shop"`
	Status     string     `json:"status"`
	TotalFen   int64      `json:"total_fen"`
	PaidFen    *int64     `json:"paid_fen"`
	PaidOn     *time.Time `json:"paid_on"`
	PaymentRef string     `json:"payment_ref"`
}

// Board is a village's public board.
type Board struct {
	Village string `json:"village"`
	// SupervisionPhone is the village's 监督电话, "" when the township has not set one.
	SupervisionPhone string               `json:"supervision_phone"`
	Month            string               `json:"month"`
	Notice           []earning.NoticeLine `json:"notice"`
	Totals           Totals               `json:"totals"`
	Shops            []ShopMonth          `json:"shops"`
	Settlements      []Statement          `json:"settlements"`
	Checkpoint       *Checkpoint          `json:"audit_checkpoint"`
	// PointsExpireOn is the next day the village clears spendable points, when it does.
	PointsExpireOn *time.Time `json:"points_expire_on"`
	// HouseholdSizes are new households and changes of size on the notice before base points follow them.
	HouseholdSizes []org.SizeNotice `json:"household_sizes"`
}

// Checkpoint is the latest published root of the audit log.
type Checkpoint struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	RootHash  string    `json:"root_hash"`
}

// Deps are what the board reads.
type Deps struct {
	Store    Store
	Villages interface {
		Village(ctx context.Context, id int64) (org.Village, error)
	}
	Notice      func(ctx context.Context, villageID int64) ([]earning.NoticeLine, error)
	Settlements func(ctx context.Context, villageID int64) ([]settlement.Statement, error)
	Checkpoint  func(ctx context.Context) (audit.Checkpoint, error)
	Places      auth.Places
	// Sizes lists the household sizes of a village under notice at a time.
	Sizes func(ctx context.Context, villageID int64, now time.Time) ([]org.SizeNotice, error)
}

// Reader returns the public board of a village for the month of a time; the Service builds it,
// a cache may serve it.
type Reader interface {
	Board(ctx context.Context, villageID int64, at time.Time) (Board, error)
}

// Service builds boards.
type Service struct{ Deps }

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{d} }

// Board returns the village's board for the month of at (China time).
func (s *Service) Board(ctx context.Context, villageID int64, at time.Time) (Board, error) {
	v, err := s.Villages.Village(ctx, villageID)
	if err != nil {
		return Board{}, err
	}
	local := at.In(calendar.Zone())
	from := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, calendar.Zone())
	to := from.AddDate(0, 1, 0)
	b := Board{Village: v.Name, Month: from.Format("2006-01")}
	if v.SupervisionPhone != nil {
		b.SupervisionPhone = *v.SupervisionPhone
	}
	if next, ok := earning.NextExpiry(v.ExpiryDate, at); ok {
		b.PointsExpireOn = &next
	}
	if s.Sizes != nil {
		if b.HouseholdSizes, err = s.Sizes(ctx, villageID, at); err != nil {
			return b, err
		}
		for i := range b.HouseholdSizes {
			b.HouseholdSizes[i].Head = org.MaskName(b.HouseholdSizes[i].Head)
		}
	}
	if b.Notice, err = s.Notice(ctx, villageID); err != nil {
		return b, err
	}
	if b.Totals, err = s.Store.MonthTotals(ctx, villageID, from.UTC(), to.UTC()); err != nil {
		return b, err
	}
	if b.Shops, err = s.Store.RedemptionsByShop(ctx, villageID, from.UTC(), to.UTC()); err != nil {
		return b, err
	}
	sts, err := s.Settlements(ctx, villageID)
	if err != nil {
		return b, err
	}
	b.Settlements = make([]Statement, 0, len(sts))
	for _, st := range sts {
		b.Settlements = append(b.Settlements, Statement{Period: st.Period, ShopID: st.ShopID, Shop: st.ShopName, Status: string(st.Status), TotalFen: st.TotalFen,
			PaidFen: st.PaidFen, PaidOn: st.PaidOn, PaymentRef: redact.Masker{}.Text(st.PaymentRef)})
	}
	cp, err := s.Checkpoint(ctx)
	switch {
	case err == nil:
		b.Checkpoint = &Checkpoint{ID: cp.ID, CreatedAt: cp.CreatedAt, RootHash: hex.EncodeToString(cp.Root)}
	case fault.KindOf(err) != fault.NotFound:
		return b, err
	}
	return b, nil
}

// MonthFigures are a village's points earned and spent in one month.
type MonthFigures struct {
	Month string `json:"month"`
	Totals
}

// History returns the last n months' points earned and spent (oldest first), for the charts of
// those who may read the village; n is clamped to 1..24.
func (s *Service) History(ctx context.Context, p auth.Principal, villageID int64, n int, at time.Time) ([]MonthFigures, error) {
	pl, err := s.Places.VillagePlace(ctx, villageID)
	if err != nil {
		return nil, err
	}
	if !p.CanReadVillage(pl) {
		return nil, fault.ErrForbidden
	}
	n = max(1, min(n, 24))
	local := at.In(calendar.Zone())
	first := time.Date(local.Year(), local.Month()-time.Month(n-1), 1, 0, 0, 0, 0, calendar.Zone())
	out := make([]MonthFigures, 0, n)
	for i := range n {
		from := first.AddDate(0, i, 0)
		t, err := s.Store.MonthTotals(ctx, villageID, from.UTC(), from.AddDate(0, 1, 0).UTC())
		if err != nil {
			return nil, err
		}
		out = append(out, MonthFigures{Month: from.Format("2006-01"), Totals: t})
	}
	return out, nil
}
