package earning

import (
	"context"
	"pointsmarket/internal/notify"
	"time"
)

// Store keeps rule books, entries, meetings and objections. Writes are audited by the
// implementation in the transaction that makes them.
type Store interface {
	StarStore
	// Lists returns the red list (the size households with the most net points posted in months,
	// with their honours) and the black list (households with a black-list penalty posted in
	// months, not corrected), by points.
	Lists(ctx context.Context, villageID int64, months []string, size int) (red, black []ListLine, err error)
	// CreateRuleBook writes a new draft version (the next version number of the village).
	CreateRuleBook(ctx context.Context, b RuleBook) (RuleBook, error)
	// AddItem adds an item to a draft; ErrNotDraft otherwise.
	AddItem(ctx context.Context, bookID int64, it RuleItem) (RuleItem, error)
	// Adopt records the assembly vote and adopts a draft, superseding the adopted version.
	Adopt(ctx context.Context, bookID int64, b RuleBook) (RuleBook, error)
	Suggest(ctx context.Context, sg Suggestion) (Suggestion, error)
	// Suggestion returns ErrSuggestionNotFound for an unknown id.
	Suggestion(ctx context.Context, id int64) (Suggestion, error)
	Suggestions(ctx context.Context, bookID int64) ([]Suggestion, error)
	AnswerSuggestion(ctx context.Context, id int64, answer string, by int64) (Suggestion, error)
	// ActivateScheduled adopts every scheduled book whose day (China) is today or past.
	ActivateScheduled(ctx context.Context, today time.Time) (int, error)
	RuleBook(ctx context.Context, id int64) (RuleBook, error)
	RuleBooks(ctx context.Context, villageID int64) ([]RuleBook, error)
	// Item returns an item and its book.
	Item(ctx context.Context, id int64) (RuleItem, RuleBook, error)

	Entry(ctx context.Context, id int64) (Entry, error)
	Entries(ctx context.Context, f EntryFilter) ([]Entry, error)
	// Decide moves a registered entry to approved or rejected (ErrNotPending).
	Decide(ctx context.Context, id int64, approve bool, note string, meetingID int64) (Entry, error)
	// Vote records a party member's vote on a registered honour entry, once per member.
	Vote(ctx context.Context, entryID, personID int64, vote string) error
	Tally(ctx context.Context, entryID int64) (votesFor, against, abstain int, err error)

	OpenMeeting(ctx context.Context, m Meeting) (Meeting, error)
	Meeting(ctx context.Context, villageID int64, month string) (Meeting, error)
	// EntryTallies counts the party members' votes on each entry of a village's month.
	EntryTallies(ctx context.Context, villageID int64, month string) (map[int64]Tally, error)
	// MonthTally counts the party members' votes on a meeting's month so far.
	MonthTally(ctx context.Context, meetingID int64) (Tally, error)
	// MonthVote records (audited) a party member's vote on approving a month and returns the tally.
	// It returns ErrNotPending when the month is approved already, ErrUndecided while entries wait.
	MonthVote(ctx context.Context, meetingID, personID int64, vote string) (Tally, error)
	// MarkPostFailure records (audited) why an entry due for posting could not post.
	MarkPostFailure(ctx context.Context, entryID int64, why string) error

	// Object records an objection to an entry under notice (ErrNoticeClosed otherwise).
	Object(ctx context.Context, o Objection) (Objection, error)
	// Answer answers an objection; upheld revokes the entry. ErrObjectionAnswered.
	Answer(ctx context.Context, id int64, upheld bool, answer string, told notify.Notice) (Objection, error)
	Objection(ctx context.Context, id int64) (Objection, error)
	Objections(ctx context.Context, villageID, objectorID int64) ([]Objection, error)
	// Rate sets whether the objector is satisfied with the answer.
	Rate(ctx context.Context, id int64, satisfied bool) (Objection, error)

	// DuePostings lists entries whose notice has closed.
	DuePostings(ctx context.Context, now time.Time, limit int) ([]int64, error)
}

// EntryFilter selects entries of a village.
type EntryFilter struct {
	VillageID   int64
	Status      EntryStatus
	Period      string
	HouseholdID int64
	// ReversesEntryID selects the entries that correct one entry.
	ReversesEntryID int64
	Limit           int
}
