package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/calendar"
	"pointsmarket/internal/earning"
	"pointsmarket/internal/text"
)

func (s *server) ruleBooks(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	bs, err := s.deps.Earning.RuleBooks(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"rule_books": bs}, nil
}

func (s *server) registerEntry(c *gin.Context) (int, any, error) {
	var in earning.RegisterInput
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	e, err := s.deps.Earning.Register(c.Request.Context(), principal(c), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, e, nil
}

func (s *server) suggestions(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	sgs, err := s.deps.Earning.Suggestions(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"suggestions": sgs}, nil
}

func (s *server) approveMonth(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var b earning.MonthBallot
	if c.Request.ContentLength != 0 { // a body is optional: no body is a vote for
		if err := bindJSON(c, &b); err != nil {
			return 0, nil, err
		}
	}
	out, err := s.deps.Earning.ApproveMonth(c.Request.Context(), principal(c), id, c.Param("month"), b)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

func (s *server) meeting(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	out, err := s.deps.Earning.MeetingOf(c.Request.Context(), principal(c), id, c.Param("month"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}

func (s *server) notice(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	lines, err := s.deps.Earning.Notice(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"entries": lines}, nil
}

func (s *server) villageObjections(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	rates, os, err := s.deps.Earning.ObjectionRates(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"rates": rates, "objections": os}, nil
}

func (s *server) myObjections(c *gin.Context) (int, any, error) {
	os, err := s.deps.Earning.MyObjections(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"objections": os}, nil
}

func (s *server) villageEntries(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	period := c.Query("period")
	if period == "" {
		period = calendar.Period(s.deps.Vouchers.Now())
	} else if _, err := text.Month("period", period, calendar.Zone()); err != nil {
		return 0, nil, errInvalidQuery.WithMessage("%s must be a month between 2000 and 2100, like 2026-11", "period")
	}
	status, err := queryOneOf(c, "status", earning.EntryStatuses...)
	if err != nil {
		return 0, nil, err
	}
	es, err := s.deps.Earning.Entries(c.Request.Context(), principal(c), id, period, status)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"period": period, "entries": es}, nil
}
