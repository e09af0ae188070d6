package credit

import (
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// What MarshalSnapshot writes is part of the area's Version: bump it
// whenever State gains, loses or reinterprets a field.

// snapshot mirrors State with exported fields. Accounts go as one list
// per currency, in the order they were opened: that order is the order
// demurrage shares are paid in.
type snapshot struct {
	Currencies map[string]*Currency  `json:"currencies"`
	Accounts   map[string][]*Account `json:"accounts"`
	Periods    map[string]*Period    `json:"periods"`
}

// MarshalSnapshot writes the complete state as one JSON value. It only
// reads s.
func (s *State) MarshalSnapshot(enc *jsontext.Encoder) error {
	v := snapshot{Currencies: s.currencies, Accounts: map[string][]*Account{}, Periods: s.periods}
	for code, ids := range s.order {
		as := make([]*Account, len(ids))
		for i, id := range ids {
			as[i] = s.accounts[id]
		}
		v.Accounts[code] = as
	}
	return json.MarshalEncode(enc, v)
}

// RestoreSnapshot replaces s with the state a snapshot holds, in place:
// the areas that read this state hold its pointer, and keep it.
func (s *State) RestoreSnapshot(dec *jsontext.Decoder) error {
	var v snapshot
	if err := json.UnmarshalDecode(dec, &v); err != nil {
		return fmt.Errorf("credit snapshot: %w", err)
	}
	r := NewState()
	for code, c := range v.Currencies {
		r.currencies[code] = c
	}
	for code, as := range v.Accounts {
		for _, a := range as {
			r.accounts[a.ID] = a
			r.order[code] = append(r.order[code], a.ID)
		}
	}
	for id, p := range v.Periods {
		r.periods[id] = p
	}
	*s = *r
	return nil
}
