package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/earning"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/org"
	"pointsmarket/internal/settlement"
	"pointsmarket/internal/voucher"
	"pointsmarket/internal/write"
)

// CountySize is how large a generated county is. A real county is ~300 villages of ~330
// households; the benchmarks' default is a tenth of one.
type CountySize struct {
	Villages   int // in townships of ten
	Households int // per village
	Months     int // of history, ending with the last full month
	Workers    int // villages written at once
}

// DefaultCountySize is the benchmarks' scale: a tenth of a county, two years of history.
var DefaultCountySize = CountySize{Villages: 30, Households: 330, Months: 24, Workers: 16}

// CountyDeps is what a generated county is written through beside the demo's stores: the same
// services the API calls, so that every row (and its audit entry) is one the service writes.
type CountyDeps struct {
	Earning    *earning.Service
	Vouchers   *voucher.Service
	Settlement *settlement.Service
	Principals interface {
		Principal(ctx context.Context, personID int64) (auth.Principal, error)
	}
	// Clock is the service's clock: the generator moves it through the months it writes.
	Clock *SimClock
}

// SimClock is a clock that can be set to another day; from there it runs at the machine's pace.
type SimClock struct {
	mu       sync.Mutex
	at, from time.Time // at was set when the machine's clock read from
}

// Now tells the time: the machine's until Set is called.
func (c *SimClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at.Add(time.Since(c.from))
}

// Set moves the clock to t.
func (c *SimClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.from = t, time.Now()
}

// genVillage is a generated village as the month's work needs it.
type genVillage struct {
	v                   org.Village
	spec                villageSpec
	shop                int64
	goods               []catalog.Goods
	issuance, penalties int64
	homes               []genHousehold
	clerk, keeper       auth.Principal
	supervisor          auth.Principal
	committee           [2]auth.Principal // the branch committee: the heads of households 3 and 4
	party               [2]auth.Principal // two of the three party members (heads of households 1 and 2)
}

type genHousehold struct {
	id, account, head int64
	size              int
}

// countyTally counts what a generation wrote, for its log line.
type countyTally struct {
	transfers, redemptions, reversals, statements atomic.Int64
}

// SeedCounty generates a county of size.Villages villages next to the demo's (townships of ten,
// each village with its groups, households and people, officials, shop, catalogue and rule book)
// and size.Months months of history: monthly base points by household size, rewards and a few
// penalties, redemptions by voucher at the village's shop with some returned, and each month's
// statement generated, approved and countersigned. It goes through the services with the clock
// set to each month in turn, several villages at once. The demo must be loaded first (the county
// and its staff are the demo's); a county generated before is refused.
func SeedCounty(ctx context.Context, st Stores, deps CountyDeps, log *slog.Logger, passwordCost int, size CountySize) error {
	if size.Villages < 1 || size.Households < 5 || size.Households > 980 || size.Months < 1 || size.Workers < 1 {
		return fmt.Errorf("county size %+v: villages ≥ 1, 5 ≤ households ≤ 980, months ≥ 1, workers ≥ 1", size)
	}
	ctx = audit.WithActor(ctx, audit.SystemActor("seed --county"))
	hash, err := auth.HashPasswordAt(Password, passwordCost)
	if err != nil {
		return err
	}
	now := deps.Clock.Now()
	first := calendar.MonthStart(now).In(calendar.Zone()).AddDate(0, -size.Months, 0) // months are China's
	s := &seeder{Stores: st, log: log, hash: hash, since: first.AddDate(0, -1, 0), generated: true}
	if _, err := st.Org.PersonByPhone(ctx, genPhone(0, 1)); err == nil {
		return errors.New("a county was generated in this database before: use a new database")
	}
	deps.Clock.Set(s.since)
	started := time.Now()
	villages, err := s.countyVillages(ctx, deps, size)
	if err != nil {
		return err
	}
	log.Info("county: villages written", "villages", len(villages), "took", time.Since(started).Round(time.Second).String())
	var tally countyTally
	for m := range size.Months {
		month := first.AddDate(0, m, 0)
		// The last month's base points go through the review meeting and the notice, as entries;
		// the months before it are history, posted.
		byEntries := m == size.Months-1
		steps := []struct {
			day  int
			work func(context.Context, *genVillage, *rand.Rand) error
		}{
			{3, func(ctx context.Context, g *genVillage, rng *rand.Rand) error {
				return s.statement(ctx, deps, g, month.AddDate(0, -1, 0), &tally)
			}},
			{5, func(ctx context.Context, g *genVillage, rng *rand.Rand) error {
				return s.monthPoints(ctx, deps, g, month, !byEntries, rng, &tally)
			}},
			{12, func(ctx context.Context, g *genVillage, rng *rand.Rand) error {
				return s.redemptions(ctx, deps, g, rng, &tally)
			}},
		}
		for _, step := range steps {
			deps.Clock.Set(month.AddDate(0, 0, step.day-1).Add(9 * time.Hour))
			if err := eachVillage(ctx, villages, size.Workers, func(ctx context.Context, g *genVillage) error {
				rng := rand.New(rand.NewPCG(uint64(g.v.ID), uint64(m*31+step.day)))
				return step.work(ctx, g, rng)
			}); err != nil {
				return fmt.Errorf("month %s: %w", month.In(calendar.Zone()).Format("2006-01"), err)
			}
		}
		if byEntries { // after the notice: the entries post
			deps.Clock.Set(month.AddDate(0, 0, 24).Add(9 * time.Hour))
			if err := postAll(ctx, deps.Earning); err != nil {
				return err
			}
		}
		log.Info("county: month written", "month", month.In(calendar.Zone()).Format("2006-01"), "transfers", tally.transfers.Load(),
			"redemptions", tally.redemptions.Load(), "took", time.Since(started).Round(time.Second).String())
	}
	// This month's base points are under the notice.
	deps.Clock.Set(now)
	if err := eachVillage(ctx, villages, size.Workers, func(ctx context.Context, g *genVillage) error {
		return s.baseByEntries(ctx, deps, g, calendar.MonthStart(now))
	}); err != nil {
		return fmt.Errorf("this month's base points: %w", err)
	}
	log.Info("county generated", "villages", len(villages), "households", len(villages)*size.Households, "months", size.Months,
		"transfers", tally.transfers.Load(), "redemptions", tally.redemptions.Load(), "reversals", tally.reversals.Load(),
		"statements", tally.statements.Load(), "took", time.Since(started).Round(time.Second).String())
	return nil
}

// eachVillage runs fn for every village, workers at a time; the first error stops the rest.
func eachVillage(ctx context.Context, villages []*genVillage, workers int, fn func(context.Context, *genVillage) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, v := range villages {
		g.Go(func() error { return fn(ctx, v) })
	}
	return g.Wait()
}

// genPhone is the phone of a generated village's person: 1381 followed by the village's three
// digits and the suffix's four (the demo's phones are 138000xxxxx).
func genPhone(village, suffix int) string { return fmt.Sprintf("1381%03d%04d", village, suffix) }

// countyVillages writes the townships and villages, with their people, shops and rule books.
func (s *seeder) countyVillages(ctx context.Context, deps CountyDeps, size CountySize) ([]*genVillage, error) {
	out := make([]*genVillage, size.Villages)
	townships := make([]org.Township, (size.Villages+9)/10)
	for i := range townships {
		t, err := s.Org.EnsureTownship(ctx, "示范县", genTownshipName(i))
		if err != nil {
			return nil, err
		}
		townships[i] = t
	}
	for i := range out {
		out[i] = &genVillage{spec: genVillageSpec(i, size.Households)}
	}
	err := eachVillage(ctx, out, size.Workers, func(ctx context.Context, g *genVillage) error {
		i := g.spec.phoneBase
		v, err := s.village(ctx, townships[i/10], g.spec)
		if err != nil {
			return fmt.Errorf("village %s: %w", g.spec.name, err)
		}
		g.v = v
		return s.loadVillage(ctx, deps, g, size)
	})
	return out, err
}

// loadVillage reads back what the month's work needs of a village just written, and stocks its
// shop for the whole history.
func (s *seeder) loadVillage(ctx context.Context, deps CountyDeps, g *genVillage, size CountySize) error {
	shops, err := s.Catalog.Shops(ctx, catalog.ShopFilter{VillageIDs: []int64{g.v.ID}})
	if err != nil || len(shops) == 0 {
		return fmt.Errorf("shop of %s: %d, %w", g.v.Name, len(shops), err)
	}
	g.shop = shops[0].ID
	all, err := s.Catalog.ShopGoods(ctx, g.shop)
	if err != nil {
		return err
	}
	for _, it := range all {
		if !it.OnShelf || it.MonthlyLimit != nil {
			continue
		}
		if _, err := s.Catalog.MoveStock(ctx, catalog.Movement{GoodsID: it.ID, Delta: int64(size.Households * size.Months), Kind: catalog.StockIn, Reason: "月度进货"}); err != nil {
			return err
		}
		g.goods = append(g.goods, it)
	}
	for _, kind := range []ledger.AccountKind{ledger.Issuance, ledger.Penalties} {
		acct, err := s.Ledger.AccountOf(ctx, g.v.ID, kind, 0)
		if err != nil {
			return err
		}
		if kind == ledger.Issuance {
			g.issuance = acct.ID
		} else {
			g.penalties = acct.ID
		}
	}
	for n, role := range map[int]*auth.Principal{1: &g.clerk, 2: &g.keeper, 3: &g.supervisor} {
		p, err := s.Org.PersonByPhone(ctx, g.spec.phone(n))
		if err != nil {
			return err
		}
		if *role, err = deps.Principals.Principal(ctx, p.ID); err != nil {
			return err
		}
	}
	for i, who := range []*auth.Principal{&g.committee[0], &g.committee[1], &g.party[0], &g.party[1]} {
		p, err := s.Org.PersonByPhone(ctx, g.spec.phone([]int{12, 13, 10, 11}[i]))
		if err != nil {
			return err
		}
		if *who, err = deps.Principals.Principal(ctx, p.ID); err != nil {
			return err
		}
	}
	for i, hs := range g.spec.households {
		h, err := s.Org.HouseholdByNumber(ctx, g.v.ID, fmt.Sprintf("%s-%03d", g.spec.prefix, i+1))
		if err != nil {
			return err
		}
		head, err := s.Org.PersonByPhone(ctx, g.spec.phone(hs.phoneSuffix))
		if err != nil {
			return err
		}
		acct, err := s.Ledger.AccountOf(ctx, g.v.ID, ledger.Household, h.ID)
		if err != nil {
			return err
		}
		g.homes = append(g.homes, genHousehold{id: h.ID, account: acct.ID, head: head.ID, size: h.Size})
	}
	return nil
}

// monthPoints posts a month's base points by household size (posted, or else registered as
// entries for the review meeting), rewards for about six households in ten, and a penalty for
// about one in fifty.
func (s *seeder) monthPoints(ctx context.Context, deps CountyDeps, g *genVillage, month time.Time, posted bool, rng *rand.Rand, tally *countyTally) error {
	label := month.In(calendar.Zone()).Format("2006年1月")
	if !posted {
		if err := s.baseByEntries(ctx, deps, g, month); err != nil {
			return err
		}
	}
	for _, h := range g.homes {
		var moves []ledger.TransferRequest
		if posted {
			moves = append(moves, ledger.TransferRequest{DebitAccountID: g.issuance, CreditAccountID: h.account, Amount: int64(10 * h.size),
				Kind: ledger.Earn, Reason: fmt.Sprintf("%s 基础分（%d口人）", label, h.size)})
		}
		if rng.IntN(10) < 6 {
			r := rewards[rng.IntN(len(rewards))]
			moves = append(moves, ledger.TransferRequest{DebitAccountID: g.issuance, CreditAccountID: h.account, Amount: r.points,
				Kind: ledger.Earn, Reason: label + " " + r.reason})
		}
		if rng.IntN(50) == 0 {
			p := penalties[rng.IntN(len(penalties))]
			moves = append(moves, ledger.TransferRequest{DebitAccountID: h.account, CreditAccountID: g.penalties, Amount: p.points,
				Kind: ledger.Penalty, Reason: label + " " + p.reason})
		}
		for i, m := range moves {
			if _, err := s.Postings.Transfer(ctx, m, fmt.Sprintf("county:%d:%s:%d", h.id, month.In(calendar.Zone()).Format("200601"), i)); err != nil {
				if errors.Is(err, ledger.ErrInsufficientPoints) {
					continue // a penalty the household cannot carry is not posted
				}
				return fmt.Errorf("post %q: %w", m.Reason, err)
			}
			tally.transfers.Add(1)
		}
	}
	return nil
}

// baseByEntries registers the month's base points (the clerk), has the branch committee decide
// each entry (a member not of its household) and two of the three party members approve the
// month, which puts the entries under the notice.
func (s *seeder) baseByEntries(ctx context.Context, deps CountyDeps, g *genVillage, month time.Time) error {
	period := month.In(calendar.Zone()).Format("2006-01")
	clerk := as(ctx, g.clerk, "clerk")
	if _, err := deps.Earning.OpenMeeting(clerk, g.clerk, g.v.ID, earning.MeetingInput{Month: period,
		HeldOn: deps.Clock.Now().In(calendar.Zone()).Format(time.DateOnly), Attendance: "支委会成员、全体党员、村民代表列席"}); err != nil {
		return fmt.Errorf("meeting of %s: %w", period, err)
	}
	if _, err := deps.Earning.IssueBase(clerk, g.clerk, g.v.ID, earning.PeriodInput{Period: period}); err != nil {
		return fmt.Errorf("base points of %s: %w", period, err)
	}
	entries, err := s.Earning.Entries(ctx, earning.EntryFilter{VillageID: g.v.ID, Period: period, Status: earning.Registered, Limit: 1000})
	if err != nil {
		return err
	}
	approve := true
	for _, e := range entries {
		member := g.committee[0]
		if e.HouseholdID != nil && *e.HouseholdID == member.HouseholdID {
			member = g.committee[1]
		}
		if _, err := deps.Earning.Decide(as(ctx, member, "branch_committee"), member, e.ID, earning.Decision{Approve: &approve, Note: "支委会评议同意"}); err != nil {
			return fmt.Errorf("decide entry %d: %w", e.ID, err)
		}
	}
	for _, p := range g.party {
		if _, err := deps.Earning.ApproveMonth(as(ctx, p, "party_member"), p, g.v.ID, period, earning.MonthBallot{Vote: "for"}); err != nil {
			return fmt.Errorf("approve %s: %w", period, err)
		}
	}
	return nil
}

// postAll posts every entry whose notice has closed.
func postAll(ctx context.Context, e *earning.Service) error {
	for {
		n, err := e.PostDue(ctx)
		if err != nil || n == 0 {
			return err
		}
	}
}

// as is ctx with p acting in role, for the audit log.
func as(ctx context.Context, p auth.Principal, role string) context.Context {
	return audit.WithActor(ctx, audit.Actor{PersonID: p.PersonID, Role: role, RequestID: "seed --county"})
}

var rewards = []entry{{20, "奖励分：参加义务劳动"}, {15, "奖励分：环境卫生评比达标"}, {30, "奖励分：参与村庄建设"}}
var penalties = []entry{{20, "扣分：乱搭乱建"}, {30, "扣分：大操大办酒席"}}

// redemptions has about four households in ten take one or two goods at the shop by voucher;
// about one redemption in fifty is returned the same day.
func (s *seeder) redemptions(ctx context.Context, deps CountyDeps, g *genVillage, rng *rand.Rand, tally *countyTally) error {
	for _, h := range g.homes {
		if rng.IntN(10) >= 4 || len(g.goods) == 0 {
			continue
		}
		lines := []voucher.Line{{GoodsID: g.goods[rng.IntN(len(g.goods))].ID, Quantity: 1 + int64(rng.IntN(2))}}
		if other := g.goods[rng.IntN(len(g.goods))].ID; rng.IntN(2) == 0 && other != lines[0].GoodsID {
			lines = append(lines, voucher.Line{GoodsID: other, Quantity: 1})
		}
		v, err := deps.Vouchers.IssueVoucher(ctx, voucher.IssueRequest{AccountID: h.account, HolderID: h.head, ShopID: g.shop,
			Lines: lines, Nonce: voucher.NewNonce(), Now: deps.Clock.Now()}, write.Key{})
		if errors.Is(err, ledger.ErrInsufficientPoints) {
			continue
		}
		if err != nil {
			return fmt.Errorf("issue a voucher for household %d: %w", h.id, err)
		}
		r, err := deps.Vouchers.CaptureVoucher(ctx, voucher.RedeemRequest{VoucherID: v.ID, Voucher: &v, ShopID: g.shop, By: h.head,
			Now: deps.Clock.Now()}, write.Key{})
		if err != nil {
			return fmt.Errorf("redeem voucher %d: %w", v.ID, err)
		}
		tally.redemptions.Add(1)
		if rng.IntN(50) == 0 {
			if _, err := deps.Vouchers.Reverse(as(ctx, g.keeper, "shopkeeper"), g.keeper, r.ID, "商品有质量问题，退回"); err != nil {
				return fmt.Errorf("reverse redemption %d: %w", r.ID, err)
			}
			tally.reversals.Add(1)
		}
	}
	return nil
}

// statement has the clerk generate and approve the shop's statement of a month, and a
// supervisor countersign it; a month before the history began has none.
func (s *seeder) statement(ctx context.Context, deps CountyDeps, g *genVillage, month time.Time, tally *countyTally) error {
	if month.Before(s.since.AddDate(0, 1, 0)) {
		return nil
	}
	clerk := as(ctx, g.clerk, "clerk")
	st, err := deps.Settlement.Generate(clerk, g.clerk, g.v.ID, settlement.GenerateInput{ShopID: g.shop, Period: month.In(calendar.Zone()).Format("2006-01")})
	if err != nil {
		return fmt.Errorf("statement of %s: %w", g.v.Name, err)
	}
	if _, err := deps.Settlement.Approve(clerk, g.clerk, st.ID); err != nil {
		return err
	}
	if _, err := deps.Settlement.Countersign(as(ctx, g.supervisor, "supervisor"), g.supervisor, st.ID); err != nil {
		return err
	}
	tally.statements.Add(1)
	return nil
}

var (
	townshipNames = []string{"青石", "白溪", "龙潭", "金塘", "桃源", "柳湾", "松坪", "梅岭", "竹山", "荷塘",
		"杉木", "枫林", "石桥", "水口", "高坪", "大田", "黄土", "长冲", "新塘", "沙坪", "马鞍", "凤凰", "双江", "岩门",
		"茶园", "铁山", "平溪", "洞口", "云台", "望城"}
	villageParts = [2][]string{
		{"上", "下", "东", "西", "南", "北", "新", "老", "大", "小", "前", "后", "中", "高", "长"},
		{"湾", "坪", "塘", "冲", "岭", "溪", "桥", "田", "山", "坳", "垅", "洲", "坝", "铺", "庄", "岗", "林", "源", "港", "圹"},
	}
	surnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高",
		"林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "唐", "邓", "曾", "彭", "蒋", "石", "龙", "向", "田", "谭"}
	givenNames = []string{"建国", "秀英", "志强", "桂兰", "德福", "春花", "明亮", "玉梅", "国庆", "丽华", "永红", "翠兰",
		"卫东", "小燕", "长江", "美玲", "大山", "秀珍", "光明", "金凤", "海军", "红梅", "文斌", "雪梅", "子涵", "浩然", "诗琪", "宇航"}
)

func genTownshipName(i int) string {
	if i < len(townshipNames) {
		return townshipNames[i] + "镇"
	}
	return fmt.Sprintf("%s%d镇", townshipNames[i%len(townshipNames)], i/len(townshipNames)+1)
}

// genVillageSpec is the i-th generated village: its households (sizes 1–5, the head with a
// phone), its officials (clerk, shopkeeper, three supervisors of the three bodies) and a branch
// committee member, party members and a representative among its households.
func genVillageSpec(i, households int) villageSpec {
	a, b := villageParts[0], villageParts[1]
	name := fmt.Sprintf("%s%s村", a[i%len(a)], b[(i/len(a))%len(b)])
	if n := i / (len(a) * len(b)); n > 0 {
		name = fmt.Sprintf("%s%s%d村", a[i%len(a)], b[(i/len(a))%len(b)], n+1)
	}
	spec := villageSpec{name: name, prefix: fmt.Sprintf("V%03d", i), phoneBase: i, generated: true, shopOwner: surnames[i%len(surnames)] + "店主"}
	rng := rand.New(rand.NewPCG(uint64(i), 7))
	for h := range households {
		surname := surnames[rng.IntN(len(surnames))]
		size := 1 + rng.IntN(5)
		members := make([]string, size)
		for m := range members {
			members[m] = surname + givenNames[rng.IntN(len(givenNames))]
			if m > 0 && rng.IntN(2) == 0 {
				members[m] = surnames[rng.IntN(len(surnames))] + givenNames[rng.IntN(len(givenNames))]
			}
		}
		hs := householdSpec{members: members, size: size, phoneSuffix: 10 + h}
		switch h {
		case 0:
			hs.roles = []auth.Role{auth.RolePartyMember}
		case 1:
			hs.roles, hs.representative = []auth.Role{auth.RolePartyMember}, true
		case 2:
			hs.roles = []auth.Role{auth.RoleBranchCommittee, auth.RolePartyMember}
		case 3:
			hs.roles = []auth.Role{auth.RoleBranchCommittee}
		case 4:
			hs.roles = []auth.Role{auth.RoleGroupLeader}
		}
		spec.households = append(spec.households, hs)
	}
	owner := spec.shopOwner
	spec.officials = []official{
		{surnames[(i+3)%len(surnames)] + "文书", 1, auth.RoleClerk, ""},
		{owner, 2, auth.RoleShopkeeper, ""},
		{surnames[(i+5)%len(surnames)] + "监督", 3, auth.RoleSupervisor, auth.BodyVillageCommittee},
		{surnames[(i+7)%len(surnames)] + "队员", 4, auth.RoleSupervisor, auth.BodyWorkTeam},
		{surnames[(i+9)%len(surnames)] + "代表", 5, auth.RoleSupervisor, auth.BodyRepresentatives},
	}
	return spec
}
