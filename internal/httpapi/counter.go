package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/voucher"
)

// unprocessable turns a body of the wrong shape into the contract's 422 for money-moving calls,
// keeping 413 for oversized bodies.
func unprocessable(err error) error {
	if fe := fault.From(err); fe != nil && fe.Kind == fault.Invalid {
		return fe.Recode(fault.Unprocessable, "invalid_input").WithDetails(nil)
	}
	return err
}

type codeInput struct {
	Code string `json:"code"`
	// OfflineAt says a counter redeemed the voucher with no link at that time and syncs it now.
	OfflineAt *time.Time `json:"offline_at"`
}

func bindCode(c *gin.Context) (string, error) {
	in, err := bindCodeInput(c)
	return in.Code, err
}

func bindCodeInput(c *gin.Context) (codeInput, error) {
	var in codeInput
	if err := bindJSON(c, &in); err != nil {
		return in, err
	}
	if in.Code == "" {
		return in, voucher.ErrInvalidCode
	}
	return in, nil
}

func (s *server) counterScan(c *gin.Context) (int, any, error) {
	code, err := bindCode(c)
	if err != nil {
		return 0, nil, err
	}
	p, err := s.deps.Vouchers.Scan(c.Request.Context(), principal(c), code)
	if err != nil {
		return 0, nil, err
	}
	if p.Refusal != nil && p.Refusal.Err != nil {
		p.Refusal.Message = p.Refusal.Err.Text(langOf(c))
	}
	return http.StatusOK, gin.H{"voucher": p}, nil
}

func (s *server) counterRedeem(c *gin.Context) (int, any, error) {
	in, err := bindCodeInput(c)
	if err != nil {
		return 0, nil, err
	}
	if in.OfflineAt != nil {
		// A refusal at sync (cancelled or redeemed elsewhere meanwhile, a forged code) is left in
		// the audit log, where the supervisors' feed shows it: the goods were handed over already.
		c.Set(traceAllRefusals, "offline sync")
	}
	r, err := s.deps.Vouchers.Redeem(c.Request.Context(), principal(c), in.Code, idempotencyKey(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, redemptionBody(r), nil
}

// offlineKey hands a shop's device its offline key (and never the service's secret), with which
// it checks the vouchers of its own shop when the link drops.
func (s *server) offlineKey(c *gin.Context) (int, any, error) {
	shop, err := queryInt(c, "shop_id")
	if err != nil {
		return 0, nil, err
	}
	id, key, err := s.deps.Vouchers.OfflineKey(principal(c), shop)
	if err != nil {
		return 0, nil, err
	}
	c.Header("Cache-Control", "no-store")
	return http.StatusOK, gin.H{"shop_id": id, "key": key}, nil
}

func redemptionBody(r voucher.Redemption) gin.H {
	return gin.H{"redemption_id": r.ID, "voucher_id": r.VoucherID, "points": r.Points, "price_fen": r.PriceFen,
		"items": r.Items, "shop_id": r.ShopID, "created_at": r.CreatedAt, "kind": r.Kind, "card_id": r.CardID, "holder": r.Holder, "cash_fen": r.CashFen}
}

func (s *server) counterScanMember(c *gin.Context) (int, any, error) {
	code, err := bindCode(c)
	if err != nil {
		return 0, nil, err
	}
	p, err := s.deps.Vouchers.ScanMember(c.Request.Context(), principal(c), code)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"member": p}, nil
}

func (s *server) counterCheckout(c *gin.Context) (int, any, error) {
	var in voucher.CheckoutInput
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, unprocessable(err)
	}
	r, err := s.deps.Vouchers.Checkout(c.Request.Context(), principal(c), in, idempotencyKey(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, redemptionBody(r), nil
}

func (s *server) counterToday(c *gin.Context) (int, any, error) {
	shop, err := queryInt(c, "shop_id")
	if err != nil {
		return 0, nil, err
	}
	d, err := s.deps.Vouchers.Today(c.Request.Context(), principal(c), shop)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, d, nil
}

func (s *server) counterReverse(c *gin.Context) (int, any, error) {
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
	r, err := s.deps.Vouchers.Reverse(c.Request.Context(), principal(c), id, in.Reason)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, r, nil
}

func (s *server) villageRedemptions(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var f voucher.RedemptionFilter
	if f.From, err = queryTime(c, "from"); err != nil {
		return 0, nil, err
	}
	if f.To, err = queryTime(c, "to"); err != nil {
		return 0, nil, err
	}
	if f.From.IsZero() {
		f.From = calendar.MonthStart(s.deps.Vouchers.Now())
	}
	rs, err := s.deps.Vouchers.VillageRedemptions(c.Request.Context(), principal(c), id, f)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"redemptions": rs}, nil
}
