// Package sharingapi serves the sharing part of the JSON API: catalogues
// and their resources, bookings (a resource's, in a window of time, and an
// agent's), and calendar feeds in iCalendar (a resource's, public like
// the log; an agent's, behind a secret link the agent makes and revokes).
// Bookings themselves are events (booking.request and the rest), signed
// and submitted like every other through /api/v1/events or
// /api/v1/actions.
package sharingapi

import (
	_ "embed"

	"github.com/meent/meent/http"
)

// openAPI documents this area's routes and schemas.
//
//go:embed openapi.json
var openAPI []byte

// server is the http core seen from this area.
type server struct{ *http.Server }

// Register adds the sharing routes and their OpenAPI fragment to s.
func Register(s *http.Server) {
	a := server{s}
	s.Handle("GET /api/v1/commons/{id}/resources", a.apiResources)
	s.Handle("GET /api/v1/resources/{id}", a.apiResource)
	s.Handle("GET /api/v1/resources/{id}/bookings", a.apiResourceBookings)
	s.Handle("GET /api/v1/resources/{id}/calendar.ics", a.apiResourceCalendar)
	s.Handle("GET /api/v1/bookings/{id}", a.apiBooking)
	s.Handle("GET /api/v1/agents/{id}/bookings", a.apiAgentBookings)
	s.Handle("GET /api/v1/agents/{id}/calendar.ics", a.apiAgentCalendar)
	s.Handle("POST /api/v1/agents/{id}/calendar-link", a.apiCalendarLinkMake)
	s.Handle("DELETE /api/v1/agents/{id}/calendar-link", a.apiCalendarLinkRevoke)
	s.AddOpenAPI(openAPI)
}
