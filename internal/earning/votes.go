package earning

import (
	"fmt"
	"unicode/utf8"

	"pointsmarket/internal/fault"
)

// The rules of a vote, from the Organic Law of Villagers' Committees (村民委员会组织法) and the
// seeds' practice: a representatives' assembly is quorate with at least two thirds of its members
// present, a villagers' assembly with more than half of the adult villagers (or two thirds of the
// households' representatives); either decides by more than half of those present. Honour items
// are decided by the village's party members: valid when more than half of the roster voted,
// passed by more than half of those voting.

// The bodies that adopt a rule book.
const (
	RepresentativesAssembly = "representatives" // 村民代表会议
	VillagersAssembly       = "villagers"       // 村民会议
)

// Errors of votes.
var (
	ErrNotQuorate         = fault.New(fault.Unprocessable, "assembly_not_quorate", "the assembly was not quorate")
	ErrMembersMismatch    = fault.New(fault.Unprocessable, "assembly_members_mismatch", "the members stated differ from the representatives the village has registered")
	ErrEmptyRuleBook      = fault.New(fault.Unprocessable, "rule_book_empty", "a rule book without items cannot be adopted")
	ErrAdoptionInFuture   = fault.New(fault.Unprocessable, "adoption_in_future", "a rule book cannot be scheduled more than a year ahead")
	ErrPartyNotQuorate    = fault.New(fault.Conflict, "party_vote_not_quorate", "fewer than half of the party members have voted")
	ErrOfficialsObjection = fault.New(fault.Forbidden, "objection_for_supervisors", "objections to an official's household are answered by the supervision group or the township")
	ErrCommitteeCanDecide = fault.New(fault.Forbidden, "committee_can_decide", "a committee member without a conflict can decide this entry; the township does not")
	ErrBasePeriod         = fault.New(fault.Unprocessable, "base_period_not_allowed", "base points are registered for the current or the previous month only")
	ErrBaseRegistered     = fault.New(fault.Conflict, "base_already_registered", "the household's base points of that month are registered already")
	ErrAlreadyRated       = fault.New(fault.Conflict, "already_rated", "the answer was already rated")
	ErrLooserThanLaw      = fault.New(fault.Unprocessable, "vote_rules_below_law", "vote rules cannot be looser than the law: at least two thirds present (67%), more than half for (51%)")
	ErrRegistrarVotes     = fault.New(fault.Forbidden, "voter_is_registrar", "the registrar does not vote on the entry")
)

// Tally counts the party members' votes on a month.
type Tally struct {
	For     int `json:"for"`
	Against int `json:"against"`
	Abstain int `json:"abstain"`
	Roster  int `json:"roster"`
}

// VoteRules tighten the law's defaults for a village: the percentage of a representatives'
// assembly that must be present (at least 67: two thirds) and of those present that must vote for
// (at least 51: more than half). Zero means the law's default.
type VoteRules struct {
	QuorumPct   int
	MajorityPct int
}

// CheckVoteRules refuses rules looser than the law (or above 100%).
func CheckVoteRules(r VoteRules) error {
	if r.QuorumPct != 0 && (r.QuorumPct < 67 || r.QuorumPct > 100) || r.MajorityPct != 0 && (r.MajorityPct < 51 || r.MajorityPct > 100) {
		return ErrLooserThanLaw
	}
	return nil
}

// AssemblyCount is what an assembly record says of its votes.
type AssemblyCount struct {
	Body                        string
	Members, Present            int
	For, Against, Abstain       int
	Households, HouseholdsThere int // villagers' assembly: households in the village, and represented
}

// CheckAssembly returns nil when an assembly's record shows a quorate vote that passed.
// knownRepresentatives is the number of representatives the village has registered; knownPeople
// the number of its registered people (a villagers' assembly cannot have fewer members).
func CheckAssembly(c AssemblyCount, knownRepresentatives, knownPeople int, rules VoteRules) error {
	if c.For < 0 || c.Against < 0 || c.Abstain < 0 || c.Present < c.For+c.Against+c.Abstain || c.Members < c.Present || c.Members > 100_000 {
		return fault.Invalidf("votes must be counts that add up to at most those present, and those present at most the members")
	}
	switch c.Body {
	case RepresentativesAssembly:
		if c.Members != knownRepresentatives {
			return ErrMembersMismatch.WithDetails(map[string]any{"members": c.Members, "registered": knownRepresentatives})
		}
		if c.Members == 0 || 3*c.Present < 2*c.Members || rules.QuorumPct != 0 && 100*c.Present < rules.QuorumPct*c.Members {
			return ErrNotQuorate.WithMessage("a representatives' assembly needs two thirds of its %d members present, %d were",
				c.Members, c.Present)
		}
	case VillagersAssembly:
		if c.Members < knownPeople {
			return ErrMembersMismatch.WithMessage("a villagers' assembly cannot have fewer members than the %d people registered", knownPeople)
		}
		byPeople := 2*c.Present > c.Members
		byHouseholds := c.Households > 0 && 3*c.HouseholdsThere >= 2*c.Households
		if !byPeople && !byHouseholds {
			return ErrNotQuorate.WithMessage("a villagers' assembly needs more than half of the villagers or two thirds of the households present")
		}
	default:
		return fault.Invalidf("body must be %s or %s", RepresentativesAssembly, VillagersAssembly)
	}
	if 2*c.For <= c.Present || rules.MajorityPct != 0 && 100*c.For < rules.MajorityPct*c.Present {
		return ErrVoteFailed.WithMessage("%d for is not more than half of the %d present", c.For, c.Present)
	}
	return nil
}

// PartyVote decides an honour entry from its party members' votes: it returns whether it passed,
// or ErrPartyNotQuorate when no more than half of the roster voted.
func PartyVote(votesFor, votesAgainst, abstain, roster int) (bool, error) {
	voted := votesFor + votesAgainst + abstain
	if roster <= 0 || 2*voted <= roster {
		return false, ErrPartyNotQuorate.WithMessage("%d of %d party members voted: more than half must", voted, roster).
			WithDetails(map[string]any{"roster": roster, "voted": voted})
	}
	return 2*votesFor > voted, nil
}

// maxTransferReason is what a transfer's reason may hold (ledger: 200 characters), less room for
// the correction prefix.
const maxTransferReason = 190

// TransferReason is the reason an entry's transfer carries: the item, the entry's reason and the
// meeting. A reason too long for the ledger is shortened with a pointer to the entry (whose full
// reason stays on it), never turned into an error.
func TransferReason(item, reason, month string, entryID int64) string {
	full := fmt.Sprintf("%s：%s（%s月评议会）", item, reason, month)
	if utf8.RuneCountInString(full) <= maxTransferReason {
		return full
	}
	tail := fmt.Sprintf("…（%s月评议会，详见登记#%d）", month, entryID)
	head := []rune(item + "：" + reason)
	keep := min(maxTransferReason-utf8.RuneCountInString(tail), len(head))
	return string(head[:max(keep, 0)]) + tail
}

// DescribeVote is the decision note of a party vote.
func DescribeVote(f, a, abstain, roster int) string {
	return fmt.Sprintf("党员表决（党员%d人）赞成%d 反对%d 弃权%d", roster, f, a, abstain)
}
