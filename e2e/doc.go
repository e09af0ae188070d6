// Package e2e holds the browser tests: they build the real meent binary,
// start it with the demo community, and walk its pages in headless
// Chromium as people would, in Dutch and English, at desktop and phone
// widths, with axe-core checking every page type against WCAG 2.1 AA.
//
// The tests skip when Chromium or axe-core is missing, so `go test ./...`
// passes anywhere; .ci/run installs both (`npm ci --prefix e2e` pins
// axe-core in package-lock.json) and sets MEENT_REQUIRE_BROWSER, which
// turns a skip into a failure. Screenshots go to MEENT_SCREENSHOTS when it
// is set (CI keeps that folder as an artifact).
package e2e
