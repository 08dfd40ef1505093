package httpapi

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/catalog"
	"pointsmarket/internal/fault"
)

// goodsJSON is goods as clients see them: the contract's id, name, points and stock, and the rest.
type goodsJSON struct {
	catalog.Goods
	PhotoURL string `json:"photo_url,omitempty"`
	LowOn    bool   `json:"low_on_stock"`
}

func goodsOf(g catalog.Goods) goodsJSON {
	out := goodsJSON{Goods: g, LowOn: g.Stock <= int64(g.LowStock)}
	if g.PhotoID != nil {
		out.PhotoURL = "/api/v1/photos/" + strconv.FormatInt(*g.PhotoID, 10)
	}
	return out
}

func goodsList(gs []catalog.Goods) []goodsJSON {
	out := make([]goodsJSON, len(gs))
	for i, g := range gs {
		out[i] = goodsOf(g)
	}
	return out
}

// asGoods presents the goods a catalog call returns as clients see them.
func asGoods[In any](fn func(context.Context, auth.Principal, int64, In) (catalog.Goods, error)) func(context.Context, auth.Principal, int64, In) (goodsJSON, error) {
	return func(ctx context.Context, p auth.Principal, id int64, in In) (goodsJSON, error) {
		g, err := fn(ctx, p, id, in)
		return goodsOf(g), err
	}
}

// goodsView is asGoods for calls that take no body.
func goodsView(fn func(context.Context, auth.Principal, int64) (catalog.Goods, error)) func(context.Context, auth.Principal, int64) (goodsJSON, error) {
	return func(ctx context.Context, p auth.Principal, id int64) (goodsJSON, error) {
		g, err := fn(ctx, p, id)
		return goodsOf(g), err
	}
}

func errMissing(field string) error { return fault.Invalidf("%s is required", field) }

func (s *server) shopGoods(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	f := catalog.GoodsFilter{Category: c.Query("category"), Query: c.Query("q"), All: c.Query("all") == "1" || c.Query("all") == "true"}
	if len(f.Query) > 64 || len(f.Category) > 128 {
		return 0, nil, errInvalidQuery
	}
	gs, err := s.deps.Catalog.ShopGoods(c.Request.Context(), principal(c), id, f)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"goods": goodsList(gs)}, nil
}

func (s *server) categories(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	if _, err := s.deps.Catalog.Shop(c.Request.Context(), principal(c), id); err != nil {
		return 0, nil, err
	}
	cs, err := s.deps.Catalog.Categories(c.Request.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"categories": cs}, nil
}

func (s *server) lowStock(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	gs, err := s.deps.Catalog.LowStock(c.Request.Context(), principal(c), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gin.H{"goods": goodsList(gs)}, nil
}

func (s *server) setShelf(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		OnShelf *bool `json:"on_shelf"`
	}
	if err := bindJSON(c, &in); err != nil {
		return 0, nil, err
	}
	if in.OnShelf == nil {
		return 0, nil, errMissing("on_shelf")
	}
	g, err := s.deps.Catalog.SetShelf(c.Request.Context(), principal(c), id, *in.OnShelf)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, goodsOf(g), nil
}

// uploadPhoto takes the image as the raw body (Content-Type image/...) or as the "photo" field of
// a multipart form, as a browser's file input sends it.
func (s *server) uploadPhoto(c *gin.Context) (int, any, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return 0, nil, err
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, catalog.MaxPhotoBytes+64<<10)
	var src io.Reader = body
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt == "multipart/form-data" {
		mr, err := c.Request.MultipartReader()
		if err != nil {
			return 0, nil, catalog.ErrPhotoInvalid
		}
		for {
			part, err := mr.NextPart()
			if err != nil {
				return 0, nil, uploadError(err, catalog.ErrPhotoInvalid.WithMessage("the form has no \"photo\" file"))
			}
			if part.FormName() == "photo" {
				src = part
				break
			}
		}
	}
	data, err := io.ReadAll(io.LimitReader(src, catalog.MaxPhotoBytes+1))
	if err != nil {
		return 0, nil, uploadError(err, catalog.ErrPhotoInvalid)
	}
	g, err := s.deps.Catalog.UploadPhoto(c.Request.Context(), principal(c), id, data)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, goodsOf(g), nil
}

func uploadError(err, otherwise error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return catalog.ErrPhotoTooLarge
	}
	return otherwise
}

// photo serves a stored photo. Photos never change (a new upload is a new photo), so they are
// cached for a year by browsers and proxies: on a weak signal a photo is fetched once.
func (s *server) photo(c *gin.Context) {
	id, err := pathID(c, "id")
	if err != nil {
		writeError(c, logger(c), err)
		return
	}
	p, err := s.deps.Catalog.Photo(c.Request.Context(), id)
	if err != nil {
		writeError(c, logger(c), err)
		return
	}
	etag := `"` + hex.EncodeToString(p.SHA256) + `"`
	c.Header("ETag", etag)
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, p.ContentType, p.Content)
}

func (s *server) movements(c *gin.Context) (int, any, error) {
	id, before, limit, err := pageOf(c)
	if err != nil {
		return 0, nil, err
	}
	ms, err := s.deps.Catalog.Movements(c.Request.Context(), principal(c), id, before, limit)
	if err != nil {
		return 0, nil, err
	}
	body := gin.H{"movements": ms}
	if n := len(ms); n > 0 {
		body["next_before_id"] = ms[n-1].ID
	}
	return http.StatusOK, body, nil
}
