package api

import "github.com/meent/meent/sharing"

// The sharing area's wire types (api/sharingapi). The resources and
// bookings are the rules' own documents (sharing.Resource,
// sharing.Booking), as the objects projection stores them; times are Unix
// milliseconds, UTC, and the catalogue's time zone says how to show them.

// ResourceInfo is a resource of a catalogue, with the catalogue's time
// zone.
type ResourceInfo struct {
	Resource sharing.Resource `json:"resource"`
	TimeZone string           `json:"time_zone"`
}

// ResourceList is a page of a catalogue's resources.
type ResourceList struct {
	Commons   string         `json:"commons"`
	TimeZone  string         `json:"time_zone"`
	Resources []ResourceInfo `json:"resources"`
	Next      string         `json:"next,omitempty"`
}

// BookingList is a page of bookings (of a resource or of an agent).
type BookingList struct {
	Bookings []sharing.Booking `json:"bookings"`
	Next     string            `json:"next,omitempty"`
}

// CalendarLink is an agent's secret calendar feed link. The token is shown
// once, when the link is made; making a new one revokes the old one.
type CalendarLink struct {
	URL   string `json:"url"`
	Token string `json:"token"`
}
