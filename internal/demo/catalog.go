package demo

import (
	"context"
	"time"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/org"
)

type goodsSpec struct {
	name, category, unit string
	points, priceFen     int64
	stock                int64
	monthlyLimit         int
}

// shelf is what every demo shop offers. 食盐 is the contract's cheap item with deep stock; 牙膏 is
// low on stock; 暖水瓶 is priced above the exchange standard, so it stays off the shelf, flagged,
// until a supervisor approves the price.
var shelf = []goodsSpec{
	{"食盐（500克）", "调味", "袋", 3, 300, 200_000, 0},
	{"酱油（500毫升）", "调味", "瓶", 8, 800, 500, 0},
	{"菜籽油（5升）", "粮油", "桶", 85, 8500, 60, 2},
	{"大米（10公斤）", "粮油", "袋", 55, 5500, 80, 0},
	{"挂面（1公斤）", "粮油", "包", 6, 600, 300, 0},
	{"洗衣粉（1公斤）", "清洁", "袋", 12, 1200, 150, 0},
	{"肥皂", "清洁", "块", 4, 400, 400, 0},
	{"牙膏", "日用", "支", 10, 1000, 8, 0},
	{"毛巾", "日用", "条", 9, 900, 120, 0},
	{"卫生纸（10卷）", "日用", "提", 25, 2500, 90, 0},
	{"暖水瓶", "日用", "个", 40, 4600, 12, 0},
}

// catalogFor gives a village's shop its agreement, the village's approved exchange standard
// (proposed by the clerk, approved by a supervisor) and its goods with opening stock.
func (s *seeder) catalogFor(ctx context.Context, v org.Village, shop org.Shop, clerkID, supervisorID int64) error {
	as, err := s.Catalog.Agreements(ctx, shop.ID)
	if err != nil {
		return err
	}
	clerk := audit.WithActor(ctx, audit.Actor{PersonID: clerkID, Role: "clerk", RequestID: "seed --demo"})
	if len(as) == 0 {
		if _, err := s.Catalog.CreateAgreement(clerk, catalog.Agreement{ShopID: shop.ID, VillageID: v.ID,
			ValidFrom: s.since, ValidTo: time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC),
			Status: catalog.AgreementActive, Note: "村委会与便民超市签订的积分兑换协议", CreatedBy: clerkID}); err != nil {
			return err
		}
	}
	standards, err := s.Catalog.Standards(ctx, v.ID)
	if err != nil {
		return err
	}
	if len(standards) == 0 {
		st, err := s.Catalog.ProposeStandard(clerk, catalog.Standard{VillageID: v.ID, FenPerPoint: 100, TolerancePct: 10,
			Status: catalog.StandardProposed, Note: "1积分=1元，按协议价报账", ProposedBy: clerkID})
		if err != nil {
			return err
		}
		supervisor := audit.WithActor(ctx, audit.Actor{PersonID: supervisorID, Role: "supervisor", RequestID: "seed --demo"})
		if _, _, err := s.Catalog.DecideStandard(supervisor, st.ID, true, "经监督小组审核同意"); err != nil {
			return err
		}
	}
	have, err := s.Catalog.ShopGoods(ctx, shop.ID)
	if err != nil {
		return err
	}
	names := map[string]bool{}
	for _, g := range have {
		names[g.Name] = true
	}
	for _, spec := range shelf {
		if names[spec.name] {
			continue
		}
		g := catalog.Goods{ShopID: shop.ID, Name: spec.name, Category: spec.category, Unit: spec.unit,
			Points: spec.points, PriceFen: spec.priceFen, LowStock: 10}
		if spec.monthlyLimit > 0 {
			g.MonthlyLimit = &spec.monthlyLimit
		}
		g, err := s.Catalog.CreateGoods(ctx, g)
		if err != nil {
			return err
		}
		if _, err := s.Catalog.MoveStock(ctx, catalog.Movement{GoodsID: g.ID, Delta: spec.stock, Kind: catalog.StockIn, Reason: "开业进货"}); err != nil {
			return err
		}
		if g.Shelvable() {
			if _, err := s.Catalog.UpdateGoods(ctx, g.ID, func(g *catalog.Goods) error { g.OnShelf = true; return nil }); err != nil {
				return err
			}
		}
	}
	return nil
}
