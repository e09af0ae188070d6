package commonsweb

import (
	"html/template"

	"github.com/meent/meent/api"
	"github.com/meent/meent/http"
	"github.com/meent/meent/web/chart"
	"github.com/meent/meent/web/i18n"
)

// The page helpers that need both this package's types and the page's
// locale: recipients in words, and the pictures on the pages, where people
// would rather look than read, drawn by web/chart in the page's language
// with the numbers beside them.

// pledgeChart draws a need's pledges, one bar per pledger, when they are
// all in one currency (the total is only a sum then).
func pledgeChart(loc *i18n.Locale, d api.Need, n *http.Names) template.HTML {
	if len(d.Pledges) == 0 {
		return ""
	}
	cur := d.Pledges[0].Currency
	var total int64
	c := chart.Chart{ID: "pledges", Kind: chart.HBar, LabelHeader: loc.T("need.chart.who"),
		Format: func(v int64) string { return loc.PageMoney(v, cur) },
		Series: []chart.Series{{Name: loc.T("need.chart.series")}}}
	for _, p := range d.Pledges {
		if p.Currency != cur {
			return ""
		}
		total += p.Amount
		c.Labels = append(c.Labels, n.Name(p.Agent))
		c.Series[0].Values = append(c.Series[0].Values, p.Amount)
	}
	c.Title = loc.T("need.chart.title")
	c.Desc = loc.T("need.chart.desc", "total", loc.PageMoney(total, cur))
	h, err := chart.Render(c)
	if err != nil {
		return ""
	}
	return h
}
