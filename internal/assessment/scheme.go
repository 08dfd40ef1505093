package assessment

import (
	"regexp"
	"slices"

	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
)

// SchemeInput is a scheme as the county admin adopts it. Omitted numbers take the defaults of
// 洞口县's practice: the bottom 20 warned, seven days to object.
type SchemeInput struct {
	Period        string `json:"period"`
	Title         string `json:"title"`
	Items         []Item `json:"items"`
	AwardBands    []Band `json:"award_bands"`
	WarnBottom    *int   `json:"warn_bottom"`
	TieRule       string `json:"tie_rule"`
	BudgetFen     int64  `json:"budget_fen"`
	ObjectionDays int    `json:"objection_days"`
}

var itemCode = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

const (
	maxItems     = 200
	maxItemPoint = 1000
	maxBudgetFen = 100_000_000_000_00 // ¥10 billion: more than a county's year
)

// scheme validates in for a county whose townships are given and returns the scheme it states.
func (in SchemeInput) scheme(countyID int64, townships []int64) (Scheme, error) {
	period, err := ParsePeriod("period", in.Period)
	if err != nil {
		return Scheme{}, err
	}
	title, err := text.Clean("title", in.Title, 1, 100)
	if err != nil {
		return Scheme{}, err
	}
	s := Scheme{CountyID: countyID, Period: period, Title: title, TieRule: in.TieRule, BudgetFen: in.BudgetFen,
		WarnBottom: 20, ObjectionDays: in.ObjectionDays}
	if in.WarnBottom != nil {
		s.WarnBottom = *in.WarnBottom
	}
	if s.TieRule == "" {
		s.TieRule = TieFewerEvents
	}
	if s.ObjectionDays == 0 {
		s.ObjectionDays = 7
	}
	switch {
	case s.TieRule != TieFewerEvents && s.TieRule != TieHigherActivity:
		return Scheme{}, fault.Invalidf("tie_rule must be fewer_events or higher_activity")
	case s.WarnBottom < 0 || s.WarnBottom > 10000:
		return Scheme{}, fault.Invalidf("warn_bottom must be from 0 to 10000")
	case s.ObjectionDays < 1 || s.ObjectionDays > 60:
		return Scheme{}, fault.Invalidf("objection_days must be from 1 to 60")
	case s.BudgetFen < 0 || s.BudgetFen > maxBudgetFen:
		return Scheme{}, fault.Invalidf("budget_fen must be from 0 to 10,000,000,000,000")
	}
	if s.Items, err = items(in.Items, townships); err != nil {
		return Scheme{}, err
	}
	if s.AwardBands, err = bands(in.AwardBands, s.BudgetFen); err != nil {
		return Scheme{}, err
	}
	return s, nil
}

func items(in []Item, townships []int64) ([]Item, error) {
	if len(in) == 0 || len(in) > maxItems {
		return nil, fault.Invalidf("items must list from 1 to %d items", maxItems)
	}
	out := make([]Item, 0, len(in))
	for i, it := range in {
		if !itemCode.MatchString(it.Code) {
			return nil, fault.Invalidf("items[%d].code must be 1 to 32 lower-case letters, digits or _", i)
		}
		if slices.ContainsFunc(out, func(o Item) bool { return o.Code == it.Code }) {
			return nil, fault.Invalidf("items[%d].code %q is listed twice", i, it.Code)
		}
		name, err := text.Clean("items.name", it.Name, 1, 64)
		if err != nil {
			return nil, err
		}
		it.Name = name
		if it.Parent == "" {
			err = topItem(i, it)
		} else {
			err = subItem(i, it, in, townships)
			it.Kind = KindZero
		}
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

func topItem(i int, it Item) error {
	switch {
	case it.TownshipID != 0:
		return fault.Invalidf("items[%d]: only a sub-item (with a parent) belongs to a township", i)
	case it.Points < 1 || it.Points > maxItemPoint:
		return fault.Invalidf("items[%d].points must be from 1 to %d", i, maxItemPoint)
	}
	switch it.Kind {
	case KindZero:
		if it.Deduction < 1 || it.Deduction > it.Points {
			return fault.Invalidf("items[%d].deduction must be from 1 to the item's points", i)
		}
	case KindActivity, KindTasks:
		if it.Deduction != 0 {
			return fault.Invalidf("items[%d]: only a zero item deducts per event", i)
		}
	default:
		return fault.Invalidf("items[%d].kind must be zero, activity or tasks", i)
	}
	return nil
}

func subItem(i int, it Item, all []Item, townships []int64) error {
	parent := slices.IndexFunc(all, func(p Item) bool { return p.Code == it.Parent && p.Parent == "" })
	switch {
	case parent < 0 || all[parent].Kind != KindZero:
		return fault.Invalidf("items[%d].parent must be the code of a zero item of the scheme", i)
	case it.Kind != "" && it.Kind != KindZero:
		return fault.Invalidf("items[%d]: a sub-item refines a zero item and has no kind of its own", i)
	case !slices.Contains(townships, it.TownshipID):
		return fault.Invalidf("items[%d].township_id must be a township of the county", i)
	case it.Points != 0:
		return fault.Invalidf("items[%d]: a sub-item counts against its parent's points and has none of its own", i)
	case it.Deduction < 0 || it.Deduction > all[parent].Points:
		return fault.Invalidf("items[%d].deduction must be from 0 (the parent's) to the parent's points", i)
	}
	return nil
}

func bands(in []Band, budget int64) ([]Band, error) {
	if len(in) > 100 {
		return nil, fault.Invalidf("award_bands must list at most 100 bands")
	}
	var total int64
	prev := 0
	for i, b := range in {
		if b.ToRank <= prev || b.ToRank > 10000 {
			return nil, fault.Invalidf("award_bands[%d].to_rank must be above the previous band's and at most 10000", i)
		}
		if b.AmountFen < 1 || b.AmountFen > maxBudgetFen {
			return nil, fault.Invalidf("award_bands[%d].amount_fen must be a positive number of fen", i)
		}
		total += int64(b.ToRank-prev) * b.AmountFen
		if total > budget {
			return nil, fault.Invalidf("the award bands pay %d fen in all, more than budget_fen", total)
		}
		prev = b.ToRank
	}
	if in == nil {
		in = []Band{}
	}
	return in, nil
}
