package earning

import "pointsmarket/internal/ledger"

// VillageAccounts are a village's system accounts an entry's posting moves points against, and
// whether its penalties may take a balance below zero.
type VillageAccounts struct {
	Issuance, Penalties int64
	AllowNegative       bool `db:"allow_negative_penalty"`
}

// Posting is the movement an entry posts: a reward or base entry moves points from the
// village's issuance to the household, a penalty from the household to penalties. A correction
// (corrected is the transfer the corrected entry posted) takes back exactly what that transfer
// moved, by reversing it: once, since the ledger refuses a second reversal of one transfer.
func Posting(e Entry, category Category, reason string, v VillageAccounts, corrected *ledger.Transfer) (ledger.Movement, error) {
	if corrected != nil {
		m, err := ledger.Reversing(*corrected, "更正："+reason, "entry", e.ID)
		// Taking back a reward may leave the household below zero where the village allows
		// penalties to; giving back a penalty never does.
		m.AllowNegative = category != Penalty && v.AllowNegative
		return m, err
	}
	if category == Penalty {
		return ledger.Movement{DebitAccountID: e.AccountID, CreditAccountID: v.Penalties, Amount: e.Points, Kind: ledger.Penalty,
			Earning: true, Reason: reason, RefType: "entry", RefID: e.ID, AllowNegative: v.AllowNegative}, nil
	}
	return ledger.Movement{DebitAccountID: v.Issuance, CreditAccountID: e.AccountID, Amount: e.Points, Kind: ledger.Earn,
		Earning: true, Reason: reason, RefType: "entry", RefID: e.ID}, nil
}
