package mysql

import (
	"context"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/earning"
)

const suggestionColumns = `id, rule_book_id, village_id, text, source, gathered_by, gathered_at, answer, answered_by`

// Suggest implements earning.Store.
func (s *EarningStore) Suggest(ctx context.Context, sg earning.Suggestion) (earning.Suggestion, error) {
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		res, err := tx.NamedExecContext(ctx, `INSERT INTO rule_book_suggestions (rule_book_id, village_id, text, source, gathered_by, gathered_at)
			VALUES (:rule_book_id, :village_id, :text, :source, :gathered_by, :gathered_at)`, sg)
		if err != nil {
			return nil, err
		}
		sg.ID, _ = res.LastInsertId()
		ev, err := s.event(ctx, tx, sg.VillageID, "rulebook.suggestion", "suggestion", sg.ID, nil, sg)
		return []audit.Event{ev}, err
	})
	return sg, wrap(err, "record suggestion")
}

// Suggestion implements earning.Store.
func (s *EarningStore) Suggestion(ctx context.Context, id int64) (earning.Suggestion, error) {
	var sg earning.Suggestion
	err := s.db.get(ctx, &sg, earning.ErrSuggestionNotFound, `SELECT `+suggestionColumns+` FROM rule_book_suggestions WHERE id = ?`, id)
	return sg, wrap(err, "suggestion %d", id)
}

// Suggestions implements earning.Store.
func (s *EarningStore) Suggestions(ctx context.Context, bookID int64) ([]earning.Suggestion, error) {
	out := []earning.Suggestion{}
	err := s.db.list(ctx, &out, `SELECT `+suggestionColumns+` FROM rule_book_suggestions WHERE rule_book_id = ? ORDER BY id`, bookID)
	return out, wrap(err, "suggestions of rule book %d", bookID)
}

// AnswerSuggestion implements earning.Store.
func (s *EarningStore) AnswerSuggestion(ctx context.Context, id int64, answer string, by int64) (earning.Suggestion, error) {
	var sg earning.Suggestion
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := getRow(ctx, tx, &sg, earning.ErrSuggestionNotFound, `SELECT `+suggestionColumns+` FROM rule_book_suggestions WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		before := sg
		sg.Answer, sg.AnsweredBy = answer, &by
		if _, err := tx.ExecContext(ctx, `UPDATE rule_book_suggestions SET answer = ?, answered_by = ? WHERE id = ?`, answer, by, id); err != nil {
			return nil, err
		}
		ev, err := s.event(ctx, tx, sg.VillageID, "rulebook.suggestion_answer", "suggestion", id, before, sg)
		return []audit.Event{ev}, err
	})
	return sg, wrap(err, "answer suggestion %d", id)
}
