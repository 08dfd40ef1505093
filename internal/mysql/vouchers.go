package mysql

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/fault"
	"pointsmarket/internal/voucher"
)

// VoucherStore implements voucher.Store: vouchers and redemptions as they are read. Their writes
// run in a Tx (voucher_tx.go), as the voucher package's workflows.
type VoucherStore struct {
	db *DB
}

// NewVoucherStore returns a VoucherStore.
func NewVoucherStore(db *DB) *VoucherStore { return &VoucherStore{db: db} }

// householdAccounts returns every account of the household an account belongs to: the household's
// own and its members' representative accounts (a representative of no household has only theirs).
// With lock, in a transaction, it locks the household account's row, which serialises the limit
// checks of all of them: each order locks its own account first and the household's second, so no
// two wait on each other. A read for a page takes no lock.
func householdAccounts(ctx context.Context, tx sqlx.QueryerContext, accountID int64, lock bool) ([]int64, error) {
	var ids []int64
	q := `SELECT h.id FROM accounts a
		LEFT JOIN people p ON a.kind = 'representative' AND p.id = a.owner_id
		JOIN accounts h ON h.village_id = a.village_id AND h.kind = 'household'
			AND h.owner_id = CASE WHEN a.kind = 'household' THEN a.owner_id ELSE p.household_id END
		WHERE a.id = ?`
	if lock {
		q += ` FOR UPDATE`
	}
	err := sqlx.SelectContext(ctx, tx, &ids, q, accountID)
	if err != nil || len(ids) == 0 {
		return []int64{accountID}, err
	}
	household := ids[0]
	err = sqlx.SelectContext(ctx, tx, &ids, `SELECT ? UNION SELECT a.id FROM accounts a JOIN people p ON p.id = a.owner_id
		JOIN accounts h ON h.id = ? AND p.household_id = h.owner_id
		WHERE a.kind = 'representative' AND a.village_id = h.village_id`, household, household)
	return ids, err
}

// takenSince sums what the household of an account took of each goods since a time
// (redemptions not reversed, by any of its accounts) and what their issued vouchers hold, but for
// the voucher being redeemed (0: none). Call it after locking the account row, in a READ
// COMMITTED transaction; it locks the household's row, so that two orders of one household are
// counted one after the other.
func takenSince(ctx context.Context, tx sqlx.QueryerContext, accounts []int64, since time.Time, redeeming int64) (map[int64]int64, error) {
	q := `SELECT ri.goods_id, SUM(ri.quantity) FROM redemption_items ri JOIN redemptions r ON r.id = ri.redemption_id
		WHERE r.account_id IN (?) AND r.created_at >= ? AND r.reversed_at IS NULL GROUP BY ri.goods_id`
	q += ` UNION ALL SELECT vi.goods_id, SUM(vi.quantity) FROM voucher_items vi JOIN vouchers v ON v.id = vi.voucher_id
		WHERE v.account_id IN (?) AND v.status = 'issued' AND v.id <> ? GROUP BY vi.goods_id`
	q, args, err := sqlx.In(q, accounts, since, accounts, redeeming)
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

// insertVoucher writes v with a fresh short code, drawing again on the rare clash with a code of
// the same shop.
func insertVoucher(ctx context.Context, tx *sqlx.Tx, v *voucher.Voucher) error {
	for range 5 {
		v.ShortCode = voucher.NewShortCode()
		res, err := tx.NamedExecContext(ctx, `INSERT INTO vouchers (village_id, shop_id, account_id, holder_id, points, status,
			nonce, short_code, hold_id, fence, expires_at, created_at, proxy) VALUES (:village_id, :shop_id, :account_id, :holder_id,
			:points, :status, :nonce, :short_code, NULL, 0, :expires_at, :created_at, :proxy)`, v)
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

// itemParents are the tables whose rows the items tables' rows belong to (their village is the row's).
var itemParents = map[string]string{"voucher_items": "vouchers", "redemption_items": "redemptions"}

func insertItems(ctx context.Context, tx *sqlx.Tx, table, parent string, id int64, items []voucher.Item) error {
	for _, it := range items {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (`+parent+`, goods_id, name, unit, quantity, points_each, price_fen, village_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT village_id FROM `+itemParents[table]+` WHERE id = ?))`,
			id, it.GoodsID, it.Name, it.Unit, it.Quantity, it.PointsEach, it.PriceFen, id); err != nil {
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

// voucherByID reads a voucher with its items and holder's name; shown adds what its holder's pages
// show (the shop's name, whether the goods came back), which a redemption's transaction never needs.
// itemsJSON selects a voucher's items (of the voucher aliased v) as one JSON array: the counter
// reads every voucher it redeems, and this saves it a round trip.
const itemsJSON = `(SELECT JSON_ARRAYAGG(JSON_OBJECT('goods_id', i.goods_id, 'name', i.name, 'unit', i.unit, 'quantity', i.quantity,
	'points_each', i.points_each, 'price_fen', i.price_fen)) FROM voucher_items i WHERE i.voucher_id = v.id) AS items_json`

// voucherRow is a voucher as read with its items as JSON.
type voucherRow struct {
	voucher.Voucher
	Holder    string `db:"holder_name"`
	ItemsJSON []byte `db:"items_json"`
}

// voucher decodes the row's items, in goods id order.
func (row voucherRow) voucher() (voucher.Voucher, error) {
	v := row.Voucher
	v.Items = []voucher.Item{}
	if len(row.ItemsJSON) > 0 {
		if err := json.Unmarshal(row.ItemsJSON, &v.Items); err != nil {
			return v, fmt.Errorf("items of voucher %d: %w", v.ID, err)
		}
	}
	slices.SortFunc(v.Items, func(a, b voucher.Item) int { return cmp.Compare(a.GoodsID, b.GoodsID) })
	return v, nil
}

func voucherByID(ctx context.Context, q sqlx.QueryerContext, id int64, shown bool) (voucher.Voucher, voucher.HolderName, error) {
	var row voucherRow
	cols, joins := "", ""
	if shown {
		cols = `, s.name AS shop_name, r.reversed_at`
		joins = ` JOIN shops s ON s.id = v.shop_id LEFT JOIN redemptions r ON r.voucher_id = v.id`
	}
	err := getRow(ctx, q, &row, voucher.ErrVoucherNotFound, `SELECT v.id, v.village_id, vi.township_id, v.shop_id, v.account_id,
		v.holder_id, v.points, v.status, v.nonce, v.short_code, v.hold_id, v.fence, v.expires_at, v.created_at, v.resolved_at,
		v.proxy, p.name AS holder_name, `+itemsJSON+cols+`
		FROM vouchers v JOIN people p ON p.id = v.holder_id JOIN villages vi ON vi.id = v.village_id`+joins+` WHERE v.id = ?`, id)
	if err != nil {
		return voucher.Voucher{}, "", err
	}
	v, err := row.voucher()
	return v, voucher.HolderName(row.Holder), err
}

// Voucher implements voucher.Store.
func (s *VoucherStore) Voucher(ctx context.Context, id int64) (voucher.Voucher, voucher.HolderName, error) {
	v, h, err := voucherByID(ctx, s.db, id, true)
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
	q, args, _ := sqlx.In(`SELECT v.id, v.village_id, v.shop_id, v.account_id, v.holder_id, v.points, v.status, v.nonce,
		v.short_code, v.hold_id, v.fence, v.expires_at, v.created_at, v.resolved_at, s.name AS shop_name, r.reversed_at
		FROM vouchers v JOIN shops s ON s.id = v.shop_id LEFT JOIN redemptions r ON r.voucher_id = v.id
		WHERE v.account_id IN (?) ORDER BY v.id DESC LIMIT ?`, accountIDs, limit)
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

// TakenThisMonth implements voucher.Store.
func (s *VoucherStore) TakenThisMonth(ctx context.Context, accountID int64, since time.Time) (map[int64]int64, error) {
	accounts, err := householdAccounts(ctx, s.db, accountID, false) // a read for the shop's page: no lock
	if err != nil {
		return nil, wrap(classify(err), "household of account %d", accountID)
	}
	taken, err := takenSince(ctx, s.db, accounts, since, 0)
	return taken, wrap(classify(err), "taken by account %d", accountID)
}

// VoucherDays implements voucher.Store.
func (s *VoucherStore) VoucherDays(ctx context.Context, villageID int64) (int, error) {
	var days int
	err := s.db.get(ctx, &days, fault.ErrNotFound, `SELECT voucher_days FROM villages WHERE id = ?`, villageID)
	return days, wrap(err, "voucher days of village %d", villageID)
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
