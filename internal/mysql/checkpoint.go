package mysql

import (
	"bytes"
	"context"
	"crypto/hmac"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/fault"

	"github.com/jmoiron/sqlx"
)

var errNoCheckpoint = fault.New(fault.NotFound, "no_checkpoint", "no audit checkpoint has been published yet")

type headJSON struct {
	ChainID string `json:"chain_id"`
	Seq     int64  `json:"seq"`
	Hash    string `json:"hash"`
}

// Heads implements audit.Store.
func (s *AuditStore) Heads(ctx context.Context) ([]audit.Head, error) {
	heads := []audit.Head{}
	err := s.db.list(ctx, &heads, `SELECT chain_id, seq, head_hash FROM audit_chains ORDER BY chain_id`)
	return heads, wrap(err, "read audit heads")
}

// SaveCheckpoint implements audit.Store.
func (s *AuditStore) SaveCheckpoint(ctx context.Context, cp audit.Checkpoint) (audit.Checkpoint, error) {
	js := make([]headJSON, len(cp.Heads))
	for i, h := range cp.Heads {
		js[i] = headJSON{h.ChainID, h.Seq, h.HashHex()}
	}
	body, err := json.Marshal(js)
	if err != nil {
		return cp, err
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO audit_checkpoints (created_at, root_hash, heads, prev_id, link, seal, key_id)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, cp.CreatedAt, cp.Root, string(body), cp.PrevID, cp.Link, cp.Seal, cp.KeyID)
	if isDuplicate(err) {
		return cp, audit.ErrCheckpointRace
	}
	if err != nil {
		return cp, fmt.Errorf("save checkpoint: %w", classify(err))
	}
	cp.ID, err = res.LastInsertId()
	return cp, err
}

// LatestCheckpoint implements audit.Store.
func (s *AuditStore) LatestCheckpoint(ctx context.Context) (audit.Checkpoint, error) {
	var cp audit.Checkpoint
	var heads string
	var prev sql.NullInt64
	row := s.db.QueryRowxContext(ctx, `SELECT id, created_at, root_hash, heads, prev_id, link, seal FROM audit_checkpoints ORDER BY id DESC LIMIT 1`)
	if err := row.Scan(&cp.ID, &cp.CreatedAt, &cp.Root, &heads, &prev, &cp.Link, &cp.Seal); err != nil {
		if isNoRows(err) {
			return cp, errNoCheckpoint
		}
		return cp, fmt.Errorf("latest checkpoint: %w", classify(err))
	}
	cp.Heads, _ = decodeHeads(heads)
	cp.PrevID = prev.Int64
	return cp, nil
}

func decodeHeads(s string) ([]audit.Head, error) {
	var js []headJSON
	if err := json.Unmarshal([]byte(s), &js); err != nil {
		return nil, err
	}
	heads := make([]audit.Head, len(js))
	for i, h := range js {
		hash, err := hex.DecodeString(h.Hash)
		if err != nil {
			return nil, err
		}
		heads[i] = audit.Head{ChainID: h.ChainID, Seq: h.Seq, Hash: hash}
	}
	return heads, nil
}

// Reproduces reports how today's log reproduces a root printed earlier: as a checkpoint whose heads
// still hold (verifyCheckpoints checks that), or, when at is given, as the heads of the log as of
// that time. It returns "" when neither does.
func (s *AuditStore) Reproduces(ctx context.Context, root []byte, at time.Time) (string, error) {
	var id int64
	var created time.Time
	err := s.db.QueryRowxContext(ctx, `SELECT id, created_at FROM audit_checkpoints WHERE root_hash = ? ORDER BY id LIMIT 1`, root).Scan(&id, &created)
	switch {
	case err == nil:
		return fmt.Sprintf("checkpoint %d of %s, whose heads today's log still holds", id, created.Format(time.RFC3339)), nil
	case !isNoRows(err):
		return "", classify(err)
	case at.IsZero():
		return "", nil
	}
	heads := []audit.Head{}
	if err := s.db.list(ctx, &heads, `SELECT l.chain_id, l.seq, l.hash AS head_hash FROM audit_log l
		JOIN (SELECT chain_id, MAX(seq) AS seq FROM audit_log WHERE occurred_at <= ? GROUP BY chain_id) m ON m.chain_id = l.chain_id AND m.seq = l.seq
		ORDER BY l.chain_id`, at); err != nil {
		return "", err
	}
	if bytes.Equal(audit.Root(heads), root) {
		return fmt.Sprintf("rebuilt from the log as of %s (its checkpoint row is gone)", at.Format(time.RFC3339)), nil
	}
	return "", nil
}

// checkpointLateness reports a log that moved on without a checkpoint for more than twice the
// interval (the newest checkpoints deleted, or none ever written while entries were).
func (s *AuditStore) checkpointLateness(ctx context.Context, q sqlx.QueryerContext, chain []audit.Checkpoint) ([]string, error) {
	if s.interval <= 0 {
		return nil, nil
	}
	var oldest sql.NullTime
	after := time.Time{}
	if len(chain) > 0 {
		after = chain[len(chain)-1].CreatedAt
	}
	// The oldest entry written after the newest checkpoint, other than the checkpoint's own lane.
	if err := q.QueryRowxContext(ctx, `SELECT MIN(occurred_at) FROM audit_log WHERE occurred_at > ?`, after).Scan(&oldest); err != nil {
		return nil, classify(err)
	}
	if !oldest.Valid || s.db.now().Sub(oldest.Time) <= 2*s.interval {
		return nil, nil
	}
	if len(chain) == 0 {
		return []string{fmt.Sprintf("audit checkpoints: none, while the log has entries since %s (checkpoints deleted, or never published)", oldest.Time.Format(time.RFC3339))}, nil
	}
	return []string{fmt.Sprintf("audit checkpoints: the newest (%d, %s) is older than entries written since %s by more than twice the interval (checkpoints deleted?)",
		chain[len(chain)-1].ID, after.Format(time.RFC3339), oldest.Time.Format(time.RFC3339))}, nil
}

// verifiedFrom is where an incremental verification starts: the newest checkpoint a clean
// earlier run verified, and its heads.
type verifiedFrom struct {
	checkpoint int64
	heads      map[string]audit.Head
}

// verificationSeal is what a verification record's seal covers.
func verificationSeal(checkpoint, entries int64, finished time.Time) []byte {
	return []byte(fmt.Sprintf("verified:%d:%d:%d", checkpoint, entries, finished.UTC().UnixMicro()))
}

// lastVerified returns the start of an incremental verification, or nil when no clean run was
// recorded (or its record's seal does not hold: a forged record only costs a full run).
func (s *AuditStore) lastVerified(ctx context.Context, tx *sqlx.Tx) (*verifiedFrom, error) {
	var rec struct {
		Checkpoint int64     `db:"checkpoint_id"`
		Entries    int64     `db:"entries"`
		Finished   time.Time `db:"finished_at"`
		Seal       []byte    `db:"seal"`
		Heads      string    `db:"heads"`
	}
	err := tx.GetContext(ctx, &rec, `SELECT v.checkpoint_id, v.entries, v.finished_at, v.seal, c.heads FROM audit_verifications v
		JOIN audit_checkpoints c ON c.id = v.checkpoint_id ORDER BY v.id DESC LIMIT 1`)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, classify(err)
	}
	if s.sealer.Enabled() && !hmac.Equal(rec.Seal, s.sealer.Seal(verificationSeal(rec.Checkpoint, rec.Entries, rec.Finished))) {
		return nil, nil
	}
	heads, err := decodeHeads(rec.Heads)
	if err != nil {
		return nil, nil
	}
	at := make(map[string]audit.Head, len(heads))
	for _, h := range heads {
		at[h.ChainID] = h
	}
	return &verifiedFrom{checkpoint: rec.Checkpoint, heads: at}, nil
}

// recordVerification records a clean run up to checkpoint, sealed.
func (s *AuditStore) recordVerification(ctx context.Context, checkpoint int64, r audit.Report, started time.Time) error {
	finished := s.db.now().Truncate(time.Microsecond)
	_, err := s.db.ExecContext(ctx, `INSERT INTO audit_verifications (checkpoint_id, mode, entries, started_at, finished_at, seal)
		VALUES (?, ?, ?, ?, ?, ?)`, checkpoint, r.Mode.String(), r.Entries, started, finished,
		s.sealer.Seal(verificationSeal(checkpoint, r.Entries, finished)))
	return wrap(classify(err), "record the audit verification")
}

// verifyCheckpoints checks every checkpoint's link and seal, and that its root matches its heads;
// and that the entry at each head position still has the hash the checkpoint fixed — for every
// checkpoint in a full run, from the one an incremental run starts at in an incremental one (those
// before were checked by the run that verified it). A head position shared by many checkpoints is
// looked up once. It returns the number of checkpoints and the newest one's id.
func (s *AuditStore) verifyCheckpoints(ctx context.Context, tx *sqlx.Tx, from *verifiedFrom) (int, int64, []string, error) {
	rows, err := tx.QueryxContext(ctx, `SELECT id, created_at, root_hash, heads, prev_id, link, seal, key_id FROM audit_checkpoints ORDER BY id`)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("read checkpoints: %w", classify(err))
	}
	type cp struct {
		id    int64
		root  []byte
		heads string
	}
	var cps []cp
	var chain []audit.Checkpoint
	for rows.Next() {
		var c cp
		var k audit.Checkpoint
		var prev sql.NullInt64
		if err := rows.Scan(&c.id, &k.CreatedAt, &c.root, &c.heads, &prev, &k.Link, &k.Seal, &k.KeyID); err != nil {
			rows.Close()
			return 0, 0, nil, err
		}
		k.ID, k.Root, k.PrevID = c.id, c.root, prev.Int64
		cps = append(cps, c)
		chain = append(chain, k)
	}
	rows.Close()
	breaches := s.sealer.CheckLinks(chain)
	lateness, err := s.checkpointLateness(ctx, tx, chain)
	if err != nil {
		return 0, 0, nil, err
	}
	breaches = append(breaches, lateness...)
	if from != nil && !slices.ContainsFunc(cps, func(c cp) bool { return c.id == from.checkpoint }) {
		breaches = append(breaches, fmt.Sprintf("audit checkpoint %d, which the last check verified, is gone", from.checkpoint))
	}
	type position struct {
		chain string
		seq   int64
	}
	checked := map[position]bool{}
	for _, c := range cps {
		heads, err := decodeHeads(c.heads)
		if err != nil || !bytes.Equal(audit.Root(heads), c.root) {
			breaches = append(breaches, fmt.Sprintf("audit checkpoint %d: its heads do not match its root hash", c.id))
			continue
		}
		if from != nil && c.id < from.checkpoint {
			continue
		}
		for _, h := range heads {
			pos := position{h.ChainID, h.Seq}
			if h.Seq == 0 || checked[pos] {
				continue
			}
			checked[pos] = true
			var hash []byte
			err := tx.QueryRowxContext(ctx, `SELECT hash FROM audit_log WHERE chain_id = ? AND seq = ?`, h.ChainID, h.Seq).Scan(&hash)
			if err != nil && !isNoRows(err) {
				return 0, 0, nil, classify(err)
			}
			if !bytes.Equal(hash, h.Hash) {
				breaches = append(breaches, fmt.Sprintf("audit checkpoint %d: chain %s seq %d no longer has the hash it published (the log was rewritten)", c.id, h.ChainID, h.Seq))
			}
		}
	}
	var newest int64
	if len(cps) > 0 {
		newest = cps[len(cps)-1].id
	}
	return len(cps), newest, breaches, nil
}
