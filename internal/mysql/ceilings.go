package mysql

import (
	"context"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/voucher"
)

const ceilingColumns = `id, village_id, per_checkout, per_day, status, note, proposed_by, proposed_at, decided_by, decided_at`

// Ceilings implements voucher.CeilingStore.
func (s *VoucherStore) Ceilings(ctx context.Context, villageID int64) (voucher.Ceilings, error) {
	c, err := ceilingsInForce(ctx, s.db, villageID)
	if errors.Is(err, voucher.ErrCeilingNotFound) {
		return voucher.DefaultCeilings(villageID), nil
	}
	return c, wrap(err, "ceilings of village %d", villageID)
}

func ceilingsInForce(ctx context.Context, q sqlx.QueryerContext, villageID int64) (voucher.Ceilings, error) {
	var c voucher.Ceilings
	err := getRow(ctx, q, &c, voucher.ErrCeilingNotFound, `SELECT `+ceilingColumns+` FROM checkout_ceilings
		WHERE village_id = ? AND status = 'approved' ORDER BY id DESC LIMIT 1`, villageID)
	return c, err
}

// PendingCeilings implements voucher.CeilingStore.
func (s *VoucherStore) PendingCeilings(ctx context.Context, villageID int64) (voucher.Ceilings, error) {
	var c voucher.Ceilings
	err := s.db.get(ctx, &c, voucher.ErrCeilingNotFound, `SELECT `+ceilingColumns+` FROM checkout_ceilings
		WHERE village_id = ? AND status = 'proposed' ORDER BY id DESC LIMIT 1`, villageID)
	return c, err
}

// Ceiling implements voucher.CeilingStore.
func (s *VoucherStore) Ceiling(ctx context.Context, id int64) (voucher.Ceilings, error) {
	var c voucher.Ceilings
	err := s.db.get(ctx, &c, voucher.ErrCeilingNotFound, `SELECT `+ceilingColumns+` FROM checkout_ceilings WHERE id = ?`, id)
	return c, wrap(err, "ceiling %d", id)
}

// ProposeCeilings implements voucher.CeilingStore.
func (s *VoucherStore) ProposeCeilings(ctx context.Context, c voucher.Ceilings) (voucher.Ceilings, error) {
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		res, err := tx.NamedExecContext(ctx, `INSERT INTO checkout_ceilings (village_id, per_checkout, per_day, status, note,
			proposed_by, proposed_at) VALUES (:village_id, :per_checkout, :per_day, :status, :note, :proposed_by, :proposed_at)`, c)
		if err != nil {
			return nil, err
		}
		c.ID, _ = res.LastInsertId()
		place, err := villagePlace(ctx, tx, c.VillageID)
		return []audit.Event{{Place: place, Action: "ceilings.propose", ObjectType: "checkout_ceilings", ObjectID: c.ID, After: c}}, err
	})
	return c, wrap(err, "propose ceilings")
}

// DecideCeilings implements voucher.CeilingStore.
func (s *VoucherStore) DecideCeilings(ctx context.Context, id int64, approve bool, by int64, at time.Time) (voucher.Ceilings, error) {
	var c voucher.Ceilings
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := getRow(ctx, tx, &c, voucher.ErrCeilingNotFound, `SELECT `+ceilingColumns+` FROM checkout_ceilings WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		if c.Status != voucher.CeilingProposed {
			return nil, voucher.ErrCeilingDecided
		}
		before := c
		c.Status, c.DecidedBy, c.DecidedAt = voucher.CeilingRejected, &by, &at
		if approve {
			c.Status = voucher.CeilingApproved
		}
		if _, err := tx.ExecContext(ctx, `UPDATE checkout_ceilings SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?`,
			c.Status, by, at, id); err != nil {
			return nil, err
		}
		place, err := villagePlace(ctx, tx, c.VillageID)
		return []audit.Event{{Place: place, Action: "ceilings.decide", ObjectType: "checkout_ceilings", ObjectID: id, Before: before, After: c}}, err
	})
	return c, wrap(err, "decide ceilings %d", id)
}
