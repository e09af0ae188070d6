package breadfundweb

import (
	"strings"
	"testing"

	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/api/breadfundapi"
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/web"
	"github.com/meent/meent/web/commonsweb"
)

func TestFundPages(t *testing.T) {
	e := apitest.New(t, apitest.Registers(breadfundapi.Register, web.Register, commonsweb.Register, Register))
	c := apitest.NewCommunity(t, e)
	p := breadfund.Example()
	p.MinMembers = 2
	e.Act(c.Ada, breadfund.TypePolicySet, breadfund.PolicySetData{Commons: c.Turbine, Policy: p.Marshal()})
	for _, m := range []*apitest.Signer{c.Cy, c.Dee} {
		e.Act(m, breadfund.TypeJoin, breadfund.JoinData{Commons: c.Turbine, Level: 2})
		e.Act(c.Ada, breadfund.TypeAdmit, breadfund.CandidateData{Commons: c.Turbine, Candidate: m.ID})
	}
	for _, lang := range []string{"en", "nl"} {
		r := e.Get("/breadfunds/" + c.Turbine + "?lang=" + lang)
		apitest.WantStatus(t, r, 200)
		want := map[string][]string{"en": {"The fund is running.", "Members", "In the pots now"}, "nl": {"Het fonds draait.", "Leden", "Nu in de potjes"}}[lang]
		apitest.WantContains(t, r, want...)
		// Aggregates only: no member is named on the public page.
		for _, name := range []string{"Cy", "Dee"} {
			if strings.Contains(string(r.Body), ">"+name+"<") {
				t.Errorf("%s: the public page names %s", lang, name)
			}
		}
	}
	apitest.WantContains(t, e.Get("/commons/"+c.Turbine), "/breadfunds/"+c.Turbine)
	apitest.WantStatus(t, e.Get("/breadfunds/"+c.Bob.ID), 404)
}
