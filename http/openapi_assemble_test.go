package http

import (
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/openapi.golden.json from the assembled document")

// TestOpenAPIAssembled pins the document assembled from the base and the
// areas' fragments to testdata/openapi.golden.json, compared as JSON
// values (key order aside). The golden file began as the hand-written
// document of one piece, so the split into fragments lost nothing; a
// change to the API now shows as a reviewable diff of the golden file
// (go test ./http -run OpenAPIAssembled -update).
func TestOpenAPIAssembled(t *testing.T) {
	t.Parallel()
	got := NewServer(Options{}).OpenAPI()
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

// TestOpenAPIFragmentConflicts: two parts may not define one operation or
// component differently, and a fragment holds only what it may.
func TestOpenAPIFragmentConflicts(t *testing.T) {
	base := []byte(`{"openapi":"3.1.0","paths":{"/a":{"get":{"summary":"a"}}},"components":{"schemas":{"X":{"type":"string"}}},"tags":[{"name":"t"}]}`)
	for name, tc := range map[string]struct {
		frags []string
		ok    bool
	}{
		"a new operation on a known path": {[]string{`{"paths":{"/a":{"post":{"summary":"b"}}}}`}, true},
		"the same schema, identical":      {[]string{`{"components":{"schemas":{"X":{"type":"string"}}}}`}, true},
		"a new tag":                       {[]string{`{"tags":[{"name":"u"}]}`}, true},
		"an operation defined twice":      {[]string{`{"paths":{"/b":{"get":{"summary":"b"}}}}`, `{"paths":{"/b":{"get":{"summary":"c"}}}}`}, false},
		"an operation of the base again":  {[]string{`{"paths":{"/a":{"get":{"summary":"other"}}}}`}, false},
		"a schema defined differently":    {[]string{`{"components":{"schemas":{"X":{"type":"integer"}}}}`}, false},
		"a tag defined differently":       {[]string{`{"tags":[{"name":"t","description":"other"}]}`}, false},
		"info in a fragment":              {[]string{`{"info":{"title":"mine"}}`}, false},
		"not JSON":                        {[]string{`{"paths":`}, false},
	} {
		var frags [][]byte
		for _, f := range tc.frags {
			frags = append(frags, []byte(f))
		}
		_, err := assembleOpenAPI(base, frags)
		if (err == nil) != tc.ok {
			t.Errorf("%s: error %v, want ok=%v", name, err, tc.ok)
		}
	}
}
