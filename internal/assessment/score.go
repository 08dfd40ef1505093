package assessment

import (
	"cmp"
	"slices"
	"time"
)

// Standing is what a village is scored on over a half-year.
type Standing struct {
	VillageID  int64
	Name       string
	TownshipID int64
	// Events counts the village's counting events by item code (sub-items under their own code).
	Events      map[string]int
	TasksGiven  int
	TasksOnTime int
	Households  int
	// ActiveMonths sums, over the months counted, the households with posted points that month.
	ActiveMonths int
	Months       int
}

// activityBasis is the village's activity in ten-thousandths: households with posted points
// per household-month.
func (st Standing) activityBasis() int64 {
	if st.Households == 0 || st.Months == 0 {
		return 0
	}
	return int64(st.ActiveMonths) * 10000 / int64(st.Households*st.Months)
}

func (st Standing) eventCount() int {
	n := 0
	for _, c := range st.Events {
		n += c
	}
	return n
}

// ItemScore is one item's part of a village's score.
type ItemScore struct {
	Code   string   `json:"code"`
	Name   string   `json:"name"`
	Kind   ItemKind `json:"kind"`
	Points int64    `json:"points"`
	Score  float64  `json:"score"`
	Events int      `json:"events"`
}

// Bands of a ranking.
const (
	BandAward  = "award"
	BandNone   = "none"
	BandWarned = "warned"
)

// Row is a village's line in a ranking.
type Row struct {
	VillageID   int64       `json:"village_id" db:"village_id"`
	Name        string      `json:"name" db:"name"`
	TownshipID  int64       `json:"township_id" db:"township_id"`
	Score       float64     `json:"score" db:"-"`
	ScoreCenti  int64       `json:"-" db:"score_centi"`
	Rank        int         `json:"rank" db:"rank"`
	Band        string      `json:"band" db:"band"`
	AwardFen    int64       `json:"award_fen" db:"award_fen"`
	Events      int         `json:"events" db:"events"`
	ActivityPct int         `json:"activity_pct" db:"activity_pct"`
	Flagged     bool        `json:"flagged" db:"flagged"`
	Items       []ItemScore `json:"items,omitempty" db:"-"`
}

// Ranking is a county's ranking of a half-year: published, or as it stands so far.
type Ranking struct {
	CountyID    int64      `json:"county_id"`
	County      string     `json:"county"`
	Period      Period     `json:"period"`
	SchemeID    int64      `json:"scheme_id"`
	Version     int        `json:"scheme_version"`
	TieRule     string     `json:"tie_rule"`
	Published   bool       `json:"published"`
	PublishedBy *int64     `json:"published_by"`
	PublishedAt *time.Time `json:"published_at"`
	Villages    []Row      `json:"villages"`
}

// Score computes a village's score under a scheme, in hundredths of a point, with its items.
func Score(s Scheme, st Standing) (int64, []ItemScore) {
	var total int64
	items := []ItemScore{}
	for _, it := range s.Items {
		if it.Parent != "" {
			continue
		}
		is := ItemScore{Code: it.Code, Name: it.Name, Kind: it.Kind, Points: it.Points}
		var centi int64
		switch it.Kind {
		case KindZero:
			centi = it.Points * 100
			for _, sub := range s.Items {
				if sub.Code != it.Code && (sub.Parent != it.Code || sub.TownshipID != st.TownshipID) {
					continue
				}
				deduction := sub.Deduction
				if deduction == 0 {
					deduction = it.Deduction
				}
				n := st.Events[sub.Code]
				is.Events += n
				centi -= int64(n) * deduction * 100
			}
			centi = max(centi, 0)
		case KindActivity:
			centi = it.Points * 100 * st.activityBasis() / 10000
		case KindTasks:
			centi = it.Points * 100
			if st.TasksGiven > 0 {
				centi = it.Points * 100 * int64(st.TasksOnTime) / int64(st.TasksGiven)
			}
		}
		is.Score = float64(centi) / 100
		total += centi
		items = append(items, is)
	}
	return total, items
}

// Rank scores and ranks villages under a scheme: by score, ties broken by the scheme's rule,
// then by the other comparison, then by the village registered first; ranks run 1..n without
// gaps. The top bands receive their awards; of the rest, the bottom WarnBottom are warned, and a
// village warned in the previous half-year too (previous) is flagged.
func Rank(s Scheme, standings []Standing, previous map[int64]bool) []Row {
	type scored struct {
		row      Row
		events   int
		activity int64
	}
	all := make([]scored, len(standings))
	for i, st := range standings {
		centi, items := Score(s, st)
		all[i] = scored{row: Row{VillageID: st.VillageID, Name: st.Name, TownshipID: st.TownshipID,
			ScoreCenti: centi, Score: float64(centi) / 100, Events: st.eventCount(),
			ActivityPct: int(st.activityBasis() / 100), Items: items}, events: st.eventCount(), activity: st.activityBasis()}
	}
	fewerEvents := func(a, b scored) int { return cmp.Compare(a.events, b.events) }
	higherActivity := func(a, b scored) int { return cmp.Compare(b.activity, a.activity) }
	first, second := fewerEvents, higherActivity
	if s.TieRule == TieHigherActivity {
		first, second = higherActivity, fewerEvents
	}
	slices.SortFunc(all, func(a, b scored) int {
		return cmp.Or(cmp.Compare(b.row.ScoreCenti, a.row.ScoreCenti), first(a, b), second(a, b),
			cmp.Compare(a.row.VillageID, b.row.VillageID))
	})
	n, top := len(all), s.AwardTop()
	rows := make([]Row, n)
	for i, sc := range all {
		r := sc.row
		r.Rank = i + 1
		switch {
		case r.Rank <= top:
			r.Band, r.AwardFen = BandAward, awardOf(s.AwardBands, r.Rank)
		case r.Rank > n-s.WarnBottom:
			r.Band, r.Flagged = BandWarned, previous[r.VillageID]
		default:
			r.Band = BandNone
		}
		rows[i] = r
	}
	return rows
}

func awardOf(bands []Band, rank int) int64 {
	for _, b := range bands {
		if rank <= b.ToRank {
			return b.AmountFen
		}
	}
	return 0
}
