package httpapi

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/request"
)

func (s *server) fileRequest(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in request.FileInput
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	r, err := s.deps.Requests.File(c.Request.Context(), principal(c), id, in, idempotencyKey(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, r, nil
}

// desk answers a desk's requests, chosen by ?status (open by default).
func desk(list func(context.Context, auth.Principal, int64, request.Status) ([]request.Request, error)) handlerFunc {
	return func(c *gin.Context) (int, any, error) {
		id, err := pathID(c, "id")
		if err != nil {
			return 0, nil, err
		}
		st, err := request.StatusFilter(c.Query("status"))
		if err != nil {
			return 0, nil, errInvalidQuery.WithMessage("status must be one of open, answered, closed, all")
		}
		rs, err := list(c.Request.Context(), principal(c), id, st)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, gin.H{"requests": rs}, nil
	}
}

func (s *server) myRequests(c *gin.Context) (int, any, error) {
	rs, err := s.deps.Requests.Mine(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"requests": rs}, nil
}

func (s *server) departments(ctx context.Context, p auth.Principal, countyID int64) (gin.H, error) {
	ds, err := s.deps.Requests.Departments(ctx, p, countyID)
	if err != nil {
		return nil, err
	}
	return gin.H{"departments": ds}, nil
}

// publicRequests are a village's public requests on its board, masked.
func (s *server) publicRequests(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	rs, err := s.deps.Requests.Public(c.Request.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"requests": rs}, nil
}

// requestRates are a unit's three rates, public: ?level=village|township|department&unit_id=&from=&to=.
func (s *server) requestRates(c *gin.Context) (int, any, error) {
	level, err := queryOneOf(c, "level", request.AtVillage, request.AtTownship, request.AtDepartment)
	if err != nil {
		return 0, nil, err
	}
	unit, err := queryInt(c, "unit_id")
	if err != nil {
		return 0, nil, err
	}
	if level == "" || unit == 0 {
		return 0, nil, errInvalidQuery.WithMessage("level (village, township or department) and unit_id are required")
	}
	r, err := s.deps.Requests.Rates(c.Request.Context(), level, unit, c.Query("from"), c.Query("to"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, r, nil
}

func (s *server) myDepartments(c *gin.Context) (int, any, error) {
	ds, err := s.deps.Requests.MyDepartments(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"departments": ds}, nil
}

func (s *server) courtyardMeetings(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	p := principal(c)
	ms, err := s.deps.Requests.Meetings(c.Request.Context(), &p, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"meetings": ms}, nil
}

// publicMeetings are a village's courtyard meetings on its board: who came (heads masked), the
// problems raised and what became of them.
func (s *server) publicMeetings(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	ms, err := s.deps.Requests.Meetings(c.Request.Context(), nil, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"meetings": ms}, nil
}
