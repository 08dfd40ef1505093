package mysql

import (
	"context"

	"pointsmarket/internal/request"
)

const problemQuery = `SELECT p.id, p.meeting_id, p.request_id, r.household_id, r.category, r.text, r.status, r.answer,
	p.follow_up_on, p.followed_up_on, p.follow_up_note, p.followed_up_by
	FROM courtyard_problems p JOIN requests r ON r.id = p.request_id`

// Meetings implements request.MeetingStore.
func (s *RequestStore) Meetings(ctx context.Context, villageID int64, limit int) ([]request.Meeting, error) {
	ms := []request.Meeting{}
	if err := s.db.list(ctx, &ms, `SELECT id, village_id, place, held_on, recorded_by, created_at FROM courtyard_meetings
		WHERE village_id = ? ORDER BY id DESC LIMIT ?`, villageID, limit); err != nil {
		return nil, wrap(err, "courtyard meetings of village %d", villageID)
	}
	for i := range ms {
		m := &ms[i]
		m.Attendees, m.Problems = []request.Present{}, []request.Problem{}
		if err := s.db.list(ctx, &m.Attendees, `SELECT a.household_id, h.number AS household, h.head_name AS head
			FROM courtyard_attendees a JOIN households h ON h.id = a.household_id WHERE a.meeting_id = ? ORDER BY h.number`, m.ID); err != nil {
			return nil, wrap(err, "attendees of meeting %d", m.ID)
		}
		if err := s.db.list(ctx, &m.Problems, problemQuery+` WHERE p.meeting_id = ? ORDER BY p.id`, m.ID); err != nil {
			return nil, wrap(err, "problems of meeting %d", m.ID)
		}
	}
	return ms, nil
}

// Problem implements request.MeetingStore.
func (s *RequestStore) Problem(ctx context.Context, id int64) (request.Problem, error) {
	var p request.Problem
	err := getRow(ctx, s.db, &p, request.ErrProblemNotFound, problemQuery+` WHERE p.id = ?`, id)
	return p, wrap(err, "problem %d", id)
}

// InsertMeeting implements request.MeetingTx.
func (t *Tx) InsertMeeting(ctx context.Context, m *request.Meeting) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO courtyard_meetings (village_id, place, held_on, recorded_by, created_at)
		VALUES (:village_id, :place, :held_on, :recorded_by, :created_at)`, m)
	if err != nil {
		return err
	}
	if m.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	for _, a := range m.Attendees {
		if _, err := t.tx.ExecContext(ctx, `INSERT INTO courtyard_attendees (meeting_id, household_id, village_id) VALUES (?, ?, ?)`,
			m.ID, a.HouseholdID, m.VillageID); err != nil {
			return err
		}
	}
	return nil
}

// InsertProblem implements request.MeetingTx.
func (t *Tx) InsertProblem(ctx context.Context, p *request.Problem) error {
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO courtyard_problems (meeting_id, request_id, follow_up_on, village_id)
		VALUES (:meeting_id, :request_id, :follow_up_on, (SELECT village_id FROM courtyard_meetings WHERE id = :meeting_id))`, p)
	if err != nil {
		return err
	}
	p.ID, err = res.LastInsertId()
	return err
}

// SaveFollowUp implements request.MeetingTx: once (false when it was recorded before).
func (t *Tx) SaveFollowUp(ctx context.Context, p request.Problem) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE courtyard_problems SET followed_up_on = ?, follow_up_note = ?, followed_up_by = ?
		WHERE id = ? AND followed_up_on IS NULL`, p.FollowedUpOn, p.FollowUpNote, p.FollowedUpBy, p.ID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
