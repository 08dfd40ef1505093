package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"pointsmarket/internal/dbtest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// document is openapi.yaml, loaded, checked and routed once for the package's tests.
type document struct {
	*openapi3.T
	router routers.Router
}

// contract is the document; it is only read after loading.
var contract = sync.OnceValues(func() (document, error) {
	doc, err := openapi3.NewLoader().LoadFromFile("openapi.yaml")
	if err != nil {
		return document{}, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return document{}, err
	}
	for _, binary := range []string{"image/png", "image/jpeg", "text/csv", "application/yaml",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} {
		openapi3filter.RegisterBodyDecoder(binary, openapi3filter.FileBodyDecoder)
	}
	router, err := gorillamux.NewRouter(doc)
	return document{doc, router}, err
})

// answered are the operations ("GET /villages/{id}/notice") some test saw succeed as documented.
var answered sync.Map

// TestMain fails a whole run of the package in which some documented operation never answered a
// success that was checked against the document: every operation is held to it, not only those a
// test happened to call.
func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropDemoTemplate()
	if code != 0 || flag.Lookup("test.run").Value.String() != "" || testing.Short() {
		os.Exit(code)
	}
	doc, err := contract()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var never []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if _, ok := answered.Load(method + " " + path); !ok {
				never = append(never, method+" "+path)
			}
		}
	}
	if len(never) > 0 {
		slices.Sort(never)
		fmt.Fprintf(os.Stderr, "FAIL: %d operations in openapi.yaml never answered a checked success in this run:\n  %s\n",
			len(never), strings.Join(never, "\n  "))
		os.Exit(1)
	}
	os.Exit(code)
}

// checkContract holds one exchange to the document: the answer must be one the operation
// describes, status and body, so a field renamed in code and not in the document fails the suite;
// and a request the document calls invalid must have been refused. A request the document
// accepts may still be refused: the document cannot know balances and roles.
func checkContract(t *testing.T, req *http.Request, body []byte, status int, header http.Header, answer []byte) {
	t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") { // health and metrics are the operators', not the API's
		return
	}
	doc, err := contract()
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	probe := req.Clone(req.Context())
	probe.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := doc.router.FindRoute(probe)
	if err != nil {
		if (errors.Is(err, routers.ErrPathNotFound) && status == http.StatusNotFound) ||
			(errors.Is(err, routers.ErrMethodNotAllowed) && (status == http.StatusNotFound || status == http.StatusMethodNotAllowed)) {
			return
		}
		t.Errorf("%s %s answered %d but is not in openapi.yaml: %v", req.Method, req.URL.Path, status, err)
		return
	}
	if status >= 400 {
		// Refusals are most of the suite's answers (the bad-input sweep alone sends thousands):
		// they are held to the same description by a direct reading, without the validator's
		// cost, and the request the server refused needs no judging.
		if err := checkRefusal(route.Operation, status, answer); err != nil {
			t.Errorf("%s %s: answer %d does not match openapi.yaml: %v\n%s", req.Method, route.Path, status, err, clip(answer))
		}
		return
	}
	input := &openapi3filter.RequestValidationInput{
		Request: probe, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true},
	}
	if err := openapi3filter.ValidateRequest(req.Context(), input); err != nil {
		t.Errorf("%s %s: the server took (%d) a request openapi.yaml refuses: %v", req.Method, route.Path, status, err)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input, Status: status, Header: header,
		Body:    io.NopCloser(bytes.NewReader(answer)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		t.Errorf("%s %s: answer %d does not match openapi.yaml: %v\n%s", req.Method, route.Path, status, err, clip(answer))
		return
	}
	if extra := undocumented(route.Operation, status, header, answer); len(extra) > 0 {
		t.Errorf("%s %s: answer %d has fields openapi.yaml does not describe: %s", req.Method, route.Path, status, strings.Join(extra, ", "))
	} else if status < 300 {
		answered.Store(req.Method+" "+route.Path, true)
	}
}

// checkRefusal holds an error answer to its operation: the status is one the operation describes,
// the body is {"error": {"code", "message", "details"?}} and nothing else, and the code is in that
// status's enum.
func checkRefusal(op *openapi3.Operation, status int, answer []byte) error {
	resp := op.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		return fmt.Errorf("status %d is not described", status)
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return fmt.Errorf("status %d has no JSON body described", status)
	}
	var body map[string]map[string]json.RawMessage
	if err := json.Unmarshal(answer, &body); err != nil || len(body) != 1 || body["error"] == nil {
		return fmt.Errorf("not the error shape: %v", err)
	}
	var code, message string
	for k, v := range body["error"] {
		var err error
		switch k {
		case "code":
			err = json.Unmarshal(v, &code)
		case "message":
			err = json.Unmarshal(v, &message)
		case "details":
			var d map[string]any
			err = json.Unmarshal(v, &d)
		default:
			err = fmt.Errorf("undescribed field error.%s", k)
		}
		if err != nil {
			return err
		}
	}
	if code == "" || message == "" {
		return fmt.Errorf("code and message are required")
	}
	var enum []any
	for _, branch := range media.Schema.Value.AllOf {
		if e := branch.Value.Properties["error"]; e != nil {
			if c := e.Value.Properties["code"]; c != nil {
				enum = append(enum, c.Value.Enum...)
			}
		}
	}
	if !slices.Contains(enum, any(code)) {
		return fmt.Errorf("code %q is not among the %d codes described: %v", code, status, enum)
	}
	return nil
}

// undocumented lists the fields of a JSON answer that its schema does not name: the validator
// lets them through (a schema is open unless it says otherwise), but a client generated from the
// document would never see them, so the document must name every one.
func undocumented(op *openapi3.Operation, status int, header http.Header, answer []byte) []string {
	resp := op.Responses.Status(status)
	if resp == nil || resp.Value == nil || !strings.HasPrefix(header.Get("Content-Type"), "application/json") {
		return nil
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return nil
	}
	var v any
	if json.Unmarshal(answer, &v) != nil {
		return nil
	}
	var out []string
	walkUndocumented(media.Schema.Value, v, "", &out)
	return out
}

func walkUndocumented(s *openapi3.Schema, v any, at string, out *[]string) {
	if s == nil {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		named := map[string][]*openapi3.Schema{}
		open, other := fields(s, named)
		for k, x := range v {
			switch ss := named[k]; {
			case len(ss) > 0:
				union := &openapi3.Schema{}
				for _, f := range ss {
					union.AllOf = append(union.AllOf, openapi3.NewSchemaRef("", f))
				}
				walkUndocumented(union, x, at+"/"+k, out)
			case other != nil:
				walkUndocumented(other, x, at+"/"+k, out)
			case !open:
				*out = append(*out, at+"/"+k)
			}
		}
	case []any:
		items := itemsOf(s)
		for i, x := range v {
			if i < 3 && items != nil { // the first items show a missing field as well as all of them
				walkUndocumented(items, x, at+"/"+strconv.Itoa(i), out)
			}
		}
	}
}

// fields gathers what a schema, its allOf branches included, says of an object's fields: the
// schemas of those it names, whether it takes any other, and of which schema.
func fields(s *openapi3.Schema, named map[string][]*openapi3.Schema) (open bool, other *openapi3.Schema) {
	for k, p := range s.Properties {
		named[k] = append(named[k], p.Value)
	}
	if ap := s.AdditionalProperties; ap.Schema != nil {
		other = ap.Schema.Value
	} else if ap.Has != nil && *ap.Has {
		open = true
	}
	for _, b := range s.AllOf {
		o, x := fields(b.Value, named)
		open = open || o
		if x != nil {
			other = x
		}
	}
	return open, other
}

func itemsOf(s *openapi3.Schema) *openapi3.Schema {
	if s.Items != nil {
		return s.Items.Value
	}
	for _, b := range s.AllOf {
		if it := itemsOf(b.Value); it != nil {
			return it
		}
	}
	return nil
}

func clip(b []byte) string {
	if s := string(b); len(s) > 600 && !strings.ContainsRune(s[:600], 0) {
		return s[:600] + "…"
	}
	return string(b)
}
