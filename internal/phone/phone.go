// Package phone owns the one canonical form of a mainland mobile number. A login, a rate limit,
// a person's record and an audit entry all use that form, so that "+86 138-0000-0210", a
// full-width "１３８００００２１０" or a number with a trailing ideographic space are one person
// and one limiter key, never several.
package phone

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"pointsmarket/internal/fault"
)

// ErrInvalid is returned for anything that is not, once canonical, an 11-digit mainland mobile number.
var ErrInvalid = fault.New(fault.Unprocessable, "invalid_phone", "the phone must be an 11-digit mainland mobile number")

var mobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// maxInput bounds what is normalised at all: no honest way of writing a phone is longer.
const maxInput = 64

// Canonical returns the 11-digit form of s: Unicode spaces trimmed and removed, NFKC (full-width
// digits become ASCII), separators (- . ( ) and spaces) dropped, a +86, 0086 or 86 prefix
// stripped. It returns ErrInvalid when the result is not a mainland mobile number.
func Canonical(s string) (string, error) {
	if len(s) > maxInput {
		return "", ErrInvalid
	}
	s = norm.NFKC.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '.' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, s)
	switch {
	case strings.HasPrefix(s, "+86"):
		s = s[3:]
	case strings.HasPrefix(s, "0086"):
		s = s[4:]
	case len(s) == 13 && strings.HasPrefix(s, "86"):
		s = s[2:]
	}
	if !mobile.MatchString(s) {
		return "", ErrInvalid
	}
	return s, nil
}

// Mask keeps the first three and last four digits: 138****0010.
func Mask(s string) string {
	if len(s) < 8 {
		return strings.Repeat("*", len(s))
	}
	return s[:3] + strings.Repeat("*", len(s)-7) + s[len(s)-4:]
}
