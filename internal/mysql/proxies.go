package mysql

import (
	"context"
	"time"

	"pointsmarket/internal/proxy"
	"pointsmarket/internal/voucher"
	"pointsmarket/internal/write"
)

// ProxyStore implements proxy.Store and voucher.Proxies.
type ProxyStore struct{ db *DB }

// NewProxyStore returns a ProxyStore.
func NewProxyStore(db *DB) *ProxyStore { return &ProxyStore{db: db} }

// proxyQuery reads proxies with what each took for its household since a moment (the first
// argument) and the household's spendable points.
const proxyQuery = `SELECT x.id, x.village_id, x.household_id, h.number AS household, x.person_id, p.name, x.monthly_ceiling,
	x.named_by, x.created_at, x.revoked_at, a.id AS account_id, a.credits - a.debits - a.held AS available,
	(SELECT COALESCE(SUM(v.points), 0) FROM vouchers v WHERE v.account_id = a.id AND v.holder_id = x.person_id AND v.proxy
		AND v.status IN ('issued', 'redeemed') AND v.created_at >= ?) AS spent_this_month
	FROM proxies x JOIN households h ON h.id = x.household_id JOIN people p ON p.id = x.person_id
	JOIN accounts a ON a.kind = 'household' AND a.owner_id = x.household_id AND a.village_id = x.village_id`

// Proxy implements proxy.Store.
func (s *ProxyStore) Proxy(ctx context.Context, id int64) (proxy.Proxy, error) {
	var x proxy.Proxy
	err := getRow(ctx, s.db, &x, proxy.ErrNotFound, proxyQuery+` WHERE x.id = ?`, time.Time{}, id)
	return x, wrap(err, "proxy %d", id)
}

// Of implements proxy.Store.
func (s *ProxyStore) Of(ctx context.Context, householdID int64, since time.Time) ([]proxy.Proxy, error) {
	out := []proxy.Proxy{}
	err := s.db.list(ctx, &out, proxyQuery+` WHERE x.household_id = ? AND x.revoked_at IS NULL ORDER BY x.id`, since, householdID)
	return out, wrap(err, "proxies of household %d", householdID)
}

// For implements proxy.Store.
func (s *ProxyStore) For(ctx context.Context, personID int64, since time.Time) ([]proxy.Proxy, error) {
	out := []proxy.Proxy{}
	err := s.db.list(ctx, &out, proxyQuery+` WHERE x.person_id = ? AND x.revoked_at IS NULL ORDER BY h.number`, since, personID)
	return out, wrap(err, "households %d redeems for", personID)
}

// ProxyOf implements voucher.Proxies.
func (s *ProxyStore) ProxyOf(ctx context.Context, personID, householdID int64) (*voucher.ProxyGrant, error) {
	var gs []voucher.ProxyGrant
	err := s.db.list(ctx, &gs, `SELECT x.id, p.name, x.monthly_ceiling FROM proxies x JOIN people p ON p.id = x.person_id
		WHERE x.person_id = ? AND x.household_id = ? AND x.revoked_at IS NULL ORDER BY x.id DESC LIMIT 1`, personID, householdID)
	if err != nil || len(gs) == 0 {
		return nil, wrap(err, "proxy of %d for household %d", personID, householdID)
	}
	return &gs[0], nil
}

var _ proxy.Tx = (*Tx)(nil)

// ProxyTx returns the transaction runner of the proxies' workflows.
func (db *DB) ProxyTx() write.InTx[proxy.Tx] { return runAs(db, func(t *Tx) proxy.Tx { return t }) }

// InsertProxy implements proxy.Tx: a person is a household's proxy once at a time (the
// household's row is the lock).
func (t *Tx) InsertProxy(ctx context.Context, x *proxy.Proxy) error {
	var id int64
	if err := t.tx.GetContext(ctx, &id, `SELECT id FROM households WHERE id = ? FOR UPDATE`, x.HouseholdID); err != nil {
		return err
	}
	var n int
	if err := t.tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM proxies WHERE household_id = ? AND person_id = ? AND revoked_at IS NULL`,
		x.HouseholdID, x.PersonID); err != nil {
		return err
	}
	if n > 0 {
		return proxy.ErrNamedBefore
	}
	res, err := t.tx.NamedExecContext(ctx, `INSERT INTO proxies (village_id, household_id, person_id, monthly_ceiling, named_by, created_at)
		VALUES (:village_id, :household_id, :person_id, :monthly_ceiling, :named_by, :created_at)`, x)
	if err != nil {
		return err
	}
	x.ID, err = res.LastInsertId()
	return err
}

// RevokeProxy implements proxy.Tx.
func (t *Tx) RevokeProxy(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := t.tx.ExecContext(ctx, `UPDATE proxies SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, at, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ProxySpent implements voucher.Tx.
func (t *Tx) ProxySpent(ctx context.Context, accountID, proxyID int64, since time.Time) (int64, error) {
	var n int64
	err := t.tx.GetContext(ctx, &n, `SELECT COALESCE(SUM(points), 0) FROM vouchers WHERE account_id = ? AND holder_id = ? AND proxy
		AND status IN ('issued', 'redeemed') AND created_at >= ?`, accountID, proxyID, since)
	return n, err
}
