package fault

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// messages finds every message given to New, Invalidf and WithMessage in the service's source,
// with where it is; a message that is not a string literal is reported by its position.
func messages(t *testing.T) (found map[string]string, notLiteral []string) {
	t.Helper()
	found = map[string]string{}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == "storefront" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fn := c.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
				if id, ok := fn.X.(*ast.Ident); ok && name == "New" && id.Name != "fault" {
					return true
				}
			case *ast.Ident:
				name = fn.Name
				if name == "New" && f.Name.Name != "fault" {
					return true
				}
			}
			at := map[string]int{"New": 2, "WithMessage": 0, "Invalidf": 0}
			i, ok := at[name]
			if !ok || len(c.Args) <= i || (name == "New" && len(c.Args) != 3) {
				return true
			}
			lit, ok := c.Args[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				if f.Name.Name != "fault" { // fault's own constructors pass their parameter on
					notLiteral = append(notLiteral, fset.Position(c.Args[i].Pos()).String())
				}
				return true
			}
			v, _ := strconv.Unquote(lit.Value)
			found[v] = fset.Position(lit.Pos()).String()
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found, notLiteral
}

var verb = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// arity is the number of arguments a format uses.
func arity(format string) int {
	n, next := 0, 0
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[0] == "%%" {
			continue
		}
		if m[2] != "" {
			next, _ = strconv.Atoi(m[2])
		} else {
			next++
		}
		n = max(n, next)
	}
	return n
}

// TestEveryMessageHasChinese proves that every sentence the service can send a person exists in
// both languages, with the same arguments, and that the catalogue holds nothing stale.
func TestEveryMessageHasChinese(t *testing.T) {
	found, notLiteral := messages(t)
	if len(found) < 150 {
		t.Fatalf("found only %d messages: the walk missed the source", len(found))
	}
	for _, at := range notLiteral {
		t.Errorf("%s: a message must be a literal, so that its Chinese can be looked up", at)
	}
	for en, at := range found {
		zh, ok := zhCN[en]
		switch {
		case !ok:
			t.Errorf("%s: %q has no Chinese in messages_zh.go", at, en)
		case arity(zh) != arity(en):
			t.Errorf("%s: %q takes %d arguments, its Chinese %q takes %d", at, en, arity(en), zh, arity(zh))
		case strings.Contains(en, " / ") || regexp.MustCompile(`\p{Han}`).MatchString(en):
			t.Errorf("%s: %q is not English: the Chinese belongs in the catalogue", at, en)
		}
	}
	for en := range zhCN {
		if _, ok := found[en]; !ok {
			t.Errorf("messages_zh.go: %q is sent by nothing", en)
		}
	}
}

func TestTextInEachLanguage(t *testing.T) {
	e := New(Conflict, "x", "the transfer was already reversed")
	if e.Text(Chinese) != "该笔已冲正" || e.Text(English) != "the transfer was already reversed" {
		t.Errorf("texts: %q / %q", e.Text(Chinese), e.Text(English))
	}
	w := Invalidf("points must be a whole number from 1 to %d", 1000)
	if w.Text(Chinese) != "分值须为1到1000之间的整数" || w.Message != "points must be a whole number from 1 to 1000" {
		t.Errorf("formatted: %q / %q", w.Text(Chinese), w.Message)
	}
	if got := New(Conflict, "y", "a sentence nobody translated").Text(Chinese); got != "a sentence nobody translated" {
		t.Errorf("fallback: %q", got)
	}
}
