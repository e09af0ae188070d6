// Exports: a policy published in forms that other people's tools read.
//
//   - WellKnownFile: the JSON a project commits at WellKnownPath, so that a
//     tool reading the project (meent license check, reading a module from
//     the Go module cache) finds the policy without asking a node.
//   - ODRL: the policy as an ODRL 2.2 Offer in JSON-LD, for rights
//     expression tools and data spaces.
//   - REUSE and LicenseRefText: a REUSE.toml (REUSE Specification 3.2) that
//     names the license of every file, and for a license that is not on the
//     SPDX list the text to commit as LICENSES/<id>.txt.

package license

import (
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
)

// WellKnownPath is where a project publishes its commons' license policy
// in its own tree (and so in every Go module zip made from it).
const WellKnownPath = ".well-known/meent-license.json"

// Limits of the exports.
const (
	WellKnownFormat  = 1        // the meent_license member
	MaxWellKnownSize = 64 << 10 // bytes of a well-known file
	MaxCommonsIDLen  = 128      // bytes
	MaxURLLen        = 1000     // bytes of a node's base URL
)

// WellKnownFile is the document at WellKnownPath: which node keeps the
// commons, the policy it publishes there, and where to check a license
// online. A module zip is untrusted input, so the file is read strictly
// (DecodeWellKnown) and only tells what the commons asks; the node's log
// remains the authority on grants.
//
// Evolution: MeentLicense is the format, 1. A later format may add members
// whose zero value keeps today's meaning; any change of meaning gets a new
// format, and readers refuse formats they do not know. Decoding refuses
// unknown members, duplicate members, invalid UTF-8 and trailing data, so
// that no two readers understand one file differently. CheckURL is derived
// from Node and Commons and must be exactly that URL: a file cannot send
// the reader's check to another host.
type WellKnownFile struct {
	MeentLicense  int    `json:"meent_license"`
	Node          string `json:"node"`           // the node's base URL, "https://meent.example" (no trailing slash)
	Commons       string `json:"commons"`        // the commons' ID on that node
	Name          string `json:"name"`           // the commons' name
	PolicyVersion int    `json:"policy_version"` // the node's number of this policy version (PolicyVersion.Version)
	Policy        Policy `json:"policy"`
	CheckURL      string `json:"check"` // CheckURL(Node, Commons)
}

// WellKnown returns the well-known file that publishes version (the
// node's number, from 1) of the policy of a commons kept at node.
func (p Policy) WellKnown(node, commonsID, commonsName string, version int) WellKnownFile {
	node = strings.TrimRight(node, "/")
	return WellKnownFile{
		MeentLicense: WellKnownFormat, Node: node, Commons: commonsID, Name: commonsName,
		PolicyVersion: version, Policy: p, CheckURL: CheckURL(node, commonsID),
	}
}

// CheckURL is the node's online license check for a commons; the caller
// adds "&agent=" and the use (see the HTTP API).
func CheckURL(node, commonsID string) string {
	return strings.TrimRight(node, "/") + "/api/v1/licenses/check?commons=" + url.QueryEscape(commonsID)
}

// Check returns nil if the file can be published and read, and otherwise
// a *meent.Error with code EINVALID whose message names the member.
func (f *WellKnownFile) Check() error {
	bad := func(field, format string, args ...any) error {
		return meent.Errorf(meent.EINVALID, "license well-known file: "+field+": "+format, args...)
	}
	if f.MeentLicense != WellKnownFormat {
		return bad("meent_license", "format %d is not known (this reader reads format %d)", f.MeentLicense, WellKnownFormat)
	}
	if why := checkNodeURL(f.Node); why != "" {
		return bad("node", "%s", why)
	}
	if why := checkCommonsID(f.Commons); why != "" {
		return bad("commons", "%s", why)
	}
	if why := checkText(f.Name); why != "" {
		return bad("name", "%s", why)
	}
	if f.PolicyVersion < 1 {
		return bad("policy_version", "is %d; versions count from 1", f.PolicyVersion)
	}
	if err := f.Policy.Check(); err != nil {
		return bad("policy", "%s", strings.TrimPrefix(meent.ErrorMessage(err), "license policy: "))
	}
	if want := CheckURL(f.Node, f.Commons); f.CheckURL != want {
		return bad("check", "is %q; it must be %q, the node's check for this commons", f.CheckURL, want)
	}
	return nil
}

// EncodeWellKnown returns the file's canonical form: members in the order
// of the struct, indented by two spaces for the people who review the
// commit, ending in a newline. It returns *meent.Error with code EINVALID
// for a file that does not Check.
func EncodeWellKnown(f WellKnownFile) ([]byte, error) {
	if err := f.Check(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(f, json.Deterministic(true), jsontext.Multiline(true), jsontext.WithIndent("  "))
	if err != nil {
		return nil, &meent.Error{Code: meent.EINVALID, Message: "license well-known file: cannot be encoded: " + jsonReason(err), Err: err}
	}
	return append(b, '\n'), nil
}

// DecodeWellKnown reads a well-known file, strictly, and checks it. It
// returns *meent.Error with code ETOOLARGE (more than MaxWellKnownSize
// bytes) or EINVALID.
func DecodeWellKnown(b []byte) (WellKnownFile, error) {
	if len(b) > MaxWellKnownSize {
		return WellKnownFile{}, meent.Errorf(meent.ETOOLARGE, "license well-known file: larger than %d bytes", MaxWellKnownSize)
	}
	var f WellKnownFile
	if err := json.Unmarshal(b, &f, strict); err != nil {
		return WellKnownFile{}, &meent.Error{Code: meent.EINVALID, Message: "license well-known file: not valid JSON of this format: " + jsonReason(err), Err: err}
	}
	if err := f.Check(); err != nil {
		return WellKnownFile{}, err
	}
	return f, nil
}

// checkNodeURL returns why s is not a node's base URL, or "": http or
// https, a host, no user, query or fragment, no trailing slash, and
// written in the form net/url writes it, so that one node has one
// spelling.
func checkNodeURL(s string) string {
	const want = "must be a node's base URL such as \"https://meent.example\""
	if s == "" {
		return "is required; it " + want
	}
	if len(s) > MaxURLLen {
		return fmt.Sprintf("is longer than %d bytes", MaxURLLen)
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Sprintf("%q %s", s, want)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Sprintf("%q %s (http or https)", s, want)
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "":
		return fmt.Sprintf("%q %s (a host, and no user, query or fragment)", s, want)
	case strings.HasSuffix(s, "/"):
		return fmt.Sprintf("%q must not end in \"/\"", s)
	case u.String() != s:
		return fmt.Sprintf("%q is written %q", s, u.String())
	}
	return ""
}

// checkCommonsID returns why id is not a commons ID, or "". IDs on a node
// are event hashes; any letters, digits, "-" and "_" are accepted, which
// keeps IDs safe in URL paths and queries.
func checkCommonsID(id string) string {
	if id == "" || len(id) > MaxCommonsIDLen {
		return fmt.Sprintf("must be 1 to %d bytes", MaxCommonsIDLen)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return fmt.Sprintf("%q: only letters, digits, \"-\" and \"_\"", id)
		}
	}
	return ""
}

// checkText returns why s is not a one-line name, or "".
func checkText(s string) string {
	if s == "" || len(s) > MaxNameLen || !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return fmt.Sprintf("must be 1 to %d bytes of UTF-8 on one line", MaxNameLen)
	}
	return ""
}

// checkExport checks what every export needs: a policy that Checks, a
// node URL, a commons ID and name. It returns the node URL without a
// trailing slash.
func checkExport(what string, p *Policy, node, commonsID, commonsName string) (string, error) {
	if err := p.Check(); err != nil {
		return "", err
	}
	node = strings.TrimRight(node, "/")
	for _, c := range []struct{ field, why string }{
		{"the base URL", checkNodeURL(node)},
		{"the commons ID", checkCommonsID(commonsID)},
		{"the commons name", checkText(commonsName)},
	} {
		if c.why != "" {
			return "", meent.Errorf(meent.EINVALID, "%s: %s %s", what, c.field, c.why)
		}
	}
	return node, nil
}

// NSPath is where a node's base URL keeps the ODRL profile of its license
// policies, and the "#" namespace of the terms that ODRL does not have.
const NSPath = "/ns/license"

// CurrencyIRI is the QUDT unit of an ISO 4217 currency, the unit of a
// payAmount: "EUR" is http://qudt.org/vocab/unit/CCY_EUR. A community
// currency's code gets an IRI of the same form that QUDT does not define.
func CurrencyIRI(code string) string { return "http://qudt.org/vocab/unit/CCY_" + code }

// ODRL writes version (the node's number) of the policy of a commons as
// an ODRL 2.2 Offer (https://www.w3.org/TR/odrl-model/) in JSON-LD. base
// is the node's base URL B; the IRIs are those of the valueflows export:
//
//	the offer (uid)              B/commons/<id>/license/v<version>
//	target: the commons          B/commons/<id>
//	assigner: its community      B/commons/<id>#agent
//	profile                      B/ns/license
//	terms ODRL lacks ("meent:")  B/ns/license#
//
// Each free rule is a permission to "use" the commons whose constraints
// say who or what it is for; the trial is one more; and each price band is
// a permission with a constraint on the organisation's size and one duty,
// "compensate", refined by payAmount (an exact xsd:decimal from the minor
// units, unit CurrencyIRI) and timeInterval P365D (the fee recurs every
// year, the term of a paid license).
//
// Why a permission per band and not one permission with a duty per band:
// in ODRL 2.2 a permission holds only when all its duties are fulfilled,
// and a duty whose constraint is not satisfied is not fulfilled, so the
// band duties of one permission could never all be met.
//
// Why the conditions on the licensee are rule constraints on terms of the
// meent namespace: ODRL has no left operand for an organisation's size,
// kind or membership, and the licensee is the assignee of the rule, whose
// characteristics a constraint may test (as ODRL's own "industry" does).
// odrl:recipient is not the licensee but whoever receives the result of
// the action, so it is not used. The meent terms:
//
//	meent:employees              the assignee's employees (xsd:integer)
//	meent:revenue                its yearly revenue (xsd:decimal, unit: currency)
//	meent:attestedKind           the kind of organisation a maintainer or another
//	                             trusted agent attested: meent:cooperative,
//	                             meent:worker_owned, meent:nonprofit, meent:association
//	meent:acceptedContributions  its contributions to the target accepted within the
//	                             constraint's meent:window (xsd:duration) before the use
//	meent:member                 it is a member of the node's cooperative (xsd:boolean)
//	meent:hadTrial               it already had this commons' trial (xsd:boolean)
//	meent:license                the SPDX identifier the commons is published under
//
// Non-commercial use is the ODRL left operand "purpose" not equal to
// cc:CommercialUse, the term the ODRL 2.2 vocabulary names in place of its
// deprecated odrl:commercialize. The output depends only on the
// arguments. It returns *meent.Error with code EINVALID for a policy that
// does not Check, a base URL that is not absolute, a bad commons ID or
// name, or a version below 1.
func ODRL(w io.Writer, p Policy, base, commonsID, commonsName string, version int) error {
	base, err := checkExport("odrl", &p, base, commonsID, commonsName)
	if err != nil {
		return err
	}
	if version < 1 {
		return meent.Errorf(meent.EINVALID, "odrl: the policy version is %d; versions count from 1", version)
	}
	b, err := json.Marshal(odrlOffer(&p, base, commonsID, commonsName, version),
		json.Deterministic(true), jsontext.Multiline(true), jsontext.WithIndent("  "))
	if err != nil {
		return fmt.Errorf("odrl: encode: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// The ODRL document, in the order its members are written. Compact terms
// ("use", "eq", "purpose") are defined by the ODRL context; prefixed ones
// by the context object of the offer.
type (
	odrlPolicy struct {
		Context    []any            `json:"@context"`
		Type       string           `json:"@type"`
		UID        string           `json:"uid"`
		Profile    string           `json:"profile"`
		Title      string           `json:"dct:title"`
		License    string           `json:"meent:license"`
		LicenseIRI *odrlID          `json:"dct:license,omitempty"`
		Permission []odrlPermission `json:"permission"`
	}
	odrlPermission struct {
		UID        string           `json:"uid"`
		Target     string           `json:"target"`
		Assigner   string           `json:"assigner"`
		Action     string           `json:"action"`
		Constraint []odrlConstraint `json:"constraint,omitempty"`
		Duty       []odrlDuty       `json:"duty,omitempty"`
	}
	odrlDuty struct {
		Action           []odrlAction `json:"action"`
		CompensatedParty string       `json:"compensatedParty"`
	}
	odrlAction struct {
		Value      odrlID           `json:"rdf:value"`
		Refinement []odrlConstraint `json:"refinement"`
	}
	odrlConstraint struct {
		LeftOperand  string       `json:"leftOperand"`
		Operator     string       `json:"operator"`
		RightOperand any          `json:"rightOperand"` // odrlLiteral, odrlID or []odrlID
		Unit         string       `json:"unit,omitempty"`
		Window       *odrlLiteral `json:"meent:window,omitempty"`
	}
	odrlLiteral struct {
		Value string `json:"@value"`
		Type  string `json:"@type"`
	}
	odrlID struct {
		ID string `json:"@id"`
	}
)

func odrlInt(v int64) odrlLiteral       { return odrlLiteral{strconv.FormatInt(v, 10), "xsd:integer"} }
func odrlDuration(d string) odrlLiteral { return odrlLiteral{d, "xsd:duration"} }
func odrlBool(v bool) odrlLiteral       { return odrlLiteral{strconv.FormatBool(v), "xsd:boolean"} }

func odrlOffer(p *Policy, base, commonsID, commonsName string, version int) odrlPolicy {
	target := base + "/commons/" + commonsID
	assigner := target + "#agent"
	uid := target + "/license/v" + strconv.Itoa(version)
	doc := odrlPolicy{
		Context: []any{"http://www.w3.org/ns/odrl.jsonld", map[string]string{
			"meent": base + NSPath + "#",
			"cc":    "http://creativecommons.org/ns#",
			"dct":   "http://purl.org/dc/terms/",
			"rdf":   "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
			"xsd":   "http://www.w3.org/2001/XMLSchema#",
		}},
		Type:    "Offer",
		UID:     uid,
		Profile: base + NSPath,
		Title:   fmt.Sprintf("License policy of %s, version %d", commonsName, version),
		License: p.License,
	}
	if !strings.HasPrefix(p.License, "LicenseRef-") {
		doc.LicenseIRI = &odrlID{"http://spdx.org/licenses/" + p.License}
	}
	permit := func(name string, cs ...odrlConstraint) *odrlPermission {
		doc.Permission = append(doc.Permission, odrlPermission{UID: uid + "#" + name, Target: target, Assigner: assigner, Action: "use", Constraint: cs})
		return &doc.Permission[len(doc.Permission)-1]
	}
	kinds := func(ks ...string) odrlConstraint {
		var ids []odrlID
		for _, k := range ks {
			ids = append(ids, odrlID{"meent:" + k})
		}
		return odrlConstraint{LeftOperand: "meent:attestedKind", Operator: "isAnyOf", RightOperand: ids}
	}
	for _, r := range p.Free {
		switch r.Kind {
		case NonCommercial:
			permit(r.Kind, odrlConstraint{LeftOperand: "purpose", Operator: "neq", RightOperand: odrlID{"cc:CommercialUse"}})
		case Contributor:
			w := odrlDuration("P" + strconv.FormatInt(r.WindowDays, 10) + "D")
			permit(r.Kind, odrlConstraint{LeftOperand: "meent:acceptedContributions", Operator: "gteq", RightOperand: odrlInt(r.MinAccepted), Window: &w})
		case Cooperative:
			permit(r.Kind, kinds(OrgCooperative, OrgWorkerOwned))
		case Nonprofit:
			permit(r.Kind, kinds(OrgNonprofit, OrgAssociation))
		case SmallOrganisation:
			permit(r.Kind, odrlConstraint{LeftOperand: "meent:employees", Operator: "lteq", RightOperand: odrlInt(r.MaxEmployees)})
		case Member:
			// Joining the cooperative (JoinAlternative) is what makes
			// this permission apply; ODRL has no term for the offer.
			permit(r.Kind, odrlConstraint{LeftOperand: "meent:member", Operator: "eq", RightOperand: odrlBool(true)})
		}
	}
	if p.TrialDays > 0 {
		permit("trial",
			odrlConstraint{LeftOperand: "meent:hadTrial", Operator: "eq", RightOperand: odrlBool(false)},
			odrlConstraint{LeftOperand: "elapsedTime", Operator: "lteq", RightOperand: odrlDuration("P" + strconv.FormatInt(p.TrialDays, 10) + "D")})
	}
	s := p.Price
	size := func(op string, v int64) odrlConstraint {
		if s.Basis == Revenue {
			return odrlConstraint{LeftOperand: "meent:revenue", Operator: op,
				RightOperand: odrlLiteral{commons.Money{Amount: v, Currency: s.Currency}.Decimal(), "xsd:decimal"}, Unit: CurrencyIRI(s.Currency)}
		}
		return odrlConstraint{LeftOperand: "meent:employees", Operator: op, RightOperand: odrlInt(v)}
	}
	for i, b := range s.Bands {
		perm := permit("price-band-"+strconv.Itoa(i), size("gteq", b.From))
		if b.To != 0 {
			perm.Constraint = append(perm.Constraint, size("lt", b.To))
		}
		perm.Duty = []odrlDuty{{
			Action: []odrlAction{{Value: odrlID{"odrl:compensate"}, Refinement: []odrlConstraint{
				{LeftOperand: "payAmount", Operator: "eq",
					RightOperand: odrlLiteral{commons.Money{Amount: b.PricePerYear, Currency: s.Currency}.Decimal(), "xsd:decimal"},
					Unit:         CurrencyIRI(s.Currency)},
				{LeftOperand: "timeInterval", Operator: "eq", RightOperand: odrlDuration("P365D")},
			}}},
			CompensatedParty: assigner,
		}}
	}
	return doc
}

// REUSE writes a REUSE.toml (REUSE Specification 3.2,
// https://reuse.software/spec-3.2/) for the repository of a commons: one
// annotation for every file ("**") with the policy's license and the
// commons' contributors as copyright holders. Its precedence is
// "closest", so that a file's own SPDX header (vendored code, a file under
// another license) wins over it. The project also needs
// LICENSES/<license>.txt: the official text for a listed license, or
// LicenseRefText for a LicenseRef-. It returns *meent.Error with code
// EINVALID for a policy that does not Check or a bad node URL, commons ID
// or name.
func REUSE(w io.Writer, p Policy, node, commonsID, commonsName string) error {
	node, err := checkExport("REUSE.toml", &p, node, commonsID, commonsName)
	if err != nil {
		return err
	}
	text := "the official text of " + p.License + " (the REUSE tool downloads it: reuse download " + p.License + ")"
	if strings.HasPrefix(p.License, "LicenseRef-") {
		text = "the terms of the license policy, written by meent"
	}
	var b strings.Builder
	b.WriteString("# Copyright and licensing of every file of this project, for the REUSE\n" +
		"# Specification 3.2 (https://reuse.software/spec-3.2/), written by meent\n" +
		"# from the license policy of the commons.\n" +
		"#\n" +
		"# LICENSES/" + p.License + ".txt holds " + text + ".\n" +
		"# Commercial use is licensed on copyfair terms; the policy is in " + WellKnownPath + ".\n" +
		"version = 1\n\n" +
		"[[annotations]]\n" +
		"path = \"**\"\n" +
		"# A file's own SPDX header (vendored code, for example) wins over this table.\n" +
		"precedence = \"closest\"\n")
	fmt.Fprintf(&b, "SPDX-FileCopyrightText = %s\n", tomlString("the contributors of "+commonsName+", see "+node+"/commons/"+commonsID))
	fmt.Fprintf(&b, "SPDX-License-Identifier = %s\n", tomlString(p.License))
	_, err = io.WriteString(w, b.String())
	return err
}

// tomlString writes s as a TOML basic string. s is valid UTF-8 (checked
// by the caller); quotes, backslashes and control characters are escaped.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// LicenseRefText returns, for a policy whose license is a LicenseRef-, the
// file to commit (LICENSES/<license>.txt, as REUSE requires) and its text:
// the copyfair terms of version (the node's number) of the policy in plain
// words, generated from the policy: who uses the commons free, what
// everyone else pays by band, and how to get a license at the node. For a
// license on the SPDX list it returns "" and nil: the project commits the
// official text. The policy must Check; a policy or argument that does not
// gives "" and nil too.
func LicenseRefText(p Policy, node, commonsID, commonsName string, version int) (filename string, text []byte) {
	if !strings.HasPrefix(p.License, "LicenseRef-") || version < 1 {
		return "", nil
	}
	node, err := checkExport("license text", &p, node, commonsID, commonsName)
	if err != nil {
		return "", nil
	}
	name := commonsName
	page := node + "/commons/" + commonsID
	var b strings.Builder
	para := func(s string) { wrap(&b, "", "", s); b.WriteByte('\n') }
	item := func(s string) { wrap(&b, "  - ", "    ", s) }
	heading := func(s string) { b.WriteString(s + "\n\n") }

	fmt.Fprintf(&b, "%s: the copyfair license of %s\n\n", p.License, name)
	para(fmt.Sprintf("%s is a commons kept at the meent node %s (%s). This text states version %d of its license policy in plain words. Anyone may use %s on the terms below.", name, node, page, version, name))

	heading("Free use")
	nonCommercial := false
	for _, r := range p.Free {
		switch r.Kind {
		case NonCommercial:
			nonCommercial = true
			item("Use that is not commercial is free.")
		case Contributor:
			item(fmt.Sprintf("Use is free for anyone with at least %s to %s accepted in the last %d days, for as long as that holds.",
				plural(r.MinAccepted, "contribution"), name, r.WindowDays))
		case Cooperative:
			item("Use is free for cooperatives and worker-owned enterprises whose status a maintainer or another trusted agent of the node has attested, for a year at a time.")
		case Nonprofit:
			item("Use is free for non-profits and associations whose status a maintainer or another trusted agent of the node has attested, for a year at a time.")
		case SmallOrganisation:
			item(fmt.Sprintf("Use is free for organisations with at most %s, for a year at a time.", plural(r.MaxEmployees, "employee")))
		case Member:
			item("Use is free for members of the cooperative of the node, for as long as they are members.")
		}
	}
	if len(p.Free) == 0 {
		item("No use is free: every use needs a paid license.")
	}
	b.WriteByte('\n')

	heading("Paid use")
	other := "Any other use"
	if nonCommercial {
		other = "Any other use, which is then commercial,"
	}
	basis := "the number of its employees"
	if p.Price.Basis == Revenue {
		basis = "its yearly revenue"
	}
	para(fmt.Sprintf("%s needs a license. It lasts a year and costs, by %s:", other, basis))
	for _, band := range p.Price.Bands {
		item(fmt.Sprintf("%s: %s a year", bandWords(p.Price, band), formatMoney(band.PricePerYear, p.Price.Currency)))
	}
	b.WriteByte('\n')
	if p.TrialDays > 0 {
		para(fmt.Sprintf("Before it pays, an organisation may use %s free for a trial of %d days, once.", name, p.TrialDays))
	}
	if p.JoinAlternative {
		para("Instead of paying, an organisation may join the cooperative of the node: membership grants the license for as long as it lasts.")
	}
	para(fmt.Sprintf("The fees are income of %s, shared among its contributors by its value policy.", name))

	heading("Getting a license")
	para(fmt.Sprintf("Register as an agent of %s and ask there for a license for %s, at %s. The node decides by these terms and records every license in its public, signed log. Anyone can check a license at %s.", node, name, page, CheckURL(node, commonsID)))
	para(fmt.Sprintf("These terms are published for machines in the file %s of this project. Where the two differ, version %d of the policy as the node records it governs.", WellKnownPath, version))
	return "LICENSES/" + p.License + ".txt", []byte(strings.TrimSuffix(b.String(), "\n"))
}

// bandWords describes a band for people: "fewer than 50 employees",
// "from 50 to 249 employees", "250 employees or more"; for revenue,
// "a yearly revenue below 100000.00 EUR" and so on.
func bandWords(s Schedule, b Band) string {
	if s.Basis == Revenue {
		m := func(v int64) string { return formatMoney(v, s.Currency) }
		switch {
		case b.To == 0:
			return "a yearly revenue of " + m(b.From) + " or more"
		case b.From == 0:
			return "a yearly revenue below " + m(b.To)
		}
		return "a yearly revenue from " + m(b.From) + " to below " + m(b.To)
	}
	switch {
	case b.To == 0:
		return plural(b.From, "employee") + " or more"
	case b.From == 0:
		return "fewer than " + plural(b.To, "employee")
	}
	return fmt.Sprintf("from %d to %s", b.From, plural(b.To-1, "employee"))
}

// wrap writes text as lines of at most 72 columns (longer words stay
// whole), the first starting with first and the others with rest.
func wrap(b *strings.Builder, first, rest, text string) {
	const width = 72
	line := first
	empty := true
	for _, word := range strings.Fields(text) {
		if !empty && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width {
			b.WriteString(line + "\n")
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(line + "\n")
}
