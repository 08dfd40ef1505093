package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/catalog"
)

func (s *server) shops(c *gin.Context) (int, any, error) {
	shops, err := s.deps.Catalog.Shops(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"shops": shops}, nil
}

func (s *server) shop(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	sh, err := s.deps.Catalog.Shop(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, sh, nil
}

func (s *server) agreements(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	as, err := s.deps.Catalog.Agreements(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"agreements": as}, nil
}

func (s *server) setAgreementStatus(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Status catalog.AgreementStatus `json:"status"`
		Note   string                  `json:"note"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	a, err := s.deps.Catalog.SetAgreementStatus(c.Request.Context(), principal(c), id, in.Status, in.Note)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a, nil
}

func (s *server) standards(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	st, err := s.deps.Catalog.Standards(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"standards": st}, nil
}

func (s *server) decideStandard(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Approve *bool  `json:"approve"`
		Note    string `json:"note"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	if in.Approve == nil {
		return 0, nil, errMissing("approve")
	}
	st, _, err := s.deps.Catalog.DecideStandard(c.Request.Context(), principal(c), id, *in.Approve, in.Note)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, st, nil
}
