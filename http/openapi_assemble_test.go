package http

import (
	"testing"
)

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
