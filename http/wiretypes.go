package http

import "github.com/meent/meent/api"

// Names of package api's wire types as the web pages and feeds, still in
// this package, spell them, so their files did not change when the types
// moved (the pages are being translated in place). They go when the pages
// move to web/; new code uses api's names.
type (
	ActiveClaim       = api.ActiveClaim
	Activity          = api.Activity
	ActivityList      = api.ActivityList
	Agent             = api.Agent
	Commons           = api.Commons
	Contribution      = api.Contribution
	Event             = api.Event
	ImportsInfo       = api.ImportsInfo
	InclusionProof    = api.InclusionProof
	Money             = api.Money
	Need              = api.Need
	PayoutLine        = api.PayoutLine
	PolicyInfo        = api.PolicyInfo
	PolicyVersionInfo = api.PolicyVersionInfo
	Problem           = api.Problem
	Timestamp         = api.Timestamp
	TokenInfo         = api.TokenInfo
)

// Constants of package api, likewise.
const (
	SessionCookie = api.SessionCookie
	SortNewest    = api.SortNewest
)
