// Package fault is the one error type the domain speaks: a kind (what went wrong, mapped to an HTTP
// status in one table in httpapi), a stable snake_case code for clients and a message for a person.
//
// Domain packages declare their sentinels with New (ledger.ErrInsufficientPoints ...) and wrap them
// with context using fmt.Errorf("...: %w", err); callers test them with errors.Is and read the code
// with errors.As.
package fault

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

// The kinds. Internal is the zero value so that an unclassified error is never shown as the
// caller's fault.
const (
	Internal         Kind = iota // a bug or an unexpected failure; details are logged, not shown
	Invalid                      // malformed input (400)
	Unprocessable                // well-formed input that breaks a rule (422)
	Unauthenticated              // no or expired session, wrong credentials (401)
	Forbidden                    // authenticated but not allowed here (403)
	NotFound                     // no such thing, or not visible to the caller (404)
	Conflict                     // the current state forbids it (409)
	Gone                         // it existed but has expired (410)
	TooLarge                     // the request body is too large (413)
	RateLimited                  // too many attempts (429)
	Unavailable                  // a dependency (MySQL, Redis) is down; try again (503)
	NotAllowed                   // the method is not allowed on this path (405)
	UnsupportedMedia             // the body is not in a format the endpoint takes (415)
)

// Error is a domain error with a stable code.
type Error struct {
	Kind Kind
	Code string
	// Message is the English sentence, for logs; a person reads Text in their language.
	Message string
	// Details carries facts a client may show (for example when and where a voucher was used).
	Details map[string]any
	// format and args are the message before formatting: its key in the catalogue of sentences.
	format string
	args   []any
}

// New returns an error of the given kind, code and English message; the message's Chinese is in
// the catalogue (messages_zh.go).
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message, format: message}
}

// Lang is a language people read messages in.
type Lang int

// The languages of the catalogue; Chinese is the default.
const (
	Chinese Lang = iota // zh-CN
	English
)

// Text returns the error's sentence in lang. A message missing from the catalogue (which the
// catalogue's test forbids) falls back to English.
func (e *Error) Text(lang Lang) string {
	if lang == English {
		return e.Message
	}
	zh, ok := zhCN[e.format]
	if !ok {
		return e.Message
	}
	if len(e.args) == 0 {
		return zh
	}
	return fmt.Sprintf(zh, e.args...)
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Recode returns a copy of e under another kind and code, with the same sentence: an error of one
// layer handed on as another's (a bad code typed at the counter is the request's invalid input).
func (e *Error) Recode(kind Kind, code string) *Error {
	c := *e
	c.Kind, c.Code = kind, code
	return &c
}

// Is makes errors.Is match any *Error with the same code, so that a sentinel still matches a
// copy that carries details or another message.
func (e *Error) Is(target error) bool {
	var t *Error
	return errors.As(target, &t) && t.Code == e.Code
}

// WithMessage returns a copy of e with another message (same kind and code): format is the
// English, its Chinese is in the catalogue under the same format.
func (e *Error) WithMessage(format string, args ...any) *Error {
	c := *e
	c.Message, c.format, c.args = fmt.Sprintf(format, args...), format, args
	return &c
}

// WithDetails returns a copy of e carrying details for the client.
func (e *Error) WithDetails(details map[string]any) *Error {
	c := *e
	c.Details = details
	return &c
}

// Invalidf returns an Unprocessable error with code invalid_input, for input that parsed but
// breaks a rule (an empty name, a negative amount ...).
func Invalidf(format string, args ...any) *Error {
	return &Error{Kind: Unprocessable, Code: "invalid_input", Message: fmt.Sprintf(format, args...), format: format, args: args}
}

// From returns the *Error inside err, or nil when err carries none.
func From(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// KindOf returns the kind of err; Internal when err carries no *Error.
func KindOf(err error) Kind {
	if e := From(err); e != nil {
		return e.Kind
	}
	return Internal
}

// Common errors shared by every domain.
var (
	ErrNotFound     = New(NotFound, "not_found", "not found")
	ErrForbidden    = New(Forbidden, "forbidden", "you may not do this here")
	ErrUnauthorized = New(Unauthenticated, "unauthenticated", "please log in")
	ErrUnavailable  = New(Unavailable, "service_unavailable", "the service is temporarily unavailable, please retry")
	ErrIdempotency  = New(Conflict, "idempotency_key_reused", "this Idempotency-Key was already used for a different request")
)
