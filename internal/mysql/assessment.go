package mysql

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/assessment"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/write"
)

// AssessmentStore implements assessment.Store.
type AssessmentStore struct{ db *DB }

// NewAssessmentStore returns an AssessmentStore.
func NewAssessmentStore(db *DB) *AssessmentStore { return &AssessmentStore{db: db} }

var _ assessment.Tx = (*Tx)(nil)

// AssessmentTx returns the transaction runner of the assessment's workflows.
func (db *DB) AssessmentTx() write.InTx[assessment.Tx] {
	return runAs(db, func(t *Tx) assessment.Tx { return t })
}

const schemeColumns = `id, county_id, period, version, title, items, award_bands, warn_bottom, tie_rule, budget_fen,
	objection_days, adopted_by, adopted_at`

// schemeRow is a scheme as stored: its items and bands as JSON text.
type schemeRow struct {
	assessment.Scheme
	ItemsJSON string `db:"items"`
	BandsJSON string `db:"award_bands"`
}

func (r schemeRow) scheme() (assessment.Scheme, error) {
	s := r.Scheme
	if err := json.Unmarshal([]byte(r.ItemsJSON), &s.Items); err != nil {
		return s, fmt.Errorf("items of scheme %d: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(r.BandsJSON), &s.AwardBands); err != nil {
		return s, fmt.Errorf("award bands of scheme %d: %w", s.ID, err)
	}
	return s, nil
}

// County implements assessment.Store.
func (s *AssessmentStore) County(ctx context.Context, id int64) (string, error) {
	var name string
	err := s.db.get(ctx, &name, assessment.ErrCountyNotFound, `SELECT name FROM counties WHERE id = ?`, id)
	return name, wrap(err, "county %d", id)
}

// LocateVillage implements assessment.Store.
func (s *AssessmentStore) LocateVillage(ctx context.Context, villageID int64) (assessment.Located, error) {
	var v assessment.Located
	err := s.db.get(ctx, &v, fault.ErrNotFound, `SELECT v.id, v.name, v.township_id, v.id AS village_id, t.county_id
		FROM villages v JOIN townships t ON t.id = v.township_id WHERE v.id = ?`, villageID)
	return v, wrap(err, "village %d", villageID)
}

// Schemes implements assessment.Store.
func (s *AssessmentStore) Schemes(ctx context.Context, countyID int64, period assessment.Period) ([]assessment.Scheme, error) {
	return schemes(ctx, s.db, countyID, period, "")
}

func schemes(ctx context.Context, q sqlx.QueryerContext, countyID int64, period assessment.Period, lock string) ([]assessment.Scheme, error) {
	var rows []schemeRow
	err := classify(sqlx.SelectContext(ctx, q, &rows, `SELECT `+schemeColumns+` FROM assessment_schemes
		WHERE county_id = ? AND period = ? ORDER BY version DESC`+lock, countyID, period))
	if err != nil {
		return nil, wrap(err, "schemes of county %d for %s", countyID, period)
	}
	out := make([]assessment.Scheme, len(rows))
	for i, r := range rows {
		if out[i], err = r.scheme(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

const eventColumns = `id, county_id, village_id, period, item, occurred_on, description, evidence, status, recorded_by,
	recorded_at, objection, objected_by, objected_at, answer, answered_by, answered_at`

// Events implements assessment.Store.
func (s *AssessmentStore) Events(ctx context.Context, villageID int64, period assessment.Period) ([]assessment.Event, error) {
	out := []assessment.Event{}
	err := s.db.list(ctx, &out, `SELECT `+eventColumns+` FROM assessment_events WHERE village_id = ? AND period = ?
		ORDER BY id LIMIT 1000`, villageID, period)
	return out, wrap(err, "events of village %d", villageID)
}

const taskColumns = `id, county_id, village_id, period, title, due_on, given_by, given_at, done_on, done_by, done_note, confirmed_by, confirmed_at`

// Tasks implements assessment.Store.
func (s *AssessmentStore) Tasks(ctx context.Context, villageID int64, period assessment.Period) ([]assessment.Task, error) {
	out := []assessment.Task{}
	err := s.db.list(ctx, &out, `SELECT `+taskColumns+` FROM assessment_tasks WHERE village_id = ? AND period = ?
		ORDER BY due_on, id LIMIT 1000`, villageID, period)
	return out, wrap(err, "tasks of village %d", villageID)
}

// Standings implements assessment.Store.
func (s *AssessmentStore) Standings(ctx context.Context, countyID, villageID int64, period assessment.Period, months []string) ([]assessment.Standing, error) {
	return standings(ctx, s.db, countyID, villageID, period, months)
}

// Standings implements assessment.Tx.
func (t *Tx) Standings(ctx context.Context, countyID, villageID int64, period assessment.Period, months []string) ([]assessment.Standing, error) {
	return standings(ctx, t.tx, countyID, villageID, period, months)
}

// standings reads what villages are scored on in four grouped queries (villages with their
// households, events by item, tasks, and the villages' months of activity kept at posting), none
// of which reads a row per entry.
func standings(ctx context.Context, q sqlx.QueryerContext, countyID, villageID int64, period assessment.Period, months []string) ([]assessment.Standing, error) {
	var villages []struct {
		ID         int64  `db:"id"`
		Name       string `db:"name"`
		TownshipID int64  `db:"township_id"`
		Households int    `db:"households"`
	}
	err := sqlx.SelectContext(ctx, q, &villages, `SELECT v.id, v.name, v.township_id,
		(SELECT COUNT(*) FROM households h WHERE h.village_id = v.id) AS households
		FROM villages v JOIN townships t ON t.id = v.township_id
		WHERE t.county_id = ? AND (? = 0 OR v.id = ?) ORDER BY v.id`, countyID, villageID, villageID)
	if err != nil {
		return nil, wrap(classify(err), "villages of county %d", countyID)
	}
	out := make([]assessment.Standing, len(villages))
	index := make(map[int64]int, len(villages))
	for i, v := range villages {
		out[i] = assessment.Standing{VillageID: v.ID, Name: v.Name, TownshipID: v.TownshipID, Households: v.Households,
			Months: len(months), Events: map[string]int{}}
		index[v.ID] = i
	}
	var events []struct {
		VillageID int64  `db:"village_id"`
		Item      string `db:"item"`
		N         int    `db:"n"`
	}
	err = sqlx.SelectContext(ctx, q, &events, `SELECT village_id, item, COUNT(*) AS n FROM assessment_events
		WHERE county_id = ? AND period = ? AND status <> ? AND (? = 0 OR village_id = ?) GROUP BY village_id, item`,
		countyID, period, assessment.Withdrawn, villageID, villageID)
	if err != nil {
		return nil, wrap(classify(err), "events of county %d", countyID)
	}
	for _, e := range events {
		if i, ok := index[e.VillageID]; ok {
			out[i].Events[e.Item] = e.N
		}
	}
	var tasks []struct {
		VillageID int64 `db:"village_id"`
		Given     int   `db:"given"`
		OnTime    int   `db:"on_time"`
	}
	err = sqlx.SelectContext(ctx, q, &tasks, `SELECT village_id, COUNT(*) AS given,
		COALESCE(SUM(done_on IS NOT NULL AND done_on <= due_on AND confirmed_by IS NOT NULL), 0) AS on_time FROM assessment_tasks
		WHERE county_id = ? AND period = ? AND (? = 0 OR village_id = ?) GROUP BY village_id`,
		countyID, period, villageID, villageID)
	if err != nil {
		return nil, wrap(classify(err), "tasks of county %d", countyID)
	}
	for _, t := range tasks {
		if i, ok := index[t.VillageID]; ok {
			out[i].TasksGiven, out[i].TasksOnTime = t.Given, t.OnTime
		}
	}
	if len(months) == 0 || len(villages) == 0 {
		return out, nil
	}
	ids := make([]int64, len(villages))
	for i, v := range villages {
		ids[i] = v.ID
	}
	query, args, err := sqlx.In(`SELECT village_id, SUM(active_households) AS n FROM village_months
		WHERE village_id IN (?) AND period IN (?) GROUP BY village_id`, ids, months)
	if err != nil {
		return nil, err
	}
	var active []struct {
		VillageID int64 `db:"village_id"`
		N         int   `db:"n"`
	}
	if err := sqlx.SelectContext(ctx, q, &active, query, args...); err != nil {
		return nil, wrap(classify(err), "activity of county %d", countyID)
	}
	for _, a := range active {
		if i, ok := index[a.VillageID]; ok {
			out[i].ActiveMonths = a.N
		}
	}
	return out, nil
}

const rankingColumns = `r.village_id, v.name, v.township_id, r.score_centi, r.rank, r.band, r.award_fen, r.events,
	r.activity_pct, r.flagged`

// Published implements assessment.Store.
func (s *AssessmentStore) Published(ctx context.Context, countyID int64, period assessment.Period) (assessment.Ranking, error) {
	var head struct {
		SchemeID    int64     `db:"scheme_id"`
		Version     int       `db:"version"`
		TieRule     string    `db:"tie_rule"`
		PublishedBy int64     `db:"published_by"`
		PublishedAt time.Time `db:"published_at"`
	}
	err := s.db.get(ctx, &head, assessment.ErrNotPublished, `SELECT r.scheme_id, s.version, s.tie_rule, r.published_by,
		r.published_at FROM village_rankings r JOIN assessment_schemes s ON s.id = r.scheme_id
		WHERE r.county_id = ? AND r.period = ? LIMIT 1`, countyID, period)
	if err != nil {
		return assessment.Ranking{}, wrap(err, "ranking of county %d for %s", countyID, period)
	}
	r := assessment.Ranking{CountyID: countyID, Period: period, SchemeID: head.SchemeID, Version: head.Version,
		TieRule: head.TieRule, Published: true, PublishedBy: &head.PublishedBy, PublishedAt: &head.PublishedAt}
	err = s.db.list(ctx, &r.Villages, `SELECT `+rankingColumns+` FROM village_rankings r JOIN villages v ON v.id = r.village_id
		WHERE r.county_id = ? AND r.period = ? ORDER BY r.rank`, countyID, period)
	for i, row := range r.Villages {
		r.Villages[i].Score = float64(row.ScoreCenti) / 100
	}
	return r, wrap(err, "ranking of county %d for %s", countyID, period)
}

// Townships implements assessment.Tx.
func (t *Tx) Townships(ctx context.Context, countyID int64) ([]auth.Place, error) {
	out, err := countyPlaces(ctx, t.tx, countyID)
	return out, wrap(err, "townships of county %d", countyID)
}

// LockPeriod implements assessment.Tx: the lock is the scheme rows of the half-year.
func (t *Tx) LockPeriod(ctx context.Context, countyID int64, period assessment.Period, exclusive bool) (assessment.Scheme, bool, error) {
	lock := " LOCK IN SHARE MODE"
	if exclusive {
		lock = " FOR UPDATE"
	}
	all, err := schemes(ctx, t.tx, countyID, period, lock)
	if err != nil {
		return assessment.Scheme{}, false, err
	}
	if len(all) == 0 {
		return assessment.Scheme{}, false, assessment.ErrNoScheme
	}
	var published bool
	err = t.tx.GetContext(ctx, &published, `SELECT EXISTS (SELECT 1 FROM village_rankings WHERE county_id = ? AND period = ?)`,
		countyID, period)
	return all[0], published, wrap(classify(err), "ranking of county %d for %s", countyID, period)
}

// LatestVersion implements assessment.Tx: the county's row is the lock that orders adoptions
// (a period's first version has no scheme row to lock).
func (t *Tx) LatestVersion(ctx context.Context, countyID int64, period assessment.Period) (int, error) {
	var id int64
	if err := t.tx.GetContext(ctx, &id, `SELECT id FROM counties WHERE id = ? FOR UPDATE`, countyID); err != nil {
		return 0, wrap(classify(err), "lock county %d", countyID)
	}
	var v int
	err := t.tx.GetContext(ctx, &v, `SELECT COALESCE(MAX(version), 0) FROM assessment_schemes WHERE county_id = ? AND period = ?`,
		countyID, period)
	return v, wrap(classify(err), "versions of county %d for %s", countyID, period)
}

// InsertScheme implements assessment.Tx.
func (t *Tx) InsertScheme(ctx context.Context, s *assessment.Scheme) error {
	items, _ := json.Marshal(s.Items)
	bands, _ := json.Marshal(s.AwardBands)
	res, err := t.tx.ExecContext(ctx, `INSERT INTO assessment_schemes (county_id, period, version, title, items, award_bands,
		warn_bottom, tie_rule, budget_fen, objection_days, adopted_by, adopted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.CountyID, s.Period, s.Version, s.Title, items, bands, s.WarnBottom, s.TieRule, s.BudgetFen, s.ObjectionDays,
		s.AdoptedBy, s.AdoptedAt)
	if err != nil {
		return wrap(classify(err), "insert scheme")
	}
	s.ID, _ = res.LastInsertId()
	return nil
}

// InsertEvent implements assessment.Tx.
func (t *Tx) InsertEvent(ctx context.Context, e *assessment.Event) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO assessment_events (county_id, village_id, period, item, occurred_on,
		description, evidence, status, recorded_by, recorded_at) VALUES (:county_id, :village_id, :period, :item, :occurred_on,
		:description, :evidence, :status, :recorded_by, :recorded_at)`, e)
	if err != nil {
		return wrap(classify(err), "insert assessment event")
	}
	e.ID, _ = res.LastInsertId()
	return nil
}

// EventLocked implements assessment.Tx.
func (t *Tx) EventLocked(ctx context.Context, id int64) (assessment.Event, error) {
	var e assessment.Event
	err := getRow(ctx, t.tx, &e, assessment.ErrEventNotFound, `SELECT `+eventColumns+` FROM assessment_events WHERE id = ? FOR UPDATE`, id)
	return e, wrap(err, "assessment event %d", id)
}

// SaveEvent implements assessment.Tx.
func (t *Tx) SaveEvent(ctx context.Context, e assessment.Event) error {
	_, err := t.tx.NamedExecContext(ctx, `UPDATE assessment_events SET status = :status, objection = :objection,
		objected_by = :objected_by, objected_at = :objected_at, answer = :answer, answered_by = :answered_by,
		answered_at = :answered_at WHERE id = :id`, e)
	return wrap(classify(err), "save assessment event %d", e.ID)
}

// InsertTask implements assessment.Tx.
func (t *Tx) InsertTask(ctx context.Context, task *assessment.Task) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO assessment_tasks (county_id, village_id, period, title, due_on, given_by,
		given_at) VALUES (:county_id, :village_id, :period, :title, :due_on, :given_by, :given_at)`, task)
	if err != nil {
		return wrap(classify(err), "insert assessment task")
	}
	task.ID, _ = res.LastInsertId()
	return nil
}

// TaskLocked implements assessment.Tx.
func (t *Tx) TaskLocked(ctx context.Context, id int64) (assessment.Task, error) {
	var task assessment.Task
	err := getRow(ctx, t.tx, &task, assessment.ErrTaskNotFound, `SELECT `+taskColumns+` FROM assessment_tasks WHERE id = ? FOR UPDATE`, id)
	return task, wrap(err, "assessment task %d", id)
}

// SaveTask implements assessment.Tx.
func (t *Tx) SaveTask(ctx context.Context, task assessment.Task) error {
	_, err := t.tx.NamedExecContext(ctx, `UPDATE assessment_tasks SET done_on = :done_on, done_by = :done_by,
		done_note = :done_note, confirmed_by = :confirmed_by, confirmed_at = :confirmed_at WHERE id = :id`, task)
	return wrap(classify(err), "save assessment task %d", task.ID)
}

// OpenObjections implements assessment.Tx.
func (t *Tx) OpenObjections(ctx context.Context, countyID int64, period assessment.Period, since time.Time) (int, error) {
	var n int
	err := t.tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM assessment_events WHERE county_id = ? AND period = ?
		AND (status = ? OR status = ? AND recorded_at > ?)`, countyID, period, assessment.Objected, assessment.Recorded, since)
	return n, wrap(classify(err), "open objections of county %d", countyID)
}

// Warned implements assessment.Tx.
func (t *Tx) Warned(ctx context.Context, countyID int64, period assessment.Period) (map[int64]bool, error) {
	var ids []int64
	err := t.tx.SelectContext(ctx, &ids, `SELECT village_id FROM village_rankings WHERE county_id = ? AND period = ? AND band = ?`,
		countyID, period, assessment.BandWarned)
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, wrap(classify(err), "warned villages of county %d", countyID)
}

// InsertRanking implements assessment.Tx. The primary key (county, period, village) makes a
// second publication of one half-year fail rather than add rows.
func (t *Tx) InsertRanking(ctx context.Context, r assessment.Ranking) error {
	for _, row := range r.Villages {
		_, err := t.tx.ExecContext(ctx, `INSERT INTO village_rankings (county_id, period, village_id, scheme_id, score_centi,
			events, activity_pct, `+"`rank`"+`, band, award_fen, flagged, published_by, published_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.CountyID, r.Period, row.VillageID, r.SchemeID, row.ScoreCenti,
			row.Events, row.ActivityPct, row.Rank, row.Band, row.AwardFen, row.Flagged, r.PublishedBy, r.PublishedAt)
		if isDuplicate(err) {
			return assessment.ErrPublished
		}
		if err != nil {
			return wrap(classify(err), "publish ranking of county %d", r.CountyID)
		}
	}
	return nil
}
