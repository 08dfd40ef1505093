package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/dashboard"
	"pointsmarket/internal/export"
)

type dashboardOf func(context.Context, auth.Principal, int64, dashboard.Months) (dashboard.Dashboard, error)

// readDashboard reads the path's id and the ?from=&to= months and asks fn.
func readDashboard(c *gin.Context, fn dashboardOf) (dashboard.Dashboard, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return dashboard.Dashboard{}, err
	}
	return fn(c.Request.Context(), principal(c), id, dashboard.Months{From: c.Query("from"), To: c.Query("to")})
}

func (s *server) dashboard(fn dashboardOf) handlerFunc {
	return func(c *gin.Context) (int, any, error) {
		d, err := readDashboard(c, fn)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, d, nil
	}
}

// dashboardExport answers the dashboard as an Excel workbook. It is small (a row per village), so
// it is written whole before the answer starts: a failure is still a clean error.
func (s *server) dashboardExport(scope string, fn dashboardOf) gin.HandlerFunc {
	return func(c *gin.Context) {
		d, err := readDashboard(c, fn)
		if err != nil {
			writeError(c, logger(c), err)
			return
		}
		var buf bytes.Buffer
		header, rows := d.Table()
		if err := export.Table(&buf, header, rows); err != nil {
			writeError(c, logger(c), err)
			return
		}
		name := fmt.Sprintf("%s-%s-dashboard-%s-%s.xlsx", scope, c.Param("id"), d.From, d.To)
		c.Header("Content-Disposition", "attachment; filename=\""+name+"\"; filename*=UTF-8''"+url.PathEscape(name))
		c.Header("Cache-Control", "no-store")
		c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	}
}
