package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *server) gridHead(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	cur, hist, err := s.deps.Grid.GridHead(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"grid_head": cur, "history": hist}, nil
}

// myGridHead is who serves my household (null when nobody does yet).
func (s *server) myGridHead(c *gin.Context) (int, any, error) {
	p := principal(c)
	if p.HouseholdID == 0 {
		return http.StatusOK, gin.H{"grid_head": nil, "history": []any{}}, nil
	}
	cur, hist, err := s.deps.Grid.GridHead(c.Request.Context(), p, p.HouseholdID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"grid_head": cur, "history": hist}, nil
}

func (s *server) householdsServed(c *gin.Context) (int, any, error) {
	hs, err := s.deps.Grid.Served(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"households": hs}, nil
}

func (s *server) visits(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	person, err := queryInt(c, "person_id")
	if err != nil {
		return 0, nil, err
	}
	vs, err := s.deps.Grid.Visits(c.Request.Context(), principal(c), id, person)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"visits": vs}, nil
}

func (s *server) villageGrid(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	heads, in, err := s.deps.Grid.Village(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"grid_heads": heads, "assignments": in}, nil
}

func (s *server) proxies(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	ps, err := s.deps.Proxies.Of(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"proxies": ps}, nil
}

// proxyFor is the households I may redeem for, with their spendable points.
func (s *server) proxyFor(c *gin.Context) (int, any, error) {
	ps, err := s.deps.Proxies.For(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"households": ps}, nil
}
