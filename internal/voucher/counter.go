package voucher

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/ledger"
	"pointsmarket/internal/org"
	"pointsmarket/internal/text"
	"pointsmarket/internal/write"
)

// shopsOf returns the shops p keeps, or ErrNotShopkeeper.
func shopsOf(p auth.Principal) ([]int64, error) {
	var shops []int64
	for _, g := range p.Grants {
		if g.Role == auth.RoleShopkeeper {
			shops = append(shops, g.ShopID)
		}
	}
	if len(shops) == 0 {
		return nil, ErrNotShopkeeper
	}
	return shops, nil
}

// presented is a voucher as a counter presented it: by its QR code (with the nonce to match) or by
// its short code.
type presented struct {
	voucher Voucher
	holder  HolderName
	nonce   []byte
}

// resolve finds the voucher a counter presented and checks that p keeps its shop.
func (s *Service) resolve(ctx context.Context, p auth.Principal, code string) (presented, error) {
	shops, err := shopsOf(p)
	if err != nil {
		return presented{}, err
	}
	var pr presented
	if short, ok := IsShortCode(code); ok {
		if pr, err = s.byShortCode(ctx, p, shops, short); err != nil {
			return presented{}, err
		}
	} else {
		id, nonce, err := s.Codes.ParseVoucher(code)
		if err != nil {
			return presented{}, err
		}
		pr.nonce = nonce
		if pr.voucher, pr.holder, err = s.Store.Voucher(ctx, id); err != nil {
			if errors.Is(err, ErrVoucherNotFound) {
				return presented{}, ErrInvalidCode // signed by us, yet unknown: another deployment's
			}
			return presented{}, err
		}
		if string(pr.voucher.Nonce) != string(nonce) {
			return presented{}, ErrInvalidCode
		}
	}
	if !p.RunsShop(pr.voucher.ShopID) {
		return presented{}, ErrWrongShop.WithDetails(map[string]any{"shop_id": pr.voucher.ShopID})
	}
	return pr, nil
}

// Preview is what the counter shows before handing goods over.
type Preview struct {
	ID        int64  `json:"id"`
	Points    int64  `json:"points"`
	Status    Status `json:"status"`
	Items     []Item `json:"items"`
	Holder    string `json:"holder"` // masked: 张*明
	ShopID    int64  `json:"shop_id"`
	ExpiresAt any    `json:"expires_at"`
	// Refusal is what redeeming it now would answer, when it cannot be redeemed: the counter shows
	// "already redeemed at … in …" straight from the scan.
	Refusal *Refusal `json:"refusal,omitempty"`
}

// Refusal is a refusal as clients see it.
type Refusal struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
	// Err is the refusal itself, for a caller that says it in the reader's language.
	Err *fault.Error `json:"-"`
}

// Scan previews a voucher at its shop's counter; it changes nothing.
func (s *Service) Scan(ctx context.Context, p auth.Principal, code string) (Preview, error) {
	pr, err := s.resolve(ctx, p, code)
	if err != nil {
		return Preview{}, err
	}
	v := pr.voucher
	out := Preview{ID: v.ID, Points: v.Points, Status: v.Status, Items: v.Items, Holder: org.MaskName(string(pr.holder)),
		ShopID: v.ShopID, ExpiresAt: v.ExpiresAt}
	if v.Status != Issued || !s.Now().Before(v.ExpiresAt) {
		why := explain(ctx, s.Store, v.ID, 0, s.Now())
		fe := fault.From(why)
		if fe == nil {
			return Preview{}, why
		}
		out.Refusal = &Refusal{Code: fe.Code, Message: fe.Message, Details: fe.Details, Err: fe}
		if v.Status == Issued {
			out.Status = Expired
		}
	}
	return out, nil
}

// presentedForRedeem is what a counter's code asks to redeem. A scanned QR code names its voucher
// by a signed id, so the voucher is read only in the redemption's transaction (and checked there:
// its nonce, and that the keeper runs its shop); a typed short code is looked up first.
func (s *Service) presentedForRedeem(ctx context.Context, p auth.Principal, code string) (RedeemRequest, error) {
	shops, err := shopsOf(p)
	if err != nil {
		return RedeemRequest{}, err
	}
	if _, short := IsShortCode(code); short {
		pr, err := s.resolve(ctx, p, code)
		if err != nil {
			return RedeemRequest{}, err
		}
		return RedeemRequest{VoucherID: pr.voucher.ID, Voucher: &pr.voucher, ShopID: pr.voucher.ShopID}, nil
	}
	id, nonce, err := s.Codes.ParseVoucher(code)
	if err != nil {
		return RedeemRequest{}, err
	}
	return RedeemRequest{VoucherID: id, Nonce: nonce, Shops: shops}, nil
}

// Redeem captures a voucher at its shop's counter: points, stock and the redemption move in one
// transaction. The voucher's lock makes a second counter wait for nothing: it is told at once.
func (s *Service) Redeem(ctx context.Context, p auth.Principal, code, key string) (r Redemption, err error) {
	defer func() { s.observe(ByVoucher, err) }()
	if err := write.CheckKey(key); err != nil {
		return Redemption{}, err
	}
	req, err := s.presentedForRedeem(ctx, p, code)
	if err != nil {
		return Redemption{}, err
	}
	req.By = p.PersonID
	id := req.VoucherID
	k := write.NewKey(key, "counter.redeem", id)
	err = s.holding(ctx, fmt.Sprintf("voucher:%d", id), func(h *hold) error {
		req.Fence, req.Now = Fence(h.Token), s.Now()
		r, err = s.capture(ctx, req, k, h)
		err = wrapf(err, "redeem voucher %d", id)
		return err
	})
	if errors.Is(err, ErrExpired) {
		if _, xerr := s.expire(ctx, id); xerr != nil && !errors.Is(xerr, ErrNotIssued) {
			s.Log.WarnContext(ctx, "could not expire voucher", "voucher_id", id, "err", xerr)
		}
	}
	if err != nil {
		return Redemption{}, err
	}
	return r, nil // its batch invalidated the shop's catalog and told the watchers
}

func (s *Service) watch(ctx context.Context, r Redemption, reversal bool) {
	if s.redeemed != nil {
		s.redeemed(ctx, r, reversal)
	}
}

func (s *Service) observe(kind Kind, err error) {
	result := "ok"
	if err != nil {
		result = "error"
		if fe := fault.From(err); fe != nil {
			result = fe.Code
		}
	}
	s.Observer.Redemption(kind, result)
}

// MemberCode returns a fresh member code for p's household account (or another of p's accounts),
// and the 8 digits that stand for it at a counter ("" when they could not be kept).
func (s *Service) MemberCode(ctx context.Context, p auth.Principal, accountID *int64) (code, digits string, mc MemberCode, err error) {
	acct, proxy, err := s.spendingAccount(ctx, p, accountID)
	if err != nil {
		return "", "", MemberCode{}, err
	}
	if proxy != nil { // a proxy redeems by voucher, which the household is told of and can see
		return "", "", MemberCode{}, fmt.Errorf("member code of account %d: %w", acct.ID, fault.ErrForbidden)
	}
	code, mc = s.Codes.NewMemberCode(acct.ID, s.Now())
	return code, s.memberDigits(ctx, code, mc.ExpiresAt), mc, nil
}

// CheckMemberCode returns the member code's account if the code is p's own and valid now.
func (s *Service) CheckMemberCode(ctx context.Context, p auth.Principal, code string) (MemberCode, error) {
	mc, err := s.Codes.ParseMemberCode(code, s.Now())
	if err != nil {
		return mc, err
	}
	acct, err := s.Accounts.Account(ctx, mc.AccountID)
	if err != nil {
		return mc, err
	}
	if (acct.Kind == ledger.Household && acct.OwnerID == p.HouseholdID && p.HouseholdID != 0) || (acct.Kind == ledger.Representative && acct.OwnerID == p.PersonID) {
		return mc, nil
	}
	return mc, ErrInvalidCode
}

// MemberPreview is what the counter shows after scanning a member code.
type MemberPreview struct {
	AccountID int64  `json:"account_id"`
	Holder    string `json:"holder"`
	Available int64  `json:"available"`
	ExpiresAt any    `json:"expires_at"`
}

// ScanMember checks a member code at a counter and shows whose it is and what they may spend.
func (s *Service) ScanMember(ctx context.Context, p auth.Principal, code string) (MemberPreview, error) {
	shops, err := shopsOf(p)
	if err != nil {
		return MemberPreview{}, err
	}
	if code, err = s.memberCodeOf(ctx, p, shops[0], code); err != nil {
		return MemberPreview{}, err
	}
	mc, err := s.Codes.ParseMemberCode(code, s.Now())
	if err != nil {
		return MemberPreview{}, err
	}
	acct, err := s.Accounts.Account(ctx, mc.AccountID)
	if err != nil {
		return MemberPreview{}, ErrInvalidCode
	}
	holder, err := s.Store.AccountHolder(ctx, acct.ID)
	if err != nil {
		return MemberPreview{}, err
	}
	return MemberPreview{AccountID: acct.ID, Holder: org.MaskName(string(holder)), Available: acct.Available(), ExpiresAt: mc.ExpiresAt}, nil
}

// CheckoutInput is what a shopkeeper sends after scanning a member code and picking goods.
type CheckoutInput struct {
	Code   string `json:"code"`
	ShopID int64  `json:"shop_id"` // optional when the shopkeeper keeps one shop
	Items  []Line `json:"items"`
	// TopUp takes cash for the points that fall short, at the goods' agreed price (积分+现金).
	TopUp bool `json:"top_up"`
}

// Checkout takes the points for goods at once against a member code, used once.
func (s *Service) Checkout(ctx context.Context, p auth.Principal, in CheckoutInput, key string) (r Redemption, err error) {
	defer func() { s.observe(ByMemberCode, err) }()
	if err := write.CheckKey(key); err != nil {
		return Redemption{}, err
	}
	shops, err := shopsOf(p)
	if err != nil {
		return Redemption{}, err
	}
	shop := shops[0]
	if in.ShopID != 0 {
		if !p.RunsShop(in.ShopID) {
			return Redemption{}, ErrNotShopkeeper
		}
		shop = in.ShopID
	}
	if err := CheckLines(in.Items); err != nil {
		return Redemption{}, err
	}
	if in.Code, err = s.memberCodeOf(ctx, p, shop, in.Code); err != nil {
		return Redemption{}, err
	}
	mc, err := s.Codes.ParseMemberCode(in.Code, s.Now())
	if err != nil {
		return Redemption{}, err
	}
	k := write.NewKey(key, "counter.checkout", []any{in.Code, shop, in.Items, in.TopUp})
	err = s.locked(ctx, fmt.Sprintf("account:%d", mc.AccountID), func(Fence) error {
		r, err = s.checkout(ctx, CheckoutRequest{Code: mc, ShopID: shop, Lines: in.Items, TopUp: in.TopUp, By: p.PersonID, Now: s.Now()}, k)
		err = wrapf(err, "checkout")
		return err
	})
	if err != nil {
		return Redemption{}, err
	}
	s.Invalidate(ctx, shop)
	s.watch(ctx, r, false)
	return r, nil
}

// Day is a shop's redemptions of one day with their totals.
type Day struct {
	Redemptions []Redemption `json:"redemptions"`
	Count       int          `json:"count"`
	Points      int64        `json:"points"`
	PriceFen    int64        `json:"price_fen"`
	// CashFen is the cash taken for points that fell short (it stays in the till, not reimbursed).
	CashFen  int64 `json:"cash_fen"`
	Reversed int   `json:"reversed"`
}

// Today returns the redemptions of p's shop today (China time), reversals included and excluded
// from the totals.
func (s *Service) Today(ctx context.Context, p auth.Principal, shopID int64) (Day, error) {
	shops, err := shopsOf(p)
	if err != nil {
		return Day{}, err
	}
	if shopID == 0 {
		shopID = shops[0]
	} else if !p.RunsShop(shopID) {
		return Day{}, ErrNotShopkeeper
	}
	start := calendar.DayStart(s.Now())
	rs, err := s.Store.Redemptions(ctx, RedemptionFilter{ShopID: shopID, From: start, To: start.AddDate(0, 0, 1), Limit: 5000})
	if err != nil {
		return Day{}, err
	}
	d := Day{Redemptions: rs}
	for i := range rs { // the counter sees a holder's name as the voucher's preview does
		rs[i].Holder = org.MaskName(rs[i].Holder)
	}
	for _, r := range rs {
		if r.ReversedAt != nil {
			d.Reversed++
			continue
		}
		d.Count++
		d.Points += r.Points
		d.PriceFen += r.PriceFen
		d.CashFen += r.CashFen
	}
	return d, nil
}

// Reverse undoes a redemption of today at p's shop (退货): the points go back to the account and
// the goods back on the shelf. A reason is required; supervisors see it.
func (s *Service) Reverse(ctx context.Context, p auth.Principal, id int64, reason string) (Redemption, error) {
	reason, err := text.CleanLines("reason", reason, 1, 200)
	if err != nil {
		return Redemption{}, err
	}
	r, err := s.Store.Redemption(ctx, id)
	if err != nil {
		return Redemption{}, err
	}
	if !p.RunsShop(r.ShopID) {
		return Redemption{}, ErrNotShopkeeper
	}
	out, err := s.reverse(ctx, id, reason, s.Now())
	err = wrapf(err, "reverse redemption %d", id)
	if err != nil {
		return Redemption{}, err
	}
	s.Invalidate(ctx, r.ShopID)
	s.watch(ctx, out, true)
	return out, nil
}

// MyCheckouts lists today's member-code checkouts of p's accounts newer than afterID, so that the
// villager's phone shows each one the moment the shopkeeper confirms it.
func (s *Service) MyCheckouts(ctx context.Context, p auth.Principal, afterID int64) ([]Redemption, error) {
	accounts, err := s.myAccounts(ctx, p)
	if err != nil || len(accounts) == 0 {
		return []Redemption{}, err
	}
	return s.Store.Redemptions(ctx, RedemptionFilter{AccountIDs: accounts, Kind: ByMemberCode, AfterID: afterID,
		From: calendar.DayStart(s.Now()), Limit: 50})
}

// MyRedemptions lists the newest redemptions (by voucher and by member code) of p's accounts, with
// their shops: the villager's "my orders".
func (s *Service) MyRedemptions(ctx context.Context, p auth.Principal) ([]Redemption, error) {
	accounts, err := s.myAccounts(ctx, p)
	if err != nil || len(accounts) == 0 {
		return []Redemption{}, err
	}
	return s.Store.Redemptions(ctx, RedemptionFilter{AccountIDs: accounts, Limit: 100})
}

// myAccounts returns p's household account and representative account, those that exist.
func (s *Service) myAccounts(ctx context.Context, p auth.Principal) ([]int64, error) {
	var accounts []int64
	if p.HouseholdID != 0 {
		if a, err := s.Accounts.AccountOf(ctx, p.Home.VillageID, ledger.Household, p.HouseholdID); err == nil {
			accounts = append(accounts, a.ID)
		} else if fault.KindOf(err) != fault.NotFound {
			return nil, err
		}
	}
	if p.Has(auth.RoleRepresentative) {
		if a, err := s.Accounts.AccountOf(ctx, p.Home.VillageID, ledger.Representative, p.PersonID); err == nil {
			accounts = append(accounts, a.ID)
		} else if fault.KindOf(err) != fault.NotFound {
			return nil, err
		}
	}
	return accounts, nil
}

// Receipt returns one redemption as its receipt shows it (小票): shop, time, items, points, cash,
// whether a proxy took it, and the holder — masked but for the holder's own household. The shop
// that made it, the household whose points it took, and those who read the village may see it.
func (s *Service) Receipt(ctx context.Context, p auth.Principal, id int64) (Redemption, error) {
	rs, err := s.Store.Redemptions(ctx, RedemptionFilter{ID: id, Limit: 1})
	if err != nil {
		return Redemption{}, err
	}
	if len(rs) == 0 {
		return Redemption{}, ErrRedemptionNone
	}
	r := rs[0]
	mine, err := s.myAccounts(ctx, p)
	if err != nil {
		return Redemption{}, err
	}
	if slices.Contains(mine, r.AccountID) {
		return r, nil
	}
	place, err := s.Places.VillagePlace(ctx, r.VillageID)
	if err != nil {
		return Redemption{}, err
	}
	if !p.RunsShop(r.ShopID) && !p.CanReadVillage(place) {
		return Redemption{}, fmt.Errorf("receipt of redemption %d: %w", id, fault.ErrForbidden)
	}
	r.Holder = org.MaskName(r.Holder)
	return r, nil
}

// VillageRedemptions lists a village's redemptions in [from, to) for those who may read it.
func (s *Service) VillageRedemptions(ctx context.Context, p auth.Principal, villageID int64, f RedemptionFilter) ([]Redemption, error) {
	place, err := s.Places.VillagePlace(ctx, villageID)
	if err != nil {
		return nil, err
	}
	if !p.CanReadVillage(place) {
		return nil, fmt.Errorf("redemptions of village %d: %w", villageID, fault.ErrForbidden)
	}
	f.VillageID, f.ShopID = villageID, 0
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	return s.Store.Redemptions(ctx, f)
}
