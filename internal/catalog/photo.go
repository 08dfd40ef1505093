package catalog

import (
	"bytes"
	"crypto/sha256"
	"image"
	"image/color"
	_ "image/gif" // accepted upload formats
	"image/jpeg"
	_ "image/png"
	"net/http"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"pointsmarket/internal/fault"
)

// Photo is a goods photo as stored and served: a small JPEG.
type Photo struct {
	ID          int64  `db:"id"`
	GoodsID     int64  `db:"goods_id"`
	Content     []byte `db:"content"`
	ContentType string `db:"content_type"`
	Width       int    `db:"width"`
	Height      int    `db:"height"`
	SHA256      []byte `db:"sha256"`
}

// Photo upload limits.
const (
	MaxPhotoBytes  = 5 << 20 // what a phone camera produces, compressed
	MinPhotoSide   = 64
	MaxPhotoSide   = 8000
	maxPhotoPixels = 40_000_000 // refuse decompression bombs before decoding
	// maxDecodedBytes bounds the memory a decoded photo takes (pixels × bytes per pixel): a
	// 12-megapixel phone JPEG is 18 MB; a 48-byte 16-bit PNG header may declare 320 MB.
	maxDecodedBytes = 64 << 20
	// PhotoDecodes is how many photos an instance decodes at once; the others wait their turn.
	PhotoDecodes = 2
	servedSide   = 800 // longest side served: enough for a phone, light on a weak signal
)

// Errors of photo uploads.
var (
	ErrPhotoTooLarge = fault.New(fault.TooLarge, "photo_too_large", "the photo is larger than 5 MB")
	ErrPhotoInvalid  = fault.New(fault.Unprocessable, "invalid_photo", "not a valid JPEG, PNG, GIF or WebP image")
)

// PreparePhoto checks an upload by its content (not its name or declared type), its size and its
// dimensions, and re-encodes it as a JPEG of at most 800 px a side. Re-encoding also drops
// metadata (a phone photo's GPS position) and anything smuggled after the image data.
func PreparePhoto(data []byte) (Photo, error) {
	if len(data) > MaxPhotoBytes {
		return Photo{}, ErrPhotoTooLarge
	}
	switch http.DetectContentType(data) {
	case "image/jpeg", "image/png", "image/gif", "image/webp":
	default:
		return Photo{}, ErrPhotoInvalid
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Photo{}, ErrPhotoInvalid
	}
	if cfg.Width < MinPhotoSide || cfg.Height < MinPhotoSide || cfg.Width > MaxPhotoSide || cfg.Height > MaxPhotoSide ||
		cfg.Width*cfg.Height > maxPhotoPixels {
		return Photo{}, ErrPhotoInvalid.WithMessage("the photo must be %d to %d pixels a side, it is %d×%d",
			MinPhotoSide, MaxPhotoSide, cfg.Width, cfg.Height)
	}
	if decoded := int64(cfg.Width) * int64(cfg.Height) * bytesPerPixel(cfg.ColorModel); decoded > maxDecodedBytes {
		return Photo{}, ErrPhotoTooLarge.WithMessage("the photo decodes to %d MB, more than %d MB: send a smaller one",
			decoded>>20, maxDecodedBytes>>20)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return Photo{}, ErrPhotoInvalid
	}
	w, h := fit(cfg.Width, cfg.Height, servedSide)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src) // transparent PNGs on white, not black
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 82}); err != nil {
		return Photo{}, err
	}
	sum := sha256.Sum256(out.Bytes())
	return Photo{Content: out.Bytes(), ContentType: "image/jpeg", Width: w, Height: h, SHA256: sum[:]}, nil
}

// bytesPerPixel is what the decoder allocates per pixel for a colour model (rounded up: JPEG's
// YCbCr 4:2:0 takes 1.5, counted as 2; 4:4:4 takes 3, counted as 4 via the default).
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model, color.YCbCrModel:
		return 2
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4
}

// fit scales w×h down (never up) so that the longest side is at most side.
func fit(w, h, side int) (int, int) {
	if w <= side && h <= side {
		return w, h
	}
	if w >= h {
		return side, max(1, h*side/w)
	}
	return max(1, w*side/h), side
}
