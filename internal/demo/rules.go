package demo

import (
	"context"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/earning"
	"pointsmarket/internal/org"
)

// ruleItems is the demo rule book, after the 国茶村 model: base points by household size, rewards,
// penalties that need evidence, honour points voted by party members, and representatives' duties.
var ruleItems = []earning.RuleItem{
	{Code: "B01", Name: "基础分（按户人口）", Category: earning.Base, Points: 10, AppliesTo: earning.ToHousehold},
	{Code: "R01", Name: "参加义务劳动", Category: earning.Reward, Points: 20, AppliesTo: earning.ToHousehold, CapMonth: ptr(60)},
	{Code: "R02", Name: "参与村庄建设", Category: earning.Reward, Points: 30, AppliesTo: earning.ToHousehold, CapMonth: ptr(90)},
	{Code: "R03", Name: "评为“最美家庭”", Category: earning.Reward, Points: 200, AppliesTo: earning.ToHousehold, CapYear: ptr(200)},
	{Code: "P01", Name: "乱搭乱建", Category: earning.Penalty, Points: 20, AppliesTo: earning.ToHousehold, EvidenceRequired: true, BlackList: true},
	{Code: "P02", Name: "大操大办酒席", Category: earning.Penalty, Points: 30, AppliesTo: earning.ToHousehold, EvidenceRequired: true, BlackList: true},
	{Code: "H01", Name: "子女应征入伍", Category: earning.Honour, Points: 1000, AppliesTo: earning.ToHousehold, Approval: earning.ByPartyVote},
	{Code: "H02", Name: "见义勇为", Category: earning.Honour, Points: 500, AppliesTo: earning.ToHousehold, Approval: earning.ByPartyVote},
	{Code: "D01", Name: "每月向党支部汇报工作", Category: earning.Reward, Points: 50, AppliesTo: earning.ToRepresentative, CapMonth: ptr(50)},
	{Code: "D02", Name: "召开联系户村民会议", Category: earning.Reward, Points: 50, AppliesTo: earning.ToRepresentative, CapMonth: ptr(50)},
}

func ptr(v int64) *int64 { return &v }

// rulesFor gives the village an adopted rule book (drafted by the clerk, adopted by an assembly).
func (s *seeder) rulesFor(ctx context.Context, v org.Village, clerkID int64) error {
	books, err := s.Earning.RuleBooks(ctx, v.ID)
	if err != nil || len(books) > 0 {
		return err
	}
	clerk := audit.WithActor(ctx, audit.Actor{PersonID: clerkID, Role: "clerk", RequestID: "seed --demo"})
	b, err := s.Earning.CreateRuleBook(clerk, earning.RuleBook{VillageID: v.ID, Title: v.Name + "积分制管理细则", Status: earning.Draft, CreatedBy: clerkID, RedListSize: 5,
		StarCriteria: earning.StarCriteria{StarMinPoints: ptr(100), StarCleanRecord: true}})
	if err != nil {
		return err
	}
	for _, it := range ruleItems {
		if it.Approval == "" {
			it.Approval = earning.ByCommittee
		}
		if _, err := s.Earning.AddItem(clerk, b.ID, it); err != nil {
			return err
		}
	}
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	_, err = s.Earning.Adopt(clerk, b.ID, earning.RuleBook{AssemblyDate: &day, VotesFor: 86, VotesAgainst: 3, VotesAbstain: 4, Attendance: 93,
		AssemblyBody: earning.VillagersAssembly, AssemblyMembers: 160})
	return err
}
