package earning

import (
	"context"
	"fmt"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/org"
	"pointsmarket/internal/redact"
)

// NoticeLine is an entry as the public notice shows it: the item, the household's number and its
// head's name masked (张*明), without the evidence (which may name people).
type NoticeLine struct {
	Entry
	ItemName  string   `json:"item_name"`
	Category  Category `json:"category"`
	Approval  Approval `json:"approval"`
	Household string   `json:"household"`
	Head      string   `json:"head"`
}

// lines dresses a village's entries with their items and households in a constant number of
// queries (the village's rule books with their items, its households page by page) rather than
// three per entry; mask hides the heads' names.
func (s *Service) lines(ctx context.Context, villageID int64, es []Entry, mask bool) ([]NoticeLine, error) {
	out := make([]NoticeLine, 0, len(es))
	if len(es) == 0 {
		return out, nil
	}
	books, err := s.Store.RuleBooks(ctx, villageID)
	if err != nil {
		return nil, err
	}
	items := map[int64]RuleItem{}
	for _, b := range books {
		for _, it := range b.Items {
			items[it.ID] = it
		}
	}
	households := map[int64]org.Household{}
	if err := s.eachHousehold(ctx, villageID, func(h org.Household) error {
		households[h.ID] = h
		return nil
	}); err != nil {
		return nil, err
	}
	for _, e := range es {
		line := NoticeLine{Entry: e}
		item, ok := items[e.RuleItemID]
		if !ok {
			return nil, fmt.Errorf("entry %d: item %d: %w", e.ID, e.RuleItemID, ErrItemNotFound)
		}
		line.ItemName, line.Category, line.Approval = item.Name, item.Category, item.Approval
		if e.HouseholdID != nil {
			h := households[*e.HouseholdID]
			line.Household, line.Head = h.Number, h.HeadName
			if mask {
				line.Head = org.MaskName(h.HeadName)
			}
		}
		out = append(out, line)
	}
	return out, nil
}

// readsEntries reports whether p may read a village's entries and meetings: its clerk and those
// who read the village, branch committee and party members, group leaders.
func readsEntries(p auth.Principal, pl auth.Place) bool {
	return p.CanReadVillage(pl) || p.HoldsIn(auth.RoleBranchCommittee, pl) || p.HoldsIn(auth.RolePartyMember, pl) || p.HoldsIn(auth.RoleGroupLeader, pl)
}

// Entries lists a village's entries of a period (all statuses, or one) for its officials: the
// clerk and those who read the village, branch committee and party members, group leaders.
func (s *Service) Entries(ctx context.Context, p auth.Principal, villageID int64, period string, status EntryStatus) ([]NoticeLine, error) {
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return nil, err
	}
	if !readsEntries(p, pl) {
		return nil, fmt.Errorf("entries of village %d: %w", villageID, fault.ErrForbidden)
	}
	es, err := s.Store.Entries(ctx, EntryFilter{VillageID: villageID, Period: period, Status: status, Limit: 500})
	if err != nil {
		return nil, err
	}
	return s.lines(ctx, villageID, es, false)
}

// Notice lists a village's entries under public notice for any of its people.
func (s *Service) Notice(ctx context.Context, p auth.Principal, villageID int64) ([]NoticeLine, error) {
	pl, err := s.place(ctx, villageID)
	if err != nil {
		return nil, err
	}
	if p.Home != pl && !p.CanReadVillage(pl) {
		return nil, fmt.Errorf("notice of village %d: %w", villageID, fault.ErrForbidden)
	}
	return s.PublicNotice(ctx, villageID)
}

// PublicNotice is the notice as the public board prints it: names masked (in the reasons and
// notes too, with phone and ID numbers), no evidence, no registrar or decider.
func (s *Service) PublicNotice(ctx context.Context, villageID int64) ([]NoticeLine, error) {
	es, err := s.Store.Entries(ctx, EntryFilter{VillageID: villageID, Status: Noticed, Limit: 500})
	if err != nil {
		return nil, err
	}
	names, err := s.People.Names(ctx, villageID)
	if err != nil {
		return nil, err
	}
	masker := redact.New(names)
	out, err := s.lines(ctx, villageID, es, true)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Evidence, out[i].RegisteredBy, out[i].DecidedBy = "", 0, nil
		out[i].Reason, out[i].DecisionNote = masker.Text(out[i].Reason), masker.Text(out[i].DecisionNote)
	}
	return out, nil
}
