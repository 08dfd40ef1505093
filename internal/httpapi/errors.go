package httpapi

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/fault"
)

// statusOf is the one table from error kinds to HTTP statuses.
var statusOf = map[fault.Kind]int{
	fault.Internal:         http.StatusInternalServerError,
	fault.Invalid:          http.StatusBadRequest,
	fault.Unprocessable:    http.StatusUnprocessableEntity,
	fault.Unauthenticated:  http.StatusUnauthorized,
	fault.Forbidden:        http.StatusForbidden,
	fault.NotFound:         http.StatusNotFound,
	fault.Conflict:         http.StatusConflict,
	fault.Gone:             http.StatusGone,
	fault.TooLarge:         http.StatusRequestEntityTooLarge,
	fault.RateLimited:      http.StatusTooManyRequests,
	fault.Unavailable:      http.StatusServiceUnavailable,
	fault.NotAllowed:       http.StatusMethodNotAllowed,
	fault.UnsupportedMedia: http.StatusUnsupportedMediaType,
}

var errInternal = fault.New(fault.Internal, "internal_error",
	"something went wrong on our side, please try again")

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

// writeError answers with the contract's error shape. Internal errors are logged with their
// detail and shown to people only as errInternal; the caller's mistakes are not logged as errors.
func writeError(c *gin.Context, log *slog.Logger, err error) {
	fe := fault.From(err)
	switch {
	case fe == nil || fe.Kind == fault.Internal:
		log.ErrorContext(c.Request.Context(), "request failed", "err", err)
		fe = errInternal
	case fe.Kind == fault.Unavailable:
		log.WarnContext(c.Request.Context(), "dependency unavailable", "err", err)
	}
	if fe.Kind == fault.RateLimited {
		if s, ok := fe.Details["retry_after_seconds"].(int); ok {
			c.Header("Retry-After", strconv.Itoa(s))
		}
	}
	if fe.Kind == fault.Unavailable {
		c.Header("Retry-After", "5")
	}
	c.Header("Content-Language", map[fault.Lang]string{fault.Chinese: "zh-CN", fault.English: "en"}[langOf(c)])
	c.AbortWithStatusJSON(statusOf[fe.Kind], errorBody{Error: errorDetail{Code: fe.Code, Message: fe.Text(langOf(c)), Details: fe.Details}})
}

// Errors of the HTTP layer itself.
var (
	errInvalidJSON  = fault.New(fault.Invalid, "invalid_json", "the request body is not valid JSON")
	errTooLarge     = fault.New(fault.TooLarge, "body_too_large", "the request body is too large")
	errInvalidID    = fault.New(fault.Invalid, "invalid_id", "the id in the path is not a positive number")
	errInvalidQuery = fault.New(fault.Invalid, "invalid_query", "a query parameter is malformed")
	errNullBody     = fault.Invalidf("the body must be a JSON object, not null")
	errNoRoute      = fault.New(fault.NotFound, "not_found", "no such endpoint")
	errNoMethod     = fault.New(fault.NotAllowed, "method_not_allowed", "method not allowed on this endpoint")
	errCSRF         = fault.New(fault.Forbidden, "csrf_failed", "missing or wrong X-CSRF-Token header")
	errNotJSON      = fault.New(fault.UnsupportedMedia, "unsupported_media_type", "the body must be sent as Content-Type: application/json")
	errNotReady     = fault.New(fault.Unavailable, "not_ready", "the service is starting, please retry shortly")
)
