package demo

import (
	"fmt"

	"pointsmarket/internal/auth"
)

type villageSpec struct {
	name       string
	prefix     string // household numbers: GC-001 ...
	phoneBase  int    // 0, 100, 200: phones are 138000000xx, 138000001xx, 138000002xx
	generated  bool   // a generated county's village: phoneBase is its number (genPhone)
	shopOwner  string
	households []householdSpec
	officials  []official
}

func (v villageSpec) phone(suffix int) string {
	if v.generated {
		return genPhone(v.phoneBase, suffix)
	}
	return fmt.Sprintf("138%08d", v.phoneBase+suffix)
}

type householdSpec struct {
	members        []string // the first is the head
	size           int
	phoneSuffix    int // the head's phone within the village's range; 0: no phone
	roles          []auth.Role
	representative bool
	honour         []entry // one-off honour or reward points
	penalty        []entry
}

type official struct {
	name        string
	phoneSuffix int
	role        auth.Role
	body        string
}

type entry struct {
	points int64 // negative for a penalty
	reason string
}

var groupNames = []string{"第一村民小组", "第二村民小组", "第三村民小组"}

// months are the six months of history the demo posts.
var months = []string{"2026年5月", "2026年6月", "2026年7月", "2026年8月", "2026年9月", "2026年10月"}

// entries are a household's postings: monthly base points by size, a monthly reward, and the
// household's one-off honour, reward and penalty items.
func (h householdSpec) entries(size int) []entry {
	var out []entry
	for i, m := range months {
		out = append(out, entry{int64(10 * size), fmt.Sprintf("%s 基础分（%d口人）", m, size)})
		switch i % 3 {
		case 0:
			out = append(out, entry{20, m + " 奖励分：参加义务劳动"})
		case 1:
			out = append(out, entry{15, m + " 奖励分：环境卫生评比达标"})
		case 2:
			out = append(out, entry{30, m + " 奖励分：参与村庄建设"})
		}
	}
	out = append(out, h.honour...)
	return append(out, h.penalty...)
}

func representativeEntries() []entry {
	var out []entry
	for _, m := range months {
		out = append(out, entry{50, m + " 村民代表：每月向党支部汇报工作"}, entry{50, m + " 村民代表：召开联系户村民会议"})
	}
	return out
}

func households(names [][]string, special map[int]householdSpec) []householdSpec {
	out := make([]householdSpec, len(names))
	for i, members := range names {
		h := householdSpec{members: members, size: len(members) + i%3}
		if sp, ok := special[i]; ok {
			sp.members, sp.size = members, h.size
			h = sp
		}
		out[i] = h
	}
	return out
}

var villages = []villageSpec{
	{
		name: "国茶村", prefix: "GC", phoneBase: 0, shopOwner: "刘美华",
		households: households([][]string{
			{"张建国", "李秀英", "张小明"}, {"王德福", "陈桂兰"}, {"刘志强", "周丽", "刘子涵", "刘奶奶"},
			{"陈永红", "黄秀珍"}, {"杨光明", "吴春花", "杨帆"}, {"赵大山"}, {"黄志华", "林小芳", "黄诗琪"},
			{"周卫东", "郑秀兰"}, {"吴国庆", "何美玲", "吴昊"}, {"徐长江", "孙玉梅"},
		}, map[int]householdSpec{
			0: {phoneSuffix: 10, roles: []auth.Role{auth.RolePartyMember}, honour: []entry{
				{5000, "光荣加分：子女应征入伍"}, {1500, "光荣加分：见义勇为救落水儿童"}, {200, "奖励分：评为“最美家庭”"},
			}},
			1: {phoneSuffix: 11, representative: true, roles: []auth.Role{auth.RolePartyMember}},
			2: {phoneSuffix: 12, roles: []auth.Role{auth.RoleBranchCommittee, auth.RolePartyMember}},
			3: {phoneSuffix: 13, penalty: []entry{{-20, "扣分：违规燃放烟花爆竹"}}},
			4: {phoneSuffix: 14, roles: []auth.Role{auth.RoleGroupLeader}, honour: []entry{{100, "奖励分：捐资修路"}}},
			5: {penalty: []entry{{-30, "扣分：大操大办酒席"}}},
		}),
		officials: []official{
			{"罗文书", 1, auth.RoleClerk, ""},
			{"刘美华", 2, auth.RoleShopkeeper, ""},
			{"谭监督", 3, auth.RoleSupervisor, auth.BodyVillageCommittee},
			{"彭队员", 4, auth.RoleSupervisor, auth.BodyWorkTeam},
			{"邓代表", 5, auth.RoleSupervisor, auth.BodyRepresentatives},
		},
	},
	{
		name: "尖岩村", prefix: "JY", phoneBase: 100, shopOwner: "蒋红梅",
		households: households([][]string{
			{"石建华", "龙秀英", "石磊"}, {"麻老四", "吴翠兰"}, {"田志刚", "杨小红", "田甜"}, {"向明亮"},
			{"彭金山", "石桂花", "彭程"}, {"龙云飞", "麻春燕"}, {"吴承恩", "田秀梅", "吴悠"},
		}, map[int]householdSpec{
			0: {phoneSuffix: 10, honour: []entry{{2000, "光荣加分：子女应征入伍"}}},
			1: {phoneSuffix: 11, representative: true},
			2: {phoneSuffix: 12, roles: []auth.Role{auth.RolePartyMember}},
			3: {penalty: []entry{{-20, "扣分：乱搭乱建"}}},
		}),
		officials: []official{
			{"石文书", 1, auth.RoleClerk, ""},
			{"蒋红梅", 2, auth.RoleShopkeeper, ""},
			{"龙监督", 3, auth.RoleSupervisor, auth.BodyVillageCommittee},
		},
	},
	{
		name: "米塔村", prefix: "MT", phoneBase: 200, shopOwner: "胡小兰",
		households: households([][]string{
			{"胡德明", "欧阳兰", "胡杰"}, {"唐老三", "邹秀英"}, {"欧国平", "唐丽华", "欧阳晨"}, {"邹大伯"},
			{"曾凡华", "胡玉兰", "曾浩"}, {"谢家宝", "邓小梅"},
		}, map[int]householdSpec{
			0: {phoneSuffix: 10, honour: []entry{{1000, "光荣加分：见义勇为"}}},
			1: {phoneSuffix: 11, representative: true},
			2: {penalty: []entry{{-50, "扣分：违规占用耕地建房"}}},
		}),
		officials: []official{
			{"欧文书", 1, auth.RoleClerk, ""},
			{"胡小兰", 2, auth.RoleShopkeeper, ""},
			{"曾监督", 3, auth.RoleSupervisor, auth.BodyVillageCommittee},
		},
	},
}

// townshipSpec is a township of the demo county with its admin (who lives in its first village).
type townshipSpec struct {
	name       string
	admin      string
	adminPhone string
	villages   []villageSpec
}

// townships are the demo county's: 葫芦镇 of the contract, and 石门镇 with two villages of its own
// so that the county's ranking compares five villages across two townships.
var townships = []townshipSpec{
	{name: "葫芦镇", admin: "龙镇长", adminPhone: "13800000000", villages: villages},
	{name: "石门镇", admin: "石镇长", adminPhone: "13800000300", villages: []villageSpec{
		{
			name: "白沙村", prefix: "BS", phoneBase: 300, shopOwner: "夏春兰",
			households: households([][]string{
				{"夏国强", "钟秀兰", "夏雨"}, {"钟老五", "曹桂英"}, {"曹建军", "夏小燕", "曹阳"}, {"易水生"}, {"钟明辉", "易翠花"},
			}, map[int]householdSpec{
				0: {phoneSuffix: 10, honour: []entry{{800, "光荣加分：见义勇为"}}},
				1: {phoneSuffix: 11, representative: true},
			}),
			officials: []official{
				{"夏文书", 1, auth.RoleClerk, ""},
				{"夏春兰", 2, auth.RoleShopkeeper, ""},
				{"钟监督", 3, auth.RoleSupervisor, auth.BodyVillageCommittee},
			},
		},
		{
			name: "青山村", prefix: "QS", phoneBase: 400, shopOwner: "廖小红",
			households: households([][]string{
				{"廖志军", "谭秀英", "廖婷"}, {"谭老大", "廖翠兰"}, {"戴德明", "谭春梅", "戴乐"}, {"谭木生"},
			}, map[int]householdSpec{
				0: {phoneSuffix: 10},
				1: {phoneSuffix: 11, representative: true},
				3: {penalty: []entry{{-20, "扣分：乱搭乱建"}}},
			}),
			officials: []official{
				{"廖文书", 1, auth.RoleClerk, ""},
				{"廖小红", 2, auth.RoleShopkeeper, ""},
				{"戴监督", 3, auth.RoleSupervisor, auth.BodyVillageCommittee},
			},
		},
	}},
}

// countyStaff are the county's and townships' assessment staff: the county admin and a county
// assessor (living in 石门镇's villages), and 葫芦镇's assessor, who lives in 尖岩村 — and so may
// score 国茶村 and 米塔村 but never his own village.
type staffSpec struct {
	name, phone, home string // home: the village they live in
	role              auth.Role
	township          string // "" for a county-wide grant
}

var countyStaff = []staffSpec{
	{"贺主任", "13800000500", "白沙村", auth.RoleCountyAdmin, ""},
	{"曾考核", "13800000501", "青山村", auth.RoleAssessor, ""},
	{"陶考核", "13800000106", "尖岩村", auth.RoleAssessor, "葫芦镇"},
}
