package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	qrcode "github.com/skip2/go-qrcode"

	"pointsmarket/internal/voucher"
)

// idempotencyKey is the Idempotency-Key header of money-moving POSTs.
func idempotencyKey(c *gin.Context) string { return c.GetHeader("Idempotency-Key") }

func (s *server) issueVoucher(c *gin.Context) (int, any, error) {
	var in voucher.IssueInput
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, unprocessable(err)
	}
	v, err := s.deps.Vouchers.Issue(c.Request.Context(), principal(c), in, idempotencyKey(c))
	if err != nil {
		return 0, nil, err
	}
	codes := s.deps.Vouchers.Codes
	return http.StatusCreated, gin.H{"id": v.ID, "code": codes.VoucherQR(v), "short_code": v.ShortCode,
		"points": v.Points, "status": v.Status, "expires_at": v.ExpiresAt, "shop_id": v.ShopID, "account_id": v.AccountID,
		"items": v.Items, "qr_url": "/api/v1/vouchers/" + strconv.FormatInt(v.ID, 10) + "/qr.png"}, nil
}

func (s *server) myVouchers(c *gin.Context) (int, any, error) {
	vs, err := s.deps.Vouchers.Mine(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"vouchers": vs}, nil
}

// qrSize is the rendered side in pixels: large enough to fill a cheap phone's screen width, so a
// counter's camera reads it from arm's length; medium error correction survives a scratched screen.
const qrSize = 512

func writeQR(c *gin.Context, text string) {
	png, err := qrcode.Encode(text, qrcode.Medium, qrSize)
	if err != nil {
		writeError(c, logger(c), err)
		return
	}
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "image/png", png)
}

// voucherQR renders the voucher's code for its holder.
func (s *server) voucherQR(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, logger(c), err)
		return
	}
	code, err := s.deps.Vouchers.Code(c.Request.Context(), principal(c), id)
	if err != nil {
		writeError(c, logger(c), err)
		return
	}
	writeQR(c, code)
}

func (s *server) memberCode(c *gin.Context) (int, any, error) {
	var account *int64
	if v, err := queryInt(c, "account_id"); err != nil {
		return 0, nil, err
	} else if v != 0 {
		account = &v
	}
	code, digits, mc, err := s.deps.Vouchers.MemberCode(c.Request.Context(), principal(c), account)
	if err != nil {
		return 0, nil, err
	}
	c.Header("Cache-Control", "no-store")
	return http.StatusOK, gin.H{"code": code, "short_code": digits, "account_id": mc.AccountID, "expires_at": mc.ExpiresAt,
		"refresh_after_seconds": int((voucher.MemberCodeTTL - 15*time.Second).Seconds()),
		"qr_url":                "/api/v1/member-code/qr.png?code=" + code}, nil
}

func (s *server) myCheckouts(c *gin.Context) (int, any, error) {
	after, err := queryInt(c, "after_id")
	if err != nil {
		return 0, nil, err
	}
	rs, err := s.deps.Vouchers.MyCheckouts(c.Request.Context(), principal(c), after)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"checkouts": rs}, nil
}

// myRedemptions lists the caller's newest redemptions, by voucher and by member code.
func (s *server) myRedemptions(c *gin.Context) (int, any, error) {
	rs, err := s.deps.Vouchers.MyRedemptions(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"redemptions": rs}, nil
}

// allowance says what the caller's household took of each goods this month (the monthly limits)
// and how long a voucher holds.
func (s *server) allowance(c *gin.Context) (int, any, error) {
	a, err := s.deps.Vouchers.Allowance(c.Request.Context(), principal(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a, nil
}

// memberCodeQR renders one of the caller's own member codes.
func (s *server) memberCodeQR(c *gin.Context) {
	code := c.Query("code")
	if _, err := s.deps.Vouchers.CheckMemberCode(c.Request.Context(), principal(c), code); err != nil {
		writeError(c, logger(c), err)
		return
	}
	writeQR(c, code)
}
