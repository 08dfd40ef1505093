package mysql

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/org"
	"pointsmarket/internal/phone"
)

// OrgStore implements org.Store.
type OrgStore struct {
	db     *DB
	ledger *LedgerStore
}

// NewOrgStore returns an OrgStore; it opens points accounts through ledger.
func NewOrgStore(db *DB, ledger *LedgerStore) *OrgStore { return &OrgStore{db: db, ledger: ledger} }

// VillagePlace implements auth.Places.
func (s *OrgStore) VillagePlace(ctx context.Context, villageID int64) (auth.Place, error) {
	p, err := villagePlace(ctx, s.db, villageID)
	if err != nil {
		return p, fmt.Errorf("village %d: %w", villageID, err)
	}
	return p, nil
}

// Counties implements org.Store.
func (s *OrgStore) Counties(ctx context.Context, ids []int64) ([]org.County, error) {
	out := []org.County{}
	q, args, err := sqlx.In(`SELECT id, name FROM counties WHERE id IN (?) ORDER BY id`, ids)
	if err != nil {
		return nil, err
	}
	return out, wrap(s.db.list(ctx, &out, q, args...), "counties %v", ids)
}

// Township implements org.Store.
func (s *OrgStore) Township(ctx context.Context, id int64) (org.Township, error) {
	var t org.Township
	err := s.db.get(ctx, &t, fault.ErrNotFound, `SELECT `+townshipColumns+` FROM townships WHERE id = ?`, id)
	return t, wrap(err, "township %d", id)
}

// Village implements org.Store.
func (s *OrgStore) Village(ctx context.Context, id int64) (org.Village, error) {
	var v org.Village
	err := s.db.get(ctx, &v, fault.ErrNotFound, `SELECT `+villageColumns+` FROM villages WHERE id = ?`, id)
	return v, wrap(err, "village %d", id)
}

// Villages implements org.Store.
func (s *OrgStore) Villages(ctx context.Context, places []auth.Place) ([]org.Village, error) {
	var conds []string
	var args []any
	for _, p := range places {
		switch {
		case p.VillageID != 0:
			conds = append(conds, "id = ?")
			args = append(args, p.VillageID)
		case p.TownshipID != 0:
			conds = append(conds, "township_id = ?")
			args = append(args, p.TownshipID)
		}
	}
	out := []org.Village{}
	if len(conds) == 0 {
		return out, nil
	}
	err := s.db.list(ctx, &out, `SELECT `+villageColumns+` FROM villages WHERE `+strings.Join(conds, " OR ")+` ORDER BY id`, args...)
	return out, wrap(err, "list villages")
}

// Groups implements org.Store.
func (s *OrgStore) Groups(ctx context.Context, villageID int64) ([]org.Group, error) {
	out := []org.Group{}
	err := s.db.list(ctx, &out, `SELECT `+groupColumns+` FROM village_groups WHERE village_id = ? ORDER BY id`, villageID)
	return out, wrap(err, "groups of village %d", villageID)
}

func (s *OrgStore) placeTx(ctx context.Context, tx *sqlx.Tx, villageID int64) (auth.Place, error) {
	return villagePlace(ctx, tx, villageID)
}

// CreateGroup implements org.Store.
func (s *OrgStore) CreateGroup(ctx context.Context, g org.Group) (org.Group, error) {
	g.CreatedAt = s.db.now()
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		res, err := tx.ExecContext(ctx, `INSERT INTO village_groups (village_id, name, created_at) VALUES (?, ?, ?)`,
			g.VillageID, g.Name, g.CreatedAt)
		if isDuplicate(err) {
			return nil, org.ErrDuplicate
		}
		if err != nil {
			return nil, err
		}
		g.ID, _ = res.LastInsertId()
		place, err := s.placeTx(ctx, tx, g.VillageID)
		return []audit.Event{{Place: place, Action: "group.create", ObjectType: "group", ObjectID: g.ID, After: g}}, err
	})
	return g, wrap(err, "create group")
}

// Households implements org.Store.
func (s *OrgStore) Households(ctx context.Context, villageID, afterID int64, limit int) ([]org.Household, error) {
	out := []org.Household{}
	err := s.db.list(ctx, &out, `SELECT `+householdColumns+` FROM households WHERE village_id = ? AND id > ? ORDER BY id LIMIT ?`,
		villageID, afterID, limit)
	return out, wrap(err, "households of village %d", villageID)
}

// Names returns the names of a village's people and household heads, for masking free text.
func (s *OrgStore) Names(ctx context.Context, villageID int64) ([]string, error) {
	out := []string{}
	err := s.db.list(ctx, &out, `SELECT name FROM people WHERE village_id = ? UNION SELECT head_name FROM households WHERE village_id = ?`,
		villageID, villageID)
	return out, wrap(err, "names of village %d", villageID)
}

// RoleHolders returns the people who hold role in a village (a village-level grant).
func (s *OrgStore) RoleHolders(ctx context.Context, villageID int64, role auth.Role) ([]org.Person, error) {
	out := []org.Person{}
	err := s.db.list(ctx, &out, `SELECT `+prefixed("p.", personColumns)+` FROM people p JOIN role_grants g ON g.person_id = p.id
		WHERE g.village_id = ? AND g.role = ? AND NOT p.disabled ORDER BY p.id`, villageID, role)
	return out, wrap(err, "%s of village %d", role, villageID)
}

// Counts returns how many people and households a village has registered.
func (s *OrgStore) Counts(ctx context.Context, villageID int64) (people, households int, err error) {
	err = s.db.DB.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM people WHERE village_id = ? AND NOT disabled),
		(SELECT COUNT(*) FROM households WHERE village_id = ?)`, villageID, villageID).Scan(&people, &households)
	return people, households, wrap(classify(err), "counts of village %d", villageID)
}

// OfficialHousehold reports whether a member of the household holds any role.
func (s *OrgStore) OfficialHousehold(ctx context.Context, householdID int64) (bool, error) {
	var n int
	err := s.db.get(ctx, &n, fault.ErrNotFound, `SELECT COUNT(*) FROM people p JOIN role_grants g ON g.person_id = p.id
		WHERE p.household_id = ?`, householdID)
	return n > 0, wrap(err, "officials of household %d", householdID)
}

// noticeSize puts a household's new size on the public notice for the village's notice days (or
// until h.SizeNoticeUntil, for seeded history).
func (s *OrgStore) noticeSize(ctx context.Context, tx *sqlx.Tx, h *org.Household, previous int) error {
	now := s.db.now()
	until := h.SizeNoticeUntil
	if until == nil {
		var days int
		if err := tx.GetContext(ctx, &days, `SELECT notice_days FROM villages WHERE id = ?`, h.VillageID); err != nil {
			return err
		}
		u := now.AddDate(0, 0, days)
		until = &u
	}
	h.SizeNoticeUntil = until
	_, err := tx.ExecContext(ctx, `INSERT INTO household_sizes (household_id, size, previous, noticed_from, notice_until, village_id)
		VALUES (?, ?, ?, ?, ?, ?)`, h.ID, h.Size, previous, now, *until, h.VillageID)
	return err
}

// BaseSizes returns, per household of a village, the size that counts for base points of a month
// beginning at start: the latest whose notice ended by then. Households with none are absent.
func (s *OrgStore) BaseSizes(ctx context.Context, villageID int64, start time.Time) (map[int64]int, error) {
	var rows []struct {
		HouseholdID int64 `db:"household_id"`
		Size        int   `db:"size"`
	}
	// A size counts when its notice ended before the month, it was not withdrawn by an upheld
	// objection, and no objection to it is still open.
	err := s.db.list(ctx, &rows, `SELECT z.household_id, z.size FROM household_sizes z JOIN households h ON h.id = z.household_id
		WHERE h.village_id = ? AND z.id = (SELECT MAX(y.id) FROM household_sizes y
			WHERE y.household_id = z.household_id AND y.notice_until <= ? AND NOT y.withdrawn
			AND NOT EXISTS (SELECT 1 FROM household_size_objections o WHERE o.size_id = y.id AND o.status = 'open'))`, villageID, start)
	if err != nil {
		return nil, wrap(err, "base sizes of village %d", villageID)
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.HouseholdID] = r.Size
	}
	return out, nil
}

// SizeNotices returns the household sizes of a village still under notice at now.
func (s *OrgStore) SizeNotices(ctx context.Context, villageID int64, now time.Time) ([]org.SizeNotice, error) {
	out := []org.SizeNotice{}
	err := s.db.list(ctx, &out, `SELECT z.id, h.village_id, z.household_id, h.number, h.head_name, z.size, z.previous, z.notice_until
		FROM household_sizes z JOIN households h ON h.id = z.household_id WHERE h.village_id = ? AND z.notice_until > ? AND NOT z.withdrawn
		ORDER BY z.id`, villageID, now)
	return out, wrap(err, "size notices of village %d", villageID)
}

// Household implements org.Store.
func (s *OrgStore) Household(ctx context.Context, id int64) (org.Household, error) {
	var h org.Household
	err := s.db.get(ctx, &h, fault.ErrNotFound, `SELECT `+householdColumns+` FROM households WHERE id = ?`, id)
	return h, wrap(err, "household %d", id)
}

// CreateHousehold implements org.Store: the household and its points account in one transaction.
func (s *OrgStore) CreateHousehold(ctx context.Context, h org.Household) (org.Household, error) {
	h.CreatedAt, h.UpdatedAt = s.db.now(), s.db.now()
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		res, err := tx.NamedExecContext(ctx, `INSERT INTO households (village_id, group_id, number, head_name, size, address,
			created_at, updated_at) VALUES (:village_id, :group_id, :number, :head_name, :size, :address, :created_at, :updated_at)`, h)
		if isDuplicate(err) {
			return nil, org.ErrDuplicate.WithMessage("household number %s already exists", h.Number)
		}
		if err != nil {
			return nil, err
		}
		h.ID, _ = res.LastInsertId()
		if err := s.noticeSize(ctx, tx, &h, 0); err != nil {
			return nil, err
		}
		accountID, err := s.ledger.openAccount(ctx, tx, h.VillageID, ledger.Household, h.ID)
		if err != nil {
			return nil, err
		}
		place, err := s.placeTx(ctx, tx, h.VillageID)
		return []audit.Event{
			{Place: place, Action: "household.create", ObjectType: "household", ObjectID: h.ID, After: h},
			{Place: place, Action: "account.open", ObjectType: "account", ObjectID: accountID,
				After: map[string]any{"kind": ledger.Household, "owner_id": h.ID}},
		}, err
	})
	return h, wrap(err, "create household")
}

// UpdateHousehold implements org.Store.
func (s *OrgStore) UpdateHousehold(ctx context.Context, id int64, fn func(*org.Household) error) (org.Household, error) {
	var h org.Household
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := getRow(ctx, tx, &h, fault.ErrNotFound, `SELECT `+householdColumns+` FROM households WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		before := h
		if err := fn(&h); err != nil {
			return nil, err
		}
		h.UpdatedAt = s.db.now()
		_, err := tx.NamedExecContext(ctx, `UPDATE households SET group_id = :group_id, number = :number,
			head_name = :head_name, size = :size, address = :address, updated_at = :updated_at WHERE id = :id`, h)
		if isDuplicate(err) {
			return nil, org.ErrDuplicate
		}
		if err != nil {
			return nil, err
		}
		if h.Size != before.Size {
			if err := s.noticeSize(ctx, tx, &h, before.Size); err != nil {
				return nil, err
			}
		}
		place, err := s.placeTx(ctx, tx, h.VillageID)
		return []audit.Event{{Place: place, Action: "household.update", ObjectType: "household", ObjectID: h.ID,
			Before: before, After: h}}, err
	})
	return h, wrap(err, "update household %d", id)
}

const personColumns = `id, village_id, household_id, name, phone, must_change_password, disabled, created_at, updated_at`

// People implements org.Store.
func (s *OrgStore) People(ctx context.Context, f org.PeopleFilter) ([]org.Person, error) {
	q := `SELECT ` + personColumns + ` FROM people WHERE village_id = ? AND id > ?`
	args := []any{f.VillageID, f.AfterID}
	if f.HouseholdID != 0 {
		q += ` AND household_id = ?`
		args = append(args, f.HouseholdID)
	}
	q += ` ORDER BY id LIMIT ?`
	out := []org.Person{}
	err := s.db.list(ctx, &out, q, append(args, f.Limit)...)
	return out, wrap(err, "people of village %d", f.VillageID)
}

// Person implements org.Store.
func (s *OrgStore) Person(ctx context.Context, id int64) (org.Person, error) {
	var p org.Person
	err := s.db.get(ctx, &p, fault.ErrNotFound, `SELECT `+personColumns+` FROM people WHERE id = ?`, id)
	return p, wrap(err, "person %d", id)
}

// CreatePerson implements org.Store.
func (s *OrgStore) CreatePerson(ctx context.Context, p org.Person, passwordHash string) (org.Person, error) {
	p.CreatedAt, p.UpdatedAt = s.db.now(), s.db.now()
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		var hash *string
		if passwordHash != "" {
			hash = &passwordHash
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO people (village_id, household_id, name, phone, password_hash,
			must_change_password, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			p.VillageID, p.HouseholdID, p.Name, p.Phone, hash, p.MustChangePassword, p.CreatedAt, p.UpdatedAt)
		if isDuplicate(err) {
			return nil, org.ErrPhoneTaken
		}
		if err != nil {
			return nil, err
		}
		p.ID, _ = res.LastInsertId()
		place, err := s.placeTx(ctx, tx, p.VillageID)
		return []audit.Event{{Place: place, Action: "person.create", ObjectType: "person", ObjectID: p.ID,
			After: auditPerson(p)}}, err
	})
	return p, wrap(err, "create person")
}

// auditPerson is what the audit log keeps of a person: the phone masked, since the log is read
// by supervisors who have no need of it.
func auditPerson(p org.Person) map[string]any {
	masked := ""
	if p.Phone != nil {
		masked = phone.Mask(*p.Phone)
	}
	return map[string]any{"id": p.ID, "name": p.Name, "phone": masked, "household_id": p.HouseholdID,
		"village_id": p.VillageID, "disabled": p.Disabled}
}

// UpdatePerson implements org.Store.
func (s *OrgStore) UpdatePerson(ctx context.Context, id int64, fn func(*org.Person) error) (org.Person, error) {
	var p org.Person
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := getRow(ctx, tx, &p, fault.ErrNotFound, `SELECT `+personColumns+` FROM people WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		before := auditPerson(p)
		if err := fn(&p); err != nil {
			return nil, err
		}
		p.UpdatedAt = s.db.now()
		_, err := tx.ExecContext(ctx, `UPDATE people SET name = ?, phone = ?, household_id = ?, disabled = ?, updated_at = ?
			WHERE id = ?`, p.Name, p.Phone, p.HouseholdID, p.Disabled, p.UpdatedAt, p.ID)
		if isDuplicate(err) {
			return nil, org.ErrPhoneTaken
		}
		if err != nil {
			return nil, err
		}
		place, err := s.placeTx(ctx, tx, p.VillageID)
		return []audit.Event{{Place: place, Action: "person.update", ObjectType: "person", ObjectID: p.ID,
			Before: before, After: auditPerson(p)}}, err
	})
	return p, wrap(err, "update person %d", id)
}

// Grants implements org.Store.
func (s *OrgStore) Grants(ctx context.Context, personID int64) ([]auth.Grant, error) {
	out := []auth.Grant{}
	err := s.db.list(ctx, &out, `SELECT role, township_id, village_id, shop_id, body, decided_on, reference, county_id FROM (
		SELECT r.role, r.township_id, r.village_id, r.shop_id, r.body, r.decided_on, r.reference, t.county_id, 0 AS level, r.id
		FROM role_grants r JOIN townships t ON t.id = r.township_id WHERE r.person_id = ?
		UNION ALL SELECT role, 0, 0, 0, '', NULL, '', county_id, 1, id FROM county_grants WHERE person_id = ?
		) g ORDER BY level, id`, personID, personID)
	return out, wrap(err, "grants of person %d", personID)
}

// VillageGrants implements org.Store.
func (s *OrgStore) VillageGrants(ctx context.Context, villageID int64) ([]org.HeldGrant, error) {
	out := []org.HeldGrant{}
	err := s.db.list(ctx, &out, `SELECT person_id, role, township_id, village_id, shop_id, body, decided_on, reference FROM role_grants
		WHERE village_id = ? ORDER BY id`, villageID)
	return out, wrap(err, "grants in village %d", villageID)
}

func grantPlace(g auth.Grant) auth.Place {
	return auth.Place{TownshipID: g.TownshipID, VillageID: g.VillageID}
}

// countyPlaces are the places a county-level grant is audited in: each of its townships, whose
// supervisors read who holds power over their villages.
func countyPlaces(ctx context.Context, q sqlx.QueryerContext, countyID int64) ([]auth.Place, error) {
	var out []auth.Place
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id AS township_id FROM townships WHERE county_id = ? ORDER BY id`, countyID)
	return out, classify(err)
}

// countyGrant writes (or, with revoke, removes) a county-level grant, audited in each township.
func (s *OrgStore) countyGrant(ctx context.Context, personID int64, g auth.Grant, revoke bool) error {
	return s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		action, before, after := "role.grant", any(nil), any(g)
		if revoke {
			res, err := tx.ExecContext(ctx, `DELETE FROM county_grants WHERE person_id = ? AND role = ? AND county_id = ?`,
				personID, g.Role, g.CountyID)
			if err != nil {
				return nil, err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil, org.ErrGrantNotFound
			}
			action, before, after = "role.revoke", g, nil
		} else if _, err := tx.ExecContext(ctx, `INSERT IGNORE INTO county_grants (person_id, role, county_id, created_at)
			VALUES (?, ?, ?, ?)`, personID, g.Role, g.CountyID, s.db.now()); err != nil {
			return nil, err
		}
		places, err := countyPlaces(ctx, tx, g.CountyID)
		events := make([]audit.Event, len(places))
		for i, pl := range places {
			events[i] = audit.Event{Place: pl, Action: action, ObjectType: "person", ObjectID: personID, Before: before, After: after}
		}
		return events, err
	})
}

// Grant implements org.Store. Granting representative opens the representative's points account.
func (s *OrgStore) Grant(ctx context.Context, personID int64, g auth.Grant) error {
	if g.CountyWide() {
		return wrap(s.countyGrant(ctx, personID, g, false), "grant %s to person %d", g.Role, personID)
	}
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		_, err := tx.ExecContext(ctx, `INSERT INTO role_grants (person_id, role, township_id, village_id, shop_id, body, decided_on, reference, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE body = VALUES(body), decided_on = VALUES(decided_on), reference = VALUES(reference)`,
			personID, g.Role, g.TownshipID, g.VillageID, g.ShopID, g.Body, g.DecidedOn, g.Reference, s.db.now())
		if err != nil {
			return nil, err
		}
		events := []audit.Event{{Place: grantPlace(g), Action: "role.grant", ObjectType: "person", ObjectID: personID, After: g}}
		if g.Role == auth.RoleRepresentative {
			id, err := s.ledger.openAccount(ctx, tx, g.VillageID, ledger.Representative, personID)
			if err != nil {
				return nil, err
			}
			events = append(events, audit.Event{Place: grantPlace(g), Action: "account.open", ObjectType: "account",
				ObjectID: id, After: map[string]any{"kind": ledger.Representative, "owner_id": personID}})
		}
		return events, nil
	})
	return wrap(err, "grant %s to person %d", g.Role, personID)
}

// Revoke implements org.Store. A representative's account stays: its points and history remain.
func (s *OrgStore) Revoke(ctx context.Context, personID int64, g auth.Grant) error {
	if g.CountyWide() {
		return wrap(s.countyGrant(ctx, personID, g, true), "revoke %s from person %d", g.Role, personID)
	}
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		res, err := tx.ExecContext(ctx, `DELETE FROM role_grants WHERE person_id = ? AND role = ? AND township_id = ?
			AND village_id = ? AND shop_id = ?`, personID, g.Role, g.TownshipID, g.VillageID, g.ShopID)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, org.ErrGrantNotFound
		}
		return []audit.Event{{Place: grantPlace(g), Action: "role.revoke", ObjectType: "person", ObjectID: personID, Before: g}}, nil
	})
	return wrap(err, "revoke %s from person %d", g.Role, personID)
}

// Shop implements org.Store.
func (s *OrgStore) Shop(ctx context.Context, id int64) (org.Shop, error) {
	var sh org.Shop
	err := s.db.get(ctx, &sh, fault.ErrNotFound, `SELECT `+shopColumns+` FROM shops WHERE id = ?`, id)
	return sh, wrap(err, "shop %d", id)
}

// wrap adds context to a non-nil error.
func wrap(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}

// setVillage changes some of a village's settings under its row lock and audits it as action:
// after names each column set and its new value; the audit keeps the columns' values before.
func (s *OrgStore) setVillage(ctx context.Context, villageID int64, action string, after map[string]any) (org.Village, error) {
	var v org.Village
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		cols := slices.Sorted(maps.Keys(after))
		before := map[string]any{}
		row, err := tx.QueryxContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM villages WHERE id = ? FOR UPDATE`, villageID)
		if err != nil {
			return nil, err
		}
		found := row.Next() && row.MapScan(before) == nil
		row.Close()
		if !found {
			return nil, fault.ErrNotFound
		}
		for k, b := range before {
			if raw, ok := b.([]byte); ok {
				before[k] = string(raw)
			}
		}
		sets, args := make([]string, len(cols)), make([]any, 0, len(cols)+1)
		for i, c := range cols {
			sets[i] = c + " = ?"
			args = append(args, after[c])
		}
		if _, err := tx.ExecContext(ctx, `UPDATE villages SET `+strings.Join(sets, ", ")+` WHERE id = ?`, append(args, villageID)...); err != nil {
			return nil, err
		}
		if err := getRow(ctx, tx, &v, fault.ErrNotFound, `SELECT `+villageColumns+` FROM villages WHERE id = ?`, villageID); err != nil {
			return nil, err
		}
		return []audit.Event{{Place: v.Place(), Action: action, ObjectType: "village", ObjectID: v.ID, Before: before, After: after}}, nil
	})
	return v, wrap(err, "%s of village %d", action, villageID)
}

// SetExpiryDate sets (or with nil clears) the day each year a village clears spendable points.
func (s *OrgStore) SetExpiryDate(ctx context.Context, villageID int64, mmdd *string) (org.Village, error) {
	return s.setVillage(ctx, villageID, "village.expiry_date", map[string]any{"expiry_date": mmdd})
}

// SetVoteRules implements earning.People.
func (s *OrgStore) SetVoteRules(ctx context.Context, villageID int64, quorum, majority *int) (org.Village, error) {
	return s.setVillage(ctx, villageID, "village.vote_rules", map[string]any{"assembly_quorum_pct": quorum, "majority_pct": majority})
}

// SetSupervisionPhone implements org.Store.
func (s *OrgStore) SetSupervisionPhone(ctx context.Context, villageID int64, phone *string) (org.Village, error) {
	return s.setVillage(ctx, villageID, "village.supervision_phone", map[string]any{"supervision_phone": phone})
}

// SetCashTopUp implements org.Store.
func (s *OrgStore) SetCashTopUp(ctx context.Context, villageID int64, allowed bool) (org.Village, error) {
	return s.setVillage(ctx, villageID, "village.cash_top_up", map[string]any{"cash_top_up": allowed})
}

// Directory implements org.Store.
func (s *OrgStore) Directory(ctx context.Context) ([]org.Listed, error) {
	out := []org.Listed{}
	err := s.db.list(ctx, &out, `SELECT v.id, v.name, t.name AS township FROM villages v JOIN townships t ON t.id = v.township_id
		ORDER BY t.name, v.name LIMIT 5000`)
	return out, wrap(err, "village directory")
}

// VillagesExpiringOn lists the villages that clear points on the day "MM-DD".
func (s *OrgStore) VillagesExpiringOn(ctx context.Context, mmdd string) ([]int64, error) {
	var ids []int64
	err := s.db.list(ctx, &ids, `SELECT id FROM villages WHERE expiry_date = ?`, mmdd)
	return ids, err
}
