package credit

import (
	"slices"

	"github.com/meent/meent"
)

// Line kinds of a statement.
const (
	LineTransfer  = "transfer"  // a transfer in or out
	LineDemurrage = "demurrage" // the period's charge on the balance
	LineDividend  = "dividend"  // the account's share of what a period collected
	LineDust      = "dust"      // the remainder of a period's equal split
)

// Line is one line of an account's statement: a signed amount and the
// balance after it.
type Line struct {
	Index        int64  `json:"index"` // the event's log index
	Time         int64  `json:"time"`  // ms, the event's time
	Kind         string `json:"kind"`
	Counterparty string `json:"counterparty,omitempty"` // the other holder of a transfer
	Reference    string `json:"reference,omitempty"`    // a transfer's reference, or a period "YYYY-MM"
	Amount       int64  `json:"amount"`
	Balance      int64  `json:"balance"`
}

// Posted is a credit.transfer as read from the log: where it is and what
// it says.
type Posted struct {
	Index int64
	Time  int64
	Data  TransferData
}

// Statement folds an account's history into lines, from the log alone:
// the transfers that name the holder in the currency (any others are
// skipped) and the currency's demurrage periods, each at its own log
// index. A period's charge is computed from the balance just before it,
// with the rate and grace the period records, exactly as the rules did;
// its dividend and dust are the period's own figures. times gives a
// period's event time (it may be nil). The last line's balance is the
// account's balance after the last event given; Statement returns an
// EINTERNAL error when it is not want (the state's balance at the same
// point), which would mean the log and the state disagree.
func Statement(a *Account, transfers []Posted, periods []*Period, times map[int64]int64, want int64) ([]Line, error) {
	type item struct {
		idx int64
		t   *Posted
		p   *Period
	}
	items := make([]item, 0, len(transfers)+len(periods))
	for i := range transfers {
		d := transfers[i].Data
		if d.Currency == a.Currency && (d.From == a.Holder || d.To == a.Holder) {
			items = append(items, item{idx: transfers[i].Index, t: &transfers[i]})
		}
	}
	for _, p := range periods {
		if p.Currency == a.Currency && p.Index > a.Opened {
			items = append(items, item{idx: p.Index, p: p})
		}
	}
	slices.SortFunc(items, func(x, y item) int { return int(x.idx - y.idx) })
	var out []Line
	bal := int64(0)
	for _, it := range items {
		if t := it.t; t != nil {
			l := Line{Index: t.Index, Time: t.Time, Kind: LineTransfer, Reference: t.Data.Reference}
			if t.Data.From == a.Holder {
				l.Amount, l.Counterparty = -t.Data.Amount, t.Data.To
			} else {
				l.Amount, l.Counterparty = t.Data.Amount, t.Data.From
			}
			bal += l.Amount
			l.Balance = bal
			out = append(out, l)
			continue
		}
		p := it.p
		at := times[p.Index]
		if ch := Charge(bal, p.Grace, p.RatePPM); ch > 0 {
			bal -= ch
			out = append(out, Line{Index: p.Index, Time: at, Kind: LineDemurrage, Reference: p.Period, Amount: -ch, Balance: bal})
		}
		share := int64(0)
		switch {
		case p.To != "" && p.To == a.Holder:
			share = p.Share
		case p.To == "" && a.Kind == HolderAgent:
			share = p.Share
		}
		if share > 0 {
			bal += share
			out = append(out, Line{Index: p.Index, Time: at, Kind: LineDividend, Reference: p.Period, Amount: share, Balance: bal})
		}
		if p.DustTo == a.Holder && p.Dust > 0 {
			bal += p.Dust
			out = append(out, Line{Index: p.Index, Time: at, Kind: LineDust, Reference: p.Period, Amount: p.Dust, Balance: bal})
		}
	}
	if bal != want {
		return out, meent.Errorf(meent.EINTERNAL, "the statement of %s ends at %d, the state says %d", a.ID, bal, want)
	}
	return out, nil
}
