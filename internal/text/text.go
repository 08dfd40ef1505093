// Package text cleans and measures every piece of free text a person sends: names, reasons,
// notes, titles. One function does it so that what is measured is what is stored: text is
// NFC-normalised, trimmed of every Unicode space (an ideographic space U+3000 as much as an ASCII
// one), refused when it holds control characters, and counted in characters, not bytes.
package text

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"pointsmarket/internal/fault"
)

// ErrInvalid is the code of every refusal here; the message names the field and the bound.
var ErrInvalid = fault.New(fault.Unprocessable, "invalid_input", "the input does not meet the requirements")

// Clean returns v normalised and trimmed, or ErrInvalid when it has fewer than min or more than
// max characters, is not valid UTF-8, or holds control characters (newlines and tabs are allowed
// in multi-line text only when multiline is set by CleanLines).
func Clean(field, v string, min, max int) (string, error) { return clean(field, v, min, max, false) }

// CleanLines is Clean for text that may span lines (notes, reasons, answers).
func CleanLines(field, v string, min, max int) (string, error) {
	return clean(field, v, min, max, true)
}

func clean(field, v string, min, max int, multiline bool) (string, error) {
	// Bound the work before normalising: a megabyte of spaces is refused without being copied.
	if len(v) > 4*max+1024 {
		return "", tooLong(field, min, max)
	}
	if !utf8.ValidString(v) {
		return "", ErrInvalid.WithMessage("%s is not valid UTF-8 text", field)
	}
	v = strings.TrimFunc(norm.NFC.String(v), isBlank)
	for _, r := range v {
		if r == '\n' || r == '\t' || r == '\r' {
			if multiline {
				continue
			}
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\ufeff' {
			return "", ErrInvalid.WithMessage("%s contains control characters", field)
		}
	}
	if n := utf8.RuneCountInString(v); n < min || n > max {
		return "", tooLong(field, min, max)
	}
	return v, nil
}

func tooLong(field string, min, max int) error {
	if min == 0 {
		return ErrInvalid.WithMessage("%s must have at most %d characters", field, max)
	}
	return ErrInvalid.WithMessage("%s must have %d to %d characters", field, min, max)
}

// isBlank is every space a keyboard or a copy-paste can bring: Unicode White_Space plus the
// zero-width characters that render as nothing.
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' || r == '\ufeff'
}

// The range of dates the service accepts. The driver refuses year 0, and no points system
// records anything before 2000 or after 2100.
var (
	minDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC)
)

// InRange reports whether t lies within 2000-01-01 and 2100-12-31.
func InRange(t time.Time) bool { return !t.Before(minDate) && t.Before(maxDate) }

// Date parses a YYYY-MM-DD date between 2000 and 2100, or returns ErrInvalid naming the field.
func Date(field, s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil || !InRange(t) {
		return time.Time{}, ErrInvalid.WithMessage("%s must be a date between 2000 and 2100, like 2026-01-31", field)
	}
	return t, nil
}

// DateUpTo parses a date like Date that is not after today (a date as Date reads it: the China day
// at midnight UTC, calendar.Today): when something happened.
func DateUpTo(field, s string, today time.Time) (time.Time, error) {
	t, err := Date(field, s)
	if err == nil && t.After(today) {
		err = ErrInvalid.WithMessage("%s cannot be in the future", field)
	}
	return t, err
}

// Month parses a YYYY-MM month between 2000 and 2100, starting at midnight in loc.
func Month(field, s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01", strings.TrimSpace(s), loc)
	if err != nil || !InRange(t) {
		return time.Time{}, ErrInvalid.WithMessage("%s must be a month between 2000 and 2100, like 2026-11", field)
	}
	return t, nil
}

// CheckDate returns ErrInvalid when a non-zero t lies outside 2000–2100.
func CheckDate(field string, t time.Time) error {
	if t.IsZero() || InRange(t) {
		return nil
	}
	return ErrInvalid.WithMessage("%s must lie between 2000 and 2100", field)
}

// Clip cuts s to at most n characters (not bytes: a Chinese character is never split).
func Clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
