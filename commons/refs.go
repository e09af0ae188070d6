package commons

import "github.com/meent/meent/ledger"

// Refs returns the commons and the agents an event of this package
// touches besides its author, for the store's event index (meent.Record's
// Commons and Agents): a commons' activity and an agent's activity are the
// events that name them there. It is called right after ev was applied,
// so the objects ev created or changed are in s. It reads only s and ev's
// data, never the log.
//
// A fork is its own commons: commons.fork touches both the upstream and
// the fork (it is in both activities), but the events on the upstream's
// contributions, before or after the fork, touch only the upstream, even
// when the fork recognises those contributions (Recognised). A fork's
// activity is what happened in the fork; the upstream's history stays on
// the upstream's page.
func (s *State) Refs(ev *ledger.Event) (commons, agents []string) {
	switch ev.Type {
	case TypeCreate:
		var d CreateData
		ev.DecodeData(&d)
		return []string{ev.Hash.String()}, d.Maintainers
	case TypeUpdate:
		var d UpdateData
		ev.DecodeData(&d)
		return one(d.Commons), nil
	case TypeMaintainerAdd, TypeMaintainerRemove:
		var d MaintainerData
		ev.DecodeData(&d)
		return one(d.Commons), one(d.Agent)
	case TypeFork:
		var d ForkData
		ev.DecodeData(&d)
		return []string{d.Commons, ev.Hash.String()}, nil
	case TypeSubmit:
		var d SubmitData
		ev.DecodeData(&d)
		c, a := one(d.Commons), []string(nil)
		if n := s.needs[d.Need]; n != nil {
			a = append(a, n.Poster)
		}
		return c, a
	case TypeRevise:
		var d ReviseData
		ev.DecodeData(&d)
		return s.contributionRefs(d.Contribution)
	case TypeReview:
		var d ReviewData
		ev.DecodeData(&d)
		return s.contributionRefs(d.Contribution)
	case TypeDispute:
		var d DisputeData
		ev.DecodeData(&d)
		return s.contributionRefs(d.Contribution)
	case TypeResolve:
		var d ResolveData
		ev.DecodeData(&d)
		return s.contributionRefs(d.Contribution)
	case TypeEndorse, TypeNeedRelease:
		var d RefData
		ev.DecodeData(&d)
		if d.Contribution != "" {
			return s.contributionRefs(d.Contribution)
		}
		return s.needRefs(d.Need)
	case TypeImport:
		var d ImportData
		ev.DecodeData(&d)
		// The agents whose identities the commons already maps: the
		// import credits them with contributions.
		var a []string
		for _, k := range d.Commits {
			if c := s.contributions[ImportedID(d.Commons, k.Commit)]; c != nil && c.Contributor != "" {
				a = append(a, c.Contributor)
			}
		}
		for _, k := range d.Amends {
			if c := s.contributions[ImportedID(d.Commons, k.Commit)]; c != nil && c.Contributor != "" {
				a = append(a, c.Contributor)
			}
		}
		return one(d.Commons), a
	case TypeIdentityClaim, TypeIdentityAttest, TypeIdentityFinalize:
		var d IdentityData
		ev.DecodeData(&d)
		// The claimant or attested agent, and the agent the identity maps
		// to now (after an attestation or a finalization).
		return one(d.Commons), append(one(d.Agent), one(s.Identity(d.Commons, d.Identity))...)
	case TypeIdentityContest, TypeIdentityReject:
		var d ContestData
		ev.DecodeData(&d)
		return one(d.Commons), one(d.Agent)
	case TypeNeedPost:
		var d NeedData
		ev.DecodeData(&d)
		return one(d.Commons), nil
	case TypeNeedSignal:
		var d SignalData
		ev.DecodeData(&d)
		return s.needRefs(d.Need)
	case TypeNeedClaim, TypeNeedRenew:
		var d ClaimData
		ev.DecodeData(&d)
		return s.needRefs(d.Need)
	case TypeNeedClose:
		var d CloseData
		ev.DecodeData(&d)
		c, a := s.needRefs(d.Need)
		if n := s.needs[d.Need]; n != nil {
			if k := s.contributions[n.ClosedBy]; k != nil {
				a = append(a, one(k.Contributor)...) // the contribution that answered it
			}
		}
		return c, a
	}
	return nil, nil
}

// contributionRefs is the commons and contributor of a contribution, and
// the poster of the need it answers (an acceptance closes that need).
func (s *State) contributionRefs(id string) (commons, agents []string) {
	k := s.contributions[id]
	if k == nil {
		return nil, nil
	}
	agents = one(k.Contributor)
	if n := s.needs[k.Need]; n != nil {
		agents = append(agents, n.Poster)
	}
	return one(k.Commons), agents
}

// needRefs is the commons and poster of a need.
func (s *State) needRefs(id string) (commons, agents []string) {
	n := s.needs[id]
	if n == nil {
		return nil, nil
	}
	return one(n.Commons), one(n.Poster)
}

// one is a list of s, empty when s is.
func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
