package catalog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pngHeader is a PNG whose header declares a w×h 16-bit RGBA image and whose data is missing:
// 45 bytes that a decoder would answer with a w×h×8-byte allocation.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 16, 6 // bit depth 16, colour type RGBA
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c})
	return b.Bytes()
}

func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestPhotoHeaderBombIsRefusedBeforeDecoding(t *testing.T) {
	bomb := pngHeader(6324, 6324)
	var err error
	n := allocated(func() { _, err = PreparePhoto(bomb) })
	if !errors.Is(err, ErrPhotoTooLarge) {
		t.Errorf("PreparePhoto(%d-byte header of 6324×6324×16 bit) = %v, want ErrPhotoTooLarge", len(bomb), err)
	}
	if n > 4<<20 {
		t.Errorf("refusing the header allocated %d MB", n>>20)
	}
}

// Six valid 16-bit photos uploaded at once are decoded two at a time: the heap grows by about
// two decodes, not six.
func TestPhotoDecodesAreBounded(t *testing.T) {
	img := image.NewNRGBA64(image.Rect(0, 0, 1200, 1200)) // 11 MB decoded
	for y := 0; y < 1200; y++ {
		for x := 0; x < 1200; x++ {
			img.SetNRGBA64(x, y, color.NRGBA64{R: uint16(x * 54), G: uint16(y * 54), B: 30000, A: 65535})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if len(data) > MaxPhotoBytes {
		t.Fatalf("test photo is %d bytes", len(data))
	}
	img = nil
	// Collect garbage eagerly, so that the heap in use is close to what is live.
	defer debug.SetGCPercent(debug.SetGCPercent(5))
	s := &Service{decodes: make(chan struct{}, PhotoDecodes)}
	one := peakGrowth(t, s, data, 1)
	six := peakGrowth(t, s, data, 6)
	t.Logf("peak heap growth: one upload %d MB, six at once %d MB", one>>20, six>>20)
	if six > (PhotoDecodes+1)*one {
		t.Errorf("six parallel uploads grew the heap by %d MB, more than %d decodes (%d MB each)", six>>20, PhotoDecodes+1, one>>20)
	}
}

// peakGrowth runs n uploads at once and returns how far the heap in use grew at its peak.
func peakGrowth(t *testing.T, s *Service, data []byte, n int) int64 {
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			if _, err := s.preparePhoto(t.Context(), data); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	close(done)
	<-sampled
	return int64(peak.Load()) - int64(base.HeapInuse)
}
