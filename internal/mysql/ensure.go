package mysql

import (
	"context"
	"errors"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/org"
)

// The Ensure methods create a place or person if it is missing and otherwise change nothing, so
// that loading the same data twice (seed --demo, provisioning scripts) is harmless. They are
// operator tools: townships, villages and shops have no create endpoint yet.

// EnsureTownship returns the township of that county and name, creating it if missing.
func (s *OrgStore) EnsureTownship(ctx context.Context, county, name string) (org.Township, error) {
	var t org.Township
	err := s.ensure(ctx, &t, `SELECT `+townshipColumns+` FROM townships WHERE county = ? AND name = ?`, []any{county, name},
		func(tx *sqlx.Tx) ([]audit.Event, error) {
			// The county's row, made once: LAST_INSERT_ID(id) answers an existing one's id.
			res, err := tx.ExecContext(ctx, `INSERT INTO counties (name, created_at) VALUES (?, ?)
				ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)`, county, s.db.now())
			if err != nil {
				return nil, err
			}
			countyID, _ := res.LastInsertId()
			res, err = tx.ExecContext(ctx, `INSERT INTO townships (county_id, county, name, created_at) VALUES (?, ?, ?, ?)`,
				countyID, county, name, s.db.now())
			if err != nil {
				return nil, err
			}
			id, _ := res.LastInsertId()
			return []audit.Event{{Place: auth.Place{TownshipID: id}, Action: "township.create", ObjectType: "township",
				ObjectID: id, After: map[string]string{"county": county, "name": name}}}, nil
		})
	return t, wrap(err, "ensure township %s", name)
}

// EnsureVillage returns the village of that township and name, creating it and its system
// accounts if missing.
func (s *OrgStore) EnsureVillage(ctx context.Context, townshipID int64, name string) (org.Village, error) {
	var v org.Village
	err := s.ensure(ctx, &v, `SELECT `+villageColumns+` FROM villages WHERE township_id = ? AND name = ?`, []any{townshipID, name},
		func(tx *sqlx.Tx) ([]audit.Event, error) {
			res, err := tx.ExecContext(ctx, `INSERT INTO villages (township_id, name, created_at) VALUES (?, ?, ?)`, townshipID, name, s.db.now())
			if err != nil {
				return nil, err
			}
			id, _ := res.LastInsertId()
			if err := s.ledger.openSystemAccounts(ctx, tx, id); err != nil {
				return nil, err
			}
			return []audit.Event{{Place: auth.Place{TownshipID: townshipID, VillageID: id}, Action: "village.create",
				ObjectType: "village", ObjectID: id, After: map[string]string{"name": name}}}, nil
		})
	return v, wrap(err, "ensure village %s", name)
}

// EnsureShop returns the village's shop of that name, creating it if missing.
func (s *OrgStore) EnsureShop(ctx context.Context, sh org.Shop) (org.Shop, error) {
	var out org.Shop
	err := s.ensure(ctx, &out, `SELECT `+shopColumns+` FROM shops WHERE village_id = ? AND name = ?`, []any{sh.VillageID, sh.Name},
		func(tx *sqlx.Tx) ([]audit.Event, error) {
			now := s.db.now()
			res, err := tx.ExecContext(ctx, `INSERT INTO shops (village_id, name, address, owner_name, phone, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, sh.VillageID, sh.Name, sh.Address, sh.OwnerName, sh.Phone, now, now)
			if err != nil {
				return nil, err
			}
			id, _ := res.LastInsertId()
			place, err := villagePlace(ctx, tx, sh.VillageID)
			return []audit.Event{{Place: place, Action: "shop.create", ObjectType: "shop", ObjectID: id, After: sh}}, err
		})
	return out, wrap(err, "ensure shop %s", sh.Name)
}

// HouseholdByNumber returns the village's household with that number, or fault.ErrNotFound.
func (s *OrgStore) HouseholdByNumber(ctx context.Context, villageID int64, number string) (org.Household, error) {
	var h org.Household
	err := s.db.get(ctx, &h, fault.ErrNotFound, `SELECT `+householdColumns+` FROM households WHERE village_id = ? AND number = ?`, villageID, number)
	return h, err
}

// PersonByName returns the person of that name in a village's household (for people without a
// phone), or fault.ErrNotFound.
func (s *OrgStore) PersonByName(ctx context.Context, householdID int64, name string) (org.Person, error) {
	var p org.Person
	err := s.db.get(ctx, &p, fault.ErrNotFound, `SELECT `+personColumns+` FROM people WHERE household_id = ? AND name = ?`, householdID, name)
	return p, err
}

// PersonByPhone returns the person with that phone, or fault.ErrNotFound.
func (s *OrgStore) PersonByPhone(ctx context.Context, phone string) (org.Person, error) {
	var p org.Person
	err := s.db.get(ctx, &p, fault.ErrNotFound, `SELECT `+personColumns+` FROM people WHERE phone = ?`, phone)
	return p, err
}

// ensure reads dest with q; when there is no row it runs create in a transaction (audited) and
// reads again. A concurrent creator makes create fail on the unique key; the read then finds its row.
func (s *OrgStore) ensure(ctx context.Context, dest any, q string, args []any, create func(tx *sqlx.Tx) ([]audit.Event, error)) error {
	err := s.db.get(ctx, dest, fault.ErrNotFound, q, args...)
	if !errors.Is(err, fault.ErrNotFound) {
		return err
	}
	if err := s.db.writeTx(ctx, create); err != nil && !isDuplicate(err) {
		return err
	}
	return s.db.get(ctx, dest, fault.ErrNotFound, q, args...)
}
