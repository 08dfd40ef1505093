package httpapi

import (
	"encoding/hex"
	"net/http"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/alert"
	"pointsmarket/internal/audit"
)

func (s *server) auditLog(c *gin.Context) (int, any, error) {
	var f audit.Filter
	ints := map[string]*int64{"village_id": &f.VillageID, "township_id": &f.TownshipID, "actor_id": &f.ActorID,
		"object_id": &f.ObjectID, "before_id": &f.BeforeID}
	for name, dst := range ints {
		v, err := queryInt(c, name)
		if err != nil {
			return 0, nil, err
		}
		*dst = v
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return 0, nil, err
	}
	f.Limit = int(limit)
	if f.From, err = queryTime(c, "from"); err != nil {
		return 0, nil, err
	}
	if f.To, err = queryTime(c, "to"); err != nil {
		return 0, nil, err
	}
	f.Action, f.ObjectType = c.Query("action"), c.Query("object_type")
	entries, err := s.deps.Audit.List(c.Request.Context(), principal(c), f)
	if err != nil {
		return 0, nil, err
	}
	type entryJSON struct {
		audit.Entry
		Hash     string `json:"hash"`
		PrevHash string `json:"prev_hash"`
	}
	out := make([]entryJSON, len(entries))
	for i, e := range entries {
		out[i] = entryJSON{Entry: e, Hash: hex.EncodeToString(e.Hash), PrevHash: hex.EncodeToString(e.PrevHash)}
	}
	body := gin.H{"entries": out}
	if n := len(entries); n > 0 {
		body["next_before_id"] = entries[n-1].ID
	}
	return http.StatusOK, body, nil
}

func (s *server) auditVerify(c *gin.Context) (int, any, error) {
	r, err := s.deps.Audit.Verify(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	breaches := r.Breaches
	if breaches == nil {
		breaches = []string{}
	}
	body := gin.H{"ok": len(breaches) == 0, "entries": r.Entries, "chains": r.Chains,
		"checkpoints": r.Checkpoints, "breaches": breaches}
	// The newest checkpoint's root and link, for the supervisors to compare with the printed board.
	if cp, err := s.deps.Audit.LatestCheckpoint(c.Request.Context()); err == nil {
		body["latest_checkpoint"] = gin.H{"id": cp.ID, "created_at": cp.CreatedAt, "root_hash": hex.EncodeToString(cp.Root),
			"prev_id": cp.PrevID, "link": hex.EncodeToString(cp.Link), "sealed": len(cp.Seal) > 0}
	}
	return http.StatusOK, body, nil
}

// auditCheckpoint is public: the root hash is meant for the notice board.
func (s *server) auditCheckpoint(c *gin.Context) (int, any, error) {
	cp, err := s.deps.Audit.LatestCheckpoint(c.Request.Context())
	if err != nil {
		return 0, nil, err
	}
	heads := make([]gin.H, len(cp.Heads))
	for i, h := range cp.Heads {
		heads[i] = gin.H{"chain_id": h.ChainID, "seq": h.Seq, "hash": h.HashHex()}
	}
	return http.StatusOK, gin.H{"id": cp.ID, "created_at": cp.CreatedAt, "root_hash": hex.EncodeToString(cp.Root), "heads": heads,
		"prev_id": cp.PrevID, "link": hex.EncodeToString(cp.Link)}, nil
}

func (s *server) feed(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	after, err := queryInt(c, "after_id")
	if err != nil {
		return 0, nil, err
	}
	entries, err := s.deps.Audit.Feed(c.Request.Context(), principal(c), id, after, s.deps.Alerts.Threshold(c.Request.Context(), id, "feed_grant_min"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"feed": entries}, nil
}

func (s *server) alerts(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	status, err := queryOneOf(c, "status", alert.Open, alert.Acknowledged, alert.Resolved)
	if err != nil {
		return 0, nil, err
	}
	as, err := s.deps.Alerts.List(c.Request.Context(), principal(c), id, string(status))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"alerts": as}, nil
}
