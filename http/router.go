package http

import (
	nethttp "net/http"
	"slices"
)

// Router is the table of a server's routes. Every route of every area is
// registered through it, so none escapes the server's guards (body
// limits, request text checks, the route label of the metrics), and the
// table can be listed: for the test that holds the routes and the OpenAPI
// document to each other, and for anyone reading what a node serves.
type Router struct {
	mux    *nethttp.ServeMux
	wrap   func(pattern string, h nethttp.HandlerFunc) nethttp.Handler
	routes []string // mux patterns, in registration order
}

func newRouter(wrap func(pattern string, h nethttp.HandlerFunc) nethttp.Handler) *Router {
	return &Router{mux: nethttp.NewServeMux(), wrap: wrap}
}

// Handle registers h for a net/http pattern ("GET /api/v1/node"). Like
// ServeMux.Handle it panics on a pattern that is malformed or already
// taken: two areas claiming one route is a wiring error, found at start.
func (rt *Router) Handle(pattern string, h nethttp.HandlerFunc) {
	rt.mux.Handle(pattern, rt.wrap(pattern, h))
	rt.routes = append(rt.routes, pattern)
}

// Routes returns the registered patterns in registration order.
func (rt *Router) Routes() []string { return slices.Clone(rt.routes) }
