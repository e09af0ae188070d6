// Package meent holds the vocabulary shared by every part of a meent node:
// error codes, identifiers and the storage contract. Domain rules live in
// their own packages (agent/, state/), storage adapters in sqlite/ and
// postgres/, the HTTP API in http/, and the one binary in cmd/meent.
//
// A meent node keeps a single signed, append-only log of events. Every
// change of state is an event an agent signed; the node checks it against
// the rules, appends it to an RFC 6962 Merkle tree and updates its query
// tables (projections) in the same transaction. See docs/ledger.md.
package meent
