package earning

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
)

// 策由民商: a draft rule book answers the suggestions (金点子) its drafters gathered from villagers.
// Representatives, party members, group leaders and the clerk gather them; the clerk records how
// the draft answers each; a draft with a suggestion still unanswered is not put to the vote.

// Suggestion is a villager's suggestion for a draft rule book.
type Suggestion struct {
	ID         int64     `json:"id" db:"id"`
	RuleBookID int64     `json:"rule_book_id" db:"rule_book_id"`
	VillageID  int64     `json:"village_id" db:"village_id"`
	Text       string    `json:"text" db:"text"`
	Source     string    `json:"source" db:"source"` // who suggested it, as the gatherer wrote it (村民张某、三组屋场会)
	GatheredBy int64     `json:"gathered_by" db:"gathered_by"`
	GatheredAt time.Time `json:"gathered_at" db:"gathered_at"`
	Answer     string    `json:"answer" db:"answer"`
	AnsweredBy *int64    `json:"answered_by" db:"answered_by"`
}

// Errors of suggestions.
var (
	ErrSuggestionNotFound = fault.New(fault.NotFound, "suggestion_not_found", "no such suggestion")
	ErrUnanswered         = fault.New(fault.Conflict, "suggestions_unanswered", "some villagers' suggestions have no answer yet: the draft is not put to the vote")
)

// SuggestionInput is a gathered suggestion.
type SuggestionInput struct {
	Text   string `json:"text"`
	Source string `json:"source"`
}

// gathers reports whether p may gather suggestions in a village: its clerk, representatives,
// party members and group leaders.
func gathers(p auth.Principal, pl auth.Place) bool {
	return p.CanManageVillage(pl) || p.HoldsIn(auth.RoleRepresentative, pl) || p.HoldsIn(auth.RolePartyMember, pl) || p.HoldsIn(auth.RoleGroupLeader, pl)
}

// Suggest records a suggestion for a draft rule book.
func (s *Service) Suggest(ctx context.Context, p auth.Principal, bookID int64, in SuggestionInput) (Suggestion, error) {
	b, err := s.Store.RuleBook(ctx, bookID)
	if err != nil {
		return Suggestion{}, err
	}
	pl, err := s.place(ctx, b.VillageID)
	if err != nil {
		return Suggestion{}, err
	}
	if !gathers(p, pl) {
		return Suggestion{}, fmt.Errorf("suggestion for rule book %d: %w", bookID, fault.ErrForbidden)
	}
	if b.Status != Draft {
		return Suggestion{}, ErrNotDraft
	}
	if in.Text, err = text.CleanLines("text", in.Text, 2, 500); err != nil {
		return Suggestion{}, err
	}
	if in.Source, err = text.Clean("source", in.Source, 1, 64); err != nil {
		return Suggestion{}, err
	}
	return s.Store.Suggest(ctx, Suggestion{RuleBookID: bookID, VillageID: b.VillageID, Text: in.Text, Source: in.Source,
		GatheredBy: p.PersonID, GatheredAt: s.Now()})
}

// SuggestionAnswer says how the draft answers a suggestion.
type SuggestionAnswer struct {
	Answer string `json:"answer"`
}

// AnswerSuggestion records how the draft answers a suggestion (the clerk), while it is a draft.
func (s *Service) AnswerSuggestion(ctx context.Context, p auth.Principal, id int64, in SuggestionAnswer) (Suggestion, error) {
	sg, err := s.Store.Suggestion(ctx, id)
	if err != nil {
		return sg, err
	}
	b, err := s.managedBook(ctx, p, sg.RuleBookID)
	if err != nil {
		return sg, err
	}
	if b.Status != Draft {
		return sg, ErrNotDraft
	}
	answer, err := text.CleanLines("answer", in.Answer, 2, 500)
	if err != nil {
		return sg, err
	}
	return s.Store.AnswerSuggestion(ctx, id, answer, p.PersonID)
}

// Suggestions lists a rule book's suggestions for the village's people and those who read it.
func (s *Service) Suggestions(ctx context.Context, p auth.Principal, bookID int64) ([]Suggestion, error) {
	b, err := s.Store.RuleBook(ctx, bookID)
	if err != nil {
		return nil, err
	}
	pl, err := s.place(ctx, b.VillageID)
	if err != nil {
		return nil, err
	}
	if p.Home != pl && !p.CanReadVillage(pl) {
		return nil, fmt.Errorf("suggestions of rule book %d: %w", bookID, fault.ErrForbidden)
	}
	return s.Store.Suggestions(ctx, bookID)
}

// unanswered returns ErrUnanswered when a suggestion of the book has no answer.
func unanswered(sgs []Suggestion) error {
	for _, sg := range sgs {
		if sg.Answer == "" {
			return ErrUnanswered.WithDetails(map[string]any{"suggestion_id": sg.ID})
		}
	}
	return nil
}
