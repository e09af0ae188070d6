// Package http is the server core of a meent node: Server, the Router
// every route is registered through, middleware, auth (sessions, API
// tokens, CSRF), errors (problem documents, and HTML pages through the
// ErrorPage the web core sets), limits, /healthz and /metrics, paging and
// JSON helpers, the per-request object and name caches and activity
// lines the areas and pages share, the state digest cache, and the
// OpenAPI document assembled from the base (openapi.json) and each area's
// fragment. The areas register on it (api/..., web/..., see package wire)
// and reach the core through its exported names; the core imports none of
// them. It serves the log itself, as C2SP tlog-tiles under /log/ and its
// JSON API (events, proofs, checkpoints, the state digest), the accounts
// (sign-up, sessions, tokens, actions), the agents and the blob store;
// the commons and value parts of the JSON API are still here until they
// move to their areas (docs/architecture.md). Every write, from any of
// these doors, ends in node.Submit (blob uploads aside, which only store
// bytes the log may later name).
package http

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	nethttp "net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/meent/meent"
	"github.com/meent/meent/node"
	"github.com/meent/meent/private"
)

// Options configures a Server. Node is required; Accounts may be nil, in
// which case sign-up, login and acting on behalf of users answer
// unavailable.
type Options struct {
	Node     *node.Node
	Accounts *node.Accounts

	Origin      string // log origin, as in the checkpoint
	VerifierKey string // note verifier key "name+hash+base64" of the checkpoint key

	// Registry is served at /metrics; the server adds its request metrics
	// to it. A nil Registry gets a private one.
	Registry *prometheus.Registry
	Logger   *slog.Logger
	Version  string

	// TimeZone is the IANA zone the pages show times in; "" is
	// Europe/Amsterdam (web/i18n.DefaultZone).
	TimeZone string

	// SecureCookies sets the Secure flag on cookies; turn it on behind TLS.
	SecureCookies bool

	// Blobs stores the files that back evidence; nil answers the blob
	// routes with unavailable. MaxBlobSize bounds one upload in bytes;
	// 0 means DefaultMaxBlobSize (32 MiB).
	Blobs       meent.BlobStore
	MaxBlobSize int64

	// Now is the wall clock, for the time left on claims; nil is time.Now.
	Now func() time.Time

	// Payments, when set, accepts a payment provider's signed webhook
	// for license offers (see Payments).
	Payments *Payments

	// Private keeps private records (docs/privacy.md); nil answers the
	// /api/v1/private routes with unavailable.
	Private private.Store
}

// Server is the HTTP face of a node.
type Server struct {
	node      *node.Node
	accounts  *node.Accounts
	opts      Options
	log       *slog.Logger
	router    *Router
	openAPI   openAPI        // the document served at /api/v1/openapi.json; see openapi.go
	errorPage ErrorPage      // renders errors on pages; see SetErrorPage
	throttle  *loginThrottle // failed logins; see accounts_throttle.go
	digests   digestCache    // the last state digest; see apiStateDigest

	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	logins   *prometheus.CounterVec // see accounts.go
}

// NewServer builds the server and registers its routes and metrics.
func NewServer(o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	if o.Origin == "" && o.Node != nil {
		o.Origin = o.Node.Origin()
	}
	s := &Server{
		node:     o.Node,
		accounts: o.Accounts,
		opts:     o,
		log:      o.Logger,
		throttle: newLoginThrottle(),
	}
	s.router = newRouter(s.wrap)
	s.requests = register(o.Registry, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "meent_http_requests_total",
		Help: "HTTP requests served, by route pattern, method and status code.",
	}, []string{"route", "method", "code"}))
	s.latency = register(o.Registry, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "meent_http_request_duration_seconds",
		Help:    "Time to serve an HTTP request, by route pattern and status code.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
	}, []string{"route", "code"}))
	s.logins = register(o.Registry, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "meent_login_attempts_total",
		Help: "Login attempts, by result: ok, wrong (password or username), throttled (refused unchecked), error.",
	}, []string{"result"}))
	s.registerRoutes()
	return s
}

// register registers c, or returns the collector already registered under
// the same description, so two servers can share one registry.
func register[C prometheus.Collector](reg *prometheus.Registry, c C) C {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if old, ok := are.ExistingCollector.(C); ok {
				return old
			}
		}
		panic(err)
	}
	return c
}

// Handle registers h for pattern ("GET /api/v1/node") on the server's
// router; an area's Register calls it for each of its routes. The pattern
// labels the request's metrics and log line, and the route table lets a
// test compare the routes with the OpenAPI document.
func (s *Server) Handle(pattern string, h nethttp.HandlerFunc) { s.router.Handle(pattern, h) }

func (s *Server) handle(pattern string, h nethttp.HandlerFunc) { s.router.Handle(pattern, h) }

// wrap is what runs around every route's handler: it tells observe which
// pattern matched and applies the guards before the handler reads
// anything.
func (s *Server) wrap(pattern string, h nethttp.HandlerFunc) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if ri, ok := r.Context().Value(routeKey{}).(*routeInfo); ok {
			ri.pattern = pattern
		}
		if !s.guard(w, r, pattern) {
			return
		}
		h(w, r)
	})
}

// Routes returns the registered mux patterns ("GET /log/checkpoint", ...).
func (s *Server) Routes() []string { return s.router.Routes() }

func (s *Server) registerRoutes() {
	// The log, C2SP tlog-tiles. Entry bundles get their own pattern (the
	// more specific one wins) so their metrics are told apart.
	s.handle("GET /log/checkpoint", s.getCheckpoint)
	s.handle("GET /log/tile/entries/{path...}", s.getTile)
	s.handle("GET /log/tile/{path...}", s.getTile)

	// The JSON API.
	s.handle("GET /api/v1/node", s.apiNode)
	s.handle("POST /api/v1/events", s.apiSubmit)
	s.handle("GET /api/v1/events", s.apiEvents)
	s.handle("GET /api/v1/events/{hash}", s.apiEventByHash)
	s.handle("GET /api/v1/events/index/{n}", s.apiEventByIndex)
	s.handle("GET /api/v1/proofs/inclusion", s.apiInclusion)
	s.handle("GET /api/v1/proofs/consistency", s.apiConsistency)
	s.handle("GET /api/v1/state/digest", s.apiStateDigest)
	s.handle("GET /api/v1/agents", s.apiAgents)
	s.handle("GET /api/v1/agents/{id}", s.apiAgent)
	s.handle("POST /api/v1/accounts", s.apiSignUp)
	s.handle("POST /api/v1/sessions", s.apiLogin)
	s.handle("DELETE /api/v1/sessions", s.apiLogout)
	s.handle("POST /api/v1/tokens", s.apiCreateToken)
	s.handle("GET /api/v1/tokens", s.apiTokens)
	s.handle("DELETE /api/v1/tokens/{id}", s.apiRevokeToken)
	s.handle("POST /api/v1/actions", s.apiAct)
	s.handle("PUT /api/v1/blobs/{hash}", s.apiPutBlob)
	s.handle("POST /api/v1/blobs", s.apiPostBlob)
	s.handle("GET /api/v1/blobs/{hash}", s.apiGetBlob)
	s.handle("GET /api/v1/agents/{id}/activity", s.apiAgentActivity)
	s.handle("GET /api/v1/openapi.json", s.apiOpenAPI)

	// Operations.
	s.handle("GET /healthz", s.healthz)
	metrics := promhttp.HandlerFor(s.opts.Registry, promhttp.HandlerOpts{})
	s.handle("GET /metrics", metrics.ServeHTTP)

	// The areas' OpenAPI fragments, until each area registers its own.
	for _, f := range must(fs.Glob(openAPIFragments, "openapi/*.json")) {
		s.AddOpenAPI(must(openAPIFragments.ReadFile(f)))
	}
}

//go:embed openapi/*.json
var openAPIFragments embed.FS

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Handler returns the whole server: routes wrapped in panic recovery,
// security headers, cross-origin protection, request logging and metrics.
func (s *Server) Handler() nethttp.Handler {
	// CrossOriginProtection refuses unsafe cross-site browser requests by
	// their Sec-Fetch-Site or Origin header: a second line behind the
	// per-session CSRF token, and the only one for the login and sign-up
	// forms, which come before any session. Clients that are not browsers
	// send neither header and pass.
	cop := nethttp.NewCrossOriginProtection()
	cop.SetDenyHandler(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		s.Fail(w, r, meent.Errorf(meent.EFORBIDDEN, "cross-origin request refused"))
	}))
	return s.observe(s.recover(securityHeaders(cop.Handler(nethttp.HandlerFunc(s.route)))))
}

// route dispatches to the mux, and answers requests no pattern matches in
// the same format as every other error: problem+json for the API and the
// log, an HTML page elsewhere.
func (s *Server) route(w nethttp.ResponseWriter, r *nethttp.Request) {
	h, pattern := s.router.mux.Handler(r)
	if pattern != "" {
		s.router.mux.ServeHTTP(w, r)
		return
	}
	// Let the mux decide between 404, 405 (with its Allow header) and a
	// redirect to the canonical path, then answer in our own format.
	rec := &discardWriter{header: nethttp.Header{}}
	h.ServeHTTP(rec, r)
	if rec.status >= 300 && rec.status < 400 {
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		return
	}
	if rec.status == nethttp.StatusMethodNotAllowed {
		w.Header().Set("Allow", rec.header.Get("Allow"))
		s.failStatus(w, r, meent.Errorf(meent.EINVALID, "method %s is not allowed here", r.Method), nethttp.StatusMethodNotAllowed)
		return
	}
	s.Fail(w, r, meent.Errorf(meent.ENOTFOUND, "no such page: %s", r.URL.Path))
}

// Fail answers err as problem+json on machine paths (the API, the log,
// /healthz, /metrics) and as an HTML error page elsewhere.
func (s *Server) Fail(w nethttp.ResponseWriter, r *nethttp.Request, err error) {
	if isMachinePath(r.URL.Path) {
		s.writeError(w, r, err)
		return
	}
	s.pageError(w, r, err, 0)
}

// ErrorPage renders err as an HTML page, with status (0: the error's
// own), and logs its cause.
type ErrorPage func(w nethttp.ResponseWriter, r *nethttp.Request, err error, status int)

// SetErrorPage sets how errors on paths that are not the API's are
// answered: the web core (package web) renders them in the pages'
// layout, so the core holds no templates. Until one is set they are
// answered as problem documents.
func (s *Server) SetErrorPage(f ErrorPage) { s.errorPage = f }

// pageError answers an error on a page's path.
func (s *Server) pageError(w nethttp.ResponseWriter, r *nethttp.Request, err error, status int) {
	if s.errorPage != nil {
		s.errorPage(w, r, err, status)
		return
	}
	p := ProblemOf(err)
	if status != 0 {
		p.Status, p.Title = status, nethttp.StatusText(status)
	}
	s.LogError(r, err)
	writeProblem(w, p)
}

// failStatus is fail with the status forced (for 405, which has no code).
func (s *Server) failStatus(w nethttp.ResponseWriter, r *nethttp.Request, err error, status int) {
	if isMachinePath(r.URL.Path) {
		p := ProblemOf(err)
		p.Status = status
		p.Title = nethttp.StatusText(status)
		writeProblem(w, p)
		return
	}
	s.pageError(w, r, err, status)
}

func isMachinePath(p string) bool {
	return strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/log/") ||
		p == "/healthz" || p == "/metrics"
}

type discardWriter struct {
	header nethttp.Header
	status int
}

func (d *discardWriter) Header() nethttp.Header { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) {
	if d.status == 0 {
		d.status = nethttp.StatusOK
	}
	return len(b), nil
}
func (d *discardWriter) WriteHeader(status int) {
	if d.status == 0 {
		d.status = status
	}
}

// securityHeaders sets the headers every response carries. The CSP allows
// only same-origin resources and no inline script at all (the pages have
// none), and forbids framing.
func securityHeaders(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

type routeKey struct{}

// routeInfo carries the matched pattern from the mux back out to observe.
type routeInfo struct{ pattern string }

// statusWriter records what a handler wrote, for logs and metrics, and
// whether the header is out (so recover knows if it can still answer).
type statusWriter struct {
	nethttp.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = nethttp.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets nethttp.ResponseController reach the connection.
func (w *statusWriter) Unwrap() nethttp.ResponseWriter { return w.ResponseWriter }

// observe logs every request and records its metrics, labelled by the
// route pattern (never the raw path, which would explode the label set).
func (s *Server) observe(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		start := time.Now()
		ri := &routeInfo{}
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, ri))
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			status := sw.status
			if status == 0 {
				status = nethttp.StatusOK
			}
			route := ri.pattern
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			code := strconv.Itoa(status)
			s.requests.WithLabelValues(route, r.Method, code).Inc()
			s.latency.WithLabelValues(route, code).Observe(d.Seconds())
			// Successful requests are counted in /metrics; logging each
			// one as well cost a fifth of the server's time under load, so
			// they are logged at debug. Refusals and failures stay visible.
			level := slog.LevelDebug
			switch {
			case status >= 500:
				level = slog.LevelWarn
			case status >= 400:
				level = slog.LevelInfo
			}
			s.log.LogAttrs(r.Context(), level, "http request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Int64("bytes", sw.bytes),
				slog.Duration("duration", d),
				slog.String("remote", r.RemoteAddr),
			)
		}()
		next.ServeHTTP(sw, r)
	})
}

// recover turns a panic into a logged 500, if the response has not begun.
func (s *Server) recover(next nethttp.Handler) nethttp.Handler {
	return nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == nethttp.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "panic serving request", "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if sw, ok := w.(*statusWriter); ok && sw.status != 0 {
				return // too late to answer; the client sees a cut response
			}
			s.Fail(w, r, meent.Errorf(meent.EINTERNAL, "internal error"))
		}()
		next.ServeHTTP(w, r)
	})
}

// healthz says whether the node can serve and append; see health.go.
func (s *Server) healthz(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.health(w, r)
}
