package mysql

import (
	"context"
	"errors"
	"strings"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/voucher"
)

func redemptionByID(ctx context.Context, q sqlx.QueryerContext, id int64) (voucher.Redemption, error) {
	var r voucher.Redemption
	if err := getRow(ctx, q, &r, voucher.ErrRedemptionNone, `SELECT `+redemptionColumns+` FROM redemptions WHERE id = ?`, id); err != nil {
		return r, err
	}
	var err error
	r.Items, err = itemsOf(ctx, q, "redemption_items", "redemption_id", id)
	return r, err
}

// Redemption implements voucher.Store.
func (s *VoucherStore) Redemption(ctx context.Context, id int64) (voucher.Redemption, error) {
	r, err := redemptionByID(ctx, s.db, id)
	return r, wrap(classify(err), "redemption %d", id)
}

// Redemptions implements voucher.Store.
func (s *VoucherStore) Redemptions(ctx context.Context, f voucher.RedemptionFilter) ([]voucher.Redemption, error) {
	var where []string
	var args []any
	if f.ID != 0 {
		where, args = append(where, "id = ?"), append(args, f.ID)
	}
	if f.ShopID != 0 {
		where, args = append(where, "shop_id = ?"), append(args, f.ShopID)
	}
	if f.VillageID != 0 {
		where, args = append(where, "village_id = ?"), append(args, f.VillageID)
	}
	if len(f.AccountIDs) > 0 {
		q, a, err := sqlx.In("account_id IN (?)", f.AccountIDs)
		if err != nil {
			return nil, err
		}
		where, args = append(where, q), append(args, a...)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.AfterID != 0 {
		where, args = append(where, "id > ?"), append(args, f.AfterID)
	}
	if !f.From.IsZero() {
		where, args = append(where, "created_at >= ?"), append(args, f.From)
	}
	if !f.To.IsZero() {
		where, args = append(where, "created_at < ?"), append(args, f.To)
	}
	if len(where) == 0 {
		return nil, errors.New("redemptions: no filter")
	}
	out := []voucher.Redemption{}
	// The holder's name (the household's head, or the representative) and the shop's are joined to the page, so
	// that the filters' bare column names stay the redemptions' own.
	if err := s.db.list(ctx, &out, `SELECT x.*, COALESCE(h.head_name, p.name, '') AS holder, sh.name AS shop_name FROM (SELECT `+redemptionColumns+
		` FROM redemptions WHERE `+strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT ?) x
		JOIN accounts a ON a.id = x.account_id JOIN shops sh ON sh.id = x.shop_id
		LEFT JOIN households h ON a.kind = 'household' AND h.id = a.owner_id
		LEFT JOIN people p ON a.kind = 'representative' AND p.id = a.owner_id ORDER BY x.id DESC`, append(args, f.Limit)...); err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i, r := range out {
		ids[i] = r.ID
	}
	items, err := itemsOfMany(ctx, s.db, "redemption_items", "redemption_id", ids)
	if err != nil {
		return nil, classify(err)
	}
	for i := range out {
		out[i].Items = items[out[i].ID]
	}
	return out, nil
}

// VoucherState implements voucher.Store.
func (s *VoucherStore) VoucherState(ctx context.Context, id int64) (voucher.State, error) {
	return voucherState(ctx, s.db, id)
}

func voucherState(ctx context.Context, q sqlx.QueryerContext, id int64) (voucher.State, error) {
	var st voucher.State
	err := getRow(ctx, q, &st, voucher.ErrVoucherNotFound, `SELECT v.status, v.expires_at, v.fence, r.created_at AS redeemed_at,
		r.shop_id AS redeemed_shop_id, s.name AS redeemed_shop_name
		FROM vouchers v LEFT JOIN redemptions r ON r.voucher_id = v.id LEFT JOIN shops s ON s.id = r.shop_id WHERE v.id = ?`, id)
	return st, err
}
