package private

import (
	"encoding/json"
	"strings"

	"github.com/meent/meent"
)

// FreeText lists, per event type, the data members that are public free
// text: whatever a person types there is published forever, so Screen
// refuses personal data in them. A path is a member name, "name[]" for
// each string of an array, "name[].member" for a member of each object of
// an array.
//
// A new event type with free text (aid claims, later) adds its members
// here, and its personal detail goes into a private record named by a
// commitment member (Commitments). Types not listed have no free text, or
// are exempt for the reason given in Exempt.
var FreeText = map[string][]string{
	"agent.create":           {"name"},
	"agent.update":           {"name"},
	"commons.create":         {"name", "description", "links[]"},
	"commons.update":         {"name", "description", "links[]"},
	"commons.fork":           {"name", "description"},
	"contribution.submit":    {"title", "description", "evidence[].url", "evidence[].note"},
	"contribution.revise":    {"title", "description", "evidence[].url", "evidence[].note"},
	"contribution.review":    {"reason"},
	"contribution.dispute":   {"reason"},
	"contribution.resolve":   {"reason"},
	"need.post":              {"title", "description"},
	"need.close":             {"reason"},
	"income.record":          {"reference"},
	"payout.settle":          {"reference"},
	"license.request":        {"scope"},
	"license.pay":            {"reference", "scope"},
	"license.revoke":         {"reason"},
	"credit.currency.create": {"name"},
	"credit.currency.update": {"name"},
	"credit.transfer":        {"reference"},
	"governance.poll.open":   {"question", "description", "options[]"},
	"governance.poll.cancel": {"reason"},
	"budget.round.open":      {"title"},
	"budget.bucket.propose":  {"title", "description"},
	"budget.bucket.edit":     {"title", "description"},
	"budget.bucket.cancel":   {"reason"},
	"budget.spend":           {"reference"},
	"breadfund.cost":         {"description"},
	"breadfund.settle":       {"reference"},
	"resource.add":           {"name", "description", "location", "manuals[]"},
	"resource.update":        {"name", "description", "location", "manuals[]"},
	"resource.status":        {"reason"},
	"booking.request":        {"note"},
	"booking.cancel":         {"reason"},
	"booking.checkout":       {"condition", "damage"},
	"booking.checkin":        {"condition", "damage"},
	"booking.pay":            {"reference"},
	"item.damage":            {"description"},
	"item.repair":            {"description"},
}

// Exempt lists event types that carry text Screen does not check, and why.
var Exempt = map[string]string{
	"contribution.import": "copies a public git history: its identities are git e-mail addresses by design, and its subjects were published by git",
	"identity.claim":      "names a git identity, which is a git e-mail address by design",
	"identity.attest":     "names a git identity, which is a git e-mail address by design",
	"value.policy.set":    "a policy may name git identities to weigh or exclude them",
	"license.policy.set":  "a policy document written by maintainers, reviewed before it is set",
}

// CommitmentMembers lists, per event type, the data members that hold the
// commitment of a private record.
var CommitmentMembers = map[string][]string{
	"payout.settle": {"ref_commitment"},
	// The reason of a sick report: never in the log (docs/solidarity.md).
	"breadfund.sick": {"reason_commitment"},
}

// where tells the person refused where the detail belongs instead.
var where = map[string]string{
	"credit.transfer": "write what was traded, not who or where: a bank account or an address belongs in a private record (POST /api/v1/private), never in a transfer's reference",
	"payout.settle":   "store it as a private reference instead (meent payout settle --private-reference, or POST /api/v1/private and put the commitment in ref_commitment)",
}

// Screen refuses personal data (an IBAN, an e-mail address) in the public
// free-text members of an event's data. The node runs it on every event
// submitted to it; replay does not (see docs/privacy.md: logs written
// before this check may hold such text and must still verify). data is
// the event's data object, already strictly decoded.
func Screen(typ string, data []byte) error {
	paths := FreeText[typ]
	if len(paths) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil // the rules refuse it with a better message
	}
	for _, p := range paths {
		var err error
		walk(v, p, p, func(path, s string) bool {
			f, ok := Detect(s)
			if !ok {
				return true
			}
			hint := where[typ]
			if hint == "" {
				hint = "leave it out: personal detail belongs in a private record (POST /api/v1/private), never in public text"
			}
			err = meent.Errorf(meent.ERULE, "%s %s looks like it holds %s (at byte %d): the log is public and permanent, and personal data never goes into it; %s",
				typ, path, Article(f.Kind), f.Start, hint)
			return false
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// walk calls fn with every string at path in v until fn returns false.
func walk(v any, path, full string, fn func(path, s string) bool) bool {
	if path == "" {
		if s, ok := v.(string); ok {
			return fn(full, s)
		}
		return true
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return true
	}
	name, rest, _ := strings.Cut(path, ".")
	name, each := strings.CutSuffix(name, "[]")
	m, ok := obj[name]
	if !ok {
		return true
	}
	if !each {
		return walk(m, rest, full, fn)
	}
	arr, _ := m.([]any)
	for _, e := range arr {
		if !walk(e, rest, full, fn) {
			return false
		}
	}
	return true
}

// Commitments returns the commitments an event's data names, for the node
// to check that it holds their private records before it appends the
// event. A member that is absent, empty or malformed is skipped: the
// rules refuse a malformed one.
func Commitments(typ string, data []byte) []Commitment {
	members := CommitmentMembers[typ]
	if len(members) == 0 {
		return nil
	}
	var obj map[string]any
	if json.Unmarshal(data, &obj) != nil {
		return nil
	}
	var out []Commitment
	for _, m := range members {
		s, _ := obj[m].(string)
		if c, err := ParseCommitment(s); err == nil {
			out = append(out, c)
		}
	}
	return out
}
