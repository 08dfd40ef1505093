package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/earning"
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

func (s *server) createRuleBook(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Title string `json:"title"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	b, err := s.deps.Earning.CreateRuleBook(c.Request.Context(), principal(c), id, in.Title)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, b, nil
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

func (s *server) decideEntry(c *gin.Context) (int, any, error) {
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
	e, err := s.deps.Earning.Decide(c.Request.Context(), principal(c), id, *in.Approve, in.Note)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, e, nil
}

func (s *server) voteEntry(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Vote string `json:"vote"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	e, err := s.deps.Earning.Vote(c.Request.Context(), principal(c), id, in.Vote)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"entry_id": e.ID, "vote": in.Vote}, nil
}

func (s *server) objectEntry(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	o, err := s.deps.Earning.Object(c.Request.Context(), principal(c), id, in.Reason)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, o, nil
}

func (s *server) openMeeting(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Month      string `json:"month"`
		HeldOn     string `json:"held_on"`
		Attendance string `json:"attendance"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	m, err := s.deps.Earning.OpenMeeting(c.Request.Context(), principal(c), id, in.Month, in.HeldOn, in.Attendance)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, m, nil
}

func (s *server) approveMonth(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	m, entries, err := s.deps.Earning.ApproveMonth(c.Request.Context(), principal(c), id, c.Param("month"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"meeting": m, "noticed": entries}, nil
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

func (s *server) answerObjection(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Upheld *bool  `json:"upheld"`
		Answer string `json:"answer"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	if in.Upheld == nil {
		return 0, nil, errMissing("upheld")
	}
	o, err := s.deps.Earning.Answer(c.Request.Context(), principal(c), id, *in.Upheld, in.Answer)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, o, nil
}

func (s *server) rateObjection(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Satisfied *bool `json:"satisfied"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	if in.Satisfied == nil {
		return 0, nil, errMissing("satisfied")
	}
	o, err := s.deps.Earning.RateAnswer(c.Request.Context(), principal(c), id, *in.Satisfied)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, o, nil
}

func (s *server) myObjections(c *gin.Context) (int, any, error) {
	os, err := s.deps.Earning.MyObjections(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"objections": os}, nil
}

func (s *server) issueBase(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Period string `json:"period"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	n, err := s.deps.Earning.IssueBase(c.Request.Context(), principal(c), id, in.Period)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"transfers": n}, nil
}

func (s *server) villageEntries(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	period := c.Query("period")
	if period == "" {
		period = earning.Period(s.deps.Vouchers.Now())
	}
	es, err := s.deps.Earning.Entries(c.Request.Context(), principal(c), id, period, earning.EntryStatus(c.Query("status")))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"period": period, "entries": es}, nil
}

func (s *server) setExpiryDate(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Date string `json:"date"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	v, err := s.deps.Earning.SetExpiryDate(c.Request.Context(), principal(c), id, in.Date)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, v, nil
}
