package mysql

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"pointsmarket/internal/audit"
	"pointsmarket/internal/catalog"
)

// ShopGoods implements catalog.Store.
func (s *CatalogStore) ShopGoods(ctx context.Context, shopID int64) ([]catalog.Goods, error) {
	out := []catalog.Goods{}
	err := s.db.list(ctx, &out, `SELECT `+goodsColumns+` FROM goods WHERE shop_id = ? ORDER BY category, name`, shopID)
	return out, wrap(err, "goods of shop %d", shopID)
}

// Goods implements catalog.Store.
func (s *CatalogStore) Goods(ctx context.Context, id int64) (catalog.Goods, error) {
	var g catalog.Goods
	err := s.db.get(ctx, &g, catalog.ErrGoodsNotFound, `SELECT `+goodsColumns+` FROM goods WHERE id = ?`, id)
	return g, wrap(err, "goods %d", id)
}

// shopPlace reads the place of a shop's village inside tx.
func shopPlace(ctx context.Context, tx *sqlx.Tx, shopID int64) (audit.Place, int64, error) {
	var villageID int64
	if err := getRow(ctx, tx, &villageID, catalog.ErrShopNotFound, `SELECT village_id FROM shops WHERE id = ?`, shopID); err != nil {
		return audit.Place{}, 0, err
	}
	place, err := villagePlace(ctx, tx, villageID)
	return place, villageID, err
}

// CreateGoods implements catalog.Store.
func (s *CatalogStore) CreateGoods(ctx context.Context, g catalog.Goods) (catalog.Goods, error) {
	g.CreatedAt, g.UpdatedAt = s.db.now(), s.db.now()
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		place, villageID, err := shopPlace(ctx, tx, g.ShopID)
		if err != nil {
			return nil, err
		}
		approved, err := approvedStandard(ctx, tx, villageID)
		if err != nil {
			return nil, err
		}
		g.Reprice(approved, g.Points, g.PriceFen)
		res, err := tx.NamedExecContext(ctx, `INSERT INTO goods (shop_id, name, category, unit, points, price_fen, monthly_limit,
			on_shelf, standard_ok, exception_by, photo_id, stock, low_stock, created_at, updated_at, village_id) VALUES (:shop_id, :name,
			:category, :unit, :points, :price_fen, :monthly_limit, :on_shelf, :standard_ok, :exception_by, :photo_id, 0,
			:low_stock, :created_at, :updated_at, (SELECT village_id FROM shops WHERE id = :shop_id))`, g)
		if isDuplicate(err) {
			return nil, catalog.ErrDuplicateGoods
		}
		if err != nil {
			return nil, err
		}
		g.ID, _ = res.LastInsertId()
		return []audit.Event{{Place: place, Action: "goods.create", ObjectType: "goods", ObjectID: g.ID, After: g}}, nil
	})
	return g, wrap(err, "create goods")
}

func saveGoods(ctx context.Context, tx *sqlx.Tx, g catalog.Goods) error {
	_, err := tx.NamedExecContext(ctx, `UPDATE goods SET name = :name, category = :category, unit = :unit, points = :points,
		price_fen = :price_fen, monthly_limit = :monthly_limit, on_shelf = :on_shelf, standard_ok = :standard_ok,
		exception_by = :exception_by, photo_id = :photo_id, low_stock = :low_stock, updated_at = :updated_at WHERE id = :id`, g)
	if isDuplicate(err) {
		return catalog.ErrDuplicateGoods
	}
	return err
}

// UpdateGoods implements catalog.Store. Stock is not changed here: only MoveStock moves it.
func (s *CatalogStore) UpdateGoods(ctx context.Context, id int64, fn func(*catalog.Goods) error) (catalog.Goods, error) {
	var g catalog.Goods
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := getRow(ctx, tx, &g, catalog.ErrGoodsNotFound, `SELECT `+goodsColumns+` FROM goods WHERE id = ? FOR UPDATE`, id); err != nil {
			return nil, err
		}
		before := g
		if err := fn(&g); err != nil {
			return nil, err
		}
		place, villageID, err := shopPlace(ctx, tx, g.ShopID)
		if err != nil {
			return nil, err
		}
		approved, err := approvedStandard(ctx, tx, villageID)
		if err != nil {
			return nil, err
		}
		g.Reprice(approved, before.Points, before.PriceFen)
		g.Stock, g.UpdatedAt = before.Stock, s.db.now()
		if err := saveGoods(ctx, tx, g); err != nil {
			return nil, err
		}
		return []audit.Event{{Place: place, Action: "goods.update", ObjectType: "goods", ObjectID: g.ID, Before: before, After: g}}, nil
	})
	return g, wrap(err, "update goods %d", id)
}

// SavePhoto implements catalog.Store: a new photo row (photos are immutable, so their URLs can
// be cached for ever) and the goods pointing at it.
func (s *CatalogStore) SavePhoto(ctx context.Context, p catalog.Photo) (catalog.Goods, error) {
	var g catalog.Goods
	err := s.db.writeTx(ctx, func(tx *sqlx.Tx) ([]audit.Event, error) {
		if err := getRow(ctx, tx, &g, catalog.ErrGoodsNotFound, `SELECT `+goodsColumns+` FROM goods WHERE id = ? FOR UPDATE`, p.GoodsID); err != nil {
			return nil, err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO goods_photos (goods_id, content, content_type, width, height, sha256, created_by, created_at, village_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT village_id FROM goods WHERE id = ?))`, p.GoodsID, p.Content, p.ContentType, p.Width, p.Height,
			p.SHA256, audit.PersonOf(ctx), s.db.now(), p.GoodsID)
		if err != nil {
			return nil, err
		}
		photoID, _ := res.LastInsertId()
		before := g.PhotoID
		g.PhotoID, g.UpdatedAt = &photoID, s.db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE goods SET photo_id = ?, updated_at = ? WHERE id = ?`, photoID, g.UpdatedAt, g.ID); err != nil {
			return nil, err
		}
		place, _, err := shopPlace(ctx, tx, g.ShopID)
		return []audit.Event{{Place: place, Action: "goods.photo", ObjectType: "goods", ObjectID: g.ID,
			Before: map[string]any{"photo_id": before},
			After:  map[string]any{"photo_id": photoID, "bytes": len(p.Content), "sha256": fmt.Sprintf("%x", p.SHA256)}}}, err
	})
	return g, wrap(err, "save photo of goods %d", p.GoodsID)
}

// Photo implements catalog.Store.
func (s *CatalogStore) Photo(ctx context.Context, photoID int64) (catalog.Photo, error) {
	var p catalog.Photo
	err := s.db.get(ctx, &p, catalog.ErrNoPhoto, `SELECT id, goods_id, content, content_type, width, height, sha256
		FROM goods_photos WHERE id = ?`, photoID)
	return p, wrap(err, "photo %d", photoID)
}
