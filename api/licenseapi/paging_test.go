package licenseapi

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/license"
)

// TestLicenseGrantsPage walks a commons' grants on its license page by
// the "next page" links, 100 a page: each grant is listed exactly once.
func TestLicenseGrantsPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ada := e.createAgent("Ada")
	e.act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.id, Role: agent.RoleAdmin})
	lib := e.act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	e.act(ada, license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: jsontext.Value(licensePolicy)})
	var grants []string
	for i := range 105 {
		s := e.createAgent(fmt.Sprint("user ", i))
		asOf := time.Now().UnixMilli()
		ld, err := e.client.EvaluateLicense(t.Context(), lib, s.id, license.RequestData{}, asOf)
		if err != nil || ld.Grant == nil {
			t.Fatalf("evaluate: %+v, %v", ld, err)
		}
		grants = append(grants, e.post(s.signAt(t, license.TypeRequest, license.RequestData{Commons: lib, Grant: ld.Grant}, time.UnixMilli(asOf))))
	}
	seen := map[string]int{}
	path, pages := "/commons/"+lib+"/license", 0
	for ; path != ""; pages++ {
		if pages > 5 {
			t.Fatal("the next links do not end")
		}
		r := e.get(path)
		wantStatus(t, r, 200)
		body := string(r.body)
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
