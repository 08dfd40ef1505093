// Package redact hides personal data in free text that leaves a village: the public board, the
// public notice, exports read by township staff. Clerks write reasons like "帮助五保户杨秀兰（电话
// 13800000299）修缮房屋"; outside the village that becomes "帮助五保户杨*兰（电话138****0299）修缮
// 房屋". Phone and ID numbers are found by their shape; names by the village's own register of
// people and household heads, since no pattern tells a Chinese name from other words.
package redact

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"pointsmarket/internal/org"
	"pointsmarket/internal/phone"
)

// Masker masks one village's people in text. The zero value masks numbers only.
type Masker struct {
	names *strings.Replacer
}

// New returns a Masker for the names of a village's people (names of one character are left:
// they would mask every use of a common word).
func New(names []string) Masker {
	names = slices.Clone(names)
	// Longest first, so that 欧阳小明 is masked whole before 小明 is.
	slices.SortFunc(names, func(a, b string) int { return utf8.RuneCountInString(b) - utf8.RuneCountInString(a) })
	var pairs []string
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if utf8.RuneCountInString(n) < 2 || seen[n] {
			continue
		}
		seen[n] = true
		pairs = append(pairs, n, org.MaskName(n))
	}
	if len(pairs) == 0 {
		return Masker{}
	}
	return Masker{names: strings.NewReplacer(pairs...)}
}

// digits finds runs of digits that may be written with spaces or hyphens, ending in a digit or
// the X of an ID number.
var digits = regexp.MustCompile(`(\+?86[\s-]?)?\d[\d\s-]{9,22}[\dXx]`)

// Text returns s with phone numbers, ID numbers and the village's names masked.
func (m Masker) Text(s string) string {
	if s == "" {
		return s
	}
	s = digits.ReplaceAllStringFunc(s, maskNumber)
	if m.names != nil {
		s = m.names.Replace(s)
	}
	return s
}

// maskNumber masks a run of digits that is a mobile number (138****0299) or an ID number
// (430***********123X); other numbers (amounts, dates, household numbers) are left.
func maskNumber(run string) string {
	if p, err := phone.Canonical(run); err == nil {
		return phone.Mask(p)
	}
	bare := strings.NewReplacer(" ", "", "-", "", "\t", "", "\n", "").Replace(run)
	if isID(bare) {
		return bare[:3] + strings.Repeat("*", len(bare)-7) + bare[len(bare)-4:]
	}
	// A phone inside a longer run ("电话13800000299转1"): mask any 11-digit mobile within.
	return mobileWithin.ReplaceAllStringFunc(run, func(p string) string { return phone.Mask(p) })
}

var (
	idNumber     = regexp.MustCompile(`^(\d{17}[\dXx]|\d{15})$`)
	mobileWithin = regexp.MustCompile(`1[3-9]\d{9}`)
)

func isID(s string) bool { return idNumber.MatchString(s) }
