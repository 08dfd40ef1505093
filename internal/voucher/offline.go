package voucher

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"strings"
	"time"

	"pointsmarket/internal/auth"
)

// A voucher's QR carries, after its online code, what a counter needs to redeem it with no link
// (交易离线): its shop, expiry, points and lines, tagged with the shop's offline key:
//
//	PMV<id>.<nonce>.<mac>/<payload>.<tag>
//
// The shop's device fetches its own key while online and checks vouchers of its shop with it;
// the server's secret never leaves the server. A shopkeeper who forges a tail with that key gains
// nothing: the redemption is synced to the server, which checks the voucher itself (its nonce,
// status and hold), and the forgery is refused and audited.

// Offline is what a voucher's offline part says.
type Offline struct {
	VoucherID int64
	ShopID    int64
	ExpiresAt time.Time
	Points    int64
	Lines     []Line
}

// ShopKey is a shop's offline key: HMAC-SHA256 of the shop's id under a root derived from the
// service's secret.
func (c Codes) ShopKey(shopID int64) []byte {
	m := hmac.New(sha256.New, c.shopRoot)
	m.Write(binary.AppendUvarint(nil, uint64(shopID)))
	return m.Sum(nil)
}

// offlineTag is the tag of a voucher's offline payload: the shop key's HMAC of the online code
// and the payload, cut to 80 bits.
func offlineTag(key []byte, online string, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(online))
	m.Write(payload)
	return m.Sum(nil)[:macLen]
}

// VoucherQR returns the text of a voucher's QR: its code with the offline part.
func (c Codes) VoucherQR(v Voucher) string {
	online := c.Voucher(v.ID, v.Nonce)
	payload := binary.AppendUvarint(nil, uint64(v.ShopID))
	payload = binary.AppendUvarint(payload, uint64(v.ExpiresAt.Unix()))
	payload = binary.AppendUvarint(payload, uint64(v.Points))
	payload = binary.AppendUvarint(payload, uint64(len(v.Items)))
	for _, it := range v.Items {
		payload = binary.AppendUvarint(payload, uint64(it.GoodsID))
		payload = binary.AppendUvarint(payload, uint64(it.Quantity))
	}
	return online + "/" + b32.EncodeToString(payload) + "." + b32.EncodeToString(offlineTag(c.ShopKey(v.ShopID), online, payload))
}

// ParseOffline checks a voucher QR's offline part as the shop's device does: ErrInvalidCode when
// it is missing, malformed or its tag does not verify.
func (c Codes) ParseOffline(code string) (Offline, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	online, tail, ok := strings.Cut(code, "/")
	body, tagText, ok2 := strings.Cut(tail, ".")
	if !ok || !ok2 || len(code) > 400 {
		return Offline{}, ErrInvalidCode
	}
	id, _, err := parseSigned("PMV", c.voucherKey, online)
	if err != nil {
		return Offline{}, err
	}
	payload, err1 := decode(body)
	tag, err2 := decode(tagText)
	if err1 != nil || err2 != nil || len(tag) != macLen {
		return Offline{}, ErrInvalidCode
	}
	var fields []uint64
	for rest := payload; len(rest) > 0; {
		v, n := binary.Uvarint(rest)
		if n <= 0 || v > 1<<62 {
			return Offline{}, ErrInvalidCode
		}
		fields, rest = append(fields, v), rest[n:]
	}
	if len(fields) < 4 || uint64(len(fields)) != 4+2*fields[3] {
		return Offline{}, ErrInvalidCode
	}
	if subtle.ConstantTimeCompare(tag, offlineTag(c.ShopKey(int64(fields[0])), online, payload)) != 1 {
		return Offline{}, ErrInvalidCode
	}
	o := Offline{VoucherID: id, ShopID: int64(fields[0]), ExpiresAt: time.Unix(int64(fields[1]), 0).UTC(), Points: int64(fields[2])}
	for i := 4; i < len(fields); i += 2 {
		o.Lines = append(o.Lines, Line{GoodsID: int64(fields[i]), Quantity: int64(fields[i+1])})
	}
	return o, nil
}

// OfflineKey returns the offline key of a shop p keeps (shopID 0: p's first), for its device to
// check the shop's vouchers when the link drops. ErrNotShopkeeper.
func (s *Service) OfflineKey(p auth.Principal, shopID int64) (int64, []byte, error) {
	shop, err := CounterShop(p, shopID)
	if err != nil {
		return 0, nil, err
	}
	return shop, s.Codes.ShopKey(shop), nil
}
