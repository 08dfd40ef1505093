package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
)

// maxBody bounds JSON bodies; nothing this API accepts as JSON comes near it.
const maxBody = 64 << 10

// bindJSON decodes the body into dst: 400 for broken JSON, 413 for an oversized body, 422 for a
// value of the wrong type (a float for whole points, a string for a number ...).
//
// Only a body declared application/json is read: a cross-site HTML form can send text/plain or
// form data without a preflight, so accepting those would let another site log a browser in
// or write on its behalf (415 otherwise).
func bindJSON(c *gin.Context, dst any) error {
	if mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err != nil || mt != "application/json" {
		return errNotJSON
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, maxBody))
	var raw json.RawMessage
	err := dec.Decode(&raw)
	if err == nil {
		if string(raw) == "null" { // decoding null would leave every field unset and act on it
			return errNullBody
		}
		err = json.Unmarshal(raw, dst)
	}
	var typeErr *json.UnmarshalTypeError
	var sizeErr *http.MaxBytesError
	switch {
	case err == nil:
		if dec.More() {
			return errInvalidJSON.WithMessage("unexpected data after the JSON body")
		}
		return nil
	case errors.As(err, &sizeErr):
		return errTooLarge
	case errors.As(err, &typeErr):
		return fault.Invalidf("field %q must be %s", typeErr.Field, typeErr.Type.String())
	case errors.Is(err, io.EOF):
		return errInvalidJSON.WithMessage("the request body is empty")
	default:
		return errInvalidJSON
	}
}

// pathID parses a positive id path parameter.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errInvalidID
	}
	return id, nil
}

// queryOneOf reads an optional query parameter that must be one of the values a list filters by.
func queryOneOf[T ~string](c *gin.Context, name string, allowed ...T) (T, error) {
	v := T(c.Query(name))
	if v == "" || slices.Contains(allowed, v) {
		return v, nil
	}
	return "", errInvalidQuery.WithMessage("%s must be one of %v", name, allowed)
}

// pageOf reads a paged list's path id and its before_id and limit (both optional).
func pageOf(c *gin.Context) (id, before int64, limit int, err error) {
	if id, err = pathID(c, "id"); err != nil {
		return 0, 0, 0, err
	}
	if before, err = queryInt(c, "before_id"); err != nil {
		return 0, 0, 0, err
	}
	n, err := queryInt(c, "limit")
	return id, before, int(n), err
}

// queryInt parses an optional non-negative integer query parameter.
func queryInt(c *gin.Context, name string) (int64, error) {
	s := c.Query(name)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, errInvalidQuery.WithMessage("%s must be a non-negative integer", name)
	}
	return v, nil
}

// queryTime parses an optional RFC 3339 time or YYYY-MM-DD date.
func queryTime(c *gin.Context, name string) (time.Time, error) {
	s := c.Query(name)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil && text.InRange(t) {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errInvalidQuery.WithMessage("%s must be a date (2026-01-31) or an RFC 3339 time between 2000 and 2100", name)
}
