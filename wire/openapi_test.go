package wire

import (
	"encoding/json"
	"flag"
	nethttp "net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/meent/meent/http"
)

// newServer is a server with every area registered and no node: enough
// to list the routes and assemble the document.
func newServer() *http.Server {
	s := http.NewServer(http.Options{})
	Register(s)
	return s
}

// routeKeys turns mux patterns into "METHOD /path" in OpenAPI's spelling:
// "{name...}" is "{name}" and the exact-match marker "{$}" is dropped.
func routeKeys(patterns []string) []string {
	var out []string
	for _, p := range patterns {
		method, path, _ := strings.Cut(p, " ")
		path = strings.ReplaceAll(path, "...}", "}")
		path = strings.TrimSuffix(path, "{$}")
		out = append(out, method+" "+path)
	}
	slices.Sort(out)
	return out
}

// TestOpenAPIRoutes: every route of every area is in the served document
// (method and path), and every documented operation is served.
func TestOpenAPIRoutes(t *testing.T) {
	t.Parallel()
	s := newServer()
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(nethttp.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(documented)
	routes := routeKeys(s.Routes())
	for _, r := range routes {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in the OpenAPI document", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routes, d) {
			t.Errorf("the OpenAPI document has %s, which no area serves", d)
		}
	}
}

// TestAPIDoc keeps docs/api.md in step with the routes of every area.
func TestAPIDoc(t *testing.T) {
	t.Parallel()
	md, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range routeKeys(newServer().Routes()) {
		if !strings.Contains(string(md), r) {
			t.Errorf("docs/api.md does not mention %s", r)
		}
	}
}

var update = flag.Bool("update", false, "rewrite testdata/openapi.golden.json from the assembled document")

// TestOpenAPIAssembled pins the document assembled from the base and the
// areas' fragments to testdata/openapi.golden.json, compared as JSON
// values (key order aside). The golden file began as the hand-written
// document of one piece, so the split into fragments lost nothing; a
// change to the API now shows as a reviewable diff of the golden file
// (go test ./wire -run OpenAPIAssembled -update).
func TestOpenAPIAssembled(t *testing.T) {
	t.Parallel()
	got := newServer().OpenAPI()
	if *update {
		if err := os.WriteFile("testdata/openapi.golden.json", got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/openapi.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g, w map[string]any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	for _, d := range diffJSON("", g, w) {
		t.Error(d)
	}
}

// diffJSON lists where got and want differ, down to path operations and
// components, so a failure names what was lost or changed.
func diffJSON(at string, got, want any) []string {
	gm, gok := got.(map[string]any)
	wm, wok := want.(map[string]any)
	if !gok || !wok || strings.Count(at, "/") >= 3 {
		if !reflect.DeepEqual(got, want) {
			return []string{at + ": differs"}
		}
		return nil
	}
	var out []string
	for k, wv := range wm {
		gv, ok := gm[k]
		if !ok {
			out = append(out, at+"/"+k+": missing")
			continue
		}
		out = append(out, diffJSON(at+"/"+k, gv, wv)...)
	}
	for k := range gm {
		if _, ok := wm[k]; !ok {
			out = append(out, at+"/"+k+": not in the golden document")
		}
	}
	slices.Sort(out)
	return out
}

// TestOpenAPIPerArea: each area's fragment documents exactly the routes
// that area registers, so an area never documents another's routes nor
// leaves its own to the base.
func TestOpenAPIPerArea(t *testing.T) {
	t.Parallel()
	documented := func(s *http.Server) []string {
		var doc struct {
			Paths map[string]map[string]any `json:"paths"`
		}
		if err := json.Unmarshal(s.OpenAPI(), &doc); err != nil {
			t.Fatal(err)
		}
		var out []string
		for path, ops := range doc.Paths {
			for method := range ops {
				out = append(out, strings.ToUpper(method)+" "+path)
			}
		}
		slices.Sort(out)
		return out
	}
	for i, register := range Areas {
		s := http.NewServer(http.Options{})
		routesBefore, docBefore := routeKeys(s.Routes()), documented(s)
		register(s)
		var added, addedDoc []string
		for _, r := range routeKeys(s.Routes()) {
			if !slices.Contains(routesBefore, r) {
				added = append(added, r)
			}
		}
		for _, d := range documented(s) {
			if !slices.Contains(docBefore, d) {
				addedDoc = append(addedDoc, d)
			}
		}
		if len(added) == 0 {
			t.Errorf("area %d registers no route", i)
		}
		if !slices.Equal(added, addedDoc) {
			t.Errorf("area %d registers %v but its fragment documents %v", i, added, addedDoc)
		}
	}
}
