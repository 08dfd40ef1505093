package mysql

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
)

// AuthStore implements auth.Store.
type AuthStore struct {
	db *DB
}

// NewAuthStore returns an AuthStore.
func NewAuthStore(db *DB) *AuthStore { return &AuthStore{db: db} }

// CredentialByPhone implements auth.Store.
func (s *AuthStore) CredentialByPhone(ctx context.Context, phone string) (auth.Credential, error) {
	var row struct {
		ID       int64          `db:"id"`
		Hash     sql.NullString `db:"password_hash"`
		Disabled bool           `db:"disabled"`
	}
	err := s.db.get(ctx, &row, fault.ErrNotFound, `SELECT id, password_hash, disabled FROM people WHERE phone = ?`, phone)
	if err != nil {
		return auth.Credential{}, err
	}
	return auth.Credential{PersonID: row.ID, PasswordHash: row.Hash.String, Disabled: row.Disabled}, nil
}

// Phone implements auth.Store.
func (s *AuthStore) Phone(ctx context.Context, personID int64) (string, error) {
	var phone sql.NullString
	if err := s.db.get(ctx, &phone, fault.ErrNotFound, `SELECT phone FROM people WHERE id = ?`, personID); err != nil {
		return "", fmt.Errorf("phone of person %d: %w", personID, err)
	}
	if !phone.Valid {
		return "", fmt.Errorf("phone of person %d: %w", personID, fault.ErrNotFound)
	}
	return phone.String, nil
}

// Principal implements auth.Store: the person and their grants in one query, since it runs on
// every authenticated request.
func (s *AuthStore) Principal(ctx context.Context, personID int64) (auth.Principal, error) {
	var rows []struct {
		ID          int64          `db:"id"`
		Name        string         `db:"name"`
		HouseholdID sql.NullInt64  `db:"household_id"`
		VillageID   int64          `db:"village_id"`
		TownshipID  int64          `db:"township_id"`
		Hash        sql.NullString `db:"password_hash"`
		MustChange  bool           `db:"must_change_password"`
		Disabled    bool           `db:"disabled"`
		Role        sql.NullString `db:"role"`
		GTownship   sql.NullInt64  `db:"g_township"`
		GVillage    sql.NullInt64  `db:"g_village"`
		GShop       sql.NullInt64  `db:"g_shop"`
		GBody       sql.NullString `db:"g_body"`
		GCounty     sql.NullInt64  `db:"g_county"`
	}
	// A person's township grants (each with its township's county) and county grants, in the
	// order they were given.
	err := s.db.list(ctx, &rows, `SELECT p.id, p.name, p.household_id, p.village_id, v.township_id, p.password_hash,
		p.must_change_password, p.disabled, g.role, g.township_id AS g_township, g.village_id AS g_village,
		g.shop_id AS g_shop, g.body AS g_body, g.county_id AS g_county
		FROM people p JOIN villages v ON v.id = p.village_id LEFT JOIN (
			SELECT r.person_id, r.role, r.township_id, r.village_id, r.shop_id, r.body, t.county_id, 0 AS level, r.id
			FROM role_grants r JOIN townships t ON t.id = r.township_id WHERE r.person_id = ?
			UNION ALL SELECT c.person_id, c.role, 0, 0, 0, '', c.county_id, 1, c.id FROM county_grants c WHERE c.person_id = ?
		) g ON g.person_id = p.id
		WHERE p.id = ? ORDER BY g.level, g.id`, personID, personID, personID)
	if err != nil {
		return auth.Principal{}, fmt.Errorf("principal %d: %w", personID, err)
	}
	if len(rows) == 0 {
		return auth.Principal{}, fmt.Errorf("principal %d: %w", personID, fault.ErrNotFound)
	}
	r := rows[0]
	p := auth.Principal{
		PersonID: r.ID, Name: r.Name, HouseholdID: r.HouseholdID.Int64,
		Home:   auth.Place{TownshipID: r.TownshipID, VillageID: r.VillageID},
		Grants: []auth.Grant{}, MustChangePassword: r.MustChange, Disabled: r.Disabled,
	}
	for _, g := range rows {
		if g.Role.Valid {
			p.Grants = append(p.Grants, auth.Grant{Role: auth.Role(g.Role.String), TownshipID: g.GTownship.Int64,
				VillageID: g.GVillage.Int64, ShopID: g.GShop.Int64, Body: g.GBody.String, CountyID: g.GCounty.Int64})
		}
	}
	return p.WithPasswordHash(r.Hash.String), nil
}

// SetPassword implements auth.Store.
func (s *AuthStore) SetPassword(ctx context.Context, personID int64, hash string) error {
	return s.storePassword(ctx, personID, hash, false, "auth.password_change")
}

// ResetPassword implements auth.Store.
func (s *AuthStore) ResetPassword(ctx context.Context, personID int64, hash string) error {
	return s.storePassword(ctx, personID, hash, true, "auth.password_reset")
}

// storePassword writes a password hash, audited as action; a reset by an office leaves the person
// to choose their own at the next login.
func (s *AuthStore) storePassword(ctx context.Context, personID int64, hash string, mustChange bool, action string) error {
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE people SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE id = ?`,
			hash, mustChange, s.db.now(), personID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fault.ErrNotFound
		}
		place, err := personPlace(ctx, tx, personID)
		if err != nil {
			return err
		}
		return s.db.audit(ctx, tx, audit.Event{Place: place, Action: action, ObjectType: "person", ObjectID: personID})
	})
	return wrap(err, "set password of person %d", personID)
}

func personPlace(ctx context.Context, q sqlx.QueryerContext, personID int64) (auth.Place, error) {
	var p auth.Place
	err := getRow(ctx, q, &p, fault.ErrNotFound, `SELECT v.township_id, v.id AS village_id FROM people p
		JOIN villages v ON v.id = p.village_id WHERE p.id = ?`, personID)
	return p, err
}

// RecordLogin implements auth.Store. The actor of a login is the person logging in (or nobody
// when the phone is unknown); of an unlock, the official who lifted it. The entry goes to the
// village chains of the person it is about.
func (s *AuthStore) RecordLogin(ctx context.Context, ev auth.LoginEvent) error {
	actor, _ := audit.ActorFrom(ctx)
	if actor.PersonID == 0 {
		actor.PersonID = ev.PersonID
	}
	if actor.Role == "" {
		actor.Role = "anonymous"
	}
	ctx = audit.WithActor(ctx, actor)
	err := s.db.InTx(ctx, func(tx *sqlx.Tx) error {
		var place auth.Place
		if ev.PersonID != 0 {
			var err error
			if place, err = personPlace(ctx, tx, ev.PersonID); err != nil {
				return err
			}
		}
		return s.db.audit(ctx, tx, audit.Event{Place: place, Action: ev.Action, ObjectType: "person", ObjectID: ev.PersonID,
			After: map[string]string{"phone": ev.Phone, "reason": ev.Reason}})
	})
	return wrap(err, "record %s", ev.Action)
}
