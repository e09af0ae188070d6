package activity

import (
	"strings"

	"github.com/meent/meent/governance"
	"github.com/meent/meent/web/i18n"
)

// The governance area's lines: polls opened, votes, delegations, closes
// with their outcome, cancels and decision rules.

// governRefs is what the governance events name.
type governRefs struct {
	Commons  string   `json:"commons"`
	Poll     string   `json:"poll"`
	Question string   `json:"question"`
	To       string   `json:"to"`
	Reason   string   `json:"reason"`
	Decide   []string `json:"decide"`
}

func init() {
	Messages(map[string]i18n.Text{
		"governance.open":            {i18n.EN: "{who} opened a poll in {commons}: “{question}”", i18n.NL: "{who} heeft een peiling geopend in {commons}: ‘{question}’"},
		"governance.open.node":       {i18n.EN: "{who} opened a poll of the node: “{question}”", i18n.NL: "{who} heeft een peiling voor de hele node geopend: ‘{question}’"},
		"governance.poll":            {i18n.EN: "the poll “{question}”", i18n.NL: "de peiling ‘{question}’"},
		"governance.poll.unknown":    {i18n.EN: "a poll", i18n.NL: "een peiling"},
		"governance.vote":            {i18n.EN: "{who} voted in {poll}", i18n.NL: "{who} heeft gestemd in {poll}"},
		"governance.delegate":        {i18n.EN: "{who} let {agent} vote for them in {scope}", i18n.NL: "{who} laat {agent} voor zich stemmen in {scope}"},
		"governance.delegate.nobody": {i18n.EN: "{who} let someone else vote for them in {scope}", i18n.NL: "{who} laat iemand anders voor zich stemmen in {scope}"},
		"governance.undelegate":      {i18n.EN: "{who} now votes again themselves in {scope}", i18n.NL: "{who} stemt weer zelf in {scope}"},
		"governance.scope.commons":   {i18n.EN: "the polls of {commons}", i18n.NL: "de peilingen van {commons}"},
		"governance.scope.node":      {i18n.EN: "the polls of the node", i18n.NL: "de peilingen voor de hele node"},
		"governance.close":           {i18n.EN: "{who} closed {poll}", i18n.NL: "{who} heeft {poll} gesloten"},
		"governance.close.passed":    {i18n.EN: "{who} closed {poll}: it passed", i18n.NL: "{who} heeft {poll} gesloten: aangenomen"},
		"governance.close.enacted":   {i18n.EN: "{who} closed {poll}: it passed, and what it decided is done", i18n.NL: "{who} heeft {poll} gesloten: aangenomen, en het besluit is uitgevoerd"},
		"governance.close.refused":   {i18n.EN: "{who} closed {poll}: it passed, but a change it carried was refused", i18n.NL: "{who} heeft {poll} gesloten: aangenomen, maar een wijziging uit het besluit werd geweigerd"},
		"governance.close.rejected":  {i18n.EN: "{who} closed {poll}: it did not pass", i18n.NL: "{who} heeft {poll} gesloten: niet aangenomen"},
		"governance.close.winners":   {i18n.EN: "{who} closed {poll}: {winners}", i18n.NL: "{who} heeft {poll} gesloten: {winners}"},
		"governance.close.sense":     {i18n.EN: "{who} closed {poll}, a sense check that decides nothing", i18n.NL: "{who} heeft {poll} gesloten, een peiling die niets beslist"},
		"governance.cancel":          {i18n.EN: "{who} cancelled {poll}", i18n.NL: "{who} heeft {poll} geannuleerd"},
		"governance.rules":           {i18n.EN: "{who} decided that in {commons} only a poll makes these changes: {changes}", i18n.NL: "{who} heeft bepaald dat in {commons} alleen een peiling deze wijzigingen maakt: {changes}"},
		"governance.rules.end":       {i18n.EN: "{who} ended the decision rules of {commons}", i18n.NL: "{who} heeft de besluitregels van {commons} beëindigd"},
		"governance.change.value":    {i18n.EN: "its value policy", i18n.NL: "het waardebeleid"},
		"governance.change.licence":  {i18n.EN: "its license policy", i18n.NL: "het licentiebeleid"},
		"governance.change.appoint":  {i18n.EN: "appointing maintainers", i18n.NL: "beheerders aanstellen"},
		"governance.change.dismiss":  {i18n.EN: "removing maintainers", i18n.NL: "beheerders afzetten"},
		"governance.change.resolve":  {i18n.EN: "settling disputes", i18n.NL: "geschillen beslechten"},
		"governance.change.rules":    {i18n.EN: "these rules", i18n.NL: "deze regels"},
		"governance.winners.elected": {i18n.EN: "elected {names}", i18n.NL: "gekozen: {names}"},
	})
	d := func(e *Event) governRefs { var r governRefs; e.Decode(&r); return r }
	// poll names a poll by its question, as its events' lines do.
	poll := func(e *Event, id string) (string, *governance.Poll) {
		var p governance.Poll
		if e.Object(governance.KindPoll, id, &p) {
			return e.T("governance.poll", "question", p.Question), &p
		}
		return e.T("governance.poll.unknown"), nil
	}
	scope := func(e *Event, r governRefs) string {
		switch {
		case r.Poll != "":
			s, _ := poll(e, r.Poll)
			return s
		case r.Commons != "":
			return e.T("governance.scope.commons", "commons", e.Commons(r.Commons))
		}
		return e.T("governance.scope.node")
	}
	Register(governance.TypeOpen, func(e *Event) string {
		r := d(e)
		if r.Commons == "" {
			return e.T("governance.open.node", "who", e.Who(), "question", r.Question)
		}
		return e.T("governance.open", "who", e.Who(), "commons", e.Commons(r.Commons), "question", r.Question)
	})
	Register(governance.TypeVote, func(e *Event) string {
		p, _ := poll(e, d(e).Poll)
		return e.T("governance.vote", "who", e.Who(), "poll", p)
	})
	Register(governance.TypeDelegate, func(e *Event) string {
		r := d(e)
		if r.To == "" {
			return e.T("governance.delegate.nobody", "who", e.Who(), "scope", scope(e, r))
		}
		return e.T("governance.delegate", "who", e.Who(), "agent", e.Agent(r.To), "scope", scope(e, r))
	})
	Register(governance.TypeUndelegate, func(e *Event) string {
		return e.T("governance.undelegate", "who", e.Who(), "scope", scope(e, d(e)))
	})
	Register(governance.TypeClose, func(e *Event) string {
		name, p := poll(e, d(e).Poll)
		args := []any{"who", e.Who(), "poll", name}
		if p == nil || p.Result == nil {
			return e.T("governance.close", args...)
		}
		switch {
		case !p.Result.Decides:
			return e.T("governance.close.sense", args...)
		case !p.Result.Passed:
			return e.T("governance.close.rejected", args...)
		case len(p.Result.Winners) > 0 && p.Rule.Method != "consent" && p.Rule.Method != "majority":
			w := e.T("governance.winners.elected", "names", strings.Join(p.Result.Winners, ", "))
			return e.T("governance.close.winners", append(args, "winners", w)...)
		}
		for _, x := range p.Enacted {
			if x.Status != "enacted" {
				return e.T("governance.close.refused", args...)
			}
		}
		if len(p.Enacted) > 0 {
			return e.T("governance.close.enacted", args...)
		}
		return e.T("governance.close.passed", args...)
	})
	Register(governance.TypeCancel, func(e *Event) string {
		r := d(e)
		p, _ := poll(e, r.Poll)
		return e.WithReason(e.T("governance.cancel", "who", e.Who(), "poll", p), r.Reason)
	})
	Register(governance.TypeRulesSet, func(e *Event) string {
		r := d(e)
		if len(r.Decide) == 0 {
			return e.T("governance.rules.end", "who", e.Who(), "commons", e.Commons(r.Commons))
		}
		names := map[string]string{"value.policy.set": "governance.change.value", "license.policy.set": "governance.change.licence",
			"commons.maintainer.add": "governance.change.appoint", "commons.maintainer.remove": "governance.change.dismiss",
			"contribution.resolve": "governance.change.resolve", governance.TypeRulesSet: "governance.change.rules"}
		var cs []string
		for _, t := range r.Decide {
			if k, ok := names[t]; ok {
				cs = append(cs, e.T(k))
			} else {
				cs = append(cs, t)
			}
		}
		return e.T("governance.rules", "who", e.Who(), "commons", e.Commons(r.Commons), "changes", strings.Join(cs, ", "))
	})
}
