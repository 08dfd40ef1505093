package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/auth"
)

type userJSON struct {
	ID                 int64        `json:"id"`
	Name               string       `json:"name"`
	Roles              []string     `json:"roles"`
	HouseholdID        int64        `json:"household_id,omitempty"`
	VillageID          int64        `json:"village_id"`
	TownshipID         int64        `json:"township_id"`
	Grants             []auth.Grant `json:"grants"`
	MustChangePassword bool         `json:"must_change_password"`
}

func userOf(p auth.Principal) userJSON {
	grants := p.Grants
	if grants == nil {
		grants = []auth.Grant{}
	}
	return userJSON{ID: p.PersonID, Name: p.Name, Roles: append([]string{}, p.Roles()...), HouseholdID: p.HouseholdID,
		VillageID: p.Home.VillageID, TownshipID: p.Home.TownshipID, Grants: grants, MustChangePassword: p.MustChangePassword}
}

func (s *server) login(c *gin.Context) (int, any, error) {
	var in struct {
		Phone    string `json:"phone"`
		Password string `json:"password"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	l, err := s.deps.Auth.Login(c.Request.Context(), in.Phone, in.Password, c.ClientIP())
	if err != nil {
		return 0, nil, err
	}
	s.setCookies(c, l.Token, l.CSRF, 0)
	return http.StatusOK, gin.H{"token": l.Token, "csrf_token": l.CSRF, "user": userOf(l.Principal)}, nil
}

// setCookies sets (or with maxAge < 0 clears) the session cookie, HttpOnly so that page scripts
// cannot read it, and the CSRF cookie, which the storefront's script reads and echoes.
func (s *server) setCookies(c *gin.Context, token, csrf string, maxAge int) {
	c.SetSameSite(http.SameSiteLaxMode)
	c.SetCookie(sessionCookie, token, maxAge, "/", "", s.deps.CookieSecure, true)
	c.SetCookie(csrfCookie, csrf, maxAge, "/", "", s.deps.CookieSecure, false)
}

func (s *server) logout(c *gin.Context) (int, any, error) {
	if err := s.deps.Auth.Logout(c.Request.Context(), session(c)); err != nil {
		return 0, nil, err
	}
	s.setCookies(c, "", "", -1)
	return http.StatusOK, gin.H{"status": "logged_out"}, nil
}

func (s *server) unlockLogin(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	was, err := s.deps.Auth.Unlock(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"status": "unlocked", "was_locked": was}, nil
}

func (s *server) resetPassword(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	once, err := s.deps.Auth.ResetPassword(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	c.Header("Cache-Control", "no-store")
	return http.StatusOK, gin.H{"one_time_password": once, "must_change_password": true}, nil
}

func (s *server) changePassword(c *gin.Context) (int, any, error) {
	var in struct {
		Current string `json:"current_password"`
		New     string `json:"new_password"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	if err := s.deps.Auth.ChangePassword(c.Request.Context(), session(c), in.Current, in.New); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"status": "password_changed"}, nil
}
