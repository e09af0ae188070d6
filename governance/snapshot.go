package governance

import (
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// What MarshalSnapshot writes is part of the area's Version: bump it
// whenever State gains, loses or reinterprets a field.

// snapshot mirrors State with exported fields. The grant of an enactment
// in progress is never in a snapshot: snapshots are taken between events.
type snapshot struct {
	Polls       map[string]*Poll       `json:"polls"`
	Votes       map[string]*Vote       `json:"votes"`
	ByPoll      map[string][]string    `json:"by_poll"`
	Ballots     map[string]*Ballot     `json:"ballots"`
	Electorates map[string][]string    `json:"electorates"`
	Delegations map[string]*Delegation `json:"delegations"`
	Rules       map[string]*Rules      `json:"rules"`
}

// MarshalSnapshot writes the complete state as one JSON value.
func (s *State) MarshalSnapshot(enc *jsontext.Encoder) error {
	return json.MarshalEncode(enc, snapshot{s.polls, s.votes, s.byPoll, s.ballots, s.electorates, s.delegations, s.rules}, json.Deterministic(true))
}

// RestoreSnapshot replaces s with the state a snapshot holds, in place:
// the areas that read this state hold its pointer.
func (s *State) RestoreSnapshot(dec *jsontext.Decoder) error {
	var v snapshot
	if err := json.UnmarshalDecode(dec, &v); err != nil {
		return fmt.Errorf("governance snapshot: %w", err)
	}
	n := NewState()
	for k, x := range v.Polls {
		n.polls[k] = x
	}
	for k, x := range v.Votes {
		n.votes[k] = x
	}
	for k, x := range v.ByPoll {
		n.byPoll[k] = x
	}
	for k, x := range v.Ballots {
		n.ballots[k] = x
	}
	for k, x := range v.Electorates {
		n.electorates[k] = x
	}
	for k, x := range v.Delegations {
		n.delegations[k] = x
	}
	for k, x := range v.Rules {
		n.rules[k] = x
	}
	*s = *n
	return nil
}
