package activity

import (
	"github.com/meent/meent/agent"
	"github.com/meent/meent/web/i18n"
)

// The agent area's lines: agents, their keys and their membership.

// agentRefs is what the agent area's events name.
type agentRefs struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Agent string `json:"agent"`
	Role  string `json:"role"`
}

func init() {
	Messages(map[string]i18n.Text{
		"agent.create":      {i18n.EN: "{name} joined as a new {kind}", i18n.NL: "{name} doet nu mee, als {kind}"},
		"agent.update":      {i18n.EN: "Agent {agent} is now called {name}", i18n.NL: "Deelnemer {agent} heet nu {name}"},
		"agent.key.add":     {i18n.EN: "{who} added a signing key", i18n.NL: "{who} heeft een ondertekeningssleutel toegevoegd"},
		"agent.key.revoke":  {i18n.EN: "{who} revoked a signing key", i18n.NL: "{who} heeft een ondertekeningssleutel ingetrokken"},
		"agent.member.set":  {i18n.EN: "{who} made {agent} {role}", i18n.NL: "{who} heeft {agent} {role} gemaakt"},
		"agent.member.rm":   {i18n.EN: "{who} ended the membership of {agent}", i18n.NL: "{who} heeft het lidmaatschap van {agent} beëindigd"},
		"agent.role.admin":  {i18n.EN: "an admin", i18n.NL: "nodebeheerder"},
		"agent.role.member": {i18n.EN: "a member", i18n.NL: "lid"},
	})
	d := func(e *Event) agentRefs { var r agentRefs; e.Decode(&r); return r }
	Register(agent.TypeCreate, func(e *Event) string {
		r := d(e)
		return e.T("agent.create", "name", r.Name, "kind", e.Label(r.Kind))
	})
	Register(agent.TypeUpdate, func(e *Event) string {
		return e.T("agent.update", "agent", Short(e.Author), "name", d(e).Name)
	})
	Register(agent.TypeKeyAdd, func(e *Event) string { return e.T("agent.key.add", "who", e.Who()) })
	Register(agent.TypeKeyRevoke, func(e *Event) string { return e.T("agent.key.revoke", "who", e.Who()) })
	Register(agent.TypeMemberSet, func(e *Event) string {
		r := d(e)
		role := e.Label(r.Role)
		if k := "agent.role." + r.Role; messages[k] != nil {
			role = e.T(k)
		}
		return e.T("agent.member.set", "who", e.Who(), "agent", e.Agent(r.Agent), "role", role)
	})
	Register(agent.TypeMemberRm, func(e *Event) string {
		return e.T("agent.member.rm", "who", e.Who(), "agent", e.Agent(d(e).Agent))
	})
}
