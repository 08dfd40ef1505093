package mysql

import (
	"context"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/rates"
	"pointsmarket/internal/request"
	"pointsmarket/internal/write"
)

// RequestStore implements request.Store.
type RequestStore struct{ db *DB }

// NewRequestStore returns a RequestStore.
func NewRequestStore(db *DB) *RequestStore { return &RequestStore{db: db} }

const requestQuery = `SELECT r.id, r.village_id, r.township_id, r.county_id, r.household_id, h.number AS household, r.filed_by,
	r.on_behalf, r.category, r.difficulty, r.text, r.public, r.level, r.department_id, r.status, r.filed_at, r.due_at, r.overdue,
	r.answer, r.resolved, r.answered_at, r.rating, r.reopened, r.handling_id
	FROM requests r JOIN households h ON h.id = r.household_id`

const handlingColumns = `x.id, x.request_id, x.level, x.unit_id, x.assigned_at, x.due_at, x.closed_at, x.outcome, x.in_time,
	x.by_person, x.note, x.resolved, x.rating, x.alerted`

// handlingQuery names each handling's unit: its village, township or department.
const handlingQuery = `SELECT ` + handlingColumns + `, COALESCE(v.name, t.name, d.name, '') AS unit FROM request_handlings x
	LEFT JOIN villages v ON x.level = 'village' AND v.id = x.unit_id
	LEFT JOIN townships t ON x.level = 'township' AND t.id = x.unit_id
	LEFT JOIN departments d ON x.level = 'department' AND d.id = x.unit_id
	WHERE x.request_id = ? ORDER BY x.id`

func readRequest(ctx context.Context, q sqlx.QueryerContext, id int64, lock string) (request.Request, error) {
	var r request.Request
	if err := getRow(ctx, q, &r, request.ErrNotFound, requestQuery+` WHERE r.id = ?`+lock, id); err != nil {
		return r, wrap(err, "request %d", id)
	}
	r.Handlings = []request.Handling{}
	err := classify(sqlx.SelectContext(ctx, q, &r.Handlings, handlingQuery, id))
	return r, wrap(err, "handlings of request %d", id)
}

// Request implements request.Store.
func (s *RequestStore) Request(ctx context.Context, id int64) (request.Request, error) {
	return readRequest(ctx, s.db, id, "")
}

// Requests implements request.Store.
func (s *RequestStore) Requests(ctx context.Context, f request.Filter) ([]request.Request, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	switch {
	case f.HouseholdID != 0 || f.FiledBy != 0:
		where, args = append(where, "(r.household_id = ? OR r.filed_by = ?)"), append(args, f.HouseholdID, f.FiledBy)
	case f.VillageID != 0:
		add("r.village_id = ?", f.VillageID)
	case f.TownshipID != 0:
		add("r.township_id = ?", f.TownshipID)
	case f.DepartmentID != 0:
		add("r.department_id = ?", f.DepartmentID)
	}
	if f.Status != "" {
		add("r.status = ?", f.Status)
	}
	if f.Public {
		add("r.public = ?", true)
	}
	out := []request.Request{}
	q := requestQuery
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	err := s.db.list(ctx, &out, q+" ORDER BY r.id DESC LIMIT ?", append(args, max(f.Limit, 1))...)
	return out, wrap(err, "requests")
}

// Counts implements request.Store.
func (s *RequestStore) Counts(ctx context.Context, level request.Level, unitID int64, from, to, now time.Time) (rates.Counts, error) {
	var c rates.Counts
	err := classify(sqlx.GetContext(ctx, s.db, &c, `SELECT COUNT(*) AS total, COALESCE(SUM(in_time = TRUE), 0) AS in_time,
		COALESCE(SUM(outcome = 'answered' AND resolved = TRUE), 0) AS resolved, COALESCE(SUM(rating IS NOT NULL), 0) AS rated,
		COALESCE(SUM(rating = 'satisfied'), 0) AS satisfied
		FROM request_handlings WHERE level = ? AND unit_id = ? AND assigned_at >= ? AND assigned_at < ?
			AND (closed_at IS NOT NULL OR due_at < ?)`, level, unitID, from, to, now))
	return c, wrap(err, "request counts of %s %d", level, unitID)
}

// Department implements request.Store.
func (s *RequestStore) Department(ctx context.Context, id int64) (request.Department, error) {
	var d request.Department
	err := getRow(ctx, s.db, &d, request.ErrDeptNotFound, `SELECT id, county_id, name FROM departments WHERE id = ?`, id)
	return d, wrap(err, "department %d", id)
}

// Departments implements request.Store.
func (s *RequestStore) Departments(ctx context.Context, countyID int64) ([]request.Department, error) {
	out := []request.Department{}
	err := s.db.list(ctx, &out, `SELECT id, county_id, name FROM departments WHERE county_id = ? ORDER BY name`, countyID)
	return out, wrap(err, "departments of county %d", countyID)
}

// StaffOf implements request.Store.
func (s *RequestStore) StaffOf(ctx context.Context, personID int64) ([]request.Department, error) {
	out := []request.Department{}
	err := s.db.list(ctx, &out, `SELECT d.id, d.county_id, d.name FROM department_staff st JOIN departments d ON d.id = st.department_id
		WHERE st.person_id = ? ORDER BY d.name`, personID)
	return out, wrap(err, "departments of person %d", personID)
}

// IsStaff implements request.Store.
func (s *RequestStore) IsStaff(ctx context.Context, departmentID, personID int64) (bool, error) {
	var n int
	err := classify(sqlx.GetContext(ctx, s.db, &n, `SELECT COUNT(*) FROM department_staff WHERE department_id = ? AND person_id = ?`,
		departmentID, personID))
	return n > 0, wrap(err, "staff of department %d", departmentID)
}

// Deadlines implements request.Store.
func (s *RequestStore) Deadlines(ctx context.Context, countyID int64) (map[request.Category]map[request.Difficulty]int, error) {
	var rows []struct {
		Category   request.Category   `db:"category"`
		Difficulty request.Difficulty `db:"difficulty"`
		Days       int                `db:"working_days"`
	}
	if err := s.db.list(ctx, &rows, `SELECT category, difficulty, working_days FROM request_deadlines WHERE county_id = ?`, countyID); err != nil {
		return nil, wrap(err, "deadlines of county %d", countyID)
	}
	out := map[request.Category]map[request.Difficulty]int{}
	for _, r := range rows {
		if out[r.Category] == nil {
			out[r.Category] = map[request.Difficulty]int{}
		}
		out[r.Category][r.Difficulty] = r.Days
	}
	return out, nil
}

// Due implements request.Store.
func (s *RequestStore) Due(ctx context.Context, now time.Time, limit int) ([]request.Handling, error) {
	out := []request.Handling{}
	err := s.db.list(ctx, &out, `SELECT `+handlingColumns+`, '' AS unit FROM request_handlings x
		WHERE x.closed_at IS NULL AND x.alerted = FALSE AND x.due_at < ? ORDER BY x.due_at LIMIT ?`, now, limit)
	return out, wrap(err, "requests due")
}

var _ request.Tx = (*Tx)(nil)

// RequestTx returns the transaction runner of the request workflows.
func (db *DB) RequestTx() write.InTx[request.Tx] {
	return runAs(db, func(t *Tx) request.Tx { return t })
}

// InsertRequest implements request.Tx.
func (t *Tx) InsertRequest(ctx context.Context, r *request.Request, h *request.Handling) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO requests (village_id, township_id, county_id, household_id, filed_by, on_behalf,
		category, difficulty, text, public, level, status, filed_at, due_at) VALUES (:village_id, :township_id, :county_id, :household_id,
		:filed_by, :on_behalf, :category, :difficulty, :text, :public, :level, :status, :filed_at, :due_at)`, r)
	if err != nil {
		return err
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	h.RequestID = r.ID
	if err := t.InsertHandling(ctx, h); err != nil {
		return err
	}
	r.HandlingID = h.ID
	if _, err := t.tx.ExecContext(ctx, `UPDATE requests SET handling_id = ? WHERE id = ?`, h.ID, r.ID); err != nil {
		return err
	}
	return t.tx.GetContext(ctx, &r.Household, `SELECT number FROM households WHERE id = ?`, r.HouseholdID)
}

// RequestLocked implements request.Tx.
func (t *Tx) RequestLocked(ctx context.Context, id int64) (request.Request, error) {
	return readRequest(ctx, t.tx, id, " FOR UPDATE")
}

// InsertHandling implements request.Tx.
func (t *Tx) InsertHandling(ctx context.Context, h *request.Handling) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO request_handlings (request_id, level, unit_id, assigned_at, due_at, village_id)
		VALUES (:request_id, :level, :unit_id, :assigned_at, :due_at, (SELECT village_id FROM requests WHERE id = :request_id))`, h)
	if err != nil {
		return err
	}
	if h.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	return t.tx.GetContext(ctx, &h.Unit, `SELECT COALESCE((SELECT name FROM villages WHERE ? = 'village' AND id = ?),
		(SELECT name FROM townships WHERE ? = 'township' AND id = ?), (SELECT name FROM departments WHERE ? = 'department' AND id = ?), '')`,
		h.Level, h.UnitID, h.Level, h.UnitID, h.Level, h.UnitID)
}

// CloseHandling implements request.Tx.
func (t *Tx) CloseHandling(ctx context.Context, h request.Handling) error {
	_, err := t.tx.NamedExecContext(ctx, `UPDATE request_handlings SET closed_at = :closed_at, outcome = :outcome, in_time = :in_time,
		by_person = :by_person, note = :note, resolved = :resolved, rating = :rating WHERE id = :id`, h)
	return err
}

// SaveRequest implements request.Tx.
func (t *Tx) SaveRequest(ctx context.Context, r request.Request) error {
	_, err := t.tx.NamedExecContext(ctx, `UPDATE requests SET difficulty = :difficulty, level = :level, department_id = :department_id,
		status = :status, due_at = :due_at, overdue = :overdue, answer = :answer, resolved = :resolved, answered_at = :answered_at,
		rating = :rating, reopened = :reopened, handling_id = :handling_id WHERE id = :id`, r)
	return err
}

// FlagHandling implements request.Tx.
func (t *Tx) FlagHandling(ctx context.Context, id int64) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE request_handlings SET alerted = TRUE WHERE id = ?`, id)
	return err
}

// InsertDepartment implements request.Tx.
func (t *Tx) InsertDepartment(ctx context.Context, d *request.Department) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO departments (county_id, name) VALUES (:county_id, :name)`, d)
	if isDuplicate(err) {
		return request.ErrDeptExists
	}
	if err != nil {
		return err
	}
	d.ID, err = res.LastInsertId()
	return err
}

// AddStaff implements request.Tx.
func (t *Tx) AddStaff(ctx context.Context, departmentID, personID int64) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO department_staff (department_id, person_id) VALUES (?, ?)`, departmentID, personID)
	if isDuplicate(err) {
		return request.ErrDuplicateStaff
	}
	return err
}

// SetDeadline implements request.Tx.
func (t *Tx) SetDeadline(ctx context.Context, countyID int64, c request.Category, d request.Difficulty, days int) error {
	_, err := t.tx.ExecContext(ctx, `INSERT INTO request_deadlines (county_id, category, difficulty, working_days) VALUES (?, ?, ?, ?)
		ON DUPLICATE KEY UPDATE working_days = VALUES(working_days)`, countyID, c, d, days)
	return err
}
