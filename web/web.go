package web

import (
	"bytes"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"mime"
	nethttp "net/http"
	"path"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/http"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
	"github.com/meent/meent/web/i18n"
)

// The web pages are holoptism: anyone can see the whole log and who is in
// it, rendered on the server from the same store the API reads, with no
// script at all. The only writes are the account forms, and they end in
// node.Submit like everything else.

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds one template set per language and page, each the layout
// plus the page's "content" block, parsed with that language's functions
// (web/i18n.Funcs): {{t "key"}} needs no locale threaded through the data.
type pages struct {
	t     map[i18n.Lang]map[string]*template.Template
	parts map[i18n.Lang]*template.Template // the layout and every "_*.html": the parts areas add to others' pages
}

var pageFuncs = template.FuncMap{
	"short": func(s string) string {
		if len(s) > 12 {
			return s[:12]
		}
		return s
	},
	"b64":   b64,
	"ms":    func(t api.Timestamp) string { return t.Time().Format("2006-01-02 15:04:05.000 UTC") },
	"kinds": func() []string { return agent.Kinds },
	"deref": func(v any) any {
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer && !rv.IsNil() {
			return rv.Elem().Interface()
		}
		return v
	},
	"label": Label,
	"money": func(v any) string {
		switch m := v.(type) {
		case api.Money:
			return formatMoney(m)
		case *api.Money:
			if m != nil {
				return formatMoney(*m)
			}
		}
		return ""
	},
	"left":    timeLeft,
	"stamp":   func(ms int64) api.Timestamp { return api.Timestamp(ms) },
	"minutes": workTime,
	"lines":   func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n\n") },
	"plural":  Plural,
}

// timeLeft writes a duration in seconds for people: "6 days 23 h", "5 h 10 min".
func timeLeft(sec int64) string {
	switch {
	case sec <= 0:
		return "ended"
	case sec < 60:
		return "under a minute"
	case sec < 3600:
		return fmt.Sprintf("%d min", sec/60)
	case sec < 86400:
		return fmt.Sprintf("%d h %d min", sec/3600, sec%3600/60)
	case sec < 2*86400:
		return fmt.Sprintf("1 day %d h", sec%86400/3600)
	}
	return fmt.Sprintf("%d days %d h", sec/86400, sec%86400/3600)
}

// workTime writes minutes of work: "2 h 30 min".
func workTime(m int64) string {
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

// parsed keeps the pages parsed for each zone: parsing them in both
// languages takes about 50 ms, and parsed templates are safe to share.
var parsed sync.Map // zone name -> *pages

// areaPages are the templates the areas' web packages added (Templates).
var areaPages struct {
	sync.Mutex
	sets   []areaSet
	sealed bool // pages were parsed: a set added now would be missing
}

type areaSet struct {
	fsys  fs.FS
	funcs func(*i18n.Locale) template.FuncMap
}

// Templates adds an area's pages: every *.html at the top of fsys is a
// page, named by its file name without .html, that defines "content"
// (and may define more) and is parsed with the layout and every template
// function of the web core and the areas (an area's own come from funcs,
// called once per language; nil for none; two functions of one name
// panic). A file whose name starts with "_" is not a page: it defines the
// templates of the area's Parts of other pages. Call it from the area's package-level
// variables, so it runs before any server is built: adding pages after
// the first server parsed its templates, or a page name another part
// already has, panics.
func Templates(fsys fs.FS, funcs func(*i18n.Locale) template.FuncMap) struct{} {
	areaPages.Lock()
	defer areaPages.Unlock()
	if areaPages.sealed {
		panic("web.Templates called after the pages were parsed")
	}
	areaPages.sets = append(areaPages.sets, areaSet{fsys, funcs})
	return struct{}{}
}

// loadPages parses every page once per language, the core's and the
// areas'; zone is the IANA time zone pages show times in ("" is
// i18n.DefaultZone).
func loadPages(zone string) *pages {
	if p, ok := parsed.Load(zone); ok {
		return p.(*pages)
	}
	areaPages.Lock()
	areaPages.sealed = true
	sets := areaPages.sets
	areaPages.Unlock()
	z, err := i18n.LoadZone(zone)
	if err != nil {
		panic(fmt.Sprintf("time zone %q: %v", zone, err))
	}
	layout, err := fs.ReadFile(templateFS, "templates/layout.html")
	if err != nil {
		panic(err)
	}
	core, err := fs.Sub(templateFS, "templates")
	if err != nil {
		panic(err)
	}
	p := &pages{t: map[i18n.Lang]map[string]*template.Template{}, parts: map[i18n.Lang]*template.Template{}}
	all := append([]areaSet{{fsys: core}}, sets...)
	for _, l := range i18n.Langs {
		loc := i18n.New(l, z)
		loc.ISOMoney = l == i18n.EN // see i18n.Locale.ISOMoney
		funcs := template.FuncMap{}
		maps.Copy(funcs, pageFuncs)
		maps.Copy(funcs, i18n.Funcs(loc))
		maps.Copy(funcs, localFuncs(loc))
		for _, set := range sets {
			if set.funcs == nil {
				continue
			}
			for k, f := range set.funcs(loc) {
				if _, dup := funcs[k]; dup {
					panic(fmt.Sprintf("two template functions are named %q", k))
				}
				funcs[k] = f
			}
		}
		p.t[l] = map[string]*template.Template{}
		p.parts[l] = template.Must(template.New("layout.html").Funcs(funcs).Parse(string(layout)))
		for _, set := range all {
			names, err := fs.Glob(set.fsys, "*.html")
			if err != nil {
				panic(err)
			}
			for _, n := range names {
				if n == "layout.html" {
					continue
				}
				if strings.HasPrefix(n, "_") {
					template.Must(p.parts[l].ParseFS(set.fsys, n))
					continue
				}
				name := strings.TrimSuffix(n, ".html")
				if _, dup := p.t[l][name]; dup {
					panic(fmt.Sprintf("two pages are named %q", name))
				}
				t := template.Must(template.New("layout.html").Funcs(funcs).Parse(string(layout)))
				p.t[l][name] = template.Must(t.ParseFS(set.fsys, n))
			}
		}
	}
	parsed.Store(zone, p)
	return p
}

// localFuncs are the template functions over this package's own types,
// in a locale.
func localFuncs(loc *i18n.Locale) template.FuncMap {
	return template.FuncMap{
		"money": func(v any) string {
			switch m := v.(type) {
			case api.Money:
				return loc.PageMoney(m.Amount, m.Currency)
			case *api.Money:
				if m != nil {
					return loc.PageMoney(m.Amount, m.Currency)
				}
			}
			return ""
		},
	}
}

// language picks the request's language (web/i18n.Pick) and remembers a
// choice made with ?lang= in a cookie.
func (s server) language(w nethttp.ResponseWriter, r *nethttp.Request) i18n.Lang {
	var cookie string
	if c, err := r.Cookie(i18n.CookieName); err == nil {
		cookie = c.Value
	}
	l, remember := i18n.Pick(r.URL.Query().Get("lang"), cookie, r.Header.Get("Accept-Language"))
	if remember {
		nethttp.SetCookie(w, &nethttp.Cookie{Name: i18n.CookieName, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: s.Options().SecureCookies, SameSite: nethttp.SameSiteLaxMode})
	}
	return l
}

// page is what every template receives; Data is the page's own.
type page struct {
	Title   string
	Origin  string
	Version string
	Me      *api.Agent // the logged-in agent, if any
	CSRF    string     // the session's CSRF token, for forms
	Feed    string     // the page's Atom feed, if it has one
	Langs   []i18n.Choice
	Data    any
}

// feeder is page data that has an Atom feed.
type feeder interface{ FeedURL() string }

// render executes a page into a buffer first, so a template error becomes
// a clean 500 rather than half a page.
func (s server) render(w nethttp.ResponseWriter, r *nethttp.Request, status int, name, title string, data any) {
	p := page{Title: title, Origin: s.Options().Origin, Version: s.Options().Version, Data: data}
	if f, ok := data.(feeder); ok {
		p.Feed = f.FeedURL()
	}
	if sess, _ := s.webSession(r); sess != nil {
		p.CSRF = sess.CSRF
		if v, err := s.Node().Store().Agent(r.Context(), sess.Agent); err == nil {
			a := http.AgentOf(v, false)
			p.Me = &a
		} else {
			// The page still renders; the name is what is missing.
			p.Me = &api.Agent{ID: sess.Agent, Name: "your account"}
		}
	}
	lang := s.language(w, r)
	p.Langs = i18n.Switch(lang, r.URL.Query())
	var buf bytes.Buffer
	if err := s.pages.t[lang][name].ExecuteTemplate(&buf, "layout", p); err != nil {
		s.Logger().ErrorContext(r.Context(), "render page", "page", name, "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(nethttp.StatusInternalServerError)
		w.Write([]byte("internal error\n"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", string(lang))
	h.Add("Vary", "Accept-Language, Cookie")
	h.Set("Cache-Control", "no-cache")
	if p.Me != nil {
		h.Set("Cache-Control", "no-store")
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage renders err as an HTML page; status 0 means the code's.
func (s server) errorPage(w nethttp.ResponseWriter, r *nethttp.Request, err error, status int) {
	s.LogError(r, err)
	p := http.ProblemOf(err)
	if status != 0 {
		p.Status, p.Title = status, nethttp.StatusText(status)
	}
	s.render(w, r, p.Status, "error", p.Title, p)
}

// webSession returns the browser's session, or nil. The web pages use the
// cookie only; API tokens are for scripts.
func (s server) webSession(r *nethttp.Request) (*meent.Session, string) {
	if s.Accounts() == nil {
		return nil, ""
	}
	c, err := r.Cookie(api.SessionCookie)
	if err != nil || c.Value == "" {
		return nil, ""
	}
	sess, err := s.Accounts().Session(r.Context(), c.Value)
	if err != nil {
		return nil, ""
	}
	return &sess, c.Value
}

// formSession returns the session of a form post and checks the form's
// CSRF token against it.
func (s server) formSession(w nethttp.ResponseWriter, r *nethttp.Request) (*meent.Session, string, error) {
	r.Body = nethttp.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return nil, "", meent.Errorf(meent.EINVALID, "could not read the form")
	}
	sess, cookie := s.webSession(r)
	if sess == nil {
		return nil, "", meent.Errorf(meent.EUNAUTHORIZED, "you are not logged in, or your session expired")
	}
	if err := checkFormCSRF(*sess, r); err != nil {
		return nil, "", err
	}
	return sess, cookie, nil
}

func checkFormCSRF(sess meent.Session, r *nethttp.Request) error {
	return node.CheckCSRF(sess, r.PostFormValue("csrf"))
}

type homePage struct {
	Checkpoint *checkpointView
	Events     []api.Activity
	Names      *http.Names
	NextBefore int64 // the "before" of the next page of events; 0 at the end
}

type checkpointView struct {
	Size int64
	Root string
	Time api.Timestamp
	Note string
}

func (s server) pageHome(w nethttp.ResponseWriter, r *nethttp.Request) {
	var data homePage
	cp, err := s.Node().Checkpoint(r.Context())
	switch {
	case err == nil:
		data.Checkpoint = &checkpointView{Size: cp.Size, Root: b64(cp.Root[:]), Time: api.Timestamp(cp.Time), Note: string(cp.Note)}
	case meent.ErrorCode(err) != meent.ENOTFOUND:
		s.errorPage(w, r, err, 0)
		return
	}
	// The latest 50 events, and older ones page by page (?before=).
	before, err := http.QueryInt(r, "before", 0)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	recs, next, err := s.ActivityPage(r.Context(), meent.EventFilter{Before: before, Limit: 50, Desc: true})
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	if next != nil {
		data.NextBefore = *next
	}
	data.Names = http.NewNames(r.Context(), s.Node().Store())
	data.Events = s.ActivityOf(http.NewObjects(r.Context(), s.Node().Store()), data.Names, s.PageLocale(r), recs)
	s.render(w, r, nethttp.StatusOK, "home", "Log", data)
}

type eventPage struct {
	Event     api.Event
	AgentID   string // the author, or the agent this event creates
	DataJSON  string
	Error     string // why the signature fails, if it does
	Inclusion *api.InclusionProof
	ProofErr  string
}

func (s server) pageEvent(w nethttp.ResponseWriter, r *nethttp.Request) {
	h, err := ledger.ParseHash(r.PathValue("hash"))
	if err != nil {
		s.errorPage(w, r, meent.Errorf(meent.ENOTFOUND, "no event has that hash"), 0)
		return
	}
	rec, err := s.Node().Store().RecordByHash(r.Context(), h)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	data := eventPage{Event: http.EventDetail(rec), AgentID: rec.Author}
	if rec.Type == agent.TypeCreate {
		data.AgentID = data.Event.Hash
	}
	if _, err := ledger.Decode(rec.Entry); err != nil {
		data.Error = meent.ErrorMessage(err)
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, rec.Data, "", "  ") == nil {
		data.DataJSON = pretty.String()
	} else {
		data.DataJSON = string(rec.Data)
	}
	if p, err := s.ProveInclusion(r, rec, 0); err == nil {
		data.Inclusion = &p
	} else {
		s.LogError(r, err)
		data.ProofErr = meent.ErrorMessage(err)
	}
	s.render(w, r, nethttp.StatusOK, "event", "Event "+data.Event.Hash[:12], data)
}

type agentsPage struct {
	Agents      []api.Agent
	MembersOnly bool
	NextAfter   int64
}

func (s server) pageAgents(w nethttp.ResponseWriter, r *nethttp.Request) {
	f, err := http.AgentFilter(r)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	views, err := s.Node().Store().Agents(r.Context(), f)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	data := agentsPage{MembersOnly: f.MembersOnly}
	for _, v := range views {
		data.Agents = append(data.Agents, http.AgentOf(v, false))
	}
	if len(views) == f.Limit {
		data.NextAfter = views[len(views)-1].Created + 1
	}
	s.render(w, r, nethttp.StatusOK, "agents", "Agents", data)
}

type agentPage struct {
	Agent    api.Agent
	Activity []api.Activity
	Parts    []template.HTML // what the areas add (web.AddPart): contributions, balances, licenses
	Names    *http.Names
	// Touching shows every event the index records for the agent (what
	// others did about it too), not only what it signed.
	Touching   bool
	NextBefore int64 // the "before" of the next page of events; 0 at the end
}

// FeedURL names the page's Atom feed for the layout.
func (p agentPage) FeedURL() string {
	if p.Touching {
		return "/agents/" + p.Agent.ID + "/feed.atom?touching=1"
	}
	return "/agents/" + p.Agent.ID + "/feed.atom"
}

func (s server) pageAgent(w nethttp.ResponseWriter, r *nethttp.Request) {
	v, err := s.Agent(r)
	if err != nil {
		if meent.ErrorCode(err) == meent.EINVALID {
			err = meent.Errorf(meent.ENOTFOUND, "no agent has that ID")
		}
		s.errorPage(w, r, err, 0)
		return
	}
	touching, err := http.QueryFlag(r, "touching")
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	before, err := http.QueryInt(r, "before", 0)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	recs, next, err := s.AgentActivity(r.Context(), v.ID, before, 50, touching)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	o := http.NewObjects(r.Context(), s.Node().Store())
	data := agentPage{Agent: http.AgentOf(v, true), Names: http.NewNames(r.Context(), s.Node().Store()), Touching: touching}
	if next != nil {
		data.NextBefore = *next
	}
	data.Activity = s.ActivityOf(o, data.Names, s.PageLocale(r), recs)
	if data.Parts, err = s.partsOf("agent", r, o, v.ID); err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	s.render(w, r, nethttp.StatusOK, "agent", v.Name, data)
}

type formPage struct {
	Error    string
	Username string
	Name     string
	Kind     string
}

func (s server) pageLogin(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.render(w, r, nethttp.StatusOK, "login", "Log in", formPage{})
}

func (s server) postLogin(w nethttp.ResponseWriter, r *nethttp.Request) {
	if err := s.AccountsEnabled(); err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	r.Body = nethttp.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, meent.Errorf(meent.EINVALID, "could not read the form"), 0)
		return
	}
	username := r.PostFormValue("username")
	token, sess, err := s.Login(w, r, username, r.PostFormValue("password"))
	if err != nil {
		s.LogError(r, err)
		p := http.ProblemOf(err)
		s.render(w, r, p.Status, "login", "Log in", formPage{Error: p.Detail, Username: username})
		return
	}
	s.SetSessionCookie(w, token, sess.Expires)
	nethttp.Redirect(w, r, "/account", nethttp.StatusSeeOther)
}

func (s server) postLogout(w nethttp.ResponseWriter, r *nethttp.Request) {
	_, cookie, err := s.formSession(w, r)
	if err != nil {
		if meent.ErrorCode(err) == meent.EUNAUTHORIZED {
			// Already logged out: that is what was asked for.
			s.ClearSessionCookie(w)
			nethttp.Redirect(w, r, "/", nethttp.StatusSeeOther)
			return
		}
		s.errorPage(w, r, err, 0)
		return
	}
	if err := s.Accounts().Logout(r.Context(), cookie); err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	s.ClearSessionCookie(w)
	nethttp.Redirect(w, r, "/", nethttp.StatusSeeOther)
}

func (s server) pageSignUp(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.render(w, r, nethttp.StatusOK, "signup", "Sign up", formPage{Kind: agent.Person})
}

func (s server) postSignUp(w nethttp.ResponseWriter, r *nethttp.Request) {
	if err := s.AccountsEnabled(); err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	r.Body = nethttp.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, meent.Errorf(meent.EINVALID, "could not read the form"), 0)
		return
	}
	in := formPage{Username: r.PostFormValue("username"), Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind")}
	password := r.PostFormValue("password")
	fail := func(err error) {
		s.LogError(r, err)
		p := http.ProblemOf(err)
		in.Error = p.Detail
		s.render(w, r, p.Status, "signup", "Sign up", in)
	}
	if _, err := s.Accounts().SignUp(r.Context(), node.SignUp{Username: in.Username, Password: password, Kind: in.Kind, Name: in.Name}); err != nil {
		fail(err)
		return
	}
	token, sess, err := s.Accounts().Login(r.Context(), in.Username, password)
	if err != nil {
		fail(err)
		return
	}
	s.SetSessionCookie(w, token, sess.Expires)
	nethttp.Redirect(w, r, "/account", nethttp.StatusSeeOther)
}

type accountPage struct {
	Agent api.Agent
	Event string // hash of the event just submitted, after a change
	Error string
	Name  string

	Tokens       []api.TokenInfo // see accounts.go
	NewToken     string          // a token just made, shown this once
	NewTokenName string
	TokenError   string
	Revoked      bool
}

func (s server) pageAccount(w nethttp.ResponseWriter, r *nethttp.Request) {
	sess, _ := s.webSession(r)
	if sess == nil {
		nethttp.Redirect(w, r, "/login", nethttp.StatusSeeOther)
		return
	}
	s.renderAccount(w, r, sess, accountPage{Event: r.URL.Query().Get("event"), Revoked: r.URL.Query().Get("revoked") == "1"}, nethttp.StatusOK)
}

func (s server) renderAccount(w nethttp.ResponseWriter, r *nethttp.Request, sess *meent.Session, data accountPage, status int) {
	v, err := s.Node().Store().Agent(r.Context(), sess.Agent)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	data.Agent = http.AgentOf(v, true)
	if data.Tokens, err = s.AccountTokens(r, sess.Agent); err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	if data.Name == "" {
		data.Name = v.Name
	}
	if _, err := ledger.ParseHash(data.Event); err != nil {
		data.Event = ""
	}
	s.render(w, r, status, "account", "Your account", data)
}

func (s server) postAccount(w nethttp.ResponseWriter, r *nethttp.Request) {
	sess, _, err := s.formSession(w, r)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	name := r.PostFormValue("name")
	rc, err := s.Accounts().Act(r.Context(), sess.Agent, agent.TypeUpdate, agent.UpdateData{Name: name})
	if err != nil {
		s.LogError(r, err)
		p := http.ProblemOf(err)
		s.renderAccount(w, r, sess, accountPage{Error: p.Detail, Name: name}, p.Status)
		return
	}
	nethttp.Redirect(w, r, "/account?event="+rc.Hash.String(), nethttp.StatusSeeOther)
}

func (s server) static(w nethttp.ResponseWriter, r *nethttp.Request) {
	name := r.PathValue("file")
	data, err := staticFS.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		s.Fail(w, r, meent.Errorf(meent.ENOTFOUND, "no such file"))
		return
	}
	h := w.Header()
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// Label turns a code into words: "changes_requested" -> "changes requested".
func Label(s string) string { return strings.ReplaceAll(s, "_", " ") }

// Plural writes a count of things: "1 commit", "3 commits".
func Plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// formatMoney writes an amount in minor units as an exact decimal in the
// currency's major unit: "65.00 EUR", "1234 JPY" (commons.Money.String).
func formatMoney(m api.Money) string {
	return commons.Money{Amount: m.Amount, Currency: m.Currency}.String()
}

// b64 is the encoding of Merkle hashes in the API and the pages.
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
