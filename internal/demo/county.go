package demo

import (
	"context"
	"time"

	"pointsmarket/internal/assessment"
	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/org"
)

// schemeItems are the demo county's items, after 洞口县's "六零" baseline: six zero items with
// evidence required, the share of households with posted points, and the inspection tasks; 葫芦镇
// refines illegal building with its own farmland sub-item.
func schemeItems(huluTownship int64) []assessment.Item {
	zero := func(code, name string) assessment.Item {
		return assessment.Item{Code: code, Name: name, Kind: assessment.KindZero, Points: 10, Deduction: 5, EvidenceRequired: true}
	}
	return []assessment.Item{
		zero("zero_accident", "零事故"), zero("zero_petition", "零非访"), zero("zero_case", "零发案"),
		zero("zero_building", "零违建"), zero("zero_pollution", "零污染"), zero("zero_epidemic", "零疫情"),
		{Code: "zero_building_farmland", Name: "违规占用耕地建房", Kind: assessment.KindZero, Parent: "zero_building", TownshipID: huluTownship, Deduction: 10, EvidenceRequired: true},
		{Code: "activity", Name: "农户积分参与率", Kind: assessment.KindActivity, Points: 20},
		{Code: "tasks", Name: "每月排查交办任务按时完成", Kind: assessment.KindTasks, Points: 20},
	}
}

// demoEvents are recorded against villages: in the first half-year 米塔村 built on farmland and
// 青山村 had a petition and a pollution case; in the second 青山村 had another petition, so it is
// warned twice in a row and flagged.
var demoEvents = []struct {
	period      assessment.Period
	village     string
	item        string
	occurredOn  string
	description string
}{
	{"2026-H1", "米塔村", "zero_building_farmland", "2026-04-10", "第二组一户未经审批占用耕地建房，已责令整改"},
	{"2026-H1", "青山村", "zero_petition", "2026-03-18", "村民越级到县信访，反映征地补偿问题"},
	{"2026-H1", "青山村", "zero_pollution", "2026-05-22", "养殖场污水直排河沟"},
	{"2026-H2", "青山村", "zero_petition", "2026-09-08", "村民到市信访，反映道路修建纠纷"},
}

// county gives the county its assessment staff, a scheme for each half-year of 2026 with the
// demo's events, and publishes the first half-year's ranking.
func (s *seeder) county(ctx context.Context, countyID int64, homes map[string]org.Village) error {
	people := map[string]int64{}
	for _, st := range countyStaff {
		home := homes[st.home]
		p, err := s.ensurePerson(ctx, home.ID, nil, st.name, st.phone)
		if err != nil {
			return err
		}
		people[st.phone] = p.ID
		g := auth.Grant{Role: st.role, CountyID: countyID}
		if st.township != "" {
			g = auth.Grant{Role: st.role, TownshipID: homes[townships[0].villages[0].name].TownshipID}
		}
		if err := s.ensureGrant(ctx, p.ID, g); err != nil {
			return err
		}
	}
	admin, assessor := people[countyStaff[0].phone], people[countyStaff[1].phone]
	if err := s.departments(ctx, countyID, admin, homes); err != nil {
		return err
	}
	hulu := homes[townships[0].villages[0].name].TownshipID
	for _, period := range []assessment.Period{"2026-H1", "2026-H2"} {
		err := s.Assessment(ctx, func(tx assessment.Tx) error {
			if v, err := tx.LatestVersion(ctx, countyID, period); err != nil || v > 0 {
				return err // seeded before
			}
			adopted := period.Start().AddDate(0, 0, -10)
			sc := assessment.Scheme{CountyID: countyID, Period: period, Version: 1, Title: "示范县" + string(period) + "村级“六零”考核方案",
				Items: schemeItems(hulu), AwardBands: []assessment.Band{{ToRank: 1, AmountFen: 5_000_000_00}, {ToRank: 2, AmountFen: 3_000_000_00}},
				WarnBottom: 1, TieRule: assessment.TieFewerEvents, BudgetFen: 8_000_000_00, ObjectionDays: 7,
				AdoptedBy: admin, AdoptedAt: adopted}
			if err := tx.InsertScheme(ctx, &sc); err != nil {
				return err
			}
			events, err := audit.CountyEvents(ctx, tx, countyID, audit.Event{Action: "assessment.scheme_adopt",
				ObjectType: "assessment_scheme", ObjectID: sc.ID, After: sc})
			if err != nil {
				return err
			}
			if err := tx.Audit(ctx, events...); err != nil {
				return err
			}
			for _, de := range demoEvents {
				if de.period != period {
					continue
				}
				v := homes[de.village]
				day, _ := time.Parse(time.DateOnly, de.occurredOn)
				e := assessment.Event{CountyID: countyID, VillageID: v.ID, Period: period, Item: de.item, OccurredOn: day,
					Description: de.description, Evidence: "现场照片及调查笔录（乡镇存档）", Status: assessment.Recorded,
					RecordedBy: assessor, RecordedAt: calendar.StartOf(day).Add(26 * time.Hour)}
				if err := tx.InsertEvent(ctx, &e); err != nil {
					return err
				}
				if err := tx.Audit(ctx, audit.Event{Place: v.Place(), Action: "assessment.event_record", ObjectType: "assessment_event",
					ObjectID: e.ID, After: e}); err != nil {
					return err
				}
			}
			if period != "2026-H1" {
				return nil
			}
			_, events, err = assessment.WriteRanking(ctx, tx, sc, "示范县", admin, period.End().Add(72*time.Hour))
			if err != nil {
				return err
			}
			return tx.Audit(ctx, events...)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
