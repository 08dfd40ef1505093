package mysql

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/calendar"
	"pointsmarket/internal/grid"
	"pointsmarket/internal/write"
)

// GridStore implements grid.Store.
type GridStore struct{ db *DB }

// NewGridStore returns a GridStore.
func NewGridStore(db *DB) *GridStore { return &GridStore{db: db} }

const assignmentQuery = `SELECT a.id, a.village_id, a.household_id, h.number AS household, h.head_name AS head, a.person_id,
	p.name, COALESCE(p.phone, '') AS phone, a.from_at, a.until_at, a.assigned_by,
	(SELECT COUNT(*) FROM requests r WHERE r.household_id = a.household_id AND r.status <> 'closed') AS open_requests
	FROM grid_assignments a JOIN households h ON h.id = a.household_id JOIN people p ON p.id = a.person_id`

func current(ctx context.Context, q sqlx.QueryerContext, householdID int64) (*grid.Assignment, error) {
	var out []grid.Assignment
	if err := sqlx.SelectContext(ctx, q, &out, assignmentQuery+` WHERE a.household_id = ? AND a.until_at IS NULL`, householdID); err != nil || len(out) == 0 {
		return nil, classify(err)
	}
	return &out[0], nil
}

// Current implements grid.Store.
func (s *GridStore) Current(ctx context.Context, householdID int64) (*grid.Assignment, error) {
	a, err := current(ctx, s.db, householdID)
	return a, wrap(err, "grid head of household %d", householdID)
}

// History implements grid.Store.
func (s *GridStore) History(ctx context.Context, householdID int64) ([]grid.Assignment, error) {
	out := []grid.Assignment{}
	err := s.db.list(ctx, &out, assignmentQuery+` WHERE a.household_id = ? ORDER BY a.id DESC LIMIT 50`, householdID)
	return out, wrap(err, "grid history of household %d", householdID)
}

// Served implements grid.Store.
func (s *GridStore) Served(ctx context.Context, personID int64) ([]grid.Assignment, error) {
	out := []grid.Assignment{}
	err := s.db.list(ctx, &out, assignmentQuery+` WHERE a.person_id = ? AND a.until_at IS NULL ORDER BY h.number LIMIT 500`, personID)
	return out, wrap(err, "households served by %d", personID)
}

// Heads implements grid.Store.
func (s *GridStore) Heads(ctx context.Context, villageID int64) ([]grid.Head, error) {
	out := []grid.Head{}
	err := s.db.list(ctx, &out, `SELECT p.id AS person_id, p.name,
		(SELECT COUNT(*) FROM grid_assignments a WHERE a.person_id = p.id AND a.until_at IS NULL) AS households
		FROM people p WHERE p.id IN (SELECT g.person_id FROM role_grants g WHERE g.village_id = ? AND g.role IN ('representative', 'party_member'))
		ORDER BY p.name`, villageID)
	return out, wrap(err, "grid heads of village %d", villageID)
}

// InForce implements grid.Store.
func (s *GridStore) InForce(ctx context.Context, villageID int64) ([]grid.Assignment, error) {
	out := []grid.Assignment{}
	err := s.db.list(ctx, &out, assignmentQuery+` WHERE a.village_id = ? AND a.until_at IS NULL ORDER BY h.number LIMIT 2000`, villageID)
	return out, wrap(err, "grid of village %d", villageID)
}

// Visits implements grid.Store.
func (s *GridStore) Visits(ctx context.Context, villageID, personID int64, limit int) ([]grid.Visit, error) {
	out := []grid.Visit{}
	q, args := `SELECT v.id, v.village_id, v.person_id, p.name, v.kind, v.household_id, COALESCE(h.number, '') AS household,
		v.visited_on, v.what, v.attendance, v.created_at FROM grid_visits v JOIN people p ON p.id = v.person_id
		LEFT JOIN households h ON h.id = v.household_id WHERE v.village_id = ?`, []any{villageID}
	if personID != 0 {
		q, args = q+` AND v.person_id = ?`, append(args, personID)
	}
	err := s.db.list(ctx, &out, q+` ORDER BY v.id DESC LIMIT ?`, append(args, limit)...)
	return out, wrap(err, "visits of village %d", villageID)
}

var _ grid.Tx = (*Tx)(nil)

// GridTx returns the transaction runner of the grid's workflows.
func (db *DB) GridTx() write.InTx[grid.Tx] { return runAs(db, func(t *Tx) grid.Tx { return t }) }

// CurrentLocked implements grid.Tx: the household's row is the lock, so two offices assigning at
// once take turns and the second ends the first's assignment.
func (t *Tx) CurrentLocked(ctx context.Context, householdID int64) (*grid.Assignment, error) {
	var id int64
	if err := t.tx.GetContext(ctx, &id, `SELECT id FROM households WHERE id = ? FOR UPDATE`, householdID); err != nil {
		return nil, err
	}
	return current(ctx, t.tx, householdID)
}

// EndAssignment implements grid.Tx.
func (t *Tx) EndAssignment(ctx context.Context, id int64, at time.Time) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE grid_assignments SET until_at = ? WHERE id = ? AND until_at IS NULL`, at, id)
	return err
}

// InsertAssignment implements grid.Tx.
func (t *Tx) InsertAssignment(ctx context.Context, a *grid.Assignment) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO grid_assignments (village_id, household_id, person_id, from_at, assigned_by)
		VALUES (:village_id, :household_id, :person_id, :from_at, :assigned_by)`, a)
	if err != nil {
		return err
	}
	if a.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	cur, err := current(ctx, t.tx, a.HouseholdID)
	if err == nil && cur != nil {
		*a = *cur
	}
	return err
}

// InsertVisit implements grid.Tx.
func (t *Tx) InsertVisit(ctx context.Context, v *grid.Visit) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO grid_visits (village_id, person_id, kind, household_id, visited_on, what, attendance, created_at)
		VALUES (:village_id, :person_id, :kind, :household_id, :visited_on, :what, :attendance, :created_at)`, v)
	if err != nil {
		return err
	}
	v.ID, err = res.LastInsertId()
	return err
}

// CountVisits implements earning.Visits: the visits and meetings a person recorded on days in
// [from, to).
func (s *GridStore) CountVisits(ctx context.Context, personID int64, from, to time.Time) (int, error) {
	var n int
	err := classify(sqlx.GetContext(ctx, s.db, &n, `SELECT COUNT(*) FROM grid_visits WHERE person_id = ? AND visited_on >= ? AND visited_on < ?`,
		personID, calendar.Date(from), calendar.Date(to)))
	return n, wrap(err, "visits of %d", personID)
}
