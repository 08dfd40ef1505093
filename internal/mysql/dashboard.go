package mysql

import (
	"context"
	"time"

	"pointsmarket/internal/calendar"
	"pointsmarket/internal/dashboard"
	"pointsmarket/internal/fault"
)

// DashboardStore implements dashboard.Store.
type DashboardStore struct{ db *DB }

// NewDashboardStore returns a DashboardStore.
func NewDashboardStore(db *DB) *DashboardStore { return &DashboardStore{db: db} }

// Scope implements dashboard.Store.
func (s *DashboardStore) Scope(ctx context.Context, countyID, townshipID int64) (dashboard.Scope, error) {
	var sc dashboard.Scope
	if townshipID != 0 {
		err := s.db.get(ctx, &sc, fault.ErrNotFound, `SELECT c.id AS county_id, c.name AS county, t.id AS township_id, t.name AS township
			FROM townships t JOIN counties c ON c.id = t.county_id WHERE t.id = ?`, townshipID)
		return sc, wrap(err, "township %d", townshipID)
	}
	err := s.db.get(ctx, &sc, fault.ErrNotFound, `SELECT id AS county_id, name AS county FROM counties WHERE id = ?`, countyID)
	return sc, wrap(err, "county %d", countyID)
}

// scopeVillages selects the villages of a county (and of one township, when the second and third
// arguments are not 0).
const scopeVillages = `SELECT v2.id FROM villages v2 JOIN townships t2 ON t2.id = v2.township_id WHERE t2.county_id = ? AND (? = 0 OR t2.id = ?)`

// Rows implements dashboard.Store: the scope's villages, each figure read through its village's
// index (grouped over the scope's villages, or a subquery per village). Points earned and spent
// are counted as the public board counts them (BoardStore.MonthTotals).
func (s *DashboardStore) Rows(ctx context.Context, sc dashboard.Scope, from, to, now time.Time) ([]dashboard.Row, error) {
	const scope = scopeVillages
	fromDay, toDay := calendar.Date(from).Format(time.DateOnly), calendar.Date(to).Format(time.DateOnly)
	out := []dashboard.Row{}
	err := s.db.list(ctx, &out, `SELECT v.id AS village_id, v.name, v.township_id, t.name AS township,
		(SELECT COUNT(*) FROM households h WHERE h.village_id = v.id) AS households,
		COALESCE(m.earned, 0) AS earned, COALESCE(m.spent, 0) AS spent,
		(SELECT COUNT(*) FROM redemptions r WHERE r.village_id = v.id AND r.created_at >= ? AND r.created_at < ? AND r.reversed_at IS NULL) AS redemptions,
		(SELECT COALESCE(SUM(paid_fen), 0) FROM settlements st WHERE st.village_id = v.id AND st.status = 'paid'
			AND st.paid_on >= ? AND st.paid_on < ?) AS settled_fen,
		(SELECT COALESCE(SUM(amount_fen), 0) FROM village_fund f WHERE f.village_id = v.id) -
			(SELECT COALESCE(SUM(paid_fen), 0) FROM settlements st WHERE st.village_id = v.id AND st.status = 'paid') AS fund_fen,
		COALESCE(o.objections, 0) AS total, COALESCE(o.answered, 0) AS resolved, COALESCE(o.in_time, 0) AS in_time,
		COALESCE(o.rated, 0) AS rated, COALESCE(o.satisfied, 0) AS satisfied,
		COALESCE(q.total, 0) AS `+"`req.total`"+`, COALESCE(q.in_time, 0) AS `+"`req.in_time`"+`,
		COALESCE(q.resolved, 0) AS `+"`req.resolved`"+`, COALESCE(q.rated, 0) AS `+"`req.rated`"+`,
		COALESCE(q.satisfied, 0) AS `+"`req.satisfied`"+`,
		(SELECT COUNT(*) FROM alerts a WHERE a.village_id = v.id AND a.status <> 'resolved') AS open_alerts
		FROM villages v JOIN townships t ON t.id = v.township_id
		LEFT JOIN (SELECT t.village_id, `+earnedSpent+`
			FROM transfers t JOIN accounts c ON c.id = t.credit_account_id JOIN accounts d ON d.id = t.debit_account_id
			WHERE t.village_id IN (`+scope+`) AND t.created_at >= ? AND t.created_at < ? GROUP BY t.village_id) m ON m.village_id = v.id
		LEFT JOIN (SELECT ob.village_id, COUNT(*) AS objections, SUM(ob.answered_at IS NOT NULL) AS answered,
			SUM(ob.answered_at <= ob.due_at) AS in_time, SUM(ob.satisfied IS NOT NULL) AS rated, SUM(ob.satisfied = TRUE) AS satisfied
			FROM objections ob WHERE ob.village_id IN (`+scope+`) AND ob.created_at >= ? AND ob.created_at < ? GROUP BY ob.village_id) o
			ON o.village_id = v.id
		LEFT JOIN (SELECT x.unit_id, COUNT(*) AS total, SUM(x.in_time = TRUE) AS in_time,
			SUM(x.outcome = 'answered' AND x.resolved = TRUE) AS resolved, SUM(x.rating IS NOT NULL) AS rated,
			SUM(x.rating = 'satisfied') AS satisfied
			FROM request_handlings x WHERE x.level = 'village' AND x.unit_id IN (`+scope+`) AND x.assigned_at >= ? AND x.assigned_at < ?
				AND (x.closed_at IS NOT NULL OR x.due_at < ?) GROUP BY x.unit_id) q ON q.unit_id = v.id
		WHERE t.county_id = ? AND (? = 0 OR t.id = ?) ORDER BY t.id, v.id`,
		from, to, fromDay, toDay,
		sc.CountyID, sc.TownshipID, sc.TownshipID, from, to,
		sc.CountyID, sc.TownshipID, sc.TownshipID, from, to,
		sc.CountyID, sc.TownshipID, sc.TownshipID, from, to, now,
		sc.CountyID, sc.TownshipID, sc.TownshipID)
	return out, wrap(err, "dashboard of county %d", sc.CountyID)
}

// Months implements dashboard.Store: the public board's count of points earned and spent, by
// China month, over the scope's villages.
func (s *DashboardStore) Months(ctx context.Context, sc dashboard.Scope, from, to time.Time) ([]dashboard.Month, error) {
	out := []dashboard.Month{}
	err := s.db.list(ctx, &out, `SELECT DATE_FORMAT(t.created_at + INTERVAL 8 HOUR, '%Y-%m') AS month, `+earnedSpent+`
		FROM transfers t JOIN accounts c ON c.id = t.credit_account_id JOIN accounts d ON d.id = t.debit_account_id
		WHERE t.village_id IN (`+scopeVillages+`) AND t.created_at >= ? AND t.created_at < ? GROUP BY month ORDER BY month`,
		sc.CountyID, sc.TownshipID, sc.TownshipID, from, to)
	return out, wrap(err, "months of county %d", sc.CountyID)
}
