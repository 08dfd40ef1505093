package httpapi

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
)

const (
	sessionCookie = "pm_session"
	csrfCookie    = "pm_csrf"
	csrfHeader    = "X-CSRF-Token"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestContext gives every request an id (kept from X-Request-ID when sane), a logger carrying
// it, and the audit actor that stores record; it logs one line per request.
func (s *server) requestContext(c *gin.Context) {
	start := time.Now()
	if s.deps.Draining != nil && s.deps.Draining() {
		// net/http closes the connection after this answer: the client's next request opens
		// a new one, which the load balancer sends to an instance that is not stopping.
		c.Header("Connection", "close")
	}
	id := c.GetHeader("X-Request-ID")
	if !requestIDPattern.MatchString(id) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Header("X-Request-ID", id)
	ctx := audit.WithActor(c.Request.Context(), audit.Actor{Role: "anonymous", IP: c.ClientIP(), RequestID: id})
	c.Request = c.Request.WithContext(withLogger(ctx, s.log.With("request_id", id)))
	c.Next()
	status := c.Writer.Status()
	level := slog.LevelInfo
	switch {
	case status == http.StatusServiceUnavailable:
		level = slog.LevelWarn
	case status >= 500:
		level = slog.LevelError
	}
	attrs := []any{"method", c.Request.Method, "route", c.FullPath(), "status", status,
		"duration_ms", float64(time.Since(start).Microseconds()) / 1000, "ip", c.ClientIP()}
	if a, ok := audit.ActorFrom(c.Request.Context()); ok && a.PersonID != 0 {
		attrs = append(attrs, "person_id", a.PersonID)
	}
	logger(c).Log(c.Request.Context(), level, "request", attrs...)
}

// recovery turns a panic into the contract's 500 and logs it; a panic is a bug, never an answer.
func (s *server) recovery(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			writeError(c, logger(c), fmt.Errorf("panic: %v", p))
		}
	}()
	c.Next()
}

// ready answers 503 until the schema is migrated.
func (s *server) ready(c *gin.Context) {
	if !s.deps.Migrated() {
		writeError(c, logger(c), errNotReady)
		return
	}
	c.Next()
}

// authenticate requires a session: a Bearer token for API clients, or the session cookie for the
// browser. Unsafe methods under a cookie session must echo the CSRF token in X-CSRF-Token, which
// a page of another site cannot read.
func (s *server) authenticate(c *gin.Context) {
	token, fromCookie := bearer(c), false
	if token == "" {
		if ck, err := c.Cookie(sessionCookie); err == nil {
			token, fromCookie = ck, true
		}
	}
	if token == "" {
		writeError(c, logger(c), fault.ErrUnauthorized)
		return
	}
	sess, p, err := s.deps.Auth.Authenticate(c.Request.Context(), token)
	if err != nil {
		writeError(c, logger(c), err)
		return
	}
	if fromCookie && !safeMethod(c.Request.Method) {
		got := c.GetHeader(csrfHeader)
		if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) != 1 {
			writeError(c, logger(c), errCSRF)
			return
		}
	}
	if p.MustChangePassword && !passwordChangeRoutes[c.FullPath()] {
		writeError(c, logger(c), auth.ErrPasswordChangeRequired)
		return
	}
	actor, _ := audit.ActorFrom(c.Request.Context())
	actor.PersonID, actor.Role = p.PersonID, strings.Join(p.Roles(), ",")
	c.Request = c.Request.WithContext(audit.WithActor(c.Request.Context(), actor))
	c.Set(principalKey, p)
	c.Set(sessionKey, sess)
	c.Next()
}

// passwordChangeRoutes are all a person with an initial password may call until they change it:
// enough to see who they are, change it, or leave.
var passwordChangeRoutes = map[string]bool{
	"/api/v1/me": true, "/api/v1/auth/password": true, "/api/v1/auth/logout": true,
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func bearer(c *gin.Context) string {
	h := c.GetHeader("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

const (
	principalKey = "pm.principal"
	sessionKey   = "pm.session"
)

func principal(c *gin.Context) auth.Principal {
	p, _ := c.Get(principalKey)
	return p.(auth.Principal) // set by authenticate on every route that calls this
}

func session(c *gin.Context) auth.Session {
	s, _ := c.Get(sessionKey)
	return s.(auth.Session)
}
