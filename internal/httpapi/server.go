// Package httpapi is the JSON API under /api/v1 plus /healthz, /readyz and /metrics. It is thin:
// decode, call a domain service, encode. Errors are mapped to statuses in one table (errors.go).
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"pointsmarket/internal/alert"
	"pointsmarket/internal/assessment"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/board"
	"pointsmarket/internal/card"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/dashboard"
	"pointsmarket/internal/dividend"
	"pointsmarket/internal/earning"
	"pointsmarket/internal/export"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/grid"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/notify"
	"pointsmarket/internal/org"
	"pointsmarket/internal/proxy"
	"pointsmarket/internal/request"
	"pointsmarket/internal/settlement"
	"pointsmarket/internal/voucher"
	"pointsmarket/internal/web"
)

// Readiness reports the state of the dependencies.
type Readiness struct {
	MySQL    error
	Redis    error
	Migrated bool
	Draining bool // the instance is stopping: it finishes its work but takes no new clients
}

// Deps are what the API serves.
type Deps struct {
	Auth       *auth.Service
	Org        *org.Service
	Ledger     *ledger.Service
	Audit      *audit.Service
	Catalog    *catalog.Service
	Vouchers   *voucher.Service
	Earning    *earning.Service
	Settlement *settlement.Service
	Dividends  *dividend.Service
	Assessment *assessment.Service
	Dashboards *dashboard.Service
	Board      *board.Service
	// Boards serves the public board (the Board service behind a cache).
	Boards  board.Reader
	Exports *export.Service
	Alerts  *alert.Service
	// Requests is the villagers' requests (民情诉求).
	Requests *request.Service
	// Notify is every person's inbox.
	Notify *notify.Service
	// Grid is the households representatives serve (联户).
	Grid *grid.Service
	// Proxies is who may redeem for a household (代办).
	Proxies *proxy.Service
	// Cards is the household cards and their PINs (户卡).
	Cards *card.Service
	// Check pings MySQL and Redis for /readyz.
	Check func(ctx context.Context) Readiness
	// Migrated reports whether the schema is in place; until then the API answers 503.
	Migrated func() bool
	// Draining reports whether the instance is stopping: /readyz answers 503 and every answer
	// closes its connection. Nil: never.
	Draining func() bool
	Logger   *slog.Logger
	Registry *prometheus.Registry
	// CookieSecure marks cookies Secure; set it whenever the service is reached over HTTPS.
	CookieSecure bool
	// TrustedProxies are the addresses whose X-Forwarded-For is believed (load balancers).
	TrustedProxies []string
}

type server struct {
	deps    Deps
	log     *slog.Logger
	metrics *Metrics
}

// New returns the HTTP handler of the service.
func New(deps Deps) (http.Handler, error) {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Registry == nil {
		deps.Registry = prometheus.NewRegistry()
	}
	s := &server{deps: deps, log: deps.Logger, metrics: NewMetrics(deps.Registry)}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(deps.TrustedProxies); err != nil {
		return nil, err
	}
	r.HandleMethodNotAllowed = true
	r.Use(s.requestContext, s.recovery, s.metrics.middleware)
	storefront := web.New()
	r.NoRoute(func(c *gin.Context) {
		if strings.HasPrefix(c.Request.URL.Path, "/api/") || c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
			writeError(c, logger(c), errNoRoute)
			return
		}
		storefront.ServeHTTP(c.Writer, c.Request)
	})
	r.NoMethod(func(c *gin.Context) { writeError(c, logger(c), errNoMethod) })
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", gin.WrapH(promhttp.HandlerFor(deps.Registry, promhttp.HandlerOpts{})))
	s.routes(r.Group("/api/v1", s.ready))
	return r, nil
}

func (s *server) readyz(c *gin.Context) {
	r := s.deps.Check(c.Request.Context())
	state := func(err error) string {
		if err != nil {
			return "down"
		}
		return "ok"
	}
	body := gin.H{"mysql": state(r.MySQL), "redis": state(r.Redis), "migrated": r.Migrated}
	if r.Draining {
		body["status"] = "draining"
		body["error"] = errorDetail{Code: "draining", Message: "实例正在停止，请改用其他实例 / this instance is stopping: use another"}
		c.JSON(http.StatusServiceUnavailable, body)
		return
	}
	if r.MySQL != nil || !r.Migrated {
		body["status"] = "not_ready"
		body["error"] = errorDetail{Code: "not_ready", Message: "数据库不可用或尚未就绪 / MySQL is unreachable or the schema is not migrated yet"}
		c.JSON(http.StatusServiceUnavailable, body)
		return
	}
	body["status"] = "ready"
	c.JSON(http.StatusOK, body)
}

// errAnswered tells handle that the handler wrote its own (non-JSON) answer.
var errAnswered = fault.New(fault.Internal, "answered", "the handler answered itself")

// handlerFunc is a handler that returns its answer; handle writes it, or the error.
type handlerFunc func(c *gin.Context) (status int, body any, err error)

func handle(fn handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		status, body, err := fn(c)
		if err == errAnswered {
			return
		}
		if err != nil {
			_ = c.Error(err) // for traceRefusals
			writeError(c, logger(c), err)
			return
		}
		c.JSON(status, body)
	}
}

// refusedCodes are refusals of an insider's act that are not 403s, yet must be seen.
var refusedCodes = map[string]bool{"incompatible_roles": true, "supervisor_body_taken": true, "decision_required": true}

// traceAllRefusals, set on a request by its handler, names what the request is (a counter's offline
// sync): every refusal of it is audited, not only the forbidden ones.
const traceAllRefusals = "pm.trace_all_refusals"

// traceRefusals audits, after the handler, a write refused to a logged-in person as forbidden (or
// as one of refusedCodes, or any refusal of a request marked traceAllRefusals): who tried what, on
// which object, and the answer.
func (s *server) traceRefusals(c *gin.Context) {
	c.Next()
	if safeMethod(c.Request.Method) || len(c.Errors) == 0 {
		return
	}
	fe := fault.From(c.Errors.Last().Err)
	what := c.GetString(traceAllRefusals)
	all := what != "" && fe != nil && fe.Kind != fault.Internal && fe.Kind != fault.Unavailable
	if fe == nil || fe.Kind != fault.Forbidden && !refusedCodes[fe.Code] && !all {
		return
	}
	id, _ := pathID(c, "id")
	r := audit.Refusal{Route: strings.TrimSpace(what + " " + c.Request.Method + " " + c.FullPath()), ObjectID: id, Code: fe.Code}
	if err := s.deps.Audit.RecordRefusal(c.Request.Context(), principal(c), r); err != nil {
		logger(c).WarnContext(c.Request.Context(), "refusal not audited", "err", err)
	}
}

// Route is a method and path the API serves, as Gin writes it (/api/v1/vouchers/:id).
type Route struct{ Method, Path string }

// Routes lists what a handler made by New serves, for tests that walk every route.
func Routes(h http.Handler) []Route {
	e, ok := h.(*gin.Engine)
	if !ok {
		return nil
	}
	var out []Route
	for _, r := range e.Routes() {
		out = append(out, Route{Method: r.Method, Path: r.Path})
	}
	return out
}
