package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
)

// errNoActor means a write was attempted without an audit actor in its context: a programming
// error, refused so that nothing is ever written unaudited.
var errNoActor = errors.New("write without an audit actor in its context")

// audit appends the events of a transaction to the audit log. Call it as the transaction's last
// statement: it locks chain head rows, and the locks are then held only until the commit. The
// events of one place go to one chain — the lane of the first of them. All chains are appended in
// three statements whatever their number (a batch of redemptions touches a chain per village):
// their heads locked in name order (so that two transactions never wait on each other's chains in
// a cycle), one multi-row insert, one update of the heads.
func (db *DB) audit(ctx context.Context, tx *sqlx.Tx, events ...audit.Event) error {
	actor, ok := audit.ActorFrom(ctx)
	if !ok {
		return errNoActor
	}
	if v, ok := db.touched.Load(tx); ok {
		changed := v.(*changes)
		for _, ev := range events {
			if ev.Place.VillageID != 0 {
				changed.villages = append(changed.villages, ev.Place.VillageID)
			}
			if ev.ObjectType == "person" {
				changed.people = append(changed.people, ev.ObjectID)
			}
		}
	}
	now := db.now()
	chains := map[string][]audit.Entry{}
	lane := map[audit.Place]string{}
	for _, ev := range events {
		by := actor
		if ev.Actor != nil {
			by = *ev.Actor
		}
		e, err := audit.NewEntry(by, ev, now)
		if err != nil {
			return err
		}
		if c, ok := lane[ev.Place]; ok {
			e.ChainID = c
		} else {
			lane[ev.Place] = e.ChainID
		}
		chains[e.ChainID] = append(chains[e.ChainID], e)
	}
	if len(chains) == 0 {
		return nil
	}
	if err := appendEntries(ctx, tx, chains); err != nil {
		return fmt.Errorf("audit %s: %w", events[0].Action, err)
	}
	return nil
}

// Record implements audit.Store: one event in a transaction of its own (a refused act, which
// wrote nothing else).
func (s *AuditStore) Record(ctx context.Context, ev audit.Event) error {
	return wrap(s.db.InTx(ctx, func(tx *sqlx.Tx) error { return s.db.audit(ctx, tx, ev) }), "record %s", ev.Action)
}

// appendEntries links each chain's entries to its head and writes them: the heads locked, the
// entries inserted, the heads moved.
func appendEntries(ctx context.Context, tx *sqlx.Tx, chains map[string][]audit.Entry) error {
	names := make([]string, 0, len(chains))
	for c := range chains {
		names = append(names, c)
	}
	sort.Strings(names)
	heads, err := lockHeads(ctx, tx, names)
	if err != nil {
		return err
	}
	var all []audit.Entry
	moved := make([]any, 0, 3*len(names))
	for _, c := range names {
		head := heads[c]
		seq, prev := head.Seq, head.Hash
		entries := chains[c]
		for i := range entries {
			entries[i].Chain(seq, prev)
			seq, prev = entries[i].Seq, entries[i].Hash
		}
		all = append(all, entries...)
		moved = append(moved, c, seq, prev)
	}
	const qInsert = `INSERT INTO audit_log (chain_id, seq, prev_hash, hash, occurred_at, actor_id, actor_role,
		township_id, village_id, action, object_type, object_id, before_data, after_data, ip, request_id)
		VALUES (:chain_id, :seq, :prev_hash, :hash, :occurred_at, :actor_id, :actor_role, :township_id,
		:village_id, :action, :object_type, :object_id, :before_data, :after_data, :ip, :request_id)`
	if _, err := tx.NamedExecContext(ctx, qInsert, all); err != nil {
		return err
	}
	// One statement moves every head: a derived table of (chain, seq, hash) joined to the heads.
	rows := strings.TrimSuffix(strings.Repeat("SELECT ? AS chain_id, ? AS seq, ? AS head_hash UNION ALL ", len(names)), " UNION ALL ")
	for _, c := range names {
		moved = append(moved, c)
	}
	_, err = tx.ExecContext(ctx, `UPDATE audit_chains c FORCE INDEX (PRIMARY) JOIN (`+rows+`) m ON m.chain_id = c.chain_id
		SET c.seq = m.seq, c.head_hash = m.head_hash WHERE c.chain_id IN (`+marks(len(names))+`)`, moved...)
	return err
}

// lockHeads locks the heads of chains (named in order) and returns them, creating the heads of new
// chains first: INSERT IGNORE lets two first writers meet on one row.
func lockHeads(ctx context.Context, tx *sqlx.Tx, names []string) (map[string]audit.Head, error) {
	read := func() (map[string]audit.Head, error) {
		q, args, err := sqlx.In(`SELECT chain_id, seq, head_hash FROM audit_chains WHERE chain_id IN (?) ORDER BY chain_id FOR UPDATE`, names)
		if err != nil {
			return nil, err
		}
		var heads []audit.Head
		if err := tx.SelectContext(ctx, &heads, q, args...); err != nil {
			return nil, err
		}
		out := make(map[string]audit.Head, len(heads))
		for _, h := range heads {
			out[h.ChainID] = h
		}
		return out, nil
	}
	heads, err := read()
	if err != nil || len(heads) == len(names) {
		return heads, err
	}
	var fresh []any
	for _, c := range names {
		if _, ok := heads[c]; !ok {
			fresh = append(fresh, c, audit.GenesisHash)
		}
	}
	values := strings.TrimSuffix(strings.Repeat("(?, 0, ?), ", len(fresh)/2), ", ")
	if _, err := tx.ExecContext(ctx, `INSERT IGNORE INTO audit_chains (chain_id, seq, head_hash) VALUES `+values, fresh...); err != nil {
		return nil, err
	}
	if heads, err = read(); err == nil && len(heads) != len(names) {
		err = fmt.Errorf("audit chain heads: %d of %d found", len(heads), len(names))
	}
	return heads, err
}

// AuditStore reads and verifies the audit log.
type AuditStore struct {
	db       *DB
	sealer   audit.Sealer
	interval time.Duration
}

// NewAuditStore returns an AuditStore that verifies checkpoint seals with sealer and expects a
// checkpoint at least every interval while the log moves (0: no expectation).
func NewAuditStore(db *DB, sealer audit.Sealer, interval time.Duration) *AuditStore {
	return &AuditStore{db: db, sealer: sealer, interval: interval}
}

const auditColumns = `id, chain_id, seq, prev_hash, hash, occurred_at, actor_id, actor_role, township_id,
	village_id, action, object_type, object_id, before_data, after_data, ip, request_id`

// scanEntry reads a row of auditColumns: by position, not by reflection, since a full check reads
// every entry of the log.
func scanEntry(rows *sqlx.Rows, e *audit.Entry) error {
	return rows.Scan(&e.ID, &e.ChainID, &e.Seq, &e.PrevHash, &e.Hash, &e.OccurredAt, &e.ActorID, &e.ActorRole, &e.TownshipID,
		&e.VillageID, &e.Action, &e.ObjectType, &e.ObjectID, &e.Before, &e.After, &e.IP, &e.RequestID)
}

// List implements audit.Store.
func (s *AuditStore) List(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	var where []string
	var args []any
	var scope []string
	for _, p := range f.Scopes {
		if p.VillageID == 0 {
			scope = append(scope, "township_id = ?")
			args = append(args, p.TownshipID)
		} else {
			scope = append(scope, "village_id = ?")
			args = append(args, p.VillageID)
		}
	}
	where = append(where, "("+strings.Join(scope, " OR ")+")")
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.VillageID != 0 {
		add("village_id = ?", f.VillageID)
	}
	if f.TownshipID != 0 {
		add("township_id = ?", f.TownshipID)
	}
	if f.ActorID != 0 {
		add("actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != 0 {
		add("object_id = ?", f.ObjectID)
	}
	if !f.From.IsZero() {
		add("occurred_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		add("occurred_at < ?", f.To)
	}
	if f.BeforeID != 0 {
		add("id < ?", f.BeforeID)
	}
	if f.AfterID != 0 {
		add("id > ?", f.AfterID)
	}
	if f.MinGrant > 0 {
		add("(action <> 'entry.post' OR CAST(JSON_VALUE(after_data, '$.points') AS SIGNED) >= ?)", f.MinGrant)
	}
	if len(f.Actions) > 0 {
		q, a, _ := sqlx.In("action IN (?)", f.Actions)
		where, args = append(where, q), append(args, a...)
	}
	args = append(args, f.Limit)
	// The actor's name is joined to the page, not to the filtered scan, so that the filters' bare
	// column names stay the audit log's own.
	q := `SELECT x.*, COALESCE(p.name, '') AS actor_name FROM (SELECT ` + auditColumns + ` FROM audit_log WHERE ` +
		strings.Join(where, " AND ") + ` ORDER BY id DESC LIMIT ?) x LEFT JOIN people p ON p.id = x.actor_id ORDER BY x.id DESC`
	out := []audit.Entry{}
	if err := s.db.list(ctx, &out, q, args...); err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return out, nil
}

// Verify implements audit.Store. Everything is read in one REPEATABLE READ snapshot, so entries
// appended while it runs are neither read nor a breach. A full run streams every entry in id order
// through an audit.Verifier; an incremental one resumes each chain at the heads of the newest
// checkpoint a clean earlier run verified (checkpoints are sealed, and the entries at those heads
// must still hold the hashes they fixed) and reads only what follows, by the (chain_id, seq) key.
func (s *AuditStore) Verify(ctx context.Context, mode audit.VerifyMode) (audit.Report, error) {
	started := s.db.now()
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return audit.Report{}, classify(err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	heads := []audit.Head{}
	if err := tx.SelectContext(ctx, &heads, `SELECT chain_id, seq, head_hash FROM audit_chains ORDER BY chain_id`); err != nil {
		return audit.Report{}, fmt.Errorf("read audit heads: %w", classify(err))
	}
	r := audit.Report{Mode: mode, Chains: len(heads)}
	var from *verifiedFrom
	if mode == audit.Incremental {
		if from, err = s.lastVerified(ctx, tx); err != nil {
			return r, err
		}
		if from == nil {
			r.Mode = audit.Full // nothing verified yet to start from
		}
	}
	v := audit.NewVerifier()
	if from == nil {
		err = s.streamAll(ctx, tx, v)
	} else {
		r.From = from.checkpoint
		err = s.streamAfter(ctx, tx, heads, from.heads, v)
	}
	if err != nil {
		return r, err
	}
	r.Breaches = v.Finish(heads)
	r.Entries = v.Entries
	if from != nil {
		known := map[string]bool{}
		for _, h := range heads {
			known[h.ChainID] = true
		}
		for id := range from.heads {
			if !known[id] {
				r.Breaches = append(r.Breaches, fmt.Sprintf("audit chain %s: checkpoint %d fixed it, but it has no head row any more", id, from.checkpoint))
			}
		}
	}
	n, newest, cpBreaches, err := s.verifyCheckpoints(ctx, tx, from)
	if err != nil {
		return r, err
	}
	r.Checkpoints, r.Breaches = n, append(r.Breaches, cpBreaches...)
	r.Elapsed = s.db.now().Sub(started)
	if len(r.Breaches) == 0 && newest != 0 {
		if err := s.recordVerification(ctx, newest, r, started); err != nil {
			return r, err
		}
	}
	return r, nil
}

func (s *AuditStore) streamAll(ctx context.Context, tx *sqlx.Tx, v *audit.Verifier) error {
	// In id order: the table's own order, read sequentially (in chain order every row would be a
	// lookup from the chain index); the verifier takes chains interleaved.
	rows, err := tx.QueryxContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY id`)
	if err != nil {
		return fmt.Errorf("read audit log: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var e audit.Entry
		if err := scanEntry(rows, &e); err != nil {
			return fmt.Errorf("read audit entry: %w", err)
		}
		v.Add(e)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read audit log: %w", classify(err))
	}
	return nil
}

// streamAfter feeds v each chain's entries after its position at the checkpoint verified last
// (a chain the checkpoint did not know starts from its beginning).
func (s *AuditStore) streamAfter(ctx context.Context, tx *sqlx.Tx, heads []audit.Head, at map[string]audit.Head, v *audit.Verifier) error {
	for _, h := range heads {
		start, ok := at[h.ChainID]
		if !ok {
			start = audit.Head{ChainID: h.ChainID, Hash: audit.GenesisHash}
		}
		v.Resume(h.ChainID, start.Seq, start.Hash)
		rows, err := tx.QueryxContext(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE chain_id = ? AND seq > ? ORDER BY seq`, h.ChainID, start.Seq)
		if err != nil {
			return fmt.Errorf("read audit chain %s: %w", h.ChainID, classify(err))
		}
		for rows.Next() {
			var e audit.Entry
			if err := scanEntry(rows, &e); err != nil {
				rows.Close()
				return fmt.Errorf("read audit entry: %w", err)
			}
			v.Add(e)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("read audit chain %s: %w", h.ChainID, classify(err))
		}
	}
	return nil
}
