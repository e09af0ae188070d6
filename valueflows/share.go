package valueflows

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/meent/meent"
	"github.com/meent/meent/value"
)

// ShareColumns are the columns of a share file, in order.
var ShareColumns = []string{"kind", "recipient", "name", "amount_minor", "amount", "share"}

// ShareFile writes one distribution as a share file: a few lines of
// comments starting with "#" (the commons, the distribution, the income,
// the as-of time, the policy version, the digest and how to check it),
// a header row, and one tab-separated row per allocation, in the
// distribution's order (pools, then agents by ID, then unclaimed
// identities):
//
//	kind  recipient  name  amount_minor  amount  share
//
// amount_minor is the exact amount in minor units, amount the same as an
// exact decimal in the currency (see Decimal), and share the contributor's
// share of the contributors' pool as the explanation gives it (empty for
// pools). The amounts add up to the income exactly. names maps agent IDs,
// and optionally the commons' ID and upstream commons' IDs, to names.
//
// Tabs and line breaks in text cells become spaces, and a text cell that
// starts with = + - or @ gets a leading ' so a spreadsheet does not read
// it as a formula. It returns *meent.Error with code EINVALID if the
// allocations do not add up to the income; then it writes nothing.
func ShareFile(w io.Writer, d *value.Distribution, names map[string]string) error {
	if d == nil {
		return meent.Errorf(meent.EINVALID, "valueflows: no distribution")
	}
	r := &d.Result
	cur := r.Income.Currency
	var sum int64
	for _, a := range r.Allocations {
		if a.Amount < 0 {
			return meent.Errorf(meent.EINVALID, "valueflows: distribution %s allocates a negative amount to %s", d.ID, a.Recipient)
		}
		sum += a.Amount
	}
	if sum != r.Income.Amount {
		return meent.Errorf(meent.EINVALID, "valueflows: distribution %s allocates %d, not its income %d", d.ID, sum, r.Income.Amount)
	}
	var contributors int64
	for _, p := range r.Pools {
		if p.Recipient == value.PoolContributors {
			contributors = p.Amount
		}
	}
	shares := map[[2]string]string{}
	for _, e := range r.Explanations {
		shares[[2]string{e.Kind, e.Recipient}] = e.Share
	}

	var b bytes.Buffer
	comment := func(format string, args ...any) {
		b.WriteString("# " + oneLine(fmt.Sprintf(format, args...)) + "\n")
	}
	money := func(amount int64) string {
		return fmt.Sprintf("%s %s (%d minor units)", decimal(amount, cur), cur, amount)
	}
	comment("meent share file, format 1")
	if n := names[d.Commons]; n != "" {
		comment("commons:        %s (%s)", n, d.Commons)
	} else {
		comment("commons:        %s", d.Commons)
	}
	comment("distribution:   %s", d.ID)
	comment("income:         %s, recorded as %s", money(r.Income.Amount), d.Income)
	comment("as of:          %s", stamp(r.AsOf))
	if d.PolicyVersion == 0 {
		comment("policy version: 0 (the default policy)")
	} else {
		comment("policy version: %d", d.PolicyVersion)
	}
	comment("digest:         %s", r.Digest)
	comment("contributors:   %s, shared by weight; share is each contributor's part of it", money(contributors))
	b.WriteString("#\n")
	comment("Rows add up to the income exactly. To check them, replay the log: meent verify NODE_URL")
	comment("(or meent verify on the node) recomputes every distribution from its inputs; the same")
	comment("inputs give the same digest and the same amounts. docs/value.md explains the rules.")
	b.WriteString(strings.Join(ShareColumns, "\t") + "\n")
	for _, a := range r.Allocations {
		name := ""
		switch a.Kind {
		case value.RecipientAgent:
			name = names[a.Recipient]
		case value.RecipientPool:
			if up, ok := strings.CutPrefix(a.Recipient, value.PoolUpstreamPrefix); ok {
				name = names[up]
			}
		}
		row := []string{text(a.Kind), text(a.Recipient), text(name),
			strconv.FormatInt(a.Amount, 10), decimal(a.Amount, cur), shares[[2]string{a.Kind, a.Recipient}]}
		b.WriteString(strings.Join(row, "\t") + "\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// oneLine replaces tabs and line breaks with spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
			return ' '
		}
		return r
	}, s)
}

// text makes a text cell safe for a spreadsheet.
func text(s string) string {
	s = oneLine(s)
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		s = "'" + s
	}
	return s
}
