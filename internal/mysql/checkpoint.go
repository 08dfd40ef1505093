package mysql

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/fault"
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
	res, err := s.db.ExecContext(ctx, `INSERT INTO audit_checkpoints (created_at, root_hash, heads) VALUES (?, ?, ?)`,
		cp.CreatedAt, cp.Root, string(body))
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
	row := s.db.QueryRowxContext(ctx, `SELECT id, created_at, root_hash, heads FROM audit_checkpoints ORDER BY id DESC LIMIT 1`)
	if err := row.Scan(&cp.ID, &cp.CreatedAt, &cp.Root, &heads); err != nil {
		if isNoRows(err) {
			return cp, errNoCheckpoint
		}
		return cp, fmt.Errorf("latest checkpoint: %w", classify(err))
	}
	cp.Heads, _ = decodeHeads(heads)
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

// verifyCheckpoints checks that each checkpoint's root matches its heads and that the entry at
// each head position still has the hash the checkpoint fixed.
func (s *AuditStore) verifyCheckpoints(ctx context.Context) (int, []string, error) {
	rows, err := s.db.QueryxContext(ctx, `SELECT id, root_hash, heads FROM audit_checkpoints ORDER BY id`)
	if err != nil {
		return 0, nil, fmt.Errorf("read checkpoints: %w", classify(err))
	}
	type cp struct {
		id    int64
		root  []byte
		heads string
	}
	var cps []cp
	for rows.Next() {
		var c cp
		if err := rows.Scan(&c.id, &c.root, &c.heads); err != nil {
			rows.Close()
			return 0, nil, err
		}
		cps = append(cps, c)
	}
	rows.Close()
	var breaches []string
	for _, c := range cps {
		heads, err := decodeHeads(c.heads)
		if err != nil || !bytes.Equal(audit.Root(heads), c.root) {
			breaches = append(breaches, fmt.Sprintf("audit checkpoint %d: its heads do not match its root hash", c.id))
			continue
		}
		for _, h := range heads {
			if h.Seq == 0 {
				continue
			}
			var hash []byte
			err := s.db.QueryRowxContext(ctx, `SELECT hash FROM audit_log WHERE chain_id = ? AND seq = ?`, h.ChainID, h.Seq).Scan(&hash)
			if err != nil && !isNoRows(err) {
				return 0, nil, classify(err)
			}
			if !bytes.Equal(hash, h.Hash) {
				breaches = append(breaches, fmt.Sprintf("audit checkpoint %d: chain %s seq %d no longer has the hash it published (the log was rewritten)", c.id, h.ChainID, h.Seq))
			}
		}
	}
	return len(cps), breaches, nil
}
