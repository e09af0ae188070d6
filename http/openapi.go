package http

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"maps"
	nethttp "net/http"
	"reflect"
	"slices"
	"strconv"
	"sync"
)

// openAPIBase is the part of the OpenAPI document that belongs to no area:
// info, servers, tags, the shared components (problems, paging
// parameters, security schemes, the schemas several areas use) and the
// core's own routes. Each area adds its paths and schemas with AddOpenAPI.
//
//go:embed openapi.json
var openAPIBase []byte

// openAPI assembles the document served at /api/v1/openapi.json from the
// base and the areas' fragments.
type openAPI struct {
	mu        sync.Mutex
	fragments [][]byte
	doc       []byte // the assembled document, nil until built
}

// AddOpenAPI adds an area's OpenAPI fragment: a JSON object with "paths"
// and optionally "components" (schemas, parameters, responses, security
// schemes) and "tags", in the shape of an OpenAPI 3.1 document. A fragment
// may use what the base document defines but may not define again a path
// operation, component or tag another part defines differently: that
// panics, like registering a route twice, because it is a wiring error.
func (s *Server) AddOpenAPI(fragment []byte) {
	s.openAPI.mu.Lock()
	defer s.openAPI.mu.Unlock()
	frags := append(slices.Clone(s.openAPI.fragments), fragment)
	doc, err := assembleOpenAPI(openAPIBase, frags)
	if err != nil {
		panic(err)
	}
	s.openAPI.fragments, s.openAPI.doc = frags, doc
}

// OpenAPI returns the assembled OpenAPI document, as served.
func (s *Server) OpenAPI() []byte {
	s.openAPI.mu.Lock()
	defer s.openAPI.mu.Unlock()
	if s.openAPI.doc == nil {
		doc, err := assembleOpenAPI(openAPIBase, nil)
		if err != nil {
			panic(err)
		}
		s.openAPI.doc = doc
	}
	return s.openAPI.doc
}

// assembleOpenAPI merges the fragments into the base document. Objects
// are merged by key down to path operations and components; anything
// defined twice must be defined identically.
func assembleOpenAPI(base []byte, fragments [][]byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, fmt.Errorf("openapi base: %w", err)
	}
	for i, f := range fragments {
		var frag map[string]any
		if err := json.Unmarshal(f, &frag); err != nil {
			return nil, fmt.Errorf("openapi fragment %d: %w", i, err)
		}
		for k, v := range frag {
			var err error
			switch k {
			case "paths":
				// A path's operations may come from several areas (GET
				// and POST of one form, say); each operation from one.
				err = mergeObject(doc, k, v, 2)
			case "components":
				err = mergeObject(doc, k, v, 2)
			case "tags":
				err = mergeTags(doc, v)
			default:
				err = fmt.Errorf("a fragment may hold paths, components and tags, not %q", k)
			}
			if err != nil {
				return nil, fmt.Errorf("openapi fragment %d: %w", i, err)
			}
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// mergeObject merges v into dst[key], depth levels of objects deep; below
// that, a key present on both sides must hold equal values.
func mergeObject(dst map[string]any, key string, v any, depth int) error {
	src, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("%s is not an object", key)
	}
	cur, ok := dst[key].(map[string]any)
	if !ok {
		if dst[key] != nil {
			return fmt.Errorf("%s is not an object", key)
		}
		cur = map[string]any{}
		dst[key] = cur
	}
	for _, k := range slices.Sorted(maps.Keys(src)) {
		old, exists := cur[k]
		switch {
		case !exists:
			cur[k] = src[k]
		case depth > 1:
			if err := mergeObject(cur, k, src[k], depth-1); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
		case !reflect.DeepEqual(old, src[k]):
			return fmt.Errorf("%s/%s is defined twice, differently", key, k)
		}
	}
	return nil
}

// mergeTags appends the tags whose names are new; a known name must carry
// the same tag.
func mergeTags(doc map[string]any, v any) error {
	tags, ok := v.([]any)
	if !ok {
		return fmt.Errorf("tags is not a list")
	}
	cur, _ := doc["tags"].([]any)
next:
	for _, t := range tags {
		m, _ := t.(map[string]any)
		for _, c := range cur {
			if cm, _ := c.(map[string]any); cm != nil && cm["name"] == m["name"] {
				if !reflect.DeepEqual(cm, m) {
					return fmt.Errorf("tag %v is defined twice, differently", m["name"])
				}
				continue next
			}
		}
		cur = append(cur, t)
	}
	doc["tags"] = cur
	return nil
}

func (s *Server) apiOpenAPI(w nethttp.ResponseWriter, r *nethttp.Request) {
	doc := s.OpenAPI()
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Length", strconv.Itoa(len(doc)))
	w.Write(doc)
}
