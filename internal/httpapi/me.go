package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/ledger"
)

// accountJSON is an account as the contract shows it, with lifetime earned points beside.
type accountJSON struct {
	ID        int64              `json:"id"`
	Kind      ledger.AccountKind `json:"kind"`
	VillageID int64              `json:"village_id"`
	OwnerID   int64              `json:"owner_id"`
	Available int64              `json:"available"`
	Held      int64              `json:"held"`
	Balance   int64              `json:"balance"`
	Earned    int64              `json:"earned"`
	// Expiring and ExpiresOn announce the village's yearly clearing of spendable points, if any.
	Expiring  *int64 `json:"expiring,omitempty"`
	ExpiresOn string `json:"expires_on,omitempty"`
}

func accountOf(a ledger.Account) accountJSON {
	return accountJSON{ID: a.ID, Kind: a.Kind, VillageID: a.VillageID, OwnerID: a.OwnerID,
		Available: a.Available(), Held: a.Held, Balance: a.Balance(), Earned: a.Earned}
}

func (s *server) me(c *gin.Context) (int, any, error) {
	p := principal(c)
	accounts, err := s.deps.Ledger.AccountsOf(c.Request.Context(), p)
	if err != nil {
		return 0, nil, err
	}
	out := make([]accountJSON, len(accounts))
	for i, a := range accounts {
		out[i] = accountOf(a)
		if points, on, ok := s.deps.Earning.Expiring(c.Request.Context(), a.VillageID, a.Available()); ok {
			out[i].Expiring, out[i].ExpiresOn = &points, on.Format("2006-01-02")
		}
	}
	return http.StatusOK, gin.H{"user": userOf(p), "accounts": out}, nil
}

func (s *server) account(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	a, err := s.deps.Ledger.Account(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"account": accountOf(a)}, nil
}

func (s *server) history(c *gin.Context) (int, any, error) {
	id, before, limit, err := pageOf(c)
	if err != nil {
		return 0, nil, err
	}
	lines, err := s.deps.Ledger.History(c.Request.Context(), principal(c), id, before, limit)
	if err != nil {
		return 0, nil, err
	}
	body := gin.H{"lines": lines}
	if n := len(lines); n > 0 { // an empty page is the end
		body["next_before_id"] = lines[n-1].TransferID
	}
	return http.StatusOK, body, nil
}
