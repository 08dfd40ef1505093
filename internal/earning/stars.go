package earning

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
)

// StarCriteria are a rule book's criteria for a star household (星级文明户) of a year: at least
// StarMinPoints points posted in the year (net of penalties and corrections; nil: the book names
// no stars), with StarCleanRecord no black-list penalty in the year, with StarHonour an honour.
type StarCriteria struct {
	StarMinPoints   *int64 `json:"star_min_points" db:"star_min_points"`
	StarCleanRecord bool   `json:"star_clean_record" db:"star_clean_record"`
	StarHonour      bool   `json:"star_honour" db:"star_honour"`
}

// StarStatus is where a star is: on notice, objected to (answered by the supervision), confirmed
// (the notice closed: computed when read), withdrawn (an objection upheld).
type StarStatus string

// Statuses of a star.
const (
	StarNoticed   StarStatus = "noticed"
	StarObjected  StarStatus = "objected"
	StarConfirmed StarStatus = "confirmed"
	StarWithdrawn StarStatus = "withdrawn"
)

// Star is a household proposed (and, after the notice, named) a star household of a year.
type Star struct {
	ID          int64      `json:"id" db:"id"`
	VillageID   int64      `json:"village_id" db:"village_id"`
	Year        int        `json:"year" db:"year"`
	HouseholdID int64      `json:"household_id" db:"household_id"`
	Household   string     `json:"household" db:"household"`
	Head        string     `json:"head" db:"head"`
	Points      int64      `json:"points" db:"points"`
	Status      StarStatus `json:"status" db:"status"`
	ProposedBy  int64      `json:"proposed_by" db:"proposed_by"`
	ProposedAt  time.Time  `json:"proposed_at" db:"proposed_at"`
	NoticeUntil time.Time  `json:"notice_until" db:"notice_until"`
	Objection   string     `json:"objection" db:"objection"`
	ObjectedBy  *int64     `json:"objected_by" db:"objected_by"`
	Answer      string     `json:"answer" db:"answer"`
	AnsweredBy  *int64     `json:"answered_by" db:"answered_by"`
}

// shown is the star as of now: on notice until its notice closes, confirmed after.
func (s Star) shown(now time.Time) Star {
	if s.Status == StarNoticed && !now.Before(s.NoticeUntil) {
		s.Status = StarConfirmed
	}
	return s
}

// Errors of the stars.
var (
	ErrNoStarCriteria  = fault.New(fault.Conflict, "no_star_criteria", "the village's rule book in force states no criteria for star households")
	ErrStarsEvaluated  = fault.New(fault.Conflict, "stars_already_evaluated", "the village's stars of that year were already proposed")
	ErrStarNotFound    = fault.New(fault.NotFound, "star_not_found", "no such star household")
	ErrStarWrongStep   = fault.New(fault.Conflict, "star_wrong_step", "the star is not at this step")
	ErrStarNoticeEnded = fault.New(fault.Conflict, "star_notice_closed", "the star's public notice has closed")
)

// StarStore keeps the stars.
type StarStore interface {
	// StarCandidates returns the households meeting criteria by what was posted in the year.
	StarCandidates(ctx context.Context, villageID int64, year int, c StarCriteria) ([]Star, error)
	// ProposeStars writes the year's stars (ErrStarsEvaluated when the year has some), audited as
	// one proposal.
	ProposeStars(ctx context.Context, villageID int64, year int, stars []Star) ([]Star, error)
	// Stars lists a village's stars of a year by household.
	Stars(ctx context.Context, villageID int64, year int) ([]Star, error)
	// Star returns a star, or ErrStarNotFound.
	Star(ctx context.Context, id int64) (Star, error)
	// UpdateStar runs fn on the star under its row lock, then saves and audits it as action.
	UpdateStar(ctx context.Context, id int64, action string, fn func(*Star) error) (Star, error)
}

// YearInput names the year evaluated.
type YearInput struct {
	Year int `json:"year"`
}

// ProposeStars evaluates a year by the rule book in force and puts the households that meet its
// star criteria on the village's notice (the clerk or township admin; once per year).
func (s *Service) ProposeStars(ctx context.Context, p auth.Principal, villageID int64, in YearInput) ([]Star, error) {
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return nil, err
	}
	if !p.CanManageVillage(pl) {
		return nil, fmt.Errorf("propose stars in village %d: %w", villageID, fault.ErrForbidden)
	}
	now := s.Now()
	if in.Year < 2000 || in.Year > calendar.Local(now).Year() {
		return nil, fault.Invalidf("year must be from 2000 to this year")
	}
	books, err := s.Store.RuleBooks(ctx, villageID)
	if err != nil {
		return nil, err
	}
	var c *StarCriteria
	for _, b := range books {
		if b.Status == Adopted {
			c = &b.StarCriteria
			break
		}
	}
	if c == nil || c.StarMinPoints == nil {
		return nil, ErrNoStarCriteria
	}
	v, err := s.People.Village(ctx, villageID)
	if err != nil {
		return nil, err
	}
	stars, err := s.Store.StarCandidates(ctx, villageID, in.Year, *c)
	if err != nil {
		return nil, err
	}
	for i := range stars {
		stars[i].VillageID, stars[i].Year, stars[i].Status = villageID, in.Year, StarNoticed
		stars[i].ProposedBy, stars[i].ProposedAt, stars[i].NoticeUntil = p.PersonID, now, now.AddDate(0, 0, v.NoticeDays)
	}
	return s.Store.ProposeStars(ctx, villageID, in.Year, stars)
}

// Stars lists a village's stars of a year, to anyone: they are the village's honours, shown on
// its board and read at the plaque ceremony.
func (s *Service) Stars(ctx context.Context, villageID int64, year int) ([]Star, error) {
	if _, err := s.place(ctx, villageID); err != nil {
		return nil, err
	}
	stars, err := s.Store.Stars(ctx, villageID, year)
	for i := range stars {
		stars[i] = stars[i].shown(s.Now())
	}
	return stars, err
}

// StarObjection is a villager's objection to a star on notice.
type StarObjection struct {
	Reason string `json:"reason"`
}

// ObjectToStar records a villager's objection to a star while it is on notice: a member of
// another household of the village.
func (s *Service) ObjectToStar(ctx context.Context, p auth.Principal, id int64, in StarObjection) (Star, error) {
	why, err := text.CleanLines("reason", in.Reason, 1, 500)
	if err != nil {
		return Star{}, err
	}
	st, pl, err := s.placedStar(ctx, id)
	if err != nil {
		return Star{}, err
	}
	if p.Home != pl || p.HouseholdID == 0 {
		return Star{}, fmt.Errorf("object to star %d: %w", id, fault.ErrForbidden)
	}
	if p.HouseholdID == st.HouseholdID {
		return Star{}, ErrOwnHousehold
	}
	out, err := s.Store.UpdateStar(ctx, id, "star.object", func(x *Star) error {
		switch {
		case x.Status != StarNoticed:
			return ErrStarWrongStep
		case !s.Now().Before(x.NoticeUntil):
			return ErrStarNoticeEnded
		}
		x.Status, x.Objection, x.ObjectedBy = StarObjected, why, &p.PersonID
		return nil
	})
	return out.shown(s.Now()), err
}

// StarAnswer is the supervision's answer to an objection.
type StarAnswer struct {
	Upheld *bool  `json:"upheld"`
	Answer string `json:"answer"`
}

// AnswerStarObjection answers an objection to a star (a supervisor of the village, not of the
// star's household): upheld withdraws the star; otherwise it is back on notice.
func (s *Service) AnswerStarObjection(ctx context.Context, p auth.Principal, id int64, in StarAnswer) (Star, error) {
	if in.Upheld == nil {
		return Star{}, fault.Invalidf("upheld is required: true or false")
	}
	answer, err := text.CleanLines("answer", in.Answer, 1, 500)
	if err != nil {
		return Star{}, err
	}
	st, pl, err := s.placedStar(ctx, id)
	if err != nil {
		return Star{}, err
	}
	if !p.HoldsIn(auth.RoleSupervisor, pl) {
		return Star{}, fmt.Errorf("answer the objection to star %d: %w", id, fault.ErrForbidden)
	}
	if p.HouseholdID != 0 && p.HouseholdID == st.HouseholdID {
		return Star{}, ErrOwnHousehold
	}
	out, err := s.Store.UpdateStar(ctx, id, "star.answer", func(x *Star) error {
		if x.Status != StarObjected {
			return ErrStarWrongStep
		}
		x.Status, x.Answer, x.AnsweredBy = StarNoticed, answer, &p.PersonID
		if *in.Upheld {
			x.Status = StarWithdrawn
		}
		return nil
	})
	return out.shown(s.Now()), err
}

func (s *Service) placedStar(ctx context.Context, id int64) (Star, auth.Place, error) {
	st, err := s.Store.Star(ctx, id)
	if err != nil {
		return st, auth.Place{}, err
	}
	pl, err := s.place(ctx, st.VillageID)
	return st, pl, err
}
