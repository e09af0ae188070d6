package wire

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/commons"
)

// TestActivityLanguage: the activity API and the feeds write their lines
// in English unless the request asks for Dutch (?lang= or
// Accept-Language; no cookie), and a hostile name stays text in the JSON,
// the Atom feed and the page, in both languages.
func TestActivityLanguage(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, Register)
	const evil = `<script>alert(1)</script>`
	ada := e.CreateAgent(evil)
	if _, err := e.Client.Submit(t.Context(), ada.Sign(t, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})); err != nil {
		t.Fatal(err)
	}
	id := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: `<b>Turbine</b> & co`, Kind: "hardware"})
	wantEN := evil + " created the commons <b>Turbine</b> & co"
	wantNL := evil + " heeft de commons <b>Turbine</b> & co aangemaakt"

	for _, c := range []struct {
		query  string
		header []string
		want   string
		lang   string
	}{
		{"", nil, wantEN, "en"},
		{"?lang=nl", nil, wantNL, "nl"},
		{"", []string{"Accept-Language", "nl-BE,nl;q=0.9,en;q=0.5"}, wantNL, "nl"},
		{"", []string{"Cookie", "lang=nl"}, wantEN, "en"}, // the API reads no cookie
		{"?lang=en", []string{"Accept-Language", "nl"}, wantEN, "en"},
	} {
		r := e.Get("/api/v1/commons/"+id+"/activity"+c.query, c.header...)
		apitest.WantStatus(t, r, 200)
		var act api.ActivityList
		r.JSON(t, &act)
		if len(act.Events) != 1 || act.Events[0].Summary != c.want {
			t.Errorf("%s %v: %+v, want %q", c.query, c.header, act.Events, c.want)
		}
		if r.Header.Get("Content-Language") != c.lang || !strings.Contains(r.Header.Get("Vary"), "Accept-Language") {
			t.Errorf("%s %v: Content-Language %q, Vary %q", c.query, c.header, r.Header.Get("Content-Language"), r.Header.Get("Vary"))
		}
		if r.Header.Get("Set-Cookie") != "" {
			t.Errorf("%s: the API set a cookie", c.query)
		}

		f := e.Get("/commons/"+id+"/feed.atom"+c.query, c.header...)
		apitest.WantStatus(t, f, 200)
		if strings.Contains(string(f.Body), "<script>") || strings.Contains(string(f.Body), "<b>") {
			t.Errorf("%s: a name is markup in the feed:\n%s", c.query, f.Body)
		}
		var feed struct {
			Title   string `xml:"title"`
			Entries []struct {
				Title   string `xml:"title"`
				Content string `xml:"content"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(f.Body, &feed); err != nil {
			t.Fatal(err)
		}
		word := map[string]string{"en": " · activity", "nl": " · activiteit"}[c.lang]
		event := map[string]string{"en": "Event 2 (commons.create)", "nl": "Gebeurtenis 2 (commons.create)"}[c.lang]
		if feed.Title != `<b>Turbine</b> & co`+word || len(feed.Entries) != 1 || feed.Entries[0].Title != c.want ||
			!strings.Contains(feed.Entries[0].Content, event) {
			t.Errorf("%s %v: feed %+v", c.query, c.header, feed)
		}
	}

	// The pages write the lines in the page's language, escaped.
	for q, want := range map[string]string{"": "created the commons &lt;b&gt;Turbine&lt;/b&gt; &amp; co", "?lang=nl": "heeft de commons &lt;b&gt;Turbine&lt;/b&gt; &amp; co aangemaakt"} {
		for _, path := range []string{"/", "/agents/" + ada.ID, "/commons/" + id} {
			r := e.Get(path + q)
			apitest.WantStatus(t, r, 200)
			apitest.WantContains(t, r, "&lt;script&gt;alert(1)&lt;/script&gt; "+want)
			if strings.Contains(string(r.Body), "<script>alert") || strings.Contains(string(r.Body), "<b>Turbine") {
				t.Errorf("%s%s: a name is markup", path, q)
			}
		}
	}
}
