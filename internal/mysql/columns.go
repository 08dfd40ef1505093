package mysql

import "strings"

// Explicit column lists: a later migration that adds a column must not break a struct scan.
const (
	holdColumns      = `id, village_id, debit_account_id, credit_account_id, amount, kind, reason, ref_type, ref_id, status, created_by, created_at, resolved_at`
	householdColumns = `id, village_id, group_id, number, head_name, size, address, created_at, updated_at`
	shopColumns      = `id, village_id, name, address, owner_name, phone, created_at, updated_at`
	townshipColumns  = `id, county_id, county, name, created_at`
	transferColumns  = `id, village_id, debit_account_id, credit_account_id, amount, kind, earning, reason, ref_type, ref_id, hold_id, reverses_id, debit_balance_after, credit_balance_after, created_by, created_at`
	groupColumns     = `id, village_id, name, created_at`
	villageColumns   = `id, township_id, name, allow_negative_penalty, notice_days, expiry_date, assembly_quorum_pct, majority_pct, supervision_phone, cash_top_up, created_at`
)

const (
	agreementColumns = `id, shop_id, village_id, valid_from, valid_to, status, note, created_by, created_at, updated_at`
	standardColumns  = `id, village_id, fen_per_point, tolerance_pct, status, note, proposed_by, proposed_at, decided_by, decided_at, decision_note`
	goodsColumns     = `id, shop_id, name, category, unit, points, price_fen, monthly_limit, on_shelf, standard_ok, exception_by, photo_id, stock, low_stock, created_at, updated_at`
	movementColumns  = `id, goods_id, delta, kind, reason, ref_type, ref_id, moved_on, created_by, created_at`
)

const (
	voucherColumns    = `id, village_id, shop_id, account_id, holder_id, points, status, nonce, short_code, hold_id, fence, expires_at, created_at, resolved_at`
	redemptionColumns = `id, village_id, shop_id, account_id, kind, voucher_id, member_code_id, points, price_fen, cash_fen, transfer_id, redeemed_by, created_at, reversed_at, reversed_by, reversal_transfer_id, reversal_reason, proxy, card_id`
	itemColumns       = `goods_id, name, unit, quantity, points_each, price_fen`
)

// prefixed qualifies each of a comma-separated column list with a table alias: prefixed("p.", "id, name") = "p.id, p.name".
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
