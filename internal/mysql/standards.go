package mysql

import (
	"context"
	"errors"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/catalog"
)

// Standards implements catalog.Store.
func (s *CatalogStore) Standards(ctx context.Context, villageID int64) ([]catalog.Standard, error) {
	out := []catalog.Standard{}
	err := s.db.list(ctx, &out, `SELECT `+standardColumns+` FROM exchange_standards WHERE village_id = ? ORDER BY id DESC`, villageID)
	return out, wrap(err, "standards of village %d", villageID)
}

// Standard implements catalog.Store.
func (s *CatalogStore) Standard(ctx context.Context, id int64) (catalog.Standard, error) {
	var st catalog.Standard
	err := s.db.get(ctx, &st, catalog.ErrStandardNotFound, `SELECT `+standardColumns+` FROM exchange_standards WHERE id = ?`, id)
	return st, wrap(err, "standard %d", id)
}

// ApprovedStandard implements catalog.Store.
func (s *CatalogStore) ApprovedStandard(ctx context.Context, villageID int64) (*catalog.Standard, error) {
	return approvedStandard(ctx, s.db, villageID)
}

func approvedStandard(ctx context.Context, q sqlx.QueryerContext, villageID int64) (*catalog.Standard, error) {
	var st catalog.Standard
	err := getRow(ctx, q, &st, catalog.ErrStandardNotFound, `SELECT `+standardColumns+` FROM exchange_standards
		WHERE village_id = ? AND status = 'approved' ORDER BY id DESC LIMIT 1`, villageID)
	if errors.Is(err, catalog.ErrStandardNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap(err, "approved standard of village %d", villageID)
	}
	return &st, nil
}

// ProposeStandard implements catalog.Store.
func (s *CatalogStore) ProposeStandard(ctx context.Context, st catalog.Standard) (catalog.Standard, error) {
	st.ProposedAt = s.db.now()
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		res, err := tx.NamedExecContext(ctx, `INSERT INTO exchange_standards (village_id, fen_per_point, tolerance_pct, status,
			note, proposed_by, proposed_at) VALUES (:village_id, :fen_per_point, :tolerance_pct, :status, :note, :proposed_by, :proposed_at)`, st)
		if err != nil {
			return nil, err
		}
		st.ID, _ = res.LastInsertId()
		place, err := villagePlace(ctx, tx, st.VillageID)
		return []audit.Event{{Place: place, Action: "standard.propose", ObjectType: "standard", ObjectID: st.ID, After: st}}, err
	})
	return st, wrap(err, "propose standard")
}

// DecideStandard implements catalog.Store.
func (s *CatalogStore) DecideStandard(ctx context.Context, id int64, approve bool, note string) (catalog.Standard, []int64, error) {
	var st catalog.Standard
	var shops []int64
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		shops = nil
		if err := getRow(ctx, tx, &st, catalog.ErrStandardNotFound, `SELECT `+standardColumns+` FROM exchange_standards WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		if st.Status != catalog.StandardProposed {
			return nil, catalog.ErrStandardNotPending
		}
		before := st
		now, by := s.db.now(), audit.PersonOf(ctx)
		st.Status, st.DecidedAt, st.DecidedBy, st.DecisionNote = catalog.StandardRejected, &now, &by, note
		if approve {
			st.Status = catalog.StandardApproved
			if _, err := tx.ExecContext(ctx, `UPDATE exchange_standards SET status = 'superseded' WHERE village_id = ? AND status = 'approved'`,
				st.VillageID); err != nil {
				return nil, err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE exchange_standards SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?
			WHERE id = ?`, st.Status, by, now, note, id); err != nil {
			return nil, err
		}
		place, err := villagePlace(ctx, tx, st.VillageID)
		if err != nil {
			return nil, err
		}
		events := []audit.Event{{Place: place, Action: "standard." + string(st.Status), ObjectType: "standard", ObjectID: id, Before: before, After: st}}
		if approve {
			repriced, touched, err := s.repriceVillage(ctx, tx, st)
			if err != nil {
				return nil, err
			}
			shops = touched
			for _, g := range repriced {
				events = append(events, audit.Event{Place: place, Action: "goods.reprice", ObjectType: "goods", ObjectID: g.ID, After: g})
			}
		}
		return events, nil
	})
	return st, shops, wrap(err, "decide standard %d", id)
}

// repriceVillage re-checks every goods item of the village's shops against a newly approved
// standard and saves those whose standing changed. It returns them and every shop of the village.
func (s *CatalogStore) repriceVillage(ctx context.Context, tx *sqlx.Tx, st catalog.Standard) ([]catalog.Goods, []int64, error) {
	var shops []int64
	if err := tx.SelectContext(ctx, &shops, `SELECT id FROM shops WHERE village_id = ? ORDER BY id`, st.VillageID); err != nil {
		return nil, nil, err
	}
	if len(shops) == 0 {
		return nil, nil, nil
	}
	q, args, _ := sqlx.In(`SELECT `+goodsColumns+` FROM goods WHERE shop_id IN (?) ORDER BY id FOR UPDATE`, shops)
	var goods []catalog.Goods
	if err := tx.SelectContext(ctx, &goods, q, args...); err != nil {
		return nil, nil, err
	}
	var changed []catalog.Goods
	for _, g := range goods {
		before := g
		g.Reprice(&st, g.Points, g.PriceFen)
		if g.StandardOK == before.StandardOK && g.OnShelf == before.OnShelf {
			continue
		}
		g.UpdatedAt = s.db.now()
		if err := saveGoods(ctx, tx, g); err != nil {
			return nil, nil, err
		}
		changed = append(changed, g)
	}
	return changed, shops, nil
}
