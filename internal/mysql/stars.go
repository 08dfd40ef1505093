package mysql

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/earning"
)

const starQuery = `SELECT s.id, s.village_id, s.year, s.household_id, h.number AS household, h.head_name AS head, s.points,
	s.status, s.proposed_by, s.proposed_at, s.notice_until, s.objection, s.objected_by, s.answer, s.answered_by
	FROM star_households s JOIN households h ON h.id = s.household_id`

// StarCandidates implements earning.Store: net points posted in the year's months (as the red
// list and dividends count them), with the criteria's record and honour conditions.
func (s *EarningStore) StarCandidates(ctx context.Context, villageID int64, year int, c earning.StarCriteria) ([]earning.Star, error) {
	from, to := fmt.Sprintf("%d-01", year), fmt.Sprintf("%d-12", year)
	out := []earning.Star{}
	err := s.db.list(ctx, &out, `SELECT e.household_id, h.number AS household, h.head_name AS head, SUM(`+netPoints+`) AS points
		FROM point_entries e JOIN rule_items i ON i.id = e.rule_item_id JOIN households h ON h.id = e.household_id
		WHERE e.village_id = ? AND e.status = 'posted' AND e.period BETWEEN ? AND ? AND e.household_id IS NOT NULL AND e.person_id IS NULL
		GROUP BY e.household_id, h.number, h.head_name
		HAVING points >= ?
			AND (NOT ? OR NOT EXISTS (SELECT 1 FROM point_entries b JOIN rule_items bi ON bi.id = b.rule_item_id
				WHERE b.household_id = e.household_id AND b.status = 'posted' AND b.period BETWEEN ? AND ? AND bi.black_list
				AND b.reverses_entry_id IS NULL
				AND NOT EXISTS (SELECT 1 FROM point_entries c WHERE c.reverses_entry_id = b.id AND c.status = 'posted')))
			AND (NOT ? OR EXISTS (SELECT 1 FROM point_entries o JOIN rule_items oi ON oi.id = o.rule_item_id
				WHERE o.household_id = e.household_id AND o.status = 'posted' AND o.period BETWEEN ? AND ? AND oi.category = 'honour'
				AND o.reverses_entry_id IS NULL
				AND NOT EXISTS (SELECT 1 FROM point_entries c WHERE c.reverses_entry_id = o.id AND c.status = 'posted')))
		ORDER BY e.household_id`, villageID, from, to, *c.StarMinPoints, c.StarCleanRecord, from, to, c.StarHonour, from, to)
	return out, wrap(err, "star candidates of village %d", villageID)
}

// ProposeStars implements earning.Store.
func (s *EarningStore) ProposeStars(ctx context.Context, villageID int64, year int, stars []earning.Star) ([]earning.Star, error) {
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM star_households WHERE village_id = ? AND year = ? FOR UPDATE`, villageID, year); err != nil {
			return nil, err
		}
		if n > 0 {
			return nil, earning.ErrStarsEvaluated
		}
		for i := range stars {
			res, err := tx.NamedExecContext(ctx, `INSERT INTO star_households (village_id, year, household_id, points, status, proposed_by,
				proposed_at, notice_until) VALUES (:village_id, :year, :household_id, :points, :status, :proposed_by, :proposed_at, :notice_until)`, stars[i])
			if isDuplicate(err) {
				return nil, earning.ErrStarsEvaluated
			}
			if err != nil {
				return nil, err
			}
			stars[i].ID, _ = res.LastInsertId()
		}
		ev, err := s.event(ctx, tx, villageID, "star.propose", "village", villageID, nil, map[string]any{"year": year, "stars": stars})
		return []audit.Event{ev}, err
	})
	return stars, wrap(err, "propose stars of village %d", villageID)
}

// Stars implements earning.Store.
func (s *EarningStore) Stars(ctx context.Context, villageID int64, year int) ([]earning.Star, error) {
	out := []earning.Star{}
	err := s.db.list(ctx, &out, starQuery+` WHERE s.village_id = ? AND s.year = ? ORDER BY s.household_id`, villageID, year)
	return out, wrap(err, "stars of village %d", villageID)
}

// Star implements earning.Store.
func (s *EarningStore) Star(ctx context.Context, id int64) (earning.Star, error) {
	var st earning.Star
	err := s.db.get(ctx, &st, earning.ErrStarNotFound, starQuery+` WHERE s.id = ?`, id)
	return st, wrap(err, "star %d", id)
}

// UpdateStar implements earning.Store.
func (s *EarningStore) UpdateStar(ctx context.Context, id int64, action string, fn func(*earning.Star) error) (earning.Star, error) {
	var st earning.Star
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := getRow(ctx, tx, &st, earning.ErrStarNotFound, starQuery+` WHERE s.id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		before := st
		if err := fn(&st); err != nil {
			return nil, err
		}
		now := s.db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE star_households SET status = ?, objection = ?, objected_by = ?,
			objected_at = IF(? IS NULL, NULL, COALESCE(objected_at, ?)), answer = ?, answered_by = ?, answered_at = IF(? IS NULL, NULL, ?)
			WHERE id = ?`, st.Status, st.Objection, st.ObjectedBy, st.ObjectedBy, now, st.Answer, st.AnsweredBy, st.AnsweredBy, now, id); err != nil {
			return nil, err
		}
		ev, err := s.event(ctx, tx, st.VillageID, action, "star", id, before, st)
		return []audit.Event{ev}, err
	})
	return st, wrap(err, "update star %d", id)
}
