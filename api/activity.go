package api

// Activity is one event of an activity stream: the event, and a summary
// in words with agents and objects named.
type Activity struct {
	Event
	Summary string `json:"summary"`
}

// ActivityList is an activity stream page, newest first. NextBefore, when
// present, is the "before" value of the next (older) page. A commons'
// stream may hold fewer than limit events and still carry NextBefore: the
// node looks at a bounded number of events per request (activityScan).
type ActivityList struct {
	Events     []Activity `json:"events"`
	NextBefore *int64     `json:"next_before,omitempty"`
	Next       string     `json:"next,omitempty"` // the same position as an opaque cursor
}
