package licenseapi

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/license"
)

// TestLicenseGrantsPage walks a commons' grants on its license page by
// the "next page" links, 100 a page: each grant is listed exactly once.
func TestLicenseGrantsPage(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, withPages)
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	e.Act(ada, license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: jsontext.Value(licensePolicy)})
	var grants []string
	for i := range 105 {
		s := e.CreateAgent(fmt.Sprint("user ", i))
		asOf := time.Now().UnixMilli()
		ld, err := e.Client.EvaluateLicense(t.Context(), lib, s.ID, license.RequestData{}, asOf)
		if err != nil || ld.Grant == nil {
			t.Fatalf("evaluate: %+v, %v", ld, err)
		}
		grants = append(grants, e.Post(s.SignAt(t, license.TypeRequest, license.RequestData{Commons: lib, Grant: ld.Grant}, time.UnixMilli(asOf))))
	}
	seen := map[string]int{}
	path, pages := "/commons/"+lib+"/license", 0
	for ; path != ""; pages++ {
		if pages > 5 {
			t.Fatal("the next links do not end")
		}
		r := e.Get(path)
		apitest.WantStatus(t, r, 200)
		body := string(r.Body)
		for _, g := range grants {
			if strings.Contains(body, `href="/grants/`+g+`"`) {
				seen[g]++
			}
		}
		path = ""
		if i := strings.Index(body, `href="/commons/`+lib+`/license?grants=`); i >= 0 {
			rest := body[i+len(`href="`):]
			path = rest[:strings.IndexByte(rest, '"')]
		}
	}
	for _, g := range grants {
		if seen[g] != 1 {
			t.Fatalf("grant %s on %d pages", g, seen[g])
		}
	}
	if pages != 2 {
		t.Errorf("%d pages for 105 grants, 100 a page", pages)
	}
}

// TestLicensePolicyHistoryPages pages a license policy's history while
// versions are added; the current version is the newest on every page.
func TestLicensePolicyHistoryPages(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, withPages)
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	set := func() {
		e.Act(ada, license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: jsontext.Value(licensePolicy)})
	}
	for range 5 {
		set()
	}
	var got []int
	cursor, added := "", 0
	for pages := 0; ; pages++ {
		if pages > 20 {
			t.Fatal("the cursors do not end")
		}
		path := "/api/v1/commons/" + lib + "/license?limit=2"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		p := apitest.GetJSONAs[api.LicensePolicyInfo](t, e, path)
		if p.Version != 5+added {
			t.Fatalf("current version %d on a page, want %d", p.Version, 5+added)
		}
		for _, h := range p.History {
			got = append(got, h.Version)
		}
		if p.Next == "" {
			break
		}
		cursor = p.Next
		set()
		added++
	}
	for i, v := range got {
		if v != i+1 {
			t.Fatalf("history %v, want every version once, oldest first", got)
		}
	}
	if len(got) != 5+added {
		t.Fatalf("%d versions listed, %d made", len(got), 5+added)
	}
	p, err := e.Client.LicensePolicy(t.Context(), lib)
	if err != nil || len(p.History) != 5+added || p.Next != "" {
		t.Fatalf("client: %d versions, next %q, %v", len(p.History), p.Next, err)
	}
}

// webPages follows the "next page" links that start with next from path,
// and fails unless each of want is linked as link+ID on exactly one page.
func webPages(t *testing.T, e *apitest.Env, path, next, link string, want []string) int {
	t.Helper()
	seen := map[string]int{}
	pages := 0
	for ; path != ""; pages++ {
		if pages > 10 {
			t.Fatal("the next links do not end")
		}
		r := e.Get(path)
		apitest.WantStatus(t, r, 200)
		body := string(r.Body)
		for _, id := range want {
			if strings.Contains(body, link+id+`"`) {
				seen[id]++
			}
		}
		path = ""
		if i := strings.Index(body, `href="`+next); i >= 0 {
			rest := body[i+len(`href="`):]
			path = strings.ReplaceAll(rest[:strings.IndexByte(rest, '"')], "&amp;", "&")
		}
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Fatalf("%s%s on %d pages", link, id, seen[id])
		}
	}
	return pages
}

// TestLicenseWebPages walks a license policy's history on the license
// page and an agent's grants on its page, 100 a page.
func TestLicenseWebPages(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, withPages)
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	var sets, grants []string
	eve := e.CreateAgent("Eve")
	for i := range 105 {
		lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: fmt.Sprint("lib ", i), Kind: "software"})
		sets = append(sets, e.Act(ada, license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: jsontext.Value(licensePolicy)}))
		asOf := time.Now().UnixMilli()
		ld, err := e.Client.EvaluateLicense(t.Context(), lib, eve.ID, license.RequestData{}, asOf)
		if err != nil || ld.Grant == nil {
			t.Fatalf("evaluate: %+v, %v", ld, err)
		}
		grants = append(grants, e.Post(eve.SignAt(t, license.TypeRequest, license.RequestData{Commons: lib, Grant: ld.Grant}, time.UnixMilli(asOf))))
	}
	if n := webPages(t, e, "/agents/"+eve.ID, "/agents/"+eve.ID+"?grants=", "/grants/", grants); n != 2 {
		t.Errorf("%d pages of grants", n)
	}
	// One commons' history, by versions.
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	sets = sets[:0]
	// Each signed a millisecond apart: two equal events signed in the same
	// millisecond are one event, refused the second time.
	start := time.Now()
	for i := range 105 {
		at := start.Add(time.Duration(i) * time.Millisecond)
		sets = append(sets, e.Post(ada.SignAt(t, license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: jsontext.Value(licensePolicy)}, at)))
	}
	if n := webPages(t, e, "/commons/"+lib+"/license", "/commons/"+lib+"/license?history=", "/events/", sets[:len(sets)-1]); n != 2 {
		t.Errorf("%d pages of history", n)
	}
}
