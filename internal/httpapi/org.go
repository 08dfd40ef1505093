package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/org"
)

func (s *server) villages(c *gin.Context) (int, any, error) {
	vs, err := s.deps.Org.Villages(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"villages": vs}, nil
}

func (s *server) counties(c *gin.Context) (int, any, error) {
	cs, err := s.deps.Org.Counties(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"counties": cs}, nil
}

func (s *server) groups(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	gs, err := s.deps.Org.Groups(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"groups": gs}, nil
}

func (s *server) createGroup(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	g, err := s.deps.Org.CreateGroup(c.Request.Context(), principal(c), id, in.Name)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, g, nil
}

func (s *server) households(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	after, err := queryInt(c, "after_id")
	if err != nil {
		return 0, nil, err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return 0, nil, err
	}
	hs, err := s.deps.Org.Households(c.Request.Context(), principal(c), id, after, int(limit))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"households": hs}, nil
}

func (s *server) listPeople(c *gin.Context, f org.PeopleFilter) (int, any, error) {
	var err error
	if f.AfterID, err = queryInt(c, "after_id"); err != nil {
		return 0, nil, err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return 0, nil, err
	}
	f.Limit = int(limit)
	people, err := s.deps.Org.People(c.Request.Context(), principal(c), f)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"people": people}, nil
}

func (s *server) people(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	return s.listPeople(c, org.PeopleFilter{VillageID: id})
}

func (s *server) householdPeople(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	h, err := s.deps.Org.Household(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return s.listPeople(c, org.PeopleFilter{VillageID: h.VillageID, HouseholdID: h.ID})
}

func (s *server) roles(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	gs, err := s.deps.Org.Grants(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"roles": gs}, nil
}

func (s *server) revokeRole(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in org.GrantInput
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	if err := s.deps.Org.Revoke(c.Request.Context(), principal(c), id, in); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"status": "revoked"}, nil
}

// directory lists the villages for anyone: the way to their public boards.
func (s *server) directory(c *gin.Context) (int, any, error) {
	vs, err := s.deps.Org.Directory(c.Request.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"villages": vs}, nil
}
