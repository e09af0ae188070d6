package license

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"

	"github.com/meent/meent"
)

// Policy is a license policy: the versioned document a commons refers to
// (commons.Commons.LicensePolicy) that says under which license the commons
// is published and who may use it commercially, free or for a price.
//
// Evolution: Format is 1. A later format may add members whose zero value
// keeps today's meaning; any change of meaning gets a new Format, and a
// node refuses formats it does not know. Decoding refuses unknown members,
// duplicate members, invalid UTF-8 and trailing data, so two nodes never
// read one policy differently.
type Policy struct {
	Format  int    `json:"format"`           // always 1 for now
	Version int64  `json:"version,omitzero"` // the author's version number
	Name    string `json:"name,omitempty"`

	// License is the SPDX identifier of the license the commons is
	// published under: one of the listed identifiers this package knows
	// (see KnownLicense), or "LicenseRef-" and letters, digits, "." and "-"
	// for a license not on the SPDX list.
	License string `json:"license"`

	// Free are the rules under which use costs nothing, tried in order;
	// the first that matches wins. Each kind appears at most once, so the
	// kind is the rule's stable identifier.
	Free []Rule `json:"free,omitempty"`

	// Price is what everyone else pays, per year.
	Price Schedule `json:"price"`

	// TrialDays, when not 0, is a free trial (at most MaxTrialDays) that a
	// paying organisation gets once, before it pays.
	TrialDays int64 `json:"trial_days,omitzero"`

	// JoinAlternative offers joining the cooperative instead of paying:
	// membership grants the license for as long as it lasts. It needs a
	// free rule of kind "member", which is what grants it.
	JoinAlternative bool `json:"join_alternative,omitzero"`

	// Attestors are agents, besides the commons' own maintainers and the
	// node's admins, whose license.attest this commons trusts: whose word
	// on what kind of organisation an agent is counts for its cooperative
	// and nonprofit rules (for example a federation of cooperatives that
	// vets its members). Added to format 1 in a way that keeps every
	// earlier policy valid: an absent list trusts only the maintainers and
	// the admins. An attestation never counts for the agent it is about.
	Attestors []string `json:"attestors,omitempty"`
}

// Rule is one free rule. Only the members of its kind may be set.
type Rule struct {
	Kind string `json:"kind"`

	// contributor: at least MinAccepted accepted contributions to this
	// commons in the last WindowDays days.
	MinAccepted int64 `json:"min_accepted,omitzero"`
	WindowDays  int64 `json:"window_days,omitzero"`

	// small_organisation: at most MaxEmployees employees.
	MaxEmployees int64 `json:"max_employees,omitzero"`
}

// Free rule kinds.
const (
	NonCommercial     = "non_commercial"     // any use that is not commercial
	Contributor       = "contributor"        // enough accepted contributions in a window
	Cooperative       = "cooperative"        // attested cooperatives and worker-owned enterprises
	Nonprofit         = "nonprofit"          // attested non-profits and associations
	SmallOrganisation = "small_organisation" // organisations up to a number of employees
	Member            = "member"             // members of the node
)

// Schedule is the yearly price of a commercial license by bands of one
// basis: the organisation's employees or its yearly revenue in minor units
// of Currency. The bands start at 0 and follow each other with no gap and
// no overlap, and the last one has no upper end, so exactly one band
// holds every size.
type Schedule struct {
	Currency string `json:"currency"` // ISO 4217 code, e.g. "EUR"
	Basis    string `json:"basis"`    // Employees or Revenue
	Bands    []Band `json:"bands"`
}

// Band is the sizes from From (included) to To (excluded) and their
// price. To is 0 for the last band, which has no upper end.
type Band struct {
	From         int64 `json:"from"`
	To           int64 `json:"to,omitzero"`
	PricePerYear int64 `json:"price_per_year"` // minor units of the schedule's currency, > 0
}

// Contains reports whether size falls in the band.
func (b Band) Contains(size int64) bool {
	return size >= b.From && (b.To == 0 || size < b.To)
}

// Bases of a price schedule.
const (
	Employees = "employees"
	Revenue   = "revenue"
)

// Limits of a policy.
const (
	Format          = 1
	MaxPolicySize   = 64 << 10 // bytes of policy JSON
	MaxNameLen      = 200      // bytes
	MaxLicenseLen   = 128      // bytes of the SPDX identifier
	MaxBands        = 32
	MaxPrice        = 1_000_000_000_000_000 // minor units per year
	MaxTrialDays    = 365
	MaxWindowDays   = 3660
	MaxMinAccepted  = 1_000_000
	MaxMaxEmployees = 10_000_000
	MaxAttestors    = 64
)

// listed are the SPDX License List identifiers a policy may name. The list
// is kept small on purpose: licenses that commons here are likely to use.
// The Peer Production License is on the SPDX list as "PPL" (its
// spdx/license-list-data entry); other copyfair licenses are written as
// LicenseRef-.
var listed = []string{
	"0BSD", "AGPL-3.0-only", "AGPL-3.0-or-later", "Apache-2.0",
	"BSD-2-Clause", "BSD-3-Clause", "CC-BY-4.0", "CC-BY-NC-4.0",
	"CC-BY-NC-SA-4.0", "CC-BY-SA-4.0", "CC0-1.0", "CERN-OHL-P-2.0",
	"CERN-OHL-S-2.0", "CERN-OHL-W-2.0", "EUPL-1.2", "GPL-2.0-only",
	"GPL-2.0-or-later", "GPL-3.0-only", "GPL-3.0-or-later", "ISC",
	"LGPL-2.1-only", "LGPL-2.1-or-later", "LGPL-3.0-only",
	"LGPL-3.0-or-later", "MIT", "MPL-2.0", "ODbL-1.0", "PPL",
}

// KnownLicense reports whether id is a license identifier a policy may
// name: a listed SPDX identifier in its exact case, or a LicenseRef-.
func KnownLicense(id string) bool {
	return checkLicense(id) == ""
}

// checkLicense returns why id is not acceptable, or "".
func checkLicense(id string) string {
	if id == "" {
		return "is required (an SPDX identifier such as \"AGPL-3.0-only\" or \"LicenseRef-Copyfair\")"
	}
	if len(id) > MaxLicenseLen {
		return fmt.Sprintf("is longer than %d bytes", MaxLicenseLen)
	}
	if ref, ok := strings.CutPrefix(id, "LicenseRef-"); ok {
		if ref == "" || strings.IndexFunc(ref, func(r rune) bool {
			return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-')
		}) >= 0 {
			return fmt.Sprintf("%q: after \"LicenseRef-\" only letters, digits, \".\" and \"-\" may follow, at least one", id)
		}
		return ""
	}
	for _, l := range listed {
		if l == id {
			return ""
		}
		if strings.EqualFold(l, id) {
			return fmt.Sprintf("%q is written %q", id, l)
		}
	}
	return fmt.Sprintf("%q is not a license identifier this node knows; write a license not on its list as \"LicenseRef-\" and a name", id)
}

// strict refuses unknown members; the json/v2 defaults already refuse
// duplicate members, invalid UTF-8 and trailing data.
var strict = json.RejectUnknownMembers(true)

// DecodePolicy reads a policy from its JSON form, strictly, and checks it.
// It returns *meent.Error with code ETOOLARGE or EINVALID.
func DecodePolicy(b []byte) (Policy, error) {
	if len(b) > MaxPolicySize {
		return Policy{}, meent.Errorf(meent.ETOOLARGE, "license policy: larger than %d bytes", MaxPolicySize)
	}
	var p Policy
	if err := json.Unmarshal(b, &p, strict); err != nil {
		return Policy{}, &meent.Error{Code: meent.EINVALID, Message: "license policy: not valid policy JSON: " + jsonReason(err), Err: err}
	}
	if err := p.Check(); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// jsonReason is a short, user-safe description of a decoding error.
func jsonReason(err error) string {
	s := strings.TrimPrefix(err.Error(), "json: ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// Encode returns the policy's canonical JSON: members in the order of the
// struct, zero optional members left out, no insignificant space.
func (p Policy) Encode() ([]byte, error) {
	b, err := json.Marshal(p, json.Deterministic(true))
	if err != nil {
		return nil, &meent.Error{Code: meent.EINVALID, Message: "license policy: cannot be encoded: " + jsonReason(err), Err: err}
	}
	return b, nil
}

// Check returns nil if the policy can be evaluated, and otherwise a
// *meent.Error with code EINVALID whose message names the field, as in
// "price.bands[2].from: ...".
func (p Policy) Check() error {
	bad := func(field, format string, args ...any) error {
		return meent.Errorf(meent.EINVALID, "license policy: "+field+": "+format, args...)
	}
	if p.Format != Format {
		return bad("format", "%d is not known (this node reads format %d)", p.Format, Format)
	}
	if p.Version < 0 {
		return bad("version", "must not be negative")
	}
	if len(p.Name) > MaxNameLen || !utf8.ValidString(p.Name) {
		return bad("name", "must be at most %d bytes of UTF-8", MaxNameLen)
	}
	if why := checkLicense(p.License); why != "" {
		return bad("license", "%s", why)
	}
	seen := map[string]bool{}
	for i, r := range p.Free {
		field := fmt.Sprintf("free[%d]", i)
		if seen[r.Kind] {
			return bad(field+".kind", "%q appears twice; each kind of rule appears at most once", r.Kind)
		}
		seen[r.Kind] = true
		if err := r.check(field, bad); err != nil {
			return err
		}
	}
	if err := p.Price.check(bad); err != nil {
		return err
	}
	if p.TrialDays < 0 || p.TrialDays > MaxTrialDays {
		return bad("trial_days", "must be from 0 (no trial) to %d", MaxTrialDays)
	}
	if p.JoinAlternative && !seen[Member] {
		return bad("join_alternative", "needs a free rule of kind %q: that rule is what grants the license to members", Member)
	}
	if len(p.Attestors) > MaxAttestors {
		return bad("attestors", "names %d agents; at most %d", len(p.Attestors), MaxAttestors)
	}
	for i, a := range p.Attestors {
		field := fmt.Sprintf("attestors[%d]", i)
		if !agentID(a) {
			return bad(field, "%q is not an agent ID (64 lowercase hex digits)", a)
		}
		if slices.Contains(p.Attestors[:i], a) {
			return bad(field, "%s appears twice", a)
		}
	}
	return nil
}

// agentID reports whether s has the form of an agent ID: the hex SHA-256
// event hash of its agent.create.
func agentID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

func (r Rule) check(field string, bad func(field, format string, args ...any) error) error {
	switch r.Kind {
	case NonCommercial, Contributor, Cooperative, Nonprofit, SmallOrganisation, Member:
	default:
		return bad(field+".kind", "%q is not a kind of free rule (%s, %s, %s, %s, %s or %s)",
			r.Kind, NonCommercial, Contributor, Cooperative, Nonprofit, SmallOrganisation, Member)
	}
	for _, m := range []struct {
		name    string
		v       int64
		applies bool
		max     int64
	}{
		{"min_accepted", r.MinAccepted, r.Kind == Contributor, MaxMinAccepted},
		{"window_days", r.WindowDays, r.Kind == Contributor, MaxWindowDays},
		{"max_employees", r.MaxEmployees, r.Kind == SmallOrganisation, MaxMaxEmployees},
	} {
		if !m.applies && m.v != 0 {
			return bad(field+"."+m.name, "does not apply to a rule of kind %q", r.Kind)
		}
		if m.applies && (m.v < 1 || m.v > m.max) {
			return bad(field+"."+m.name, "is %d; it must be from 1 to %d", m.v, m.max)
		}
	}
	return nil
}

func (s Schedule) check(bad func(field, format string, args ...any) error) error {
	if !currencyCode(s.Currency) {
		return bad("price.currency", "%q is not a three-letter upper-case code (ISO 4217, e.g. \"EUR\")", s.Currency)
	}
	if s.Basis != Employees && s.Basis != Revenue {
		return bad("price.basis", "%q must be %q or %q", s.Basis, Employees, Revenue)
	}
	if len(s.Bands) == 0 || len(s.Bands) > MaxBands {
		return bad("price.bands", "must hold from 1 to %d bands", MaxBands)
	}
	last := len(s.Bands) - 1
	for i, b := range s.Bands {
		field := fmt.Sprintf("price.bands[%d]", i)
		switch {
		case i == 0 && b.From != 0:
			return bad(field+".from", "is %d; the first band must start at 0 so every size has a price", b.From)
		case i > 0 && b.From > s.Bands[i-1].To:
			return bad(field+".from", "is %d, but the band before ends at %d: the sizes in between have no price (a gap)", b.From, s.Bands[i-1].To)
		case i > 0 && b.From < s.Bands[i-1].To:
			return bad(field+".from", "is %d, but the band before ends at %d: the sizes in between have two prices (an overlap)", b.From, s.Bands[i-1].To)
		case i < last && b.To == 0:
			return bad(field+".to", "is missing; only the last band has no upper end")
		case i < last && b.To <= b.From:
			return bad(field+".to", "is %d; it must be greater than from (%d)", b.To, b.From)
		case i == last && b.To != 0:
			return bad(field+".to", "is %d; the last band must have no upper end (leave out to) so every size has a price", b.To)
		case b.PricePerYear < 1 || b.PricePerYear > MaxPrice:
			return bad(field+".price_per_year", "must be from 1 to %d minor units; to make some organisations free, use a free rule", int64(MaxPrice))
		}
	}
	return nil
}

// band returns the index of the band that holds size >= 0; the schedule
// must be checked.
func (s Schedule) band(size int64) int {
	for i, b := range s.Bands {
		if b.Contains(size) {
			return i
		}
	}
	panic("license: unchecked price schedule")
}

func currencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
