package mysql

import (
	"context"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/org"
)

const sizeObjectionColumns = `id, size_id, village_id, objector_id, reason, status, answer, answered_by, created_at, answered_at`

// SizeNotice implements org.Store.
func (s *OrgStore) SizeNotice(ctx context.Context, sizeID int64) (org.SizeNotice, error) {
	var n org.SizeNotice
	err := s.db.get(ctx, &n, org.ErrSizeNotFound, `SELECT z.id, h.village_id, z.household_id, h.number, h.head_name, z.size, z.previous, z.notice_until
		FROM household_sizes z JOIN households h ON h.id = z.household_id WHERE z.id = ?`, sizeID)
	return n, wrap(err, "household size %d", sizeID)
}

// ObjectToSize implements org.Store.
func (s *OrgStore) ObjectToSize(ctx context.Context, o org.SizeObjection) (org.SizeObjection, error) {
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		res, err := tx.NamedExecContext(ctx, `INSERT INTO household_size_objections (size_id, village_id, objector_id, reason, status, created_at)
			VALUES (:size_id, :village_id, :objector_id, :reason, :status, :created_at)`, o)
		if err != nil {
			return nil, err
		}
		o.ID, _ = res.LastInsertId()
		place, err := s.placeTx(ctx, tx, o.VillageID)
		return []audit.Event{{Place: place, Action: "household_size.object", ObjectType: "household_size_objection", ObjectID: o.ID, After: o}}, err
	})
	return o, wrap(err, "object to household size %d", o.SizeID)
}

// SizeObjection implements org.Store.
func (s *OrgStore) SizeObjection(ctx context.Context, id int64) (org.SizeObjection, error) {
	var o org.SizeObjection
	err := s.db.get(ctx, &o, org.ErrSizeNotFound, `SELECT `+sizeObjectionColumns+` FROM household_size_objections WHERE id = ?`, id)
	return o, wrap(err, "size objection %d", id)
}

// AnswerSizeObjection implements org.Store: an upheld objection withdraws the size.
func (s *OrgStore) AnswerSizeObjection(ctx context.Context, id int64, upheld bool, answer string, by int64) (org.SizeObjection, error) {
	var o org.SizeObjection
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := getRow(ctx, tx, &o, org.ErrSizeNotFound, `SELECT `+sizeObjectionColumns+` FROM household_size_objections WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		if o.Status != org.ObjectionOpen {
			return nil, org.ErrSizeObjectionDone
		}
		before := o
		now := s.db.now()
		o.Status, o.Answer, o.AnsweredBy, o.AnsweredAt = "rejected", answer, &by, &now
		if upheld {
			o.Status = "upheld"
			if _, err := tx.ExecContext(ctx, `UPDATE household_sizes SET withdrawn = TRUE WHERE id = ?`, o.SizeID); err != nil {
				return nil, err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE household_size_objections SET status = ?, answer = ?, answered_by = ?, answered_at = ? WHERE id = ?`,
			o.Status, answer, by, now, id); err != nil {
			return nil, err
		}
		place, err := s.placeTx(ctx, tx, o.VillageID)
		return []audit.Event{{Place: place, Action: "household_size.answer", ObjectType: "household_size_objection", ObjectID: id, Before: before, After: o}}, err
	})
	return o, wrap(err, "answer size objection %d", id)
}
