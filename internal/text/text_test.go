package text

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestClean(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"毛巾", "毛巾", true},
		{"\u3000\u3000毛巾\u3000", "毛巾", true},
		{"\u200b 毛巾 \ufeff", "毛巾", true},
		{"\u00a0毛巾\t", "毛巾", true},
		{"e\u0301", "é", true}, // NFC: the stored form is the measured form
		{"", "", false},
		{"\u3000\u3000\u3000", "", false},
		{strings.Repeat("中", 11), "", false},
		{"\u3000" + strings.Repeat("中", 10) + strings.Repeat("\u3000", 50), strings.Repeat("中", 10), true},
		{"a\x00b", "", false},
		{"a\nb", "", false},
		{"a\u2028b", "", false},
		{"\xff\xfe", "", false},
		{strings.Repeat(" ", 1<<20), "", false},
	}
	for _, c := range cases {
		got, err := Clean("name", c.in, 1, 10)
		if c.ok && (err != nil || got != c.want) {
			t.Errorf("Clean(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
		if !c.ok && !errors.Is(err, ErrInvalid) {
			t.Errorf("Clean(%q) = %q, %v; want ErrInvalid", c.in, got, err)
		}
	}
	if got, err := CleanLines("note", " 第一行\n第二行\u3000", 0, 20); err != nil || got != "第一行\n第二行" {
		t.Errorf("CleanLines = %q, %v", got, err)
	}
	if got, err := Clean("note", "\u3000", 0, 20); err != nil || got != "" {
		t.Errorf("optional blank = %q, %v", got, err)
	}
}

func TestCheckDate(t *testing.T) {
	for _, c := range []struct {
		t  time.Time
		ok bool
	}{
		{time.Time{}, true},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2100, 12, 31, 23, 0, 0, 0, time.UTC), true},
		{time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), false},
		{time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), false},
	} {
		if err := CheckDate("from", c.t); (err == nil) != c.ok {
			t.Errorf("CheckDate(%v) = %v, want ok=%v", c.t, err, c.ok)
		}
	}
}
