// Package export writes the tables officials actually use — ledger, entries, redemptions,
// settlements, audit log — for a village and period, as Excel (.xlsx, through excelize's stream
// writer) or CSV. Rows stream from the database to the writer: a county-sized export does not sit in
// memory.
package export

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"pointsmarket/internal/auth"
	"pointsmarket/internal/calendar"
	"pointsmarket/internal/fault"
	"pointsmarket/internal/redact"
)

// Kinds that can be exported.
var Kinds = []string{"ledger", "entries", "redemptions", "settlements", "audit"}

// Filter selects a village's rows in [From, To).
type Filter struct {
	VillageID int64
	From, To  time.Time
}

// Store streams the rows of an export: header first, then each row, in order.
type Store interface {
	// Export calls row with each row of kind for f, in the columns of its header, in order.
	// ErrUnknownKind.
	Export(ctx context.Context, kind string, f Filter, row func([]any) error) error
}

// headers are the columns of each export, as the village office reads them.
var headers = map[string][]string{
	"ledger":      {"编号", "时间", "类型", "转出账户", "转出账户编号", "转入账户", "转入账户编号", "积分", "事由"},
	"entries":     {"编号", "月份", "状态", "户号", "户主", "项目", "积分", "事由", "登记时间"},
	"redemptions": {"编号", "时间", "超市", "方式", "兑换账户", "账户编号", "积分", "金额（元）", "现金补差（元）", "退货时间", "退货原因"},
	"settlements": {"编号", "月份", "超市", "状态", "积分", "金额（元）", "付款日期", "付款凭证"},
	// The audit log carries every field its hashes cover, exactly, and the hashes: a supervision
	// group re-verifies it with scripts/verify-audit-export.py (README, "Verifying an export").
	"audit": {"编号", "时间", "操作人", "角色", "操作", "对象", "对象编号", "IP", "变更前", "变更后", "链", "序号",
		"乡镇编号", "村编号", "请求编号", "时间（UTC）", "前一条哈希", "本条哈希", "操作人姓名"},
}

// labels say in Chinese the codes some columns hold (by the column's index): a transfer's kind,
// the ledger's own accounts, statuses. The audit log keeps its codes: they are what its hashes cover.
var labels = map[string]map[int]map[string]string{
	"ledger": {2: transferKinds, 3: ledgerAccounts, 5: ledgerAccounts},
	"entries": {2: {"registered": "待评议", "approved": "已同意", "rejected": "未通过", "noticed": "公示中", "posted": "已入账",
		"revoked": "已撤销"}},
	"redemptions": {3: {"voucher": "兑换券", "member_code": "付款码", "card": "户卡"}},
	"settlements": {3: {"generated": "待审批", "approved": "已审批", "countersigned": "已会签", "paid": "已付款"}},
}

var (
	transferKinds  = map[string]string{"earn": "获得", "penalty": "扣分", "redeem": "兑换", "expire": "清零", "reversal": "冲正", "hold": "冻结"}
	ledgerAccounts = map[string]string{"issuance": "积分发行", "penalties": "扣分", "redemptions": "兑换结算", "expiry": "积分清零"}
)

// labelled returns the Chinese label of a code in a column, or the value itself.
func labelled(kind string, column int, v any) any {
	if m := labels[kind][column]; m != nil {
		var code string
		switch c := v.(type) {
		case string:
			code = c
		case []byte:
			code = string(c)
		default:
			return v
		}
		if l, ok := m[code]; ok {
			return l
		}
	}
	return v
}

// shown is a value as a cell shows it: times in China time.
func shown(v any) any {
	if t, ok := v.(time.Time); ok {
		return calendar.Local(t).Format("2006-01-02 15:04:05")
	}
	return v
}

// Deps are what the Service needs.
type Deps struct {
	Store  Store
	Places auth.Places
	Names  Names
}

// Service writes exports with their access rules.
type Service struct{ Deps }

// Names gives the names of a village's people and household heads; the org store implements it.
type Names interface {
	Names(ctx context.Context, villageID int64) ([]string, error)
}

// NewService returns a Service.
func NewService(d Deps) *Service { return &Service{d} }

// ErrUnknownKind is returned for an export that does not exist.
var ErrUnknownKind = fault.New(fault.NotFound, "unknown_export", "no such export: ledger, entries, redemptions, settlements or audit")

// Check returns an error unless p may export kind of the village in format (xlsx or csv).
func (s *Service) Check(ctx context.Context, p auth.Principal, kind, format string, villageID int64) error {
	if !slices.Contains(Kinds, kind) {
		return ErrUnknownKind
	}
	if format != "xlsx" && format != "csv" {
		return fault.Invalidf("format must be xlsx or csv")
	}
	pl, err := s.Places.VillagePlace(ctx, villageID)
	if err != nil {
		return err
	}
	allowed := p.CanReadVillage(pl)
	if kind == "audit" {
		allowed = p.CanAudit(pl) // clerks are the ones being watched
	}
	if !allowed {
		return fmt.Errorf("export %s of village %d: %w", kind, villageID, fault.ErrForbidden)
	}
	return nil
}

// Write streams the export to w. Call Check first: once bytes are written, an error can only cut
// the file short.
//
// For p from outside the village (township staff), the village's names and every phone and ID
// number in the text are masked.
func (s *Service) Write(ctx context.Context, p auth.Principal, kind, format string, f Filter, w io.Writer) error {
	cell := Neutralise
	if !p.InVillage(f.VillageID) {
		names, err := s.Names.Names(ctx, f.VillageID)
		if err != nil {
			return err
		}
		masker := redact.New(names)
		cell = func(v string) string { return Neutralise(masker.Text(v)) }
	}
	if format == "csv" {
		return s.csv(ctx, kind, f, w, cell)
	}
	return s.xlsx(ctx, kind, f, w, cell)
}

// Neutralise keeps a spreadsheet from reading text as a formula (OWASP's rule for CSV injection):
// a cell a person typed that begins with = + - @, a tab or a carriage return gets a leading
// apostrophe, so that "=HYPERLINK(...)" in a reason is shown, not followed. Numbers are not
// strings here, so a penalty's -20 stays a number.
func Neutralise(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (s *Service) csv(ctx context.Context, kind string, f Filter, w io.Writer, cell func(string) string) error {
	if _, err := w.Write([]byte("\ufeff")); err != nil { // the BOM makes Excel read the Chinese as UTF-8
		return err
	}
	cw := csv.NewWriter(w)
	record := make([]string, 0, 16)
	if err := cw.Write(headers[kind]); err != nil {
		return err
	}
	err := s.Store.Export(ctx, kind, f, func(row []any) error {
		record = record[:0]
		for i, v := range row {
			if s, ok := shown(labelled(kind, i, v)).(string); ok {
				record = append(record, cell(s))
			} else {
				record = append(record, fmt.Sprint(v))
			}
		}
		return cw.Write(record)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func (s *Service) xlsx(ctx context.Context, kind string, f Filter, w io.Writer, cell func(string) string) error {
	sh, err := newSheet()
	if err != nil {
		return err
	}
	defer sh.book.Close()
	next := func(values []any) error {
		for i, v := range values {
			if s, ok := shown(v).(string); ok {
				values[i] = cell(s)
			}
		}
		return sh.row(values)
	}
	header := make([]any, len(headers[kind]))
	for i, h := range headers[kind] {
		header[i] = h
	}
	if err := next(header); err != nil {
		return err
	}
	err = s.Store.Export(ctx, kind, f, func(row []any) error {
		for i := range row {
			row[i] = labelled(kind, i, row[i])
		}
		return next(row)
	})
	if err != nil {
		return err
	}
	return sh.finish(w)
}

// sheet is one streamed worksheet of a workbook.
type sheet struct {
	book *excelize.File
	sw   *excelize.StreamWriter
	n    int
}

func newSheet() (*sheet, error) {
	book := excelize.NewFile()
	sw, err := book.NewStreamWriter(book.GetSheetName(0))
	if err != nil {
		book.Close()
		return nil, err
	}
	return &sheet{book: book, sw: sw, n: 1}, nil
}

func (sh *sheet) row(values []any) error {
	at, _ := excelize.CoordinatesToCellName(1, sh.n)
	sh.n++
	return sh.sw.SetRow(at, values)
}

func (sh *sheet) finish(w io.Writer) error {
	if err := sh.sw.Flush(); err != nil {
		return err
	}
	return sh.book.Write(w)
}

// Table writes a small table (a dashboard) as an Excel workbook: its header, then its rows, text
// neutralised like every export's.
func Table(w io.Writer, header []string, rows [][]any) error {
	sh, err := newSheet()
	if err != nil {
		return err
	}
	defer sh.book.Close()
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = h
	}
	if err := sh.row(head); err != nil {
		return err
	}
	for _, r := range rows {
		for i, v := range r {
			if s, ok := v.(string); ok {
				r[i] = Neutralise(s)
			}
		}
		if err := sh.row(r); err != nil {
			return err
		}
	}
	return sh.finish(w)
}
