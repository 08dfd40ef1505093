package mysql

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/assessment"
	"pointsmarket/internal/write"
)

var _ assessment.ProjectTx = (*Tx)(nil)

// ProjectTx returns the transaction runner of the project workflows.
func (db *DB) ProjectTx() write.InTx[assessment.ProjectTx] {
	return runAs(db, func(t *Tx) assessment.ProjectTx { return t })
}

const projectColumns = `id, village_id, title, needs, budget_fen, status, created_by, created_at, award_period, award_fen,
	awarded_by, awarded_at, spent_fen, progress_pct, labour_days, money_fen, completed_at`

const progressColumns = `id, project_id, on_date, spent_fen, progress_pct, labour_days, money_fen, note, recorded_by, recorded_at`

type projectRow struct {
	assessment.Project
	NeedsJSON string `db:"needs"`
}

func (r projectRow) project() (assessment.Project, error) {
	p := r.Project
	if err := json.Unmarshal([]byte(r.NeedsJSON), &p.Needs); err != nil {
		return p, fmt.Errorf("needs of project %d: %w", p.ID, err)
	}
	return p, nil
}

func readProject(ctx context.Context, q sqlx.QueryerContext, id int64, lock string) (assessment.Project, error) {
	var r projectRow
	if err := getRow(ctx, q, &r, assessment.ErrProjectNotFound, `SELECT `+projectColumns+` FROM projects WHERE id = ?`+lock, id); err != nil {
		return assessment.Project{}, wrap(err, "project %d", id)
	}
	p, err := r.project()
	if err != nil {
		return p, err
	}
	p.Progress = []assessment.Progress{}
	err = classify(sqlx.SelectContext(ctx, q, &p.Progress, `SELECT `+progressColumns+` FROM project_progress WHERE project_id = ? ORDER BY id`, id))
	return p, wrap(err, "progress of project %d", id)
}

// ProjectStore implements assessment.ProjectStore.
type ProjectStore struct{ db *DB }

// NewProjectStore returns a ProjectStore.
func NewProjectStore(db *DB) *ProjectStore { return &ProjectStore{db: db} }

// Projects implements assessment.ProjectStore.
func (s *ProjectStore) Projects(ctx context.Context, villageID int64) ([]assessment.Project, error) {
	var rows []projectRow
	if err := s.db.list(ctx, &rows, `SELECT `+projectColumns+` FROM projects WHERE village_id = ? ORDER BY id DESC LIMIT 200`, villageID); err != nil {
		return nil, wrap(err, "projects of village %d", villageID)
	}
	out := make([]assessment.Project, len(rows))
	for i, r := range rows {
		p, err := r.project()
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// Project implements assessment.ProjectStore.
func (s *ProjectStore) Project(ctx context.Context, id int64) (assessment.Project, error) {
	return readProject(ctx, s.db, id, "")
}

// InsertProject implements assessment.ProjectTx.
func (t *Tx) InsertProject(ctx context.Context, p *assessment.Project) error {
	needs, _ := json.Marshal(p.Needs)
	res, err := t.tx.ExecContext(ctx, `INSERT INTO projects (village_id, title, needs, budget_fen, status, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, p.VillageID, p.Title, needs, p.BudgetFen, p.Status, p.CreatedBy, p.CreatedAt)
	if err != nil {
		return wrap(classify(err), "insert project")
	}
	p.ID, _ = res.LastInsertId()
	return nil
}

// ProjectLocked implements assessment.ProjectTx.
func (t *Tx) ProjectLocked(ctx context.Context, id int64) (assessment.Project, error) {
	return readProject(ctx, t.tx, id, " FOR UPDATE")
}

// SaveProject implements assessment.ProjectTx. The unique (village, award period) refuses a
// second project tied to one award.
func (t *Tx) SaveProject(ctx context.Context, p assessment.Project) error {
	_, err := t.tx.ExecContext(ctx, `UPDATE projects SET status = ?, award_period = ?, award_fen = ?, awarded_by = ?, awarded_at = ?,
		spent_fen = ?, progress_pct = ?, labour_days = ?, money_fen = ?, completed_at = ? WHERE id = ?`, p.Status, p.AwardPeriod,
		p.AwardFen, p.AwardedBy, p.AwardedAt, p.SpentFen, p.ProgressPct, p.LabourDays, p.MoneyFen, p.CompletedAt, p.ID)
	if isDuplicate(err) {
		return assessment.ErrAwardTaken
	}
	return wrap(classify(err), "save project %d", p.ID)
}

// InsertProgress implements assessment.ProjectTx.
func (t *Tx) InsertProgress(ctx context.Context, pr *assessment.Progress) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO project_progress (project_id, on_date, spent_fen, progress_pct, labour_days,
		money_fen, note, recorded_by, recorded_at, village_id) VALUES (:project_id, :on_date, :spent_fen, :progress_pct, :labour_days, :money_fen,
		:note, :recorded_by, :recorded_at, (SELECT village_id FROM projects WHERE id = :project_id))`, pr)
	if err != nil {
		return wrap(classify(err), "insert project progress")
	}
	pr.ID, _ = res.LastInsertId()
	return nil
}

// AwardOf implements assessment.ProjectTx.
func (t *Tx) AwardOf(ctx context.Context, countyID, villageID int64, period assessment.Period) (assessment.Row, error) {
	var r assessment.Row
	err := getRow(ctx, t.tx, &r, assessment.ErrNotPublished, `SELECT `+rankingColumns+` FROM village_rankings r
		JOIN villages v ON v.id = r.village_id WHERE r.county_id = ? AND r.period = ? AND r.village_id = ?`, countyID, period, villageID)
	return r, err
}
