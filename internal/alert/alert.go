// Package alert raises risk alerts (风险预警) for a village's supervisors. Rules run incrementally:
// each right after the write that can trigger it (a registration, a redemption, a reversal, a
// settlement), over a small recent window, never by rescanning history. An alert fires once per
// deduplication key and is acknowledged, then resolved with a note. Every village may tune the
// thresholds.
package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/text"
)

// The rules.
const (
	SelfAward          = "self_award"          // a clerk or a group leader registers points for their own household
	AtCap              = "at_cap"              // an entry brings an item to its monthly cap
	BurstRegistrations = "burst_registrations" // many entries by one person within an hour
	MonthEndGrant      = "month_end_grant"     // large points registered in a month's last two days
	ShopVolume         = "shop_volume"         // a shop's redemptions today far above its usual day
	OffHours           = "off_hours"           // a redemption outside opening hours
	HouseholdFrequency = "household_frequency" // one household redeeming unusually often today
	ReversalShare      = "reversal_share"      // a shop's reversals above a share of its redemptions today
	SettlementMismatch = "settlement_mismatch" // a statement's total differs from its redemptions
	ShortCodeMisses    = "short_code_misses"   // typed voucher codes that match nothing, in a burst
	RoleChange         = "role_change"         // a role granted or revoked in the village
	PostingFailed      = "posting_failed"      // an entry due for posting could not post
	OfficialHousehold  = "official_household"  // an official's household created or resized
	PasswordReset      = "password_reset"      // an office reset a person's password (it could log in as them)
	RequestOverdue     = "request_overdue"     // a villager's request passed its deadline unanswered
	ProxyByOffice      = "proxy_by_office"     // the village office let someone spend a household's points
	CardPINByOffice    = "card_pin_by_office"  // the village office set a household card's PIN (it could spend the points)
	CardPINFailures    = "card_pin_failures"   // wrong PINs in a row locked a household card at a shop
)

// Defaults are the thresholds of a village that set none.
var Defaults = map[string]int64{
	BurstRegistrations:   20,  // entries per person per hour
	MonthEndGrant:        200, // points in one entry
	"shop_volume_factor": 3,   // × the shop's average day of the last 30
	"shop_volume_min":    20,  // redemptions today before volume counts
	"open_hour":          7,   // opening hours, China time
	"close_hour":         21,
	HouseholdFrequency:   5,   // redemptions per household per day
	"reversal_share_pct": 20,  // reversals as a share of redemptions today
	"reversal_min":       5,   // redemptions today before the share counts
	"feed_grant_min":     100, // posted points shown in the supervisors' feed from this many
}

// Threshold returns one of a village's thresholds (its own, or the default).
func (s *Service) Threshold(ctx context.Context, villageID int64, name string) int64 {
	return s.thresholds(ctx, villageID)[name]
}

// Status is where an alert is: open, acknowledged by a supervisor, resolved with a note.
type Status string

// Alert statuses.
const (
	Open         Status = "open"
	Acknowledged Status = "acknowledged"
	Resolved     Status = "resolved"
)

// Alert is one raised alert.
type Alert struct {
	ID             int64      `json:"id" db:"id"`
	VillageID      int64      `json:"village_id" db:"village_id"`
	Rule           string     `json:"rule" db:"rule"`
	DedupeKey      string     `json:"-" db:"dedupe_key"`
	SubjectType    string     `json:"subject_type" db:"subject_type"`
	SubjectID      int64      `json:"subject_id" db:"subject_id"`
	Message        string     `json:"message" db:"message"`
	Details        string     `json:"details" db:"details"`
	Status         Status     `json:"status" db:"status"`
	CreatedAt      time.Time  `json:"created_at" db:"created_at"`
	AcknowledgedBy *int64     `json:"acknowledged_by" db:"acknowledged_by"`
	AcknowledgedAt *time.Time `json:"acknowledged_at" db:"acknowledged_at"`
	ResolvedBy     *int64     `json:"resolved_by" db:"resolved_by"`
	ResolvedAt     *time.Time `json:"resolved_at" db:"resolved_at"`
	Resolution     string     `json:"resolution" db:"resolution"`
}

// Errors of alerts.
var (
	ErrNotFound  = fault.New(fault.NotFound, "alert_not_found", "no such alert")
	ErrWrongStep = fault.New(fault.Conflict, "alert_wrong_step", "the alert is not at this step")
	// ErrOwnAlert refuses to let someone an alert is about (its subject, or who did what raised it)
	// acknowledge or resolve it: no one silences their own watcher.
	ErrOwnAlert = fault.New(fault.Forbidden, "own_alert", "this alert is about you: another supervisor handles it")
)

// Store keeps alerts and answers the rules' questions about recent activity.
type Store interface {
	Thresholds(ctx context.Context, villageID int64) (map[string]int64, error)
	SetThreshold(ctx context.Context, villageID int64, rule string, value int64) error
	// Raise records an alert unless one with its dedupe key exists; it reports whether it did.
	Raise(ctx context.Context, a Alert) (bool, error)
	List(ctx context.Context, villageID int64, status string) ([]Alert, error)
	Alert(ctx context.Context, id int64) (Alert, error)
	// Advance moves an alert from status `from` by fn, audited. ErrWrongStep.
	Advance(ctx context.Context, id int64, from Status, fn func(*Alert)) (Alert, error)

	ItemMonthTotal(ctx context.Context, itemID, accountID int64, period string) (int64, error)
	SettlementTotals(ctx context.Context, settlementID int64) (statementFen, redemptionsFen int64, err error)
}

// Counters keep the rules' running counts (per shop and day, per account and day, per registrar
// and hour) incrementally: one increment per event, never a recount of rows. Implemented on Redis;
// the counts are advisory, so when they are unavailable the rules that need them are skipped and
// the service says so in its log.
type Counters interface {
	// Incr adds one to a count, keeps it for ttl, and returns the new value.
	Incr(ctx context.Context, name string, ttl time.Duration) (int64, error)
	// IncrEach adds one to each count, in one round trip, and returns their new values.
	IncrEach(ctx context.Context, counts []Count) ([]int64, error)
	// Get returns counts (0 for those never incremented).
	Get(ctx context.Context, names []string) ([]int64, error)
}

// Count names a count and how long it is kept.
type Count struct {
	Name string
	TTL  time.Duration
}

// Deps are what the Service needs.
type Deps struct {
	Store    Store
	Counters Counters
	Places   auth.Places
	Log      *slog.Logger
	Now      func() time.Time
}

// Service evaluates the rules and serves alerts to supervisors.
type Service struct {
	Deps
	cache   thresholdCache
	usual   usualDays
	claimed claimedKeys
}

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

func (s *Service) incr(ctx context.Context, name string, ttl time.Duration) (int64, bool) {
	n, err := s.Counters.Incr(ctx, name, ttl)
	if err != nil {
		s.Log.WarnContext(ctx, "alert counters unavailable; volume and frequency rules skipped", "err", err)
		return 0, false
	}
	return n, true
}

// raise records an alert once per dedupe key. A rule keeps firing while its condition holds (every
// redemption past a shop's volume threshold), so the key is first claimed in the counters: only
// the first claimant writes to the store, which dedupes again should the counters be unavailable.
// A key this instance has seen claimed is not claimed again: on a market day the volume rule
// would otherwise cost every redemption a round trip to say what is already known.
func (s *Service) raise(ctx context.Context, a Alert, details map[string]any) {
	if s.claimed.has(a.DedupeKey, s.Now()) {
		return
	}
	n, err := s.Counters.Incr(ctx, "raised:"+a.DedupeKey, claimFor)
	if err == nil {
		s.claimed.add(a.DedupeKey, s.Now())
	}
	if err == nil && n > 1 {
		return
	}
	body, _ := json.Marshal(details)
	a.Details, a.Status, a.CreatedAt = string(body), Open, s.Now()
	if _, err := s.Store.Raise(ctx, a); err != nil {
		s.Log.ErrorContext(ctx, "alert not raised", "rule", a.Rule, "err", err)
	}
}

// EntryFacts is what the rules need to know about a registered entry.
type EntryFacts struct {
	ID, VillageID, ItemID, AccountID int64
	HouseholdID                      int64 // 0 for representatives' entries
	Points                           int64
	Period                           string
	CapMonth                         *int64
	Registrar                        auth.Principal
	// ByOfficial says a clerk or a group leader registered it (not the household itself, nor the
	// monthly base points).
	ByOfficial bool
	At         time.Time
}

// OnEntry runs the registration rules.
func (s *Service) OnEntry(ctx context.Context, e EntryFacts) {
	th := s.thresholds(ctx, e.VillageID)
	if e.ByOfficial && e.HouseholdID != 0 && e.HouseholdID == e.Registrar.HouseholdID {
		s.raise(ctx, Alert{VillageID: e.VillageID, Rule: SelfAward, DedupeKey: fmt.Sprintf("self:%d", e.ID), SubjectType: "entry", SubjectID: e.ID,
			Message: "村干部或组长为本户登记积分 / a clerk or a group leader registered points for their own household"}, map[string]any{"registrar": e.Registrar.PersonID, "points": e.Points})
	}
	if e.CapMonth != nil {
		if total, err := s.Store.ItemMonthTotal(ctx, e.ItemID, e.AccountID, e.Period); err == nil && total >= *e.CapMonth {
			s.raise(ctx, Alert{VillageID: e.VillageID, Rule: AtCap, DedupeKey: fmt.Sprintf("cap:%d:%d:%s", e.ItemID, e.AccountID, e.Period),
				SubjectType: "entry", SubjectID: e.ID, Message: "积分达到项目月上限 / an item reached its monthly cap for a household"},
				map[string]any{"total": total, "cap": *e.CapMonth})
		}
	}
	hour := calendar.Local(e.At).Format("2006010215")
	if n, ok := s.incr(ctx, fmt.Sprintf("reg:%d:%s", e.Registrar.PersonID, hour), 2*time.Hour); ok && n >= th[BurstRegistrations] {
		s.raise(ctx, Alert{VillageID: e.VillageID, Rule: BurstRegistrations, DedupeKey: fmt.Sprintf("burst:%d:%s", e.Registrar.PersonID, hour),
			SubjectType: "person", SubjectID: e.Registrar.PersonID, Message: "一小时内集中登记大量积分 / many entries by one person within an hour"},
			map[string]any{"entries": n, "threshold": th[BurstRegistrations]})
	}
	local := calendar.Local(e.At)
	if local.AddDate(0, 0, 2).Month() != local.Month() && e.Points >= th[MonthEndGrant] {
		s.raise(ctx, Alert{VillageID: e.VillageID, Rule: MonthEndGrant, DedupeKey: fmt.Sprintf("monthend:%d", e.ID), SubjectType: "entry", SubjectID: e.ID,
			Message: "月末突击登记大额积分 / large points registered just before the month closes"}, map[string]any{"points": e.Points})
	}
}

// RedemptionFacts is what the rules need to know about a redemption or its reversal.
type RedemptionFacts struct {
	ID, VillageID, ShopID, AccountID int64
	At                               time.Time
	Reversal                         bool
}

// OnRedemption runs the counter rules.
func (s *Service) OnRedemption(ctx context.Context, r RedemptionFacts) {
	if r.Reversal {
		th := s.thresholds(ctx, r.VillageID)
		dayKey := calendar.Local(r.At).Format("20060102")
		shopKey := fmt.Sprintf("shop:%d:%s", r.ShopID, dayKey)
		reversals, ok := s.incr(ctx, fmt.Sprintf("shoprev:%d:%s", r.ShopID, dayKey), 48*time.Hour)
		if !ok {
			return
		}
		counts, err := s.Counters.Get(ctx, []string{shopKey})
		if err != nil {
			return
		}
		if today := counts[0]; today >= th["reversal_min"] && reversals*100 > today*th["reversal_share_pct"] {
			s.raise(ctx, Alert{VillageID: r.VillageID, Rule: ReversalShare, DedupeKey: fmt.Sprintf("reversals:%d:%s", r.ShopID, dayKey), SubjectType: "shop", SubjectID: r.ShopID,
				Message: "退货比例过高 / reversals above their usual share today"}, map[string]any{"redemptions": today, "reversals": reversals})
		}
		return
	}
	s.OnRedemptions([]context.Context{ctx}, []RedemptionFacts{r})
}

// OnRedemptions runs the counter rules for redemptions (not reversals) written together: the
// counts of every shop and household in one round trip, then each redemption's rules in its own
// context (ctxs[i]: whose act an alert it raises follows).
func (s *Service) OnRedemptions(ctxs []context.Context, rs []RedemptionFacts) {
	if len(rs) == 0 {
		return
	}
	names := make([]Count, 0, 2*len(rs))
	for _, r := range rs {
		dayKey := calendar.Local(r.At).Format("20060102")
		names = append(names, Count{Name: fmt.Sprintf("shop:%d:%s", r.ShopID, dayKey), TTL: 32 * 24 * time.Hour},
			Count{Name: fmt.Sprintf("acct:%d:%s", r.AccountID, dayKey), TTL: 48 * time.Hour})
	}
	counts, err := s.Counters.IncrEach(ctxs[0], names)
	if err != nil {
		s.Log.WarnContext(ctxs[0], "alert counters unavailable; volume and frequency rules skipped", "err", err)
	}
	for i, r := range rs {
		ok, today, often := err == nil, int64(0), int64(0)
		if ok {
			today, often = counts[2*i], counts[2*i+1]
		}
		s.redemptionRules(ctxs[i], r, ok, today, often)
	}
}

// redemptionRules applies the rules of one redemption, given the day's counts of its shop and
// household after it (ok false: the counters were unavailable).
func (s *Service) redemptionRules(ctx context.Context, r RedemptionFacts, ok bool, today, often int64) {
	th := s.thresholds(ctx, r.VillageID)
	dayKey := calendar.Local(r.At).Format("20060102")
	if ok && today >= th["shop_volume_min"] {
		avg := s.usualDay(ctx, r.ShopID, r.At)
		if float64(today) > avg*float64(th["shop_volume_factor"]) {
			s.raise(ctx, Alert{VillageID: r.VillageID, Rule: ShopVolume, DedupeKey: fmt.Sprintf("volume:%d:%s", r.ShopID, dayKey), SubjectType: "shop", SubjectID: r.ShopID,
				Message: "超市今日兑换量远超平常 / a shop's redemptions today are far above its usual day"}, map[string]any{"today": today, "usual": avg})
		}
	}
	if h := int64(calendar.Local(r.At).Hour()); h < th["open_hour"] || h >= th["close_hour"] {
		s.raise(ctx, Alert{VillageID: r.VillageID, Rule: OffHours, DedupeKey: fmt.Sprintf("hours:%d", r.ID), SubjectType: "redemption", SubjectID: r.ID,
			Message: "营业时间外兑换 / a redemption outside opening hours"}, map[string]any{"at": calendar.Local(r.At).Format("15:04")})
	}
	if ok && often >= th[HouseholdFrequency] {
		s.raise(ctx, Alert{VillageID: r.VillageID, Rule: HouseholdFrequency, DedupeKey: fmt.Sprintf("often:%d:%s", r.AccountID, dayKey), SubjectType: "account", SubjectID: r.AccountID,
			Message: "同一户当日兑换次数异常 / one household redeeming unusually often today"}, map[string]any{"today": often})
	}
}

// usualDay is the shop's average day over the 30 days before day. Those days are over, so the
// average is read once per shop and day and kept: the volume rule runs on every redemption.
func (s *Service) usualDay(ctx context.Context, shopID int64, at time.Time) float64 {
	day := calendar.Local(at)
	key := day.Format("20060102")
	if avg, ok := s.usual.get(key, shopID); ok {
		return avg
	}
	names := make([]string, 30)
	for i := range names {
		names[i] = fmt.Sprintf("shop:%d:%s", shopID, day.AddDate(0, 0, -1-i).Format("20060102"))
	}
	counts, err := s.Counters.Get(ctx, names)
	if err != nil {
		return 0
	}
	var sum int64
	for _, c := range counts {
		sum += c
	}
	avg := float64(sum) / 30
	s.usual.put(key, shopID, avg)
	return avg
}

// usualDays keeps the shops' usual days of one day.
type usualDays struct {
	mu  sync.Mutex
	day string
	avg map[int64]float64
}

func (u *usualDays) get(day string, shopID int64) (float64, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	avg, ok := u.avg[shopID]
	return avg, ok && u.day == day
}

// claimFor is how long a dedupe key stays claimed.
const claimFor = 72 * time.Hour

// claimedKeys are the dedupe keys this instance saw claimed, each until its claim ends.
type claimedKeys struct {
	mu    sync.Mutex
	until map[string]time.Time
}

func (k *claimedKeys) has(key string, now time.Time) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	until, ok := k.until[key]
	return ok && now.Before(until)
}

func (k *claimedKeys) add(key string, now time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.until == nil || len(k.until) > 10_000 { // a sweep, not an LRU: a key dropped is claimed in Redis again
		k.until = map[string]time.Time{}
	}
	k.until[key] = now.Add(claimFor)
}

func (u *usualDays) put(day string, shopID int64, avg float64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.day != day {
		u.day, u.avg = day, map[int64]float64{}
	}
	u.avg[shopID] = avg
}

// OnShortCodeMisses raises an alert when a shop's typed codes were locked after a burst of
// misses: someone at that counter may be guessing other villagers' codes.
func (s *Service) OnShortCodeMisses(ctx context.Context, villageID, shopID, personID int64, misses int) {
	hour := calendar.Local(s.Now()).Format("2006010215")
	s.raise(ctx, Alert{VillageID: villageID, Rule: ShortCodeMisses, DedupeKey: fmt.Sprintf("shortmiss:%d:%s", shopID, hour), SubjectType: "shop", SubjectID: shopID,
		Message: "超市连续输入无效兑换码，疑似猜码 / many typed voucher codes matched nothing at a shop: someone may be guessing codes"},
		map[string]any{"misses": misses, "person_id": personID})
}

// OnPasswordReset raises an alert for every password reset by an office: whoever read the one-time
// password out could log in as the person before they do, so the supervisors see each one, by whom.
func (s *Service) OnPasswordReset(ctx context.Context, villageID, personID, by int64) {
	if villageID == 0 {
		return
	}
	s.raise(ctx, Alert{VillageID: villageID, Rule: PasswordReset, DedupeKey: fmt.Sprintf("reset:%d:%d", personID, s.Now().UnixNano()),
		SubjectType: "person", SubjectID: personID, Message: "村里为一人重置了密码 / an office reset a person's password"},
		map[string]any{"by": by})
}

// OnProxyByOffice raises an alert for every proxy the village office names for a household (one
// without a phone, most often): whoever it names may spend the household's points, and the
// household may never see the notice, so the supervisors see each one, by whom.
func (s *Service) OnProxyByOffice(ctx context.Context, villageID, householdID, proxyID, by int64) {
	s.raise(ctx, Alert{VillageID: villageID, Rule: ProxyByOffice, DedupeKey: fmt.Sprintf("proxy:%d", proxyID),
		SubjectType: "household", SubjectID: householdID, Message: "村里为一户指定了代办人 / the village office named a proxy for a household"},
		map[string]any{"by": by, "proxy_id": proxyID})
}

// OnCardPINByOffice raises an alert for every household card PIN the village office sets: whoever
// keyed it in could spend the household's points, so the supervisors see each one, by whom.
func (s *Service) OnCardPINByOffice(ctx context.Context, villageID, householdID, cardID, by int64) {
	s.raise(ctx, Alert{VillageID: villageID, Rule: CardPINByOffice, DedupeKey: fmt.Sprintf("card-pin:%d:%d", cardID, s.Now().UnixNano()),
		SubjectType: "household", SubjectID: householdID, Message: "村里为一户设置了户卡密码 / the village office set a household card's PIN"},
		map[string]any{"by": by, "card_id": cardID})
}

// OnCardPINFailures raises an alert when wrong PINs in a row lock a household card: someone may be
// guessing the PIN of a card that is not theirs, at that shop.
func (s *Service) OnCardPINFailures(ctx context.Context, villageID, householdID, cardID, shopID int64, failures int) {
	s.raise(ctx, Alert{VillageID: villageID, Rule: CardPINFailures, DedupeKey: fmt.Sprintf("card-failures:%d:%d", cardID, s.Now().UnixNano()),
		SubjectType: "household", SubjectID: householdID, Message: "户卡密码连续输错，已锁定 / wrong PINs in a row locked a household card"},
		map[string]any{"card_id": cardID, "shop_id": shopID, "failures": failures})
}

// OfficeChange is a grant, a revoke or a household change, as the rules see it.
type OfficeChange struct {
	Kind                           string
	VillageID, PersonID, Household int64
	Role                           string
	By                             int64
	Official                       bool
	At                             time.Time
}

// OnOfficeChange raises an alert for every change of who holds a role in a village, and for every
// creation or resizing of a household one of whose members holds a role: the supervisors see who
// was appointed by whom, and an official's household growing.
func (s *Service) OnOfficeChange(ctx context.Context, c OfficeChange) {
	if c.VillageID == 0 {
		return // township-level grants are the county's to watch
	}
	switch {
	case c.Kind == "role.grant" || c.Kind == "role.revoke":
		s.raise(ctx, Alert{VillageID: c.VillageID, Rule: RoleChange, DedupeKey: fmt.Sprintf("role:%s:%d:%s:%d", c.Kind, c.PersonID, c.Role, c.At.UnixNano()),
			SubjectType: "person", SubjectID: c.PersonID, Message: "村内职务变动 / a role was granted or revoked in the village"},
			map[string]any{"change": c.Kind, "role": c.Role, "by": c.By})
	case c.Official:
		s.raise(ctx, Alert{VillageID: c.VillageID, Rule: OfficialHousehold, DedupeKey: fmt.Sprintf("household:%s:%d:%d", c.Kind, c.Household, c.At.UnixNano()),
			SubjectType: "household", SubjectID: c.Household, Message: "干部家庭户信息变动 / the household of an official was created or resized"},
			map[string]any{"change": c.Kind, "by": c.By})
	}
}

// OnRequestOverdue raises an alert for a villager's request whose deadline passed unanswered at
// a level (once per handling): the village's went up to the township, a township's or
// department's is flagged where it is.
func (s *Service) OnRequestOverdue(ctx context.Context, villageID, requestID, handlingID int64, level string, escalated bool) {
	msg := "村民诉求超期未答复，已转乡镇办理 / a villager's request passed its deadline at the village: the township has it now"
	if !escalated {
		msg = "村民诉求在乡镇或县直部门超期未答复 / a villager's request passed its deadline at the township or a county department"
	}
	s.raise(ctx, Alert{VillageID: villageID, Rule: RequestOverdue, DedupeKey: fmt.Sprintf("request:%d:%d", requestID, handlingID),
		SubjectType: "request", SubjectID: requestID, Message: msg}, map[string]any{"level": level, "handling_id": handlingID})
}

// OnPostFailure raises an alert for an entry that could not post when due (once per entry).
func (s *Service) OnPostFailure(ctx context.Context, villageID, entryID int64, why string) {
	s.raise(ctx, Alert{VillageID: villageID, Rule: PostingFailed, DedupeKey: fmt.Sprintf("post:%d", entryID), SubjectType: "entry", SubjectID: entryID,
		Message: "积分公示期满但未能入账 / an entry due for posting could not post"}, map[string]any{"why": why})
}

// OnSettlement checks a generated statement against its redemptions.
func (s *Service) OnSettlement(ctx context.Context, settlementID, villageID int64) {
	statement, redemptions, err := s.Store.SettlementTotals(ctx, settlementID)
	if err != nil {
		s.Log.WarnContext(ctx, "alert facts unreadable", "err", err)
		return
	}
	if statement != redemptions {
		s.raise(ctx, Alert{VillageID: villageID, Rule: SettlementMismatch, DedupeKey: fmt.Sprintf("settlement:%d", settlementID), SubjectType: "settlement", SubjectID: settlementID,
			Message: "报账金额与兑换记录不符 / a statement does not match its redemptions"}, map[string]any{"statement_fen": statement, "redemptions_fen": redemptions})
	}
}

func (s *Service) audited(ctx context.Context, p auth.Principal, villageID int64) error {
	pl, err := s.Places.VillagePlace(ctx, villageID)
	if err != nil {
		return err
	}
	if !p.CanAudit(pl) {
		return fmt.Errorf("alerts of village %d: %w", villageID, fault.ErrForbidden)
	}
	return nil
}

// List returns a village's alerts (optionally of one status) to its supervisors and township staff.
func (s *Service) List(ctx context.Context, p auth.Principal, villageID int64, status string) ([]Alert, error) {
	if err := s.audited(ctx, p, villageID); err != nil {
		return nil, err
	}
	return s.Store.List(ctx, villageID, status)
}

// Note is a note on an alert's handling.
type Note struct {
	Note string `json:"note"`
}

// implicated are the people an alert is about: its subject when a person, and whoever the rule
// names as having acted (the registrar of an entry, who granted a role or reset a password).
func implicated(a Alert) []int64 {
	var out []int64
	if a.SubjectType == "person" {
		out = append(out, a.SubjectID)
	}
	var details map[string]any
	_ = json.Unmarshal([]byte(a.Details), &details)
	for _, k := range []string{"by", "registrar", "person"} {
		if n, ok := details[k].(float64); ok && n > 0 {
			out = append(out, int64(n))
		}
	}
	return out
}

// handles checks that p may handle the alert: they audit its village and it is not about them.
func (s *Service) handles(ctx context.Context, p auth.Principal, a Alert) error {
	if err := s.audited(ctx, p, a.VillageID); err != nil {
		return err
	}
	if slices.Contains(implicated(a), p.PersonID) {
		return fmt.Errorf("alert %d: %w", a.ID, ErrOwnAlert)
	}
	return nil
}

// Acknowledge marks an open alert as being looked at.
func (s *Service) Acknowledge(ctx context.Context, p auth.Principal, id int64, _ Note) (Alert, error) {
	a, err := s.Store.Alert(ctx, id)
	if err != nil {
		return a, err
	}
	if err := s.handles(ctx, p, a); err != nil {
		return a, err
	}
	return s.Store.Advance(ctx, id, Open, func(a *Alert) {
		now := s.Now()
		a.Status, a.AcknowledgedBy, a.AcknowledgedAt = Acknowledged, &p.PersonID, &now
	})
}

// Resolve closes an acknowledged alert with a note saying what was found and done.
func (s *Service) Resolve(ctx context.Context, p auth.Principal, id int64, n Note) (Alert, error) {
	note, err := text.CleanLines("note", n.Note, 2, 255)
	if err != nil {
		return Alert{}, text.ErrInvalid.WithMessage("a note of 2 to 255 characters says what was found and done")
	}
	n.Note = note
	a, err := s.Store.Alert(ctx, id)
	if err != nil {
		return a, err
	}
	if err := s.handles(ctx, p, a); err != nil {
		return a, err
	}
	return s.Store.Advance(ctx, id, Acknowledged, func(a *Alert) {
		now := s.Now()
		a.Status, a.ResolvedBy, a.ResolvedAt, a.Resolution = Resolved, &p.PersonID, &now, n.Note
	})
}

// Thresholds are a village's alert thresholds.
type Thresholds map[string]int64

// SetThresholds tunes a village's thresholds (supervisors and township staff); unknown rules and
// values below 0 are refused.
func (s *Service) SetThresholds(ctx context.Context, p auth.Principal, villageID int64, in Thresholds) (Thresholds, error) {
	if err := s.audited(ctx, p, villageID); err != nil {
		return nil, err
	}
	for k, v := range in {
		if _, ok := Defaults[k]; !ok || v < 0 || v > 1_000_000 {
			return nil, fault.Invalidf("unknown threshold %q or value out of range", k)
		}
	}
	for k, v := range in {
		if err := s.Store.SetThreshold(ctx, villageID, k, v); err != nil {
			s.cache.forget(villageID) // some may have been written
			return nil, err
		}
	}
	s.cache.forget(villageID)
	return s.thresholds(ctx, villageID), nil
}
