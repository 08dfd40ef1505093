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
	"服务器出错了，请稍后再试 / something went wrong on our side, please try again")

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
	c.AbortWithStatusJSON(statusOf[fe.Kind], errorBody{Error: errorDetail{Code: fe.Code, Message: fe.Message, Details: fe.Details}})
}

// Errors of the HTTP layer itself.
var (
	errInvalidJSON  = fault.New(fault.Invalid, "invalid_json", "请求格式错误 / the request body is not valid JSON")
	errTooLarge     = fault.New(fault.TooLarge, "body_too_large", "请求内容过大 / the request body is too large")
	errInvalidID    = fault.New(fault.Invalid, "invalid_id", "编号格式错误 / the id in the path is not a positive number")
	errInvalidQuery = fault.New(fault.Invalid, "invalid_query", "查询参数错误 / a query parameter is malformed")
	errNoRoute      = fault.New(fault.NotFound, "not_found", "没有这个接口 / no such endpoint")
	errNoMethod     = fault.New(fault.NotAllowed, "method_not_allowed", "不支持该请求方法 / method not allowed on this endpoint")
	errCSRF         = fault.New(fault.Forbidden, "csrf_failed", "页面已过期，请刷新后重试 / missing or wrong X-CSRF-Token header")
	errNotJSON      = fault.New(fault.UnsupportedMedia, "unsupported_media_type", "请求须为 JSON / the body must be sent as Content-Type: application/json")
	errNotReady     = fault.New(fault.Unavailable, "not_ready", "服务正在启动，请稍后再试 / the service is starting, please retry shortly")
)
