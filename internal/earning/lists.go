package earning

import (
	"context"
	"fmt"
	"regexp"
	"strconv"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/org"
)

// Quarter is a quarter of a year, written YYYY-Q1 … YYYY-Q4: the span of the red and black lists.
type Quarter string

var quarterForm = regexp.MustCompile(`^(20\d\d)-Q([1-4])$`)

// ParseQuarter reads a quarter, or answers an invalid-input fault.
func ParseQuarter(s string) (Quarter, error) {
	if !quarterForm.MatchString(s) {
		return "", fault.Invalidf("quarter must be like 2026-Q3")
	}
	return Quarter(s), nil
}

// Months returns the quarter's months (YYYY-MM): the periods whose posted entries count.
func (q Quarter) Months() []string {
	m := quarterForm.FindStringSubmatch(string(q))
	n, _ := strconv.Atoi(m[2])
	out := make([]string, 3)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%02d", m[1], 3*(n-1)+i+1)
	}
	return out
}

// ListLine is a household on a list: its points in the quarter (net of penalties and corrections)
// and what put it there (its honours, or its black-list penalties).
type ListLine struct {
	HouseholdID int64  `json:"household_id" db:"household_id"`
	Household   string `json:"household" db:"household"`
	Head        string `json:"head" db:"head"`
	Points      int64  `json:"points" db:"points"`
	Items       string `json:"items" db:"items"` // the item names, separated by "、"
}

// Lists are a village's red and black lists of a quarter (红黑榜): the red list names the
// households with the most points and their honours, as many as the rule book says; the black
// list the households with a penalty of an item the rule book puts on it.
type Lists struct {
	VillageID   int64      `json:"village_id"`
	Quarter     Quarter    `json:"quarter"`
	RedListSize int        `json:"red_list_size"`
	Red         []ListLine `json:"red"`
	Black       []ListLine `json:"black"`
}

// Lists shows a village's red and black lists of a quarter to its people and those who read it.
func (s *Service) Lists(ctx context.Context, p auth.Principal, villageID int64, q Quarter) (Lists, error) {
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return Lists{}, err
	}
	if p.Home != pl && !p.CanReadVillage(pl) && !p.InVillage(villageID) {
		return Lists{}, fmt.Errorf("lists of village %d: %w", villageID, fault.ErrForbidden)
	}
	return s.lists(ctx, villageID, q)
}

// PublicLists are the lists as the public board shows them: the black list's heads masked.
func (s *Service) PublicLists(ctx context.Context, villageID int64, q Quarter) (Lists, error) {
	if _, err := s.place(ctx, villageID); err != nil {
		return Lists{}, err
	}
	l, err := s.lists(ctx, villageID, q)
	for i := range l.Black {
		l.Black[i].Head = org.MaskName(l.Black[i].Head)
	}
	return l, err
}

func (s *Service) lists(ctx context.Context, villageID int64, q Quarter) (Lists, error) {
	books, err := s.Store.RuleBooks(ctx, villageID)
	if err != nil {
		return Lists{}, err
	}
	size := 10
	for _, b := range books { // newest first: the one in force
		if b.Status == Adopted && b.RedListSize > 0 {
			size = b.RedListSize
			break
		}
	}
	red, black, err := s.Store.Lists(ctx, villageID, q.Months(), size)
	return Lists{VillageID: villageID, Quarter: q, RedListSize: size, Red: red, Black: black}, err
}
