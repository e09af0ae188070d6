// Package api holds the wire types of the JSON API under /api/v1: what the
// server's areas (api/...) write and read, and what the Go client
// (package client) decodes. Keeping them here, and not in the server,
// lets the client be imported without the server. They are described in
// the OpenAPI document the server assembles from each area's fragment.
//
// Evolution rule: add optional members, never rename, remove or retype
// one; a breaking change is /api/v2.
//
// Hash encodings follow their source: event hashes (which name events and
// agents) are lowercase hex, as in docs/ledger.md; Merkle tree hashes
// (leaf, proof, root) are standard base64, as in checkpoints.
package api
