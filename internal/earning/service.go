package earning

import (
	"context"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/org"
	"pointsmarket/internal/write"
)

// People reads households and people; the org store implements it.
type People interface {
	Household(ctx context.Context, id int64) (org.Household, error)
	Person(ctx context.Context, id int64) (org.Person, error)
	Households(ctx context.Context, villageID, afterID int64, limit int) ([]org.Household, error)
	// Names returns the names of the village's people and household heads.
	Names(ctx context.Context, villageID int64) ([]string, error)
	// RoleHolders returns the people who hold role in the village.
	RoleHolders(ctx context.Context, villageID int64, role auth.Role) ([]org.Person, error)
	// Counts returns how many people and households the village has registered.
	Counts(ctx context.Context, villageID int64) (people, households int, err error)
	// OfficialHousehold reports whether a member of the household holds any role.
	OfficialHousehold(ctx context.Context, householdID int64) (bool, error)
	// BaseSizes returns the household sizes that count for base points of a month beginning at start.
	BaseSizes(ctx context.Context, villageID int64, start time.Time) (map[int64]int, error)
	Village(ctx context.Context, id int64) (org.Village, error)
	SetExpiryDate(ctx context.Context, villageID int64, mmdd *string) (org.Village, error)
	// SetVoteRules records (audited) a village's vote rules; nil keeps the law's default.
	SetVoteRules(ctx context.Context, villageID int64, quorum, majority *int) (org.Village, error)
	VillagesExpiringOn(ctx context.Context, mmdd string) ([]int64, error)
}

// Accounts reads points accounts; the ledger store implements it.
type Accounts interface {
	AccountOf(ctx context.Context, villageID int64, kind ledger.AccountKind, ownerID int64) (ledger.Account, error)
	// SpendingAccounts returns a village's household and representative accounts.
	SpendingAccounts(ctx context.Context, villageID int64) ([]ledger.Account, error)
}

// Deps are what the Service needs.
type Deps struct {
	Store    Store
	People   People
	Places   auth.Places
	Accounts Accounts
	Ledger   *ledger.Service
	// InTx runs the posting of an entry in one transaction with its transfer.
	InTx write.InTx[Tx]
	// Visits counts a representative's recorded visits and meetings (联户) over a span.
	Visits Visits
	Now    func() time.Time
}

// Visits counts a grid head's recorded visits and meetings.
type Visits interface {
	CountVisits(ctx context.Context, personID int64, from, to time.Time) (int, error)
}

// Service runs the earning workflow with its access rules.
type Service struct {
	Deps
	// registered is told of each entry after it is written, postFailed of an entry that could
	// not post (risk alerts).
	postFailed func(ctx context.Context, entryID int64, why string)
	registered func(ctx context.Context, e Entry, item RuleItem, registrar auth.Principal)
}

// OnRegistered sets what is told of each entry after it is written.
func (s *Service) OnRegistered(fn func(ctx context.Context, e Entry, item RuleItem, registrar auth.Principal)) {
	s.registered = fn
}

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

func (s *Service) place(ctx context.Context, villageID int64) (auth.Place, error) {
	return s.Places.VillagePlace(ctx, villageID)
}
