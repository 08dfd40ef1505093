package mysql

import (
	"context"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/earning"
)

// netPoints is an entry's signed contribution to a household's points: a penalty counts against
// it, and a correction (an entry that reverses another under the same item) undoes the original's
// sign. Dividends and the red list count points this way.
const netPoints = `CASE WHEN (i.category = 'penalty') = (e.reverses_entry_id IS NULL) THEN -e.points ELSE e.points END`

// Lists implements earning.Store.
func (s *EarningStore) Lists(ctx context.Context, villageID int64, months []string, size int) ([]earning.ListLine, []earning.ListLine, error) {
	red := []earning.ListLine{}
	q, args, err := sqlx.In(`SELECT e.household_id, h.number AS household, h.head_name AS head, SUM(`+netPoints+`) AS points,
		COALESCE(GROUP_CONCAT(DISTINCT CASE WHEN i.category = 'honour' AND e.reverses_entry_id IS NULL THEN i.name END
			ORDER BY i.name SEPARATOR '、'), '') AS items
		FROM point_entries e JOIN rule_items i ON i.id = e.rule_item_id JOIN households h ON h.id = e.household_id
		WHERE e.village_id = ? AND e.status = 'posted' AND e.period IN (?) AND e.household_id IS NOT NULL AND e.person_id IS NULL
		GROUP BY e.household_id, h.number, h.head_name HAVING points > 0 ORDER BY points DESC, e.household_id LIMIT ?`,
		villageID, months, size)
	if err != nil {
		return nil, nil, err
	}
	if err := s.db.list(ctx, &red, q, args...); err != nil {
		return nil, nil, wrap(err, "red list of village %d", villageID)
	}
	black := []earning.ListLine{}
	q, args, err = sqlx.In(`SELECT e.household_id, h.number AS household, h.head_name AS head, SUM(e.points) AS points,
		GROUP_CONCAT(DISTINCT i.name ORDER BY i.name SEPARATOR '、') AS items
		FROM point_entries e JOIN rule_items i ON i.id = e.rule_item_id JOIN households h ON h.id = e.household_id
		WHERE e.village_id = ? AND e.status = 'posted' AND e.period IN (?) AND i.category = 'penalty' AND i.black_list
			AND e.reverses_entry_id IS NULL AND e.household_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM point_entries c WHERE c.reverses_entry_id = e.id AND c.status = 'posted')
		GROUP BY e.household_id, h.number, h.head_name ORDER BY points DESC, e.household_id`, villageID, months)
	if err != nil {
		return nil, nil, err
	}
	return red, black, wrap(s.db.list(ctx, &black, q, args...), "black list of village %d", villageID)
}
