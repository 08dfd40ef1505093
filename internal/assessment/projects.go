package assessment

import (
	"context"
	"errors"
	"slices"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
	"pointsmarket/internal/write"
)

// ProjectStatus is where a project is: planned, awarded (funded by a ranking's award), completed.
type ProjectStatus string

// Statuses of a project.
const (
	Planned   ProjectStatus = "planned"
	Awarded   ProjectStatus = "awarded"
	Completed ProjectStatus = "completed"
)

// Need is one need gathered from the villagers for a project plan.
type Need struct {
	Text       string `json:"text"`
	Urgency    int    `json:"urgency"`    // 1 (can wait) … 5 (most urgent)
	Households int    `json:"households"` // how many households raised it
}

// Project is a village's project plan (项目计划书) and, once awarded, the project.
type Project struct {
	ID          int64         `json:"id" db:"id"`
	VillageID   int64         `json:"village_id" db:"village_id"`
	Title       string        `json:"title" db:"title"`
	Needs       []Need        `json:"needs" db:"-"`
	BudgetFen   int64         `json:"budget_fen" db:"budget_fen"`
	Status      ProjectStatus `json:"status" db:"status"`
	CreatedBy   int64         `json:"created_by" db:"created_by"`
	CreatedAt   time.Time     `json:"created_at" db:"created_at"`
	AwardPeriod *Period       `json:"award_period" db:"award_period"`
	AwardFen    int64         `json:"award_fen" db:"award_fen"`
	AwardedBy   *int64        `json:"awarded_by" db:"awarded_by"`
	AwardedAt   *time.Time    `json:"awarded_at" db:"awarded_at"`
	// The running totals of its progress records.
	SpentFen    int64      `json:"spent_fen" db:"spent_fen"`
	ProgressPct int        `json:"progress_pct" db:"progress_pct"`
	LabourDays  int        `json:"labour_days" db:"labour_days"`
	MoneyFen    int64      `json:"money_fen" db:"money_fen"`
	CompletedAt *time.Time `json:"completed_at" db:"completed_at"`
	Progress    []Progress `json:"progress,omitempty" db:"-"` // read with one project, not in lists
}

// Progress is one record of a project's work: what was spent, how far it got, the labour and
// money the villagers contributed.
type Progress struct {
	ID          int64     `json:"id" db:"id"`
	ProjectID   int64     `json:"project_id" db:"project_id"`
	OnDate      time.Time `json:"on_date" db:"on_date"`
	SpentFen    int64     `json:"spent_fen" db:"spent_fen"`
	ProgressPct int       `json:"progress_pct" db:"progress_pct"`
	LabourDays  int       `json:"labour_days" db:"labour_days"`
	MoneyFen    int64     `json:"money_fen" db:"money_fen"`
	Note        string    `json:"note" db:"note"`
	RecordedBy  int64     `json:"recorded_by" db:"recorded_by"`
	RecordedAt  time.Time `json:"recorded_at" db:"recorded_at"`
}

// Errors of projects.
var (
	ErrProjectNotFound = fault.New(fault.NotFound, "project_not_found", "no such project")
	ErrNoAward         = fault.New(fault.Conflict, "no_award", "the village has no project award in that half-year's published ranking")
	ErrAwardTaken      = fault.New(fault.Conflict, "award_already_tied", "the village's award of that half-year is already tied to a project")
	ErrProjectStep     = fault.New(fault.Conflict, "project_wrong_step", "the project is not at this step")
	ErrOverFunds       = fault.New(fault.Conflict, "over_project_funds", "the spending would exceed the project's award and the villagers' contributed money")
	ErrProgressBack    = fault.New(fault.Unprocessable, "progress_goes_back", "progress cannot fall below what was recorded before")
)

// ProjectTx is what the project workflows need of their transaction.
type ProjectTx interface {
	write.Tx
	InsertProject(ctx context.Context, p *Project) error
	// ProjectLocked reads a project with its progress under a row lock, or ErrProjectNotFound.
	ProjectLocked(ctx context.Context, id int64) (Project, error)
	// SaveProject writes a project's award, totals and status.
	SaveProject(ctx context.Context, p Project) error
	InsertProgress(ctx context.Context, pr *Progress) error
	// AwardOf returns a village's line in a county's published ranking of a half-year, or
	// ErrNotPublished.
	AwardOf(ctx context.Context, countyID, villageID int64, period Period) (Row, error)
}

// ProjectStore reads projects.
type ProjectStore interface {
	// Projects lists a village's projects, newest first, without their progress.
	Projects(ctx context.Context, villageID int64) ([]Project, error)
	// Project returns a project with its progress, or ErrProjectNotFound.
	Project(ctx context.Context, id int64) (Project, error)
}

// ProjectInput is a project plan as the clerk drafts it from the villagers' needs.
type ProjectInput struct {
	Title     string `json:"title"`
	Needs     []Need `json:"needs"`
	BudgetFen int64  `json:"budget_fen"`
}

// readsProjects: the village's people and officials, and the staff of its county and townships.
func readsProjects(p auth.Principal, v Located) bool {
	return p.Home == v.Place || p.InVillage(v.ID) || p.CountyStaff(v.CountyID)
}

// PlanProject records a village's project plan (its clerk or township admin), the needs ordered
// by urgency, then by how many households raised them.
func (s *Service) PlanProject(ctx context.Context, p auth.Principal, villageID int64, in ProjectInput) (Project, error) {
	v, err := s.locate(ctx, villageID, func(v Located) bool { return p.CanManageVillage(v.Place) })
	if err != nil {
		return Project{}, err
	}
	title, err := text.Clean("title", in.Title, 1, 100)
	if err != nil {
		return Project{}, err
	}
	if len(in.Needs) == 0 || len(in.Needs) > 50 {
		return Project{}, fault.Invalidf("needs must list from 1 to 50 needs gathered from the villagers")
	}
	needs := make([]Need, len(in.Needs))
	for i, n := range in.Needs {
		if n.Text, err = text.Clean("needs.text", n.Text, 1, 200); err != nil {
			return Project{}, err
		}
		if n.Urgency < 1 || n.Urgency > 5 || n.Households < 0 || n.Households > 100000 {
			return Project{}, fault.Invalidf("needs[%d]: urgency must be from 1 to 5 and households from 0", i)
		}
		needs[i] = n
	}
	slices.SortStableFunc(needs, func(a, b Need) int { return b.Urgency*1_000_000 + b.Households - (a.Urgency*1_000_000 + a.Households) })
	if in.BudgetFen < 1 || in.BudgetFen > maxBudgetFen {
		return Project{}, fault.Invalidf("budget_fen must be a positive number of fen")
	}
	pr := Project{VillageID: v.ID, Title: title, Needs: needs, BudgetFen: in.BudgetFen, Status: Planned, CreatedBy: p.PersonID,
		CreatedAt: s.Now(), Progress: []Progress{}}
	return write.Run(ctx, s.ProjectTx, write.Key{}, nil, func(tx ProjectTx) (write.Done[Project], error) {
		if err := tx.InsertProject(ctx, &pr); err != nil {
			return write.Done[Project]{}, err
		}
		return write.Done[Project]{Value: pr, ID: pr.ID, Events: []audit.Event{{Place: v.Place, Action: "project.plan",
			ObjectType: "project", ObjectID: pr.ID, After: pr}}}, nil
	})
}

// Projects lists a village's projects.
func (s *Service) Projects(ctx context.Context, p auth.Principal, villageID int64) ([]Project, error) {
	if _, err := s.locate(ctx, villageID, func(v Located) bool { return readsProjects(p, v) }); err != nil {
		return nil, err
	}
	return s.Plans.Projects(ctx, villageID)
}

// Project returns a project with its progress.
func (s *Service) Project(ctx context.Context, p auth.Principal, id int64) (Project, error) {
	pr, err := s.Plans.Project(ctx, id)
	if err != nil {
		return pr, err
	}
	if _, err := s.locate(ctx, pr.VillageID, func(v Located) bool { return readsProjects(p, v) }); err != nil {
		return Project{}, err
	}
	return pr, nil
}

// AwardInput names the half-year whose award funds the project.
type AwardInput struct {
	Period string `json:"period"`
}

// AwardProject ties the village's award in a published ranking to one of its plans (the county
// admin, not of the village): the award's amount is the ranking's, once per village and
// half-year.
func (s *Service) AwardProject(ctx context.Context, p auth.Principal, id int64, in AwardInput) (Project, error) {
	period, err := ParsePeriod("period", in.Period)
	if err != nil {
		return Project{}, err
	}
	return s.onProject(ctx, id, func(v Located) bool { return p.HoldsInCounty(auth.RoleCountyAdmin, v.CountyID) },
		func(tx ProjectTx, v Located, pr *Project) error {
			if ofVillage(p, v.ID) {
				return ErrOwnVillage
			}
			if pr.Status != Planned {
				return ErrProjectStep
			}
			row, err := tx.AwardOf(ctx, v.CountyID, v.ID, period)
			if err != nil && !errors.Is(err, ErrNotPublished) {
				return err
			}
			if err != nil || row.Band != BandAward || row.AwardFen == 0 {
				return ErrNoAward
			}
			now := s.Now()
			pr.Status, pr.AwardPeriod, pr.AwardFen, pr.AwardedBy, pr.AwardedAt = Awarded, &period, row.AwardFen, &p.PersonID, &now
			return nil
		}, "project.award")
}

// ProgressInput is a record of a project's work.
type ProgressInput struct {
	OnDate      string `json:"on_date"`
	SpentFen    int64  `json:"spent_fen"`
	ProgressPct int    `json:"progress_pct"`
	LabourDays  int    `json:"labour_days"`
	MoneyFen    int64  `json:"money_fen"`
	Note        string `json:"note"`
}

// RecordProgress records a project's work (its village's clerk): the spending never exceeds the
// award and the villagers' contributed money, progress never goes back, and 100% completes it.
func (s *Service) RecordProgress(ctx context.Context, p auth.Principal, id int64, in ProgressInput) (Project, error) {
	day, err := text.DateUpTo("on_date", in.OnDate, calendar.Today(s.Now()))
	if err != nil {
		return Project{}, err
	}
	note, err := text.CleanLines("note", in.Note, 1, 1000)
	if err != nil {
		return Project{}, err
	}
	switch {
	case in.SpentFen < 0 || in.SpentFen > maxBudgetFen, in.MoneyFen < 0 || in.MoneyFen > maxBudgetFen:
		return Project{}, fault.Invalidf("spent_fen and money_fen must be whole numbers of fen from 0")
	case in.LabourDays < 0 || in.LabourDays > 1_000_000:
		return Project{}, fault.Invalidf("labour_days must be from 0 to 1000000")
	case in.ProgressPct < 0 || in.ProgressPct > 100:
		return Project{}, fault.Invalidf("progress_pct must be from 0 to 100")
	}
	return s.onProject(ctx, id, func(v Located) bool { return p.HoldsIn(auth.RoleClerk, v.Place) },
		func(tx ProjectTx, _ Located, pr *Project) error {
			switch {
			case pr.Status != Awarded:
				return ErrProjectStep
			case in.ProgressPct < pr.ProgressPct:
				return ErrProgressBack.WithDetails(map[string]any{"recorded": pr.ProgressPct})
			case pr.SpentFen+in.SpentFen > pr.AwardFen+pr.MoneyFen+in.MoneyFen:
				return ErrOverFunds.WithDetails(map[string]any{"available_fen": pr.AwardFen + pr.MoneyFen + in.MoneyFen - pr.SpentFen})
			}
			rec := Progress{ProjectID: pr.ID, OnDate: day, SpentFen: in.SpentFen, ProgressPct: in.ProgressPct, LabourDays: in.LabourDays,
				MoneyFen: in.MoneyFen, Note: note, RecordedBy: p.PersonID, RecordedAt: s.Now()}
			if err := tx.InsertProgress(ctx, &rec); err != nil {
				return err
			}
			pr.SpentFen, pr.ProgressPct = pr.SpentFen+in.SpentFen, in.ProgressPct
			pr.LabourDays, pr.MoneyFen = pr.LabourDays+in.LabourDays, pr.MoneyFen+in.MoneyFen
			if pr.ProgressPct == 100 {
				pr.Status, pr.CompletedAt = Completed, &rec.RecordedAt
			}
			pr.Progress = append(pr.Progress, rec)
			return nil
		}, "project.progress")
}

// onProject is a step on a project: allowed for its village, then change under its row lock,
// saved and audited.
func (s *Service) onProject(ctx context.Context, id int64, allowed func(Located) bool, change func(ProjectTx, Located, *Project) error, action string) (Project, error) {
	return write.Run(ctx, s.ProjectTx, write.Key{}, nil, func(tx ProjectTx) (write.Done[Project], error) {
		pr, err := tx.ProjectLocked(ctx, id)
		if err != nil {
			return write.Done[Project]{}, err
		}
		v, err := s.locate(ctx, pr.VillageID, allowed)
		if err != nil {
			return write.Done[Project]{}, err
		}
		before := pr
		if err := change(tx, v, &pr); err != nil {
			return write.Done[Project]{}, err
		}
		if err := tx.SaveProject(ctx, pr); err != nil {
			return write.Done[Project]{}, err
		}
		return write.Done[Project]{Value: pr, ID: pr.ID, Events: []audit.Event{{Place: v.Place, Action: action,
			ObjectType: "project", ObjectID: pr.ID, Before: before, After: pr}}}, nil
	})
}
