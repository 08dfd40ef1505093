package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/calendar"
	"pointsmarket/internal/export"
)

// export streams an export as a download: ?format=xlsx|csv&from=&to= (default: this month).
func (s *server) export(c *gin.Context) {
	fail := func(err error) { writeError(c, logger(c), err) }
	id, err := pathID(c, "id")
	if err != nil {
		fail(err)
		return
	}
	kind, format := c.Param("kind"), c.DefaultQuery("format", "xlsx")
	f := export.Filter{VillageID: id}
	if f.From, err = queryTime(c, "from"); err != nil {
		fail(err)
		return
	}
	if f.To, err = queryTime(c, "to"); err != nil {
		fail(err)
		return
	}
	now := s.deps.Vouchers.Now().In(calendar.Zone())
	if f.From.IsZero() {
		f.From = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location()).UTC()
	}
	if f.To.IsZero() {
		f.To = now.Add(time.Second).UTC()
	}
	if err := s.deps.Exports.Check(c.Request.Context(), principal(c), kind, format, id); err != nil {
		fail(err)
		return
	}
	name := fmt.Sprintf("village-%d-%s-%s.%s", id, kind, f.From.In(now.Location()).Format("2006-01-02"), format)
	c.Header("Content-Disposition", "attachment; filename=\""+name+"\"; filename*=UTF-8''"+url.PathEscape(name))
	c.Header("Cache-Control", "no-store")
	if format == "csv" {
		c.Header("Content-Type", "text/csv; charset=utf-8")
	} else {
		c.Header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	c.Status(http.StatusOK)
	if err := s.deps.Exports.Write(c.Request.Context(), principal(c), kind, format, f, c.Writer); err != nil {
		logger(c).ErrorContext(c.Request.Context(), "export cut short", "kind", kind, "err", err)
	}
}
