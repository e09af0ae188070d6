// Package sharingweb serves the sharing area's pages (docs/sharing.md): a
// commons' catalogue of shared tools, machines, rooms and vehicles with
// their state now and a filter by kind; a resource's page with its rules
// in plain words, a week of its bookings in the catalogue's time zone, its
// calendar feed and the booking form; the logged-in person's bookings
// with their secret calendar link; and the steward's desk where items go
// out and come back. Every form signs one event (booking.request,
// booking.cancel, ...) for the logged-in person and redirects (303); a
// refusal is explained in the page's language.
package sharingweb

import (
	"embed"

	"github.com/meent/meent/http"
	"github.com/meent/meent/web"
)

//go:embed *.html
var templates embed.FS

// openAPI documents the pages' routes.
//
//go:embed openapi.json
var openAPI []byte

var _ = web.Templates(templates, nil)

// The catalogue's part of a commons page, after the other areas' parts.
var _ = web.AddPart(web.Part{Page: "commons", Order: 60, Template: "commons.resources", Read: commonsPart})

// pages is the web core seen from the sharing pages.
type pages struct{ web.Core }

// Register adds the sharing pages and their OpenAPI fragment to s.
func Register(s *http.Server) {
	p := pages{web.New(s)}
	s.Handle("GET /commons/{id}/resources", p.pageCatalogue)
	s.Handle("GET /commons/{id}/desk", p.pageDesk)
	s.Handle("GET /resources/{id}", p.pageResource)
	s.Handle("POST /resources/{id}/book", p.postBook)
	s.Handle("POST /bookings/{id}/cancel", p.postBookingAction)
	s.Handle("POST /bookings/{id}/end", p.postBookingAction)
	s.Handle("POST /bookings/{id}/checkout", p.postBookingAction)
	s.Handle("POST /bookings/{id}/checkin", p.postBookingAction)
	s.Handle("GET /bookings", p.pageMine)
	s.Handle("POST /bookings/calendar-link", p.postCalendarLink)
	s.AddOpenAPI(openAPI)
}
