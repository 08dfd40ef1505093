package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/voucher"
)

// Household cards (户卡): the village office issues and prints them and sets their PINs; the
// counter scans a card and takes the PIN on its PIN pad.

func (s *server) householdCards(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	cs, err := s.deps.Cards.Of(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"cards": cs}, nil
}

// cardQR renders a card's QR for printing.
func (s *server) cardQR(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, logger(c), err)
		return
	}
	_, code, err := s.deps.Cards.Printable(c.Request.Context(), principal(c), id)
	if err != nil {
		writeError(c, logger(c), err)
		return
	}
	writeQR(c, code)
}

type cardScanInput struct {
	Card   string `json:"card"`
	ShopID int64  `json:"shop_id"`
}

func (s *server) counterScanCard(c *gin.Context) (int, any, error) {
	var in cardScanInput
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	shop, err := voucher.CounterShop(principal(c), in.ShopID)
	if err != nil {
		return 0, nil, err
	}
	p, err := s.deps.Cards.Scan(c.Request.Context(), shop, in.Card)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"card": p}, nil
}

func (s *server) counterCardCheckout(c *gin.Context) (int, any, error) {
	var in voucher.CardInput
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, unprocessable(err)
	}
	r, err := s.deps.Vouchers.CardCheckout(c.Request.Context(), principal(c), in, idempotencyKey(c))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, redemptionBody(r), nil
}
