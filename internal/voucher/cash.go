package voucher

import "pointsmarket/internal/fault"

// ErrCashNotAllowed refuses cash for points that fall short where the village does not allow it.
var ErrCashNotAllowed = fault.New(fault.Forbidden, "cash_not_allowed", "this village does not let its shops take cash for points that fall short")

// TopUp splits goods worth points (at an agreed price of priceFen in all) between a household's
// available points and cash (积分+现金): every available point first, then the shortfall in cash
// at the agreed price — shortfall × priceFen ÷ points, rounded up to the fen, so the shop is
// never short of the agreed price. taken ≤ 0 means there is nothing to take points from;
// cashFen 0 with a shortfall means the goods have no agreed price to pay the rest at.
func TopUp(points, priceFen, available int64) (taken, cashFen int64) {
	taken = min(points, max(available, 0))
	if short := points - taken; short > 0 && points > 0 {
		cashFen = (short*priceFen + points - 1) / points
	}
	return taken, cashFen
}

// itemsPrice is the agreed price of items, in fen.
func itemsPrice(items []Item) int64 {
	var fen int64
	for _, it := range items {
		fen += it.Quantity * it.PriceFen
	}
	return fen
}
