package settlement

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/notify"
	"pointsmarket/internal/write"
)

// Tx is the part of one transaction the settlement workflows need; the store implements it bound
// to the transaction.
type Tx interface {
	write.Tx
	VillagePlace(ctx context.Context, villageID int64) (auth.Place, error)
	// InsertStatement writes a statement without lines or totals and sets its id. ErrExists when
	// the shop's period has one.
	InsertStatement(ctx context.Context, st *Statement) error
	// AddLines puts on a statement every redemption item of its shop and village made before end,
	// and every reversal of one made before end, that no statement holds yet (a line's unique key
	// settles it once, so late reversals land on the next statement).
	AddLines(ctx context.Context, st Statement, end time.Time) error
	// Lines returns a statement's lines.
	Lines(ctx context.Context, id int64) ([]Line, error)
	// SetTotals records a statement's totals and the fund it was generated against.
	SetTotals(ctx context.Context, st Statement) error
	// Fund returns what a village's fund holds: deposits less payments.
	Fund(ctx context.Context, villageID int64) (int64, error)
	// LockVillageOf locks the row of the village a statement is of, and returns its id.
	// ErrNotFound.
	LockVillageOf(ctx context.Context, statementID int64) (int64, error)
	// StatementLocked reads a statement under a row lock. ErrNotFound.
	StatementLocked(ctx context.Context, id int64) (Statement, error)
	// SaveStatement writes a statement's status and decisions.
	SaveStatement(ctx context.Context, st Statement) error
	// InsertDeposit records money put into a village's fund and returns its id.
	InsertDeposit(ctx context.Context, villageID, amountFen int64, note string) (int64, error)
}

// generate writes the statement of (shop, village, period) from every unsettled redemption and
// reversal line up to end, with its totals and the fund it is generated against; it is flagged when
// it is more than the fund holds. The lines go into the audit entry: they are what the shop is
// paid by, sealed there. ErrExists.
func (s *Service) generate(ctx context.Context, st Statement, end time.Time) (Statement, error) {
	st.GeneratedAt = s.Now().UTC().Truncate(time.Microsecond)
	st, err := write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Statement], error) {
		var none write.Done[Statement]
		if err := tx.InsertStatement(ctx, &st); err != nil {
			return none, err
		}
		if err := tx.AddLines(ctx, st, end); err != nil {
			return none, err
		}
		lines, err := tx.Lines(ctx, st.ID)
		if err != nil {
			return none, err
		}
		st.Lines = lines
		for _, l := range lines {
			st.TotalPoints += l.Points
			st.TotalFen += l.AmountFen
		}
		if st.FundBeforeFen, err = tx.Fund(ctx, st.VillageID); err != nil {
			return none, err
		}
		st.OverFund = st.TotalFen > st.FundBeforeFen
		if err := tx.SetTotals(ctx, st); err != nil {
			return none, err
		}
		place, err := tx.VillagePlace(ctx, st.VillageID)
		return write.Done[Statement]{Value: st, ID: st.ID, Events: []audit.Event{
			{Place: place, Action: "settlement.generate", ObjectType: "settlement", ObjectID: st.ID, After: st}}}, err
	})
	if err != nil {
		return Statement{}, fmt.Errorf("generate settlement: %w", err)
	}
	return s.Store.Statement(ctx, st.ID)
}

// advance moves a statement at step from by fn, under its row lock (and, for a payment, the
// village's first, so that two payments of one village are made one after the other against what
// the fund holds: fn is given it). ErrWrongStep.
func (s *Service) advance(ctx context.Context, id int64, from Status, withFund bool, fn func(st *Statement, fundFen int64) error) (Statement, error) {
	_, err := write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[Statement], error) {
		var none write.Done[Statement]
		var balance int64
		if withFund {
			villageID, err := tx.LockVillageOf(ctx, id)
			if err != nil {
				return none, err
			}
			if balance, err = tx.Fund(ctx, villageID); err != nil {
				return none, err
			}
		}
		st, err := tx.StatementLocked(ctx, id)
		if err != nil {
			return none, err
		}
		if st.Status != from {
			return none, ErrWrongStep.WithDetails(map[string]any{"status": st.Status})
		}
		before := st.Status
		if err := fn(&st, balance); err != nil {
			return none, err
		}
		if err := tx.SaveStatement(ctx, st); err != nil {
			return none, err
		}
		place, err := tx.VillagePlace(ctx, st.VillageID)
		var notices []notify.Notice
		if st.Status == Approved { // the supervision group countersigns it next
			notices = append(notices, notify.Notice{To: []notify.To{{Role: auth.RoleSupervisor, Place: place}}, Kind: notify.ToCountersign,
				Title: "有一份超市报账单待您会签", Body: fmt.Sprintf("%s 报账单，共 %d 分，%.2f 元", st.Period, st.TotalPoints, float64(st.TotalFen)/100),
				Link: "/supervision", Key: fmt.Sprintf("settlement:%d:approved", st.ID), Except: *st.ApprovedBy}) // Approve has just set it
		}
		return write.Done[Statement]{Value: st, ID: st.ID, Events: []audit.Event{
			{Place: place, Action: "settlement." + string(st.Status), ObjectType: "settlement", ObjectID: id,
				Before: map[string]Status{"status": before}, After: st}}, Notices: notices}, err
	})
	if err != nil {
		return Statement{}, fmt.Errorf("settlement %d: %w", id, err)
	}
	return s.Store.Statement(ctx, id)
}

// deposit records money put into a village's fund.
func (s *Service) deposit(ctx context.Context, villageID, amountFen int64, note string) error {
	_, err := write.Run(ctx, s.InTx, write.Key{}, nil, func(tx Tx) (write.Done[int64], error) {
		id, err := tx.InsertDeposit(ctx, villageID, amountFen, note)
		if err != nil {
			return write.Done[int64]{}, err
		}
		place, err := tx.VillagePlace(ctx, villageID)
		return write.Done[int64]{Value: id, ID: id, Events: []audit.Event{{Place: place, Action: "fund.deposit", ObjectType: "village_fund",
			ObjectID: id, After: map[string]any{"amount_fen": amountFen, "note": note}}}}, err
	})
	if err != nil {
		return fmt.Errorf("deposit into the fund of village %d: %w", villageID, err)
	}
	return nil
}
