package mysql

import (
	"context"
	"errors"
	"time"

	"pointsmarket/internal/card"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/write"
)

// CardStore implements card.Store.
type CardStore struct{ db *DB }

// NewCardStore returns a CardStore.
func NewCardStore(db *DB) *CardStore { return &CardStore{db: db} }

// cardQuery reads cards with their village, household and household account.
const cardQuery = `SELECT c.id, c.village_id, v.name AS village, c.household_id, h.number AS household, h.head_name AS head,
	a.id AS account_id, c.number, c.nonce, c.pin_hash, c.pin_set_at, c.pin_set_by, c.failures, c.locked_until, c.status,
	c.issued_by, c.issued_at, c.blocked_by, c.blocked_at, c.block_reason, a.credits - a.debits - a.held AS available, v.cash_top_up
	FROM household_cards c JOIN households h ON h.id = c.household_id JOIN villages v ON v.id = c.village_id
	JOIN accounts a ON a.kind = 'household' AND a.owner_id = c.household_id AND a.village_id = c.village_id`

// Card implements card.Store.
func (s *CardStore) Card(ctx context.Context, id int64) (card.Card, error) {
	var c card.Card
	err := s.db.get(ctx, &c, card.ErrNotFound, cardQuery+` WHERE c.id = ?`, id)
	return c, wrap(err, "card %d", id)
}

// ByNumber implements card.Store.
func (s *CardStore) ByNumber(ctx context.Context, number string) (card.Card, error) {
	var c card.Card
	err := s.db.get(ctx, &c, card.ErrNotFound, cardQuery+` WHERE c.number = ?`, number)
	return c, wrap(err, "card by number")
}

// Of implements card.Store.
func (s *CardStore) Of(ctx context.Context, householdID int64) ([]card.Card, error) {
	out := []card.Card{}
	err := s.db.list(ctx, &out, cardQuery+` WHERE c.household_id = ? ORDER BY c.id DESC`, householdID)
	return out, wrap(err, "cards of household %d", householdID)
}

// ShopServes implements card.Store.
func (s *CardStore) ShopServes(ctx context.Context, shopID, villageID int64, at time.Time) (bool, error) {
	_, err := activeAgreement(ctx, s.db, shopID, villageID, at)
	if errors.Is(err, catalog.ErrNoAgreement) {
		return false, nil
	}
	return err == nil, err
}

var _ card.Tx = (*Tx)(nil)

// CardTx returns the transaction runner of the cards' workflows.
func (db *DB) CardTx() write.InTx[card.Tx] { return runAs(db, func(t *Tx) card.Tx { return t }) }

// InsertCard implements card.Tx.
func (t *Tx) InsertCard(ctx context.Context, c *card.Card) (int64, error) {
	var id int64
	if err := t.tx.GetContext(ctx, &id, `SELECT id FROM households WHERE id = ? FOR UPDATE`, c.HouseholdID); err != nil {
		return 0, err
	}
	var active []int64
	if err := t.tx.SelectContext(ctx, &active, `SELECT id FROM household_cards WHERE household_id = ? AND status = 'active'`, c.HouseholdID); err != nil {
		return 0, err
	}
	var replaced int64
	for _, old := range active {
		if _, err := t.BlockCard(ctx, old, c.IssuedAt, c.IssuedBy, "换新卡 / replaced by a new card"); err != nil {
			return 0, err
		}
		replaced = old
	}
	for try := 0; ; try++ { // a number drawn twice (one in 9·10¹⁰) is drawn again
		res, err := t.tx.NamedExecContext(ctx, `INSERT INTO household_cards (village_id, household_id, number, nonce, status, issued_by, issued_at)
			VALUES (:village_id, :household_id, :number, :nonce, :status, :issued_by, :issued_at)`, c)
		if isDuplicate(err) && try < 3 {
			c.Number = card.NewNumber()
			continue
		}
		if err != nil {
			return 0, err
		}
		c.ID, err = res.LastInsertId()
		return replaced, err
	}
}

// LockCard implements card.Tx.
func (t *Tx) LockCard(ctx context.Context, id int64) (card.Card, error) {
	var c card.Card
	err := getRow(ctx, t.tx, &c, card.ErrNotFound, `SELECT id, village_id, household_id, number, nonce, pin_hash, pin_set_at,
		pin_set_by, failures, locked_until, status, issued_by, issued_at, blocked_by, blocked_at, block_reason
		FROM household_cards WHERE id = ? FOR UPDATE`, id)
	return c, err
}

// SetPIN implements card.Tx.
func (t *Tx) SetPIN(ctx context.Context, id int64, hash string, at time.Time, by int64) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE household_cards SET pin_hash = ?, pin_set_at = ?, pin_set_by = ?, failures = 0,
		locked_until = NULL WHERE id = ?`, hash, at, by, id)
	return err
}

// SetFailures implements card.Tx.
func (t *Tx) SetFailures(ctx context.Context, id int64, failures int, lockedUntil *time.Time) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE household_cards SET failures = ?, locked_until = ? WHERE id = ?`, failures, lockedUntil, id)
	return err
}

// BlockCard implements card.Tx.
func (t *Tx) BlockCard(ctx context.Context, id int64, at time.Time, by int64, reason string) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE household_cards SET status = 'blocked', blocked_at = ?, blocked_by = ?, block_reason = ?
		WHERE id = ? AND status = 'active'`, at, by, reason, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
