// Package notify is every person's in-app inbox and its delivery beyond the app. A workflow says
// whom its act concerns (a person, the members of a household, the holders of a role in a place,
// a department's staff) in the same transaction as the act (write.Done.Notices), so a notice is
// never lost nor sent for an act that rolled back; each becomes one inbox line per person (once
// per key) and one outbox row, which a Sender delivers after the commit — the log by default, a
// county's webhook (an SMS gateway, WeChat template messages) when configured — retried with
// backoff until it is accepted. No notice carries a full phone number or a voucher code.
package notify

import (
	"context"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
)

// Kind is what a notice is about.
type Kind string

// Kinds of notices.
const (
	PointsPosted      Kind = "points_posted"      // points posted to my household after the notice
	PointsExpiring    Kind = "points_expiring"    // my household's spendable points are cleared soon
	VoucherRedeemed   Kind = "voucher_redeemed"   // my household's voucher was redeemed at a shop
	ObjectionAnswered Kind = "objection_answered" // my objection was answered
	RequestAnswered   Kind = "request_answered"   // my household's request was answered
	RequestAssigned   Kind = "request_assigned"   // a request came to my unit
	RequestOverdue    Kind = "request_overdue"    // a request my unit holds passed its deadline
	ToCountersign     Kind = "to_countersign"     // a statement waits for my countersignature
	CardChanged       Kind = "card_changed"       // my household's card was issued, blocked or given a PIN
)

// To names who a notice is for: exactly one of a person, a household's members, the owners of a
// points account (a household's members, or the representative), the holders of a role in a place
// (a village, or a whole township when VillageID is 0), or a department's staff.
type To struct {
	PersonID     int64
	HouseholdID  int64
	AccountID    int64
	Role         auth.Role
	Place        auth.Place
	DepartmentID int64
}

// Notice is one act's news for the people it concerns. Key makes it once per person (a retried
// or replayed act notifies no one twice); Except is the actor, never told of their own act.
type Notice struct {
	To     []To
	Kind   Kind
	Title  string
	Body   string
	Link   string // the storefront page it concerns
	Key    string
	Except int64
}

// Notification is one line of a person's inbox, with how its delivery beyond the app went.
type Notification struct {
	ID        int64      `json:"id" db:"id"`
	Kind      Kind       `json:"kind" db:"kind"`
	Title     string     `json:"title" db:"title"`
	Body      string     `json:"body" db:"body"`
	Link      string     `json:"link" db:"link"`
	CreatedAt time.Time  `json:"created_at" db:"created_at"`
	ReadAt    *time.Time `json:"read_at" db:"read_at"`
	// Delivery is the outbox's state: pending, sent or failed.
	Delivery string `json:"delivery" db:"delivery"`
}

// Message is an outbox row as a Sender delivers it: its id is stable across retries, for the
// receiving gateway to drop a repeat.
type Message struct {
	ID        int64     `json:"id" db:"id"`
	PersonID  int64     `json:"person_id" db:"person_id"`
	Kind      Kind      `json:"kind" db:"kind"`
	Title     string    `json:"title" db:"title"`
	Body      string    `json:"body" db:"body"`
	Link      string    `json:"link" db:"link"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
	Attempts  int       `json:"-" db:"attempts"`
}

// Sender delivers a message beyond the app; an error means it was not accepted (retried later).
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Store keeps the inboxes and the outbox.
type Store interface {
	// Inbox returns a person's notifications, newest first, before beforeID (0: the newest).
	Inbox(ctx context.Context, personID, beforeID int64, limit int, unreadOnly bool) ([]Notification, error)
	// Unread counts a person's unread notifications.
	Unread(ctx context.Context, personID int64) (int, error)
	// MarkRead marks a person's notifications read: those of ids, or all when ids is empty.
	MarkRead(ctx context.Context, personID int64, ids []int64, at time.Time) error
	// Claim takes up to limit outbox messages due by now, holding them until leaseUntil so that
	// no other instance sends them meanwhile.
	Claim(ctx context.Context, now, leaseUntil time.Time, limit int) ([]Message, error)
	// Sent records a message accepted.
	Sent(ctx context.Context, id int64, at time.Time) error
	// Retry records a failed attempt: next try at next, or failed for good when next is nil.
	Retry(ctx context.Context, id int64, next *time.Time, why string) error
}

// ErrBadRead refuses a read request that names nothing.
var ErrBadRead = fault.Invalidf("ids must list notification ids, or all must be true")
