package mysql

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/voucher"
)

// VoucherStore implements voucher.Store on the ledger and catalog stores' in-transaction functions,
// so that a redemption is one transaction over voucher, ledger, stock, redemption and audit.
type VoucherStore struct {
	db      *DB
	ledger  *LedgerStore
	catalog *CatalogStore
}

// NewVoucherStore returns a VoucherStore.
func NewVoucherStore(db *DB, ledger *LedgerStore, catalog *CatalogStore) *VoucherStore {
	return &VoucherStore{db: db, ledger: ledger, catalog: catalog}
}

// priceInTx reads the goods of lines as they are in tx and prices them.
func priceInTx(ctx context.Context, tx *sqlx.Tx, shopID int64, lines []voucher.Line) ([]voucher.Item, int64, int64, []catalog.Goods, error) {
	ids := make([]int64, len(lines))
	for i, l := range lines {
		ids[i] = l.GoodsID
	}
	q, args, _ := sqlx.In(`SELECT `+goodsColumns+` FROM goods WHERE id IN (?)`, ids)
	var goods []catalog.Goods
	if err := tx.SelectContext(ctx, &goods, q, args...); err != nil {
		return nil, 0, 0, nil, err
	}
	items, points, fen, err := voucher.Price(shopID, lines, goods)
	return items, points, fen, goods, err
}

// householdAccounts returns every account of the household an account belongs to: the household's
// own and its members' representative accounts (a representative of no household has only theirs).
// It locks the household account's row, which serialises the limit checks of all of them: each
// order locks its own account first and the household's second, so no two wait on each other.
func householdAccounts(ctx context.Context, tx *sqlx.Tx, accountID int64) ([]int64, error) {
	var ids []int64
	err := tx.SelectContext(ctx, &ids, `SELECT h.id FROM accounts a
		LEFT JOIN people p ON a.kind = 'representative' AND p.id = a.owner_id
		JOIN accounts h ON h.village_id = a.village_id AND h.kind = 'household'
			AND h.owner_id = CASE WHEN a.kind = 'household' THEN a.owner_id ELSE p.household_id END
		WHERE a.id = ? FOR UPDATE`, accountID)
	if err != nil || len(ids) == 0 {
		return []int64{accountID}, err
	}
	household := ids[0]
	err = tx.SelectContext(ctx, &ids, `SELECT ? UNION SELECT a.id FROM accounts a JOIN people p ON p.id = a.owner_id
		JOIN accounts h ON h.id = ? AND p.household_id = h.owner_id
		WHERE a.kind = 'representative' AND a.village_id = h.village_id`, household, household)
	return ids, err
}

// takenThisMonth sums what the household of an account took of each goods this month
// (redemptions not reversed, by any of its accounts) and what their issued vouchers hold, but for
// the voucher being redeemed (0: none). Call it after locking the account row, in a READ
// COMMITTED transaction; it locks the household's row, so that two orders of one household are
// counted one after the other.
func takenThisMonth(ctx context.Context, tx *sqlx.Tx, accounts []int64, now time.Time, redeeming int64) (map[int64]int64, error) {
	q := `SELECT ri.goods_id, SUM(ri.quantity) FROM redemption_items ri JOIN redemptions r ON r.id = ri.redemption_id
		WHERE r.account_id IN (?) AND r.created_at >= ? AND r.reversed_at IS NULL GROUP BY ri.goods_id`
	q += ` UNION ALL SELECT vi.goods_id, SUM(vi.quantity) FROM voucher_items vi JOIN vouchers v ON v.id = vi.voucher_id
		WHERE v.account_id IN (?) AND v.status = 'issued' AND v.id <> ? GROUP BY vi.goods_id`
	q, args, err := sqlx.In(q, accounts, voucher.MonthStart(now), accounts, redeeming)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	taken := map[int64]int64{}
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		taken[id] += n
	}
	return taken, rows.Err()
}

func hasLimits(goods []catalog.Goods) bool {
	for _, g := range goods {
		if g.MonthlyLimit != nil {
			return true
		}
	}
	return false
}

// Issue implements voucher.Store. Lock order: the account row (by the hold), then the new voucher.
func (s *VoucherStore) Issue(ctx context.Context, r voucher.IssueRequest, idem ledger.Idempotency) (voucher.Voucher, error) {
	var v voucher.Voucher
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		prev, replay, err := claimKey(ctx, tx, r.Now, idem)
		if err != nil {
			return err
		}
		if replay {
			v, _, err = voucherByID(ctx, tx, prev)
			return err
		}
		var acct struct {
			VillageID int64 `db:"village_id"`
			Days      int   `db:"voucher_days"`
			Clearing  int64 `db:"clearing"`
		}
		if err := getRow(ctx, tx, &acct, ledger.ErrAccountNotFound, `SELECT a.village_id, v.voucher_days,
			(SELECT c.id FROM accounts c WHERE c.village_id = a.village_id AND c.kind = 'redemptions' AND c.owner_id = 0) AS clearing
			FROM accounts a JOIN villages v ON v.id = a.village_id WHERE a.id = ?`, r.AccountID); err != nil {
			return err
		}
		if _, err := activeAgreement(ctx, tx, r.ShopID, acct.VillageID, r.Now); err != nil {
			return err
		}
		items, points, _, goods, err := priceInTx(ctx, tx, r.ShopID, r.Lines)
		if err != nil {
			return err
		}
		h, err := s.ledger.hold(ctx, tx, ledger.HoldRequest{DebitAccountID: r.AccountID, CreditAccountID: acct.Clearing,
			Amount: points, Kind: ledger.Redeem, Reason: "兑换券：" + voucherItemsText(items), RefType: "voucher"})
		if err != nil {
			return err
		}
		if hasLimits(goods) {
			accounts, err := householdAccounts(ctx, tx, r.AccountID)
			if err != nil {
				return err
			}
			taken, err := takenThisMonth(ctx, tx, accounts, r.Now, 0)
			if err != nil {
				return err
			}
			if err := voucher.CheckLimits(items, goods, taken); err != nil {
				return err
			}
		}
		v = voucher.Voucher{VillageID: acct.VillageID, ShopID: r.ShopID, AccountID: r.AccountID, HolderID: r.HolderID,
			Points: points, Status: voucher.Issued, Nonce: r.Nonce, HoldID: h.ID, CreatedAt: s.db.now(),
			ExpiresAt: r.Now.Add(time.Duration(acct.Days) * 24 * time.Hour).UTC().Truncate(time.Microsecond), Items: items}
		if err := insertVoucher(ctx, tx, &v); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE holds SET ref_id = ? WHERE id = ?`, v.ID, h.ID); err != nil {
			return err
		}
		if err := insertItems(ctx, tx, "voucher_items", "voucher_id", v.ID, items); err != nil {
			return err
		}
		if err := settleKey(ctx, tx, idem, v.ID); err != nil {
			return err
		}
		place, err := villagePlace(ctx, tx, v.VillageID)
		if err != nil {
			return err
		}
		h.RefID = v.ID
		return s.db.audit(ctx, tx,
			audit.Event{Place: place, Action: "voucher.issue", ObjectType: "voucher", ObjectID: v.ID, After: v},
			holdEvent(h, "ledger.hold", nil, place))
	}, ReadCommitted)
	if err != nil {
		return voucher.Voucher{}, fmt.Errorf("issue voucher: %w", err)
	}
	return v, nil
}

func voucherItemsText(items []voucher.Item) string {
	s := ""
	for i, it := range items {
		if i > 0 {
			s += "、"
		}
		s += fmt.Sprintf("%s×%d", it.Name, it.Quantity)
	}
	if len([]rune(s)) > 180 {
		s = string([]rune(s)[:180]) + "…"
	}
	return s
}

// insertVoucher writes v with a fresh short code, drawing again on the rare clash with a code of
// the same shop.
func insertVoucher(ctx context.Context, tx *sqlx.Tx, v *voucher.Voucher) error {
	for range 5 {
		v.ShortCode = voucher.NewShortCode()
		res, err := tx.NamedExecContext(ctx, `INSERT INTO vouchers (village_id, shop_id, account_id, holder_id, points, status,
			nonce, short_code, hold_id, fence, expires_at, created_at) VALUES (:village_id, :shop_id, :account_id, :holder_id,
			:points, :status, :nonce, :short_code, :hold_id, 0, :expires_at, :created_at)`, v)
		if isDuplicate(err) {
			continue
		}
		if err != nil {
			return err
		}
		v.ID, err = res.LastInsertId()
		return err
	}
	return errors.New("no free short code after 5 draws")
}

func insertItems(ctx context.Context, tx *sqlx.Tx, table, parent string, id int64, items []voucher.Item) error {
	for _, it := range items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (`+parent+`, goods_id, name, unit, quantity, points_each, price_fen)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, it.GoodsID, it.Name, it.Unit, it.Quantity, it.PointsEach, it.PriceFen); err != nil {
			return err
		}
	}
	return nil
}

func itemsOf(ctx context.Context, q sqlx.QueryerContext, table, parent string, id int64) ([]voucher.Item, error) {
	items := []voucher.Item{}
	err := sqlx.SelectContext(ctx, q, &items, `SELECT `+itemColumns+` FROM `+table+` WHERE `+parent+` = ? ORDER BY goods_id`, id)
	return items, err
}

// itemsOfMany returns the items of many parents in one query, by parent id: a page of vouchers or
// redemptions costs two queries, not one per row.
func itemsOfMany(ctx context.Context, q sqlx.QueryerContext, table, parent string, ids []int64) (map[int64][]voucher.Item, error) {
	out := make(map[int64][]voucher.Item, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	query, args, err := sqlx.In(`SELECT `+parent+` AS parent_id, `+itemColumns+` FROM `+table+` WHERE `+parent+` IN (?) ORDER BY goods_id`, ids)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ParentID int64 `db:"parent_id"`
		voucher.Item
	}
	if err := sqlx.SelectContext(ctx, q, &rows, query, args...); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ParentID] = append(out[r.ParentID], r.Item)
	}
	for _, id := range ids {
		if out[id] == nil {
			out[id] = []voucher.Item{} // an empty list, not null, in JSON
		}
	}
	return out, nil
}

func voucherByID(ctx context.Context, q sqlx.QueryerContext, id int64) (voucher.Voucher, voucher.HolderName, error) {
	var row struct {
		voucher.Voucher
		Holder string `db:"holder_name"`
	}
	err := getRow(ctx, q, &row, voucher.ErrVoucherNotFound, `SELECT v.id, v.village_id, vi.township_id, v.shop_id, v.account_id,
		v.holder_id, v.points, v.status, v.nonce, v.short_code, v.hold_id, v.fence, v.expires_at, v.created_at, v.resolved_at,
		p.name AS holder_name
		FROM vouchers v JOIN people p ON p.id = v.holder_id JOIN villages vi ON vi.id = v.village_id WHERE v.id = ?`, id)
	if err != nil {
		return voucher.Voucher{}, "", err
	}
	row.Items, err = itemsOf(ctx, q, "voucher_items", "voucher_id", id)
	return row.Voucher, voucher.HolderName(row.Holder), err
}

// Voucher implements voucher.Store.
func (s *VoucherStore) Voucher(ctx context.Context, id int64) (voucher.Voucher, voucher.HolderName, error) {
	v, h, err := voucherByID(ctx, s.db, id)
	return v, h, wrap(classify(err), "voucher %d", id)
}

// VoucherByShortCode implements voucher.Store.
func (s *VoucherStore) VoucherByShortCode(ctx context.Context, shopIDs []int64, code string) (voucher.Voucher, voucher.HolderName, error) {
	q, args, _ := sqlx.In(`SELECT id FROM vouchers WHERE short_code = ? AND shop_id IN (?)`, code, shopIDs)
	var id int64
	if err := s.db.get(ctx, &id, voucher.ErrInvalidCode, q, args...); err != nil {
		return voucher.Voucher{}, "", err
	}
	return s.Voucher(ctx, id)
}

// Vouchers implements voucher.Store.
func (s *VoucherStore) Vouchers(ctx context.Context, accountIDs []int64, limit int) ([]voucher.Voucher, error) {
	q, args, _ := sqlx.In(`SELECT `+voucherColumns+` FROM vouchers WHERE account_id IN (?) ORDER BY id DESC LIMIT ?`, accountIDs, limit)
	out := []voucher.Voucher{}
	if err := s.db.list(ctx, &out, q, args...); err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i, v := range out {
		ids[i] = v.ID
	}
	items, err := itemsOfMany(ctx, s.db, "voucher_items", "voucher_id", ids)
	if err != nil {
		return nil, classify(err)
	}
	for i := range out {
		out[i].Items = items[out[i].ID]
	}
	return out, nil
}

// endVoucher moves an issued voucher to status by compare-and-set and releases its hold.
// Lock order: the voucher row, then the account (by the release).
func (s *VoucherStore) endVoucher(ctx context.Context, id int64, status voucher.Status, cond string, args ...any) (voucher.Voucher, error) {
	var v voucher.Voucher
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		now := s.db.now()
		res, err := tx.ExecContext(ctx, `UPDATE vouchers SET status = ?, resolved_at = ? WHERE id = ? AND status = 'issued' `+cond,
			append([]any{status, now, id}, args...)...)
		if err != nil {
			return err
		}
		if v, _, err = voucherByID(ctx, tx, id); err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return voucher.ErrNotIssued.WithDetails(map[string]any{"status": v.Status})
		}
		h, err := s.ledger.release(ctx, tx, v.HoldID)
		if err != nil {
			return err
		}
		place, err := villagePlace(ctx, tx, v.VillageID)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx,
			audit.Event{Place: place, Action: "voucher." + string(status), ObjectType: "voucher", ObjectID: v.ID,
				Before: map[string]any{"status": voucher.Issued}, After: map[string]any{"status": status, "points_released": v.Points}},
			holdEvent(h, "ledger.release", nil, place))
	})
	return v, wrap(err, "%s voucher %d", status, id)
}

// Cancel implements voucher.Store.
func (s *VoucherStore) Cancel(ctx context.Context, id int64, fence voucher.Fence) (voucher.Voucher, error) {
	if fence == 0 {
		return s.endVoucher(ctx, id, voucher.Cancelled, "")
	}
	return s.endVoucher(ctx, id, voucher.Cancelled, `AND fence < ?`, fence)
}

// Expire implements voucher.Store.
func (s *VoucherStore) Expire(ctx context.Context, id int64, now time.Time) (voucher.Voucher, error) {
	return s.endVoucher(ctx, id, voucher.Expired, `AND expires_at <= ?`, now)
}

// DueForExpiry implements voucher.Store.
func (s *VoucherStore) DueForExpiry(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := s.db.list(ctx, &ids, `SELECT id FROM vouchers WHERE status = 'issued' AND expires_at <= ? ORDER BY expires_at LIMIT ?`, now, limit)
	return ids, err
}

// AccountHolder implements voucher.Store.
func (s *VoucherStore) AccountHolder(ctx context.Context, accountID int64) (voucher.HolderName, error) {
	var name string
	err := s.db.get(ctx, &name, voucher.ErrInvalidCode, `SELECT COALESCE(
		(SELECT h.head_name FROM households h WHERE a.kind = 'household' AND h.id = a.owner_id),
		(SELECT p.name FROM people p WHERE a.kind = 'representative' AND p.id = a.owner_id), '')
		FROM accounts a WHERE a.id = ?`, accountID)
	return voucher.HolderName(name), err
}
