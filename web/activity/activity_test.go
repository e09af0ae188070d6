package activity_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/governance/tally"
	"github.com/meent/meent/license"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
	"github.com/meent/meent/web/activity"
	"github.com/meent/meent/web/i18n"
)

// lookup is activity.Lookup over a map: the lines are pure functions of
// the record and what it names, so a table of names is the whole world
// they see (the HTTP side's lookup over the store is exercised by http's
// tests).
type lookup struct {
	agents  map[string]string
	objects map[[2]string]any
}

func (l lookup) Agent(id string) string {
	if n, ok := l.agents[id]; ok {
		return n
	}
	return activity.Short(id)
}

func (l lookup) Object(kind, id string, v any) bool {
	o, ok := l.objects[[2]string{kind, id}]
	if !ok {
		return false
	}
	b, _ := json.Marshal(o)
	return json.Unmarshal(b, v) == nil
}

const (
	ada   = "ada00000000000000000000000000000"
	bo    = "bo000000000000000000000000000000"
	atlas = "c0000000000000000000000000000001"
	blade = "k0000000000000000000000000000001"
	mould = "n0000000000000000000000000000001"
	inc   = "i0000000000000000000000000000001"
	grant = "g0000000000000000000000000000001"
	poll  = "p0000000000000000000000000000001"
	lost  = "p0000000000000000000000000000002"
	rcv   = "p0000000000000000000000000000003"
)

var world = lookup{
	agents: map[string]string{ada: "Ada", bo: "Bo"},
	objects: map[[2]string]any{
		{commons.KindCommons, atlas}:      commons.Commons{ID: atlas, Name: "Windatlas"},
		{commons.KindContribution, blade}: commons.Contribution{ID: blade, Title: "Wiekontwerp"},
		{commons.KindNeed, mould}:         commons.Need{ID: mould, Title: "Mal voor de wiek"},
		{value.KindIncome, inc}:           value.Income{ID: inc, Commons: atlas, Amount: commons.Money{Amount: 1001, Currency: "EUR"}},
		{license.KindGrant, grant}:        license.Grant{ID: grant, Commons: atlas, Licensee: bo},
		{governance.KindPoll, poll}: governance.Poll{ID: poll, Commons: atlas, Question: "Nieuw waardebeleid?", Rule: tally.Rule{Method: "majority"},
			Result: &tally.Result{Decides: true, Passed: true}, Enacted: []governance.Enactment{{Type: "value.policy.set", Status: "enacted"}}},
		{governance.KindPoll, lost}: governance.Poll{ID: lost, Question: "Later open?", Rule: tally.Rule{Method: "consent"},
			Result: &tally.Result{Decides: true}},
		{governance.KindPoll, rcv}: governance.Poll{ID: rcv, Question: "Welke kleur?", Rule: tally.Rule{Method: "ranked"},
			Result: &tally.Result{Decides: true, Passed: true, Winners: []string{"groen"}}},
		{credit.KindCurrency, "UUR"}: credit.Currency{CurrencyData: credit.CurrencyData{Code: "UUR", Exponent: 0}},
	},
}

// data is event data naming everything any line reads, so every type's
// line has what it needs: one record per type tells whether it has a line.
func data(over map[string]any) []byte {
	d := map[string]any{
		"commons": atlas, "contribution": blade, "need": mould, "agent": bo, "name": "Bo", "title": "Wiekontwerp",
		"verdict": "accept", "outcome": "uphold", "kind": "sale", "role": "member", "priority": 4,
		"pledge": map[string]any{"amount": 5000, "currency": "EUR"}, "identity": "git:bo@example.org",
		"commits": []any{map[string]any{}, map[string]any{}}, "income": inc, "recipient": bo,
		"amount": map[string]any{"amount": 120000, "currency": "EUR"}, "licensee": bo, "commercial": true,
	}
	for k, v := range over {
		d[k] = v
	}
	b, _ := json.Marshal(d)
	return b
}

func record(typ string, over map[string]any) meent.Record {
	return meent.Record{Type: typ, Author: ada, Data: data(over)}
}

func locale(l i18n.Lang) *i18n.Locale {
	loc := i18n.New(l, nil)
	loc.ISOMoney = l == i18n.EN // as the pages and the API have it
	return loc
}

// TestEveryTypeHasALine: every event type of the catalogue has a line of
// its own in every language, with every parameter filled in. A new event
// type without a line fails here.
func TestEveryTypeHasALine(t *testing.T) {
	for _, et := range state.EventTypes {
		if !activity.Has(et.Type) {
			t.Errorf("%s (area %s) has no activity line: register one in web/activity", et.Type, et.Area)
			continue
		}
		for _, l := range i18n.Langs {
			got := activity.Describe(record(et.Type, nil), world, locale(l))
			generic := activity.Describe(meent.Record{Type: et.Type, Author: ada}, lookup{}, locale(l))
			if got == "" || strings.ContainsAny(got, "{}") || strings.Contains(got, " "+et.Type) {
				t.Errorf("%s in %s: %q", et.Type, l, got)
			}
			if strings.HasPrefix(got, et.Type) || got == activity.Say(locale(l), "activity.signed", "who", "Ada", "type", et.Type) {
				t.Errorf("%s in %s has only the generic line: %q (empty data: %q)", et.Type, l, got, generic)
			}
		}
	}
}

// TestMessages holds every sentence to the catalogue's rules (i18n.Check):
// every language, the same parameters, Dutch that is not the English.
func TestMessages(t *testing.T) {
	for key, text := range activity.Texts() {
		for _, p := range i18n.Check(key, text) {
			t.Error(p)
		}
	}
}

// english are words that do not occur in a Dutch line: the sign that a
// sentence or a part of one (a fallback, a name for a thing) stayed English.
var english = regexp.MustCompile(`(?i)\b(the|and|of|to|for|was|an|a|by|from|with|into|their|signed|recorded|asked|made|gave|contribution|need|pool|day|days|license|income|payment|identity|commons created)\b`)

// variants are records that take other branches of the lines: unknown
// objects, other verdicts and kinds, reasons.
func variants() []meent.Record {
	var out []meent.Record
	for _, et := range state.EventTypes {
		out = append(out, record(et.Type, nil))
		out = append(out, record(et.Type, map[string]any{"contribution": "x", "need": "x", "income": "x", "grant": `"x"`, "reason": "te lang\nen meer"}))
	}
	review, signal, income, settle, attest, request := []string{commons.TypeReview, commons.TypeResolve}, []string{commons.TypeNeedSignal},
		[]string{value.TypeIncomeRecord}, []string{value.TypePayoutSettle}, []string{license.TypeAttest}, []string{license.TypeRequest}
	for _, v := range []struct {
		types []string
		over  map[string]any
	}{
		{review, map[string]any{"verdict": "reject"}}, {review, map[string]any{"verdict": "changes"}}, {review, map[string]any{"verdict": "?"}},
		{review, map[string]any{"outcome": "overturn"}}, {review, map[string]any{"outcome": "?"}},
		{signal, map[string]any{"kind": "plus_one"}}, {signal, map[string]any{"kind": "priority"}}, {signal, map[string]any{"kind": "pledge"}}, {signal, map[string]any{"kind": "?"}},
		{income, map[string]any{"kind": "donation"}}, {income, map[string]any{"kind": "grant"}}, {income, map[string]any{"kind": "license_fee"}}, {income, map[string]any{"kind": "other"}},
		{settle, map[string]any{"kind": "pool", "recipient": "infrastructure"}}, {settle, map[string]any{"kind": "pool", "recipient": "co_budget"}},
		{settle, map[string]any{"kind": "pool", "recipient": "solidarity"}}, {settle, map[string]any{"kind": "pool", "recipient": "contributors"}},
		{attest, map[string]any{"kind": "cooperative"}}, {attest, map[string]any{"kind": "worker_owned"}}, {attest, map[string]any{"kind": "nonprofit"}},
		{attest, map[string]any{"kind": "association"}}, {attest, map[string]any{"kind": "company"}}, {attest, map[string]any{"kind": "public_body"}},
		{attest, map[string]any{"kind": "individual"}},
		{[]string{"member.set"}, map[string]any{"role": "admin"}},
		{[]string{governance.TypeVote, governance.TypeClose, governance.TypeCancel, governance.TypeDelegate, governance.TypeUndelegate}, map[string]any{"poll": poll, "to": bo}},
		{[]string{governance.TypeClose}, map[string]any{"poll": lost}}, {[]string{governance.TypeClose}, map[string]any{"poll": rcv}},
		{[]string{governance.TypeOpen, governance.TypeDelegate}, map[string]any{"commons": ""}},
		{[]string{governance.TypeRulesSet}, map[string]any{"decide": []any{"value.policy.set", "governance.rules.set"}}},
		{[]string{commons.TypeNeedClaim, commons.TypeNeedRenew}, map[string]any{"lease_days": 1}},
		{[]string{commons.TypeImport}, map[string]any{"amends": []any{1}}}, {[]string{commons.TypeImport}, map[string]any{"commits": []any{1}}},
		{request, map[string]any{"grant": map[string]any{"rule": "trial"}}}, {request, map[string]any{"grant": map[string]any{"rule": "non_commercial"}}},
		{request, map[string]any{"grant": map[string]any{"rule": "price.bands[1]"}}}, {request, map[string]any{"commercial": false, "scope": "de app"}},
	} {
		for _, typ := range v.types {
			out = append(out, record(typ, v.over))
		}
	}
	return out
}

// TestDutchIsDutch: no Dutch line, in any branch, has English words in it.
func TestDutchIsDutch(t *testing.T) {
	nl := locale(i18n.NL)
	for _, rec := range variants() {
		got := activity.Describe(rec, world, nl)
		if w := english.FindString(got); w != "" {
			t.Errorf("%s: %q has the English word %q (data %s)", rec.Type, got, w, rec.Data)
		}
		if strings.Contains(got, "EUR") {
			t.Errorf("%s: %q writes money as the API does", rec.Type, got)
		}
	}
}

// TestGoldenDutch pins a handful of lines as a Dutch reader reads them,
// money and numbers in Dutch formats.
func TestGoldenDutch(t *testing.T) {
	nl := locale(i18n.NL)
	for _, c := range []struct {
		rec  meent.Record
		want string
	}{
		{record(commons.TypeCreate, map[string]any{"name": "Windatlas"}), "Ada heeft de commons Windatlas aangemaakt"},
		{record(commons.TypeReview, nil), "Ada heeft ‘Wiekontwerp’ geaccepteerd"},
		{record(commons.TypeReview, map[string]any{"verdict": "reject", "reason": "te groot\nmeer uitleg"}), "Ada heeft ‘Wiekontwerp’ afgewezen: te groot"},
		{record(commons.TypeNeedSignal, map[string]any{"kind": "pledge", "pledge": map[string]any{"amount": 123456, "currency": "EUR"}}),
			"Ada heeft € 1.234,56 toegezegd aan de behoefte ‘Mal voor de wiek’"},
		{record(commons.TypeNeedClaim, map[string]any{"lease_days": 1}), "Ada heeft de behoefte ‘Mal voor de wiek’ voor 1 dag op zich genomen"},
		{record(commons.TypeImport, map[string]any{"commits": make([]any, 1234)}), "Ada heeft 1.234 commits geïmporteerd in Windatlas"},
		{record(value.TypeIncomeRecord, map[string]any{"kind": "donation"}), "Ada heeft een donatie van € 1.200,00 geboekt voor Windatlas"},
		{record(value.TypeDistributionRun, nil), "Ada heeft de inkomsten van € 10,01 in Windatlas verdeeld"},
		{record(value.TypePayoutSettle, map[string]any{"kind": "pool", "recipient": "infrastructure", "amount": map[string]any{"amount": 500, "currency": "EUR"}}),
			"Ada heeft een betaling van € 5,00 van Windatlas aan de pot voor infrastructuur geboekt"},
		{record(license.TypeAttest, map[string]any{"kind": "cooperative"}), "Ada heeft bevestigd dat Bo een coöperatie is"},
		{record(license.TypeRequest, map[string]any{"grant": map[string]any{"rule": "non_commercial"}, "commercial": false}),
			"Ada heeft een gratis licentie gekregen voor niet-commercieel gebruik van Windatlas (niet-commercieel)"},
		{record(license.TypeRevoke, map[string]any{"grant": grant, "reason": "gebruikt voor een gesloten model"}),
			"Ada heeft de licentie van Bo voor Windatlas ingetrokken: gebruikt voor een gesloten model"},
		{record(credit.TypeTransfer, map[string]any{"currency": "UUR", "from": atlas, "to": bo, "amount": 1234, "reference": "twee dagen de boor"}),
			"Ada heeft UUR 1.234 van Windatlas betaald aan Bo: twee dagen de boor"},
		{record(credit.TypeDemurrage, map[string]any{"currency": "UUR", "period": "2026-11"}), "Ada heeft de omloopheffing over 2026-11 op UUR toegepast"},
		{record("member.set", map[string]any{"role": "admin"}), "Ada heeft Bo nodebeheerder gemaakt"},
		{record(governance.TypeOpen, map[string]any{"question": "Nieuw waardebeleid?"}), "Ada heeft een peiling geopend in Windatlas: ‘Nieuw waardebeleid?’"},
		{record(governance.TypeClose, map[string]any{"poll": poll}), "Ada heeft de peiling ‘Nieuw waardebeleid?’ gesloten: aangenomen, en het besluit is uitgevoerd"},
		{record(governance.TypeClose, map[string]any{"poll": rcv}), "Ada heeft de peiling ‘Welke kleur?’ gesloten: gekozen: groen"},
		{record(governance.TypeDelegate, map[string]any{"to": bo}), "Ada laat Bo voor zich stemmen in de peilingen van Windatlas"},
		{record("poll.open", nil), "Ada heeft poll.open ondertekend"},
	} {
		if got := activity.Describe(c.rec, world, nl); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.rec.Type, got, c.want)
		}
	}
}

// TestEnglish: the English lines are the API's summaries as they were
// (http's and licenseapi's tests pin more of them), money in the API's form.
func TestEnglish(t *testing.T) {
	en := locale(i18n.EN)
	for _, c := range []struct {
		rec  meent.Record
		want string
	}{
		{record(commons.TypeNeedSignal, map[string]any{"kind": "pledge"}), "Ada pledged 50.00 EUR to the need “Mal voor de wiek”"},
		{record(commons.TypeNeedSignal, map[string]any{"kind": "priority", "need": "n1"}), "Ada gave need n1 priority 4 of 5"},
		{record(commons.TypeImport, map[string]any{"amends": []any{1}}), "Ada imported 2 commits into Windatlas and added the line counts of 1 commit imported without them"},
		{record(value.TypeIncomeRecord, map[string]any{"kind": "donation"}), "Ada recorded a donation of 1200.00 EUR for Windatlas"},
		{record(value.TypePayoutSettle, map[string]any{"kind": "pool", "recipient": "infrastructure"}), "Ada recorded a payment of 1200.00 EUR from Windatlas to the infrastructure pool"},
		{record(license.TypeAttest, map[string]any{"kind": "cooperative"}), "Ada attested that Bo is a cooperative"},
		{record(commons.TypeDispute, map[string]any{"reason": "it works\nsee the tests"}), "Ada disputed the rejection of “Wiekontwerp”: it works"},
		{record("agent.create", map[string]any{"kind": "person"}), "Bo joined as a new person"},
		{record(governance.TypeClose, map[string]any{"poll": lost}), "Ada closed the poll “Later open?”: it did not pass"},
		{record(governance.TypeVote, map[string]any{"poll": poll}), "Ada voted in the poll “Nieuw waardebeleid?”"},
		{record(governance.TypeRulesSet, map[string]any{"decide": []any{"value.policy.set"}}), "Ada decided that in Windatlas only a poll makes these changes: its value policy"},
	} {
		if got := activity.Describe(c.rec, world, en); got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.rec.Type, got, c.want)
		}
	}
}

// TestRegisterTwice: two areas cannot both describe one type.
func TestRegisterTwice(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a second describer for commons.create was accepted")
		}
	}()
	activity.Register(commons.TypeCreate, func(*activity.Event) string { return "" })
}

// TestNamesAreText: a line is plain text; names go in as they are and the
// page, the feed or the JSON encoder escapes them (http's tests check
// that they do).
func TestNamesAreText(t *testing.T) {
	w := lookup{agents: map[string]string{ada: `<script>alert(1)</script>`}}
	for _, l := range i18n.Langs {
		got := activity.Describe(record(commons.TypeCreate, map[string]any{"name": `{who} & <b>`}), w, locale(l))
		if !strings.Contains(got, `<script>alert(1)</script>`) || !strings.Contains(got, `{who} & <b>`) {
			t.Errorf("%s: %q", l, got)
		}
	}
}
