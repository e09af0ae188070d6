// Package private keeps personal data out of the public log. DESIGN
// section 3: an event never carries personal detail (a payment reference
// with an IBAN, a health reason in an aid claim, contact data); it carries
// a salted hash commitment to it, and the bytes live in a private record
// the node keeps beside the log, readable only by those the record names
// and erasable on request. The log stays verifiable after erasure because
// it never held the bytes.
//
// The package holds the pure rules: how a commitment is computed and
// checked (commit.go), the personal-data detector that refuses IBANs and
// e-mail addresses in public free text (detect.go), which members of
// which event types are public free text or commitments (screen.go), and
// the storage contract a backend fulfils (store.go; sqlstore implements
// it, storetest proves it on SQLite and PostgreSQL). See docs/privacy.md.
package private
