package valueweb

import (
	"html/template"
	"net/url"
	"strings"

	"github.com/meent/meent/http"
	"github.com/meent/meent/value"
	"github.com/meent/meent/web/chart"
	"github.com/meent/meent/web/i18n"
)

// The page helpers that need both this package's types and the page's
// locale: recipients in words, and the pictures on the pages, where people
// would rather look than read, drawn by web/chart in the page's language
// with the numbers beside them.

// recipientLink is recipients.Link in a language: agents by name, pools
// by what they are, upstream commons by name.
func recipientLink(loc *i18n.Locale, rs recipients, kind, id string) template.HTML {
	if kind == value.RecipientAgent || kind == value.RecipientIdentity {
		return rs.Link(kind, id)
	}
	if up, ok := strings.CutPrefix(id, value.PoolUpstreamPrefix); ok {
		name := http.ShortID(up)
		if c, err := rs.o.Commons(up); err == nil {
			name = c.Name
		}
		return loc.HTML("value.upstream", "commons", i18n.Link("/commons/"+url.PathEscape(up), name))
	}
	return template.HTML(template.HTMLEscapeString(loc.Label(id)) + ` <span class="note">` + template.HTMLEscapeString(loc.T("value.pool")) + `</span>`)
}

// shareChart draws who gets what of a distribution as bars. The table
// under it holds the same numbers, so the chart points at it rather than
// repeating them.
func shareChart(loc *i18n.Locale, p distributionPage) template.HTML {
	if p.Distribution == nil {
		return ""
	}
	r := p.Distribution.Result
	cur := r.Income.Currency
	c := chart.Chart{ID: "shares", Kind: chart.HBar, TableID: "who-gets-what",
		Title:  loc.T("distribution.chart.title", "amount", loc.PageMoney(r.Income.Amount, cur)),
		Desc:   loc.T("distribution.chart.desc"),
		Format: func(v int64) string { return loc.PageMoney(v, cur) },
		Series: []chart.Series{{Name: loc.T("common.amount")}}}
	for _, a := range r.Allocations {
		c.Labels = append(c.Labels, recipientName(loc, p.Names, a))
		c.Series[0].Values = append(c.Series[0].Values, a.Amount)
	}
	h, err := chart.Render(c)
	if err != nil {
		return "" // the table below still has every number
	}
	return h
}

// recipientName is a recipient as plain text for a chart label.
func recipientName(loc *i18n.Locale, n *http.Names, a value.Allocation) string {
	switch a.Kind {
	case value.RecipientAgent:
		return n.Name(a.Recipient)
	case value.RecipientIdentity:
		return a.Recipient
	}
	return loc.Label(a.Recipient)
}
