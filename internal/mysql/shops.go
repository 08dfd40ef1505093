package mysql

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/org"
)

// CatalogStore implements catalog.Store.
type CatalogStore struct {
	db *DB
}

// NewCatalogStore returns a CatalogStore.
func NewCatalogStore(db *DB) *CatalogStore { return &CatalogStore{db: db} }

// writeTx runs fn in a transaction and appends the audit events it returns, last.
func (db *DB) writeTx(ctx context.Context, fn func(tx *sqlx.Tx) ([]audit.Event, error)) error {
	return db.InTx(ctx, func(tx *sqlx.Tx) error {
		events, err := fn(tx)
		if err != nil {
			return err
		}
		return db.audit(ctx, tx, events...)
	})
}

// Shop implements catalog.Store.
func (s *CatalogStore) Shop(ctx context.Context, id int64) (org.Shop, error) {
	var sh org.Shop
	err := s.db.get(ctx, &sh, catalog.ErrShopNotFound, `SELECT `+shopColumns+` FROM shops WHERE id = ?`, id)
	return sh, wrap(err, "shop %d", id)
}

// Shops implements catalog.Store.
func (s *CatalogStore) Shops(ctx context.Context, f catalog.ShopFilter) ([]org.Shop, error) {
	var conds []string
	var args []any
	if len(f.IDs) > 0 {
		q, a, _ := sqlx.In(`id IN (?)`, f.IDs)
		conds, args = append(conds, q), append(args, a...)
	}
	if len(f.VillageIDs) > 0 {
		q, a, _ := sqlx.In(`(village_id IN (?) OR id IN (SELECT shop_id FROM shop_agreements WHERE village_id IN (?) AND status <> 'ended'))`, f.VillageIDs, f.VillageIDs)
		conds, args = append(conds, q), append(args, a...)
	}
	if f.TownshipID != 0 {
		conds, args = append(conds, `village_id IN (SELECT id FROM villages WHERE township_id = ?)`), append(args, f.TownshipID)
	}
	if f.ActiveFor != 0 {
		conds = append(conds, `id IN (SELECT shop_id FROM shop_agreements WHERE village_id = ? AND status = 'active' AND ? BETWEEN valid_from AND valid_to)`)
		args = append(args, f.ActiveFor, calendar.Date(f.Day))
	}
	out := []org.Shop{}
	if len(conds) == 0 {
		return out, nil
	}
	err := s.db.list(ctx, &out, `SELECT `+shopColumns+` FROM shops WHERE `+strings.Join(conds, " OR ")+` ORDER BY id`, args...)
	return out, wrap(err, "list shops")
}

// CreateShop implements catalog.Store.
func (s *CatalogStore) CreateShop(ctx context.Context, sh org.Shop) (org.Shop, error) {
	sh.CreatedAt, sh.UpdatedAt = s.db.now(), s.db.now()
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		res, err := tx.NamedExecContext(ctx, `INSERT INTO shops (village_id, name, address, owner_name, phone, created_at, updated_at)
			VALUES (:village_id, :name, :address, :owner_name, :phone, :created_at, :updated_at)`, sh)
		if isDuplicate(err) {
			return nil, org.ErrDuplicate
		}
		if err != nil {
			return nil, err
		}
		sh.ID, _ = res.LastInsertId()
		place, err := villagePlace(ctx, tx, sh.VillageID)
		return []audit.Event{{Place: place, Action: "shop.create", ObjectType: "shop", ObjectID: sh.ID, After: sh}}, err
	})
	return sh, wrap(err, "create shop")
}

// UpdateShop implements catalog.Store.
func (s *CatalogStore) UpdateShop(ctx context.Context, id int64, fn func(*org.Shop) error) (org.Shop, error) {
	var sh org.Shop
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := getRow(ctx, tx, &sh, catalog.ErrShopNotFound, `SELECT `+shopColumns+` FROM shops WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		before := sh
		if err := fn(&sh); err != nil {
			return nil, err
		}
		sh.UpdatedAt = s.db.now()
		_, err := tx.NamedExecContext(ctx, `UPDATE shops SET name = :name, address = :address, owner_name = :owner_name,
			phone = :phone, updated_at = :updated_at WHERE id = :id`, sh)
		if isDuplicate(err) {
			return nil, org.ErrDuplicate
		}
		if err != nil {
			return nil, err
		}
		place, err := villagePlace(ctx, tx, sh.VillageID)
		return []audit.Event{{Place: place, Action: "shop.update", ObjectType: "shop", ObjectID: sh.ID, Before: before, After: sh}}, err
	})
	return sh, wrap(err, "update shop %d", id)
}

// Agreements implements catalog.Store.
func (s *CatalogStore) Agreements(ctx context.Context, shopID int64) ([]catalog.Agreement, error) {
	out := []catalog.Agreement{}
	err := s.db.list(ctx, &out, `SELECT `+agreementColumns+` FROM shop_agreements WHERE shop_id = ? ORDER BY valid_from DESC, id DESC`, shopID)
	return out, wrap(err, "agreements of shop %d", shopID)
}

// Agreement implements catalog.Store.
func (s *CatalogStore) Agreement(ctx context.Context, id int64) (catalog.Agreement, error) {
	var a catalog.Agreement
	err := s.db.get(ctx, &a, catalog.ErrAgreementNotFound, `SELECT `+agreementColumns+` FROM shop_agreements WHERE id = ?`, id)
	return a, wrap(err, "agreement %d", id)
}

// CreateAgreement implements catalog.Store. The shop's row lock serialises agreements of one shop,
// so two clerks cannot both create overlapping ones.
func (s *CatalogStore) CreateAgreement(ctx context.Context, a catalog.Agreement) (catalog.Agreement, error) {
	a.CreatedAt, a.UpdatedAt = s.db.now(), s.db.now()
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		var shopID int64
		if err := getRow(ctx, tx, &shopID, catalog.ErrShopNotFound, `SELECT id FROM shops WHERE id = ? FOR UPDATE`, a.ShopID); err != nil {
			return nil, err
		}
		var overlaps int
		if err := tx.GetContext(ctx, &overlaps, `SELECT COUNT(*) FROM shop_agreements WHERE shop_id = ? AND village_id = ?
			AND status <> 'ended' AND valid_from <= ? AND valid_to >= ?`, a.ShopID, a.VillageID, a.ValidTo, a.ValidFrom); err != nil {
			return nil, err
		}
		if overlaps > 0 {
			return nil, catalog.ErrOverlapping
		}
		res, err := tx.NamedExecContext(ctx, `INSERT INTO shop_agreements (shop_id, village_id, valid_from, valid_to, status, note,
			created_by, created_at, updated_at) VALUES (:shop_id, :village_id, :valid_from, :valid_to, :status, :note,
			:created_by, :created_at, :updated_at)`, a)
		if err != nil {
			return nil, err
		}
		a.ID, _ = res.LastInsertId()
		place, err := villagePlace(ctx, tx, a.VillageID)
		return []audit.Event{{Place: place, Action: "agreement.create", ObjectType: "agreement", ObjectID: a.ID, After: a}}, err
	})
	return a, wrap(err, "create agreement")
}

// SetAgreementStatus implements catalog.Store.
func (s *CatalogStore) SetAgreementStatus(ctx context.Context, id int64, status catalog.AgreementStatus, note string) (catalog.Agreement, error) {
	var a catalog.Agreement
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := getRow(ctx, tx, &a, catalog.ErrAgreementNotFound, `SELECT `+agreementColumns+` FROM shop_agreements WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		if a.Status == catalog.AgreementEnded {
			return nil, catalog.ErrAgreementEnded
		}
		before := a
		a.Status, a.UpdatedAt = status, s.db.now()
		if note != "" {
			a.Note = note
		}
		if _, err := tx.ExecContext(ctx, `UPDATE shop_agreements SET status = ?, note = ?, updated_at = ? WHERE id = ?`,
			a.Status, a.Note, a.UpdatedAt, id); err != nil {
			return nil, err
		}
		place, err := villagePlace(ctx, tx, a.VillageID)
		return []audit.Event{{Place: place, Action: "agreement." + string(status), ObjectType: "agreement", ObjectID: id, Before: before, After: a}}, err
	})
	return a, wrap(err, "set agreement %d to %s", id, status)
}

// ActiveAgreement implements catalog.Store.
func (s *CatalogStore) ActiveAgreement(ctx context.Context, shopID, villageID int64, day time.Time) (catalog.Agreement, error) {
	return activeAgreement(ctx, s.db, shopID, villageID, day)
}

// activeAgreement is ActiveAgreement on any queryer, so that a redemption can check it in its own
// transaction.
func activeAgreement(ctx context.Context, q sqlx.QueryerContext, shopID, villageID int64, day time.Time) (catalog.Agreement, error) {
	var a catalog.Agreement
	err := getRow(ctx, q, &a, catalog.ErrNoAgreement, `SELECT `+agreementColumns+` FROM shop_agreements
		WHERE shop_id = ? AND village_id = ? AND status = 'active' AND ? BETWEEN valid_from AND valid_to
		ORDER BY valid_from DESC LIMIT 1`, shopID, villageID, calendar.Date(day))
	if err != nil {
		return a, fmt.Errorf("shop %d for village %d: %w", shopID, villageID, err)
	}
	return a, nil
}
