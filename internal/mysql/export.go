package mysql

import (
	"context"
	"fmt"
	"time"

	"pointsmarket/internal/calendar"
	"pointsmarket/internal/export"
)

// exports are the queries behind each export: a header and a SELECT of a village's rows in
// [from, to), in order. Times are shown in China time; money in yuan.
var exports = map[string]struct {
	header []string
	query  string
}{
	"ledger": {[]string{"编号", "时间", "类型", "转出账户", "转入账户", "积分", "事由"}, `
		SELECT t.id, t.created_at, t.kind, CONCAT(d.kind, '#', d.owner_id), CONCAT(c.kind, '#', c.owner_id), t.amount, t.reason
		FROM transfers t JOIN accounts d ON d.id = t.debit_account_id JOIN accounts c ON c.id = t.credit_account_id
		WHERE t.village_id = ? AND t.created_at >= ? AND t.created_at < ? ORDER BY t.id`},
	"entries": {[]string{"编号", "月份", "状态", "户号", "项目", "积分", "事由", "登记时间"}, `
		SELECT e.id, e.period, e.status, COALESCE(h.number, ''), i.name, e.points, e.reason, e.registered_at
		FROM point_entries e JOIN rule_items i ON i.id = e.rule_item_id LEFT JOIN households h ON h.id = e.household_id
		WHERE e.village_id = ? AND e.registered_at >= ? AND e.registered_at < ? ORDER BY e.id`},
	"redemptions": {[]string{"编号", "时间", "超市", "方式", "账户", "积分", "金额（元）", "退货时间", "退货原因"}, `
		SELECT r.id, r.created_at, s.name, r.kind, r.account_id, r.points, r.price_fen / 100, COALESCE(r.reversed_at, ''), r.reversal_reason
		FROM redemptions r JOIN shops s ON s.id = r.shop_id
		WHERE r.village_id = ? AND r.created_at >= ? AND r.created_at < ? ORDER BY r.id`},
	"settlements": {[]string{"编号", "月份", "超市", "状态", "积分", "金额（元）", "付款日期", "付款凭证"}, `
		SELECT st.id, st.period, s.name, st.status, st.total_points, st.total_fen / 100, COALESCE(st.paid_on, ''), st.payment_ref
		FROM settlements st JOIN shops s ON s.id = st.shop_id
		WHERE st.village_id = ? AND st.generated_at >= ? AND st.generated_at < ? ORDER BY st.period, st.id`},
	"audit": {[]string{"编号", "时间", "操作人", "角色", "操作", "对象", "对象编号", "IP", "变更前", "变更后", "链", "序号"}, `
		SELECT a.id, a.occurred_at, a.actor_id, a.actor_role, a.action, a.object_type, a.object_id, a.ip, a.before_data, a.after_data,
			a.chain_id, a.seq
		FROM audit_log a WHERE a.village_id = ? AND a.occurred_at >= ? AND a.occurred_at < ? ORDER BY a.id`},
}

// ExportStore implements export.Store.
type ExportStore struct{ db *DB }

// NewExportStore returns an ExportStore.
func NewExportStore(db *DB) *ExportStore { return &ExportStore{db: db} }

// Export implements export.Store, streaming the rows from one query.
func (s *ExportStore) Export(ctx context.Context, kind string, f export.Filter, header func([]string) error, row func([]any) error) error {
	e, ok := exports[kind]
	if !ok {
		return export.ErrUnknownKind
	}
	if err := header(e.header); err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, e.query, f.VillageID, f.From, f.To)
	if err != nil {
		return fmt.Errorf("export %s: %w", kind, classify(err))
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	values := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range values {
		ptrs[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out := make([]any, len(values))
		for i, v := range values {
			switch x := v.(type) {
			case []byte:
				out[i] = string(x)
			case time.Time:
				out[i] = x.In(calendar.Zone()).Format("2006-01-02 15:04:05")
			default:
				out[i] = x
			}
		}
		if err := row(out); err != nil {
			return err
		}
	}
	return rows.Err()
}
