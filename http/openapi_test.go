package http_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/http"
)

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

type openAPIDoc struct {
	OpenAPI    string                               `json:"openapi"`
	Paths      map[string]map[string]map[string]any `json:"paths"`
	Components struct {
		Schemas map[string]struct {
			Enum    []string       `json:"enum"`
			XStatus map[string]int `json:"x-status"`
		} `json:"schemas"`
	} `json:"components"`
}

func loadOpenAPI(t *testing.T) (openAPIDoc, map[string]any) {
	t.Helper()
	openAPI := http.NewServer(http.Options{}).OpenAPI()
	var doc openAPIDoc
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(openAPI, &raw); err != nil {
		t.Fatal(err)
	}
	return doc, raw
}

func TestOpenAPIRoutes(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, nil)
	doc, _ := loadOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	slices.Sort(documented)
	routes := routeKeys(e.Server.Routes())
	for _, r := range routes {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(routes, d) {
			t.Errorf("openapi.json documents %s, which the server does not serve", d)
		}
	}

	// The server serves the same bytes.
	r := e.Get("/api/v1/openapi.json")
	apitest.WantStatus(t, r, 200)
	if string(r.Body) != string(e.Server.OpenAPI()) || r.Header.Get("Content-Type") != "application/json" {
		t.Error("GET /api/v1/openapi.json does not serve the embedded document")
	}
}

func TestOpenAPIErrorCodes(t *testing.T) {
	t.Parallel()
	doc, _ := loadOpenAPI(t)
	ec := doc.Components.Schemas["ErrorCode"]
	var codes []string
	for c := range api.StatusOf {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	enum := slices.Sorted(slices.Values(ec.Enum))
	if !slices.Equal(enum, codes) {
		t.Errorf("ErrorCode enum %v, want %v", enum, codes)
	}
	for c, s := range api.StatusOf {
		if ec.XStatus[c] != s {
			t.Errorf("x-status of %s is %d, the server uses %d", c, ec.XStatus[c], s)
		}
	}
	if _, ok := doc.Components.Schemas["Problem"]; !ok {
		t.Error("no Problem schema")
	}
}

// TestOpenAPIRefs checks that every $ref resolves and every path template
// parameter is declared.
func TestOpenAPIRefs(t *testing.T) {
	t.Parallel()
	_, raw := loadOpenAPI(t)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if resolve(raw, ref) == nil {
					t.Errorf("$ref %s does not resolve", ref)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(raw)

	param := regexp.MustCompile(`\{([a-z]+)\}`)
	for path, ops := range raw["paths"].(map[string]any) {
		for method, op := range ops.(map[string]any) {
			declared := map[string]bool{}
			params, _ := op.(map[string]any)["parameters"].([]any)
			for _, p := range params {
				pm := p.(map[string]any)
				if ref, ok := pm["$ref"].(string); ok {
					pm = resolve(raw, ref).(map[string]any)
				}
				if pm["in"] == "path" {
					declared[pm["name"].(string)] = true
				}
			}
			for _, m := range param.FindAllStringSubmatch(path, -1) {
				if !declared[m[1]] {
					t.Errorf("%s %s: path parameter %s is not declared", method, path, m[1])
				}
			}
		}
	}
}

func resolve(doc map[string]any, ref string) any {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// TestAPIDoc keeps docs/api.md in step with the routes and the codes.
func TestAPIDoc(t *testing.T) {
	t.Parallel()
	md, err := os.ReadFile("../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	e := apitest.New(t, nil)
	for _, r := range routeKeys(e.Server.Routes()) {
		if !strings.Contains(string(md), r) {
			t.Errorf("docs/api.md does not mention %s", r)
		}
	}
	for code, status := range api.StatusOf {
		row := regexp.MustCompile("`" + code + "`\\s*\\|\\s*" + strconv.Itoa(status))
		if !row.Match(md) {
			t.Errorf("docs/api.md has no table row for %s -> %d", code, status)
		}
	}
}
