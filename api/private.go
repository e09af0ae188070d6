package api

import "github.com/meent/meent/commons"

// SignatureHeader carries a signed private.request (see above).
const SignatureHeader = "Meent-Signature"

// PrivateRequestType is the type of the signed request in SignatureHeader.
const PrivateRequestType = "private.request"

// PrivateRequestData is the data of a signed private.request.
type PrivateRequestData struct {
	Method     string `json:"method"`
	Commitment string `json:"commitment"`
	Commons    string `json:"commons,omitempty"` // POST: the commons the record is stored for
}

// PrivatePut is the body of POST /api/v1/private. The client chooses the
// salt (32 random bytes) so that it knows the commitment before the node
// answers, and can sign the event that names it.
type PrivatePut struct {
	Data    []byte `json:"data"` // base64
	Salt    []byte `json:"salt"` // base64, 32 bytes
	Commons string `json:"commons,omitempty"`
}

// PrivateRecord is a private record as the API shows it. Status is "live"
// or "erased"; an erased record has no data and no salt, and says when and
// by whom it was erased.
type PrivateRecord struct {
	Commitment string     `json:"commitment"`
	Status     string     `json:"status"`
	Owner      string     `json:"owner"`
	Commons    string     `json:"commons,omitempty"`
	Created    Timestamp  `json:"created"`
	Data       []byte     `json:"data,omitempty"` // base64
	Text       string     `json:"text,omitempty"` // the data, when it is UTF-8 text
	Salt       string     `json:"salt,omitempty"` // hex
	Erased     *Timestamp `json:"erased,omitempty"`
	ErasedBy   string     `json:"erased_by,omitempty"`
}

// SettleRequest is the body of POST /api/v1/commons/{id}/settlements: a
// payout.settle the node signs for the caller (who needs an account whose
// key the node holds). PrivateReference, when given, is stored as a
// private record and only its commitment enters the event.
type SettleRequest struct {
	Kind             string        `json:"kind"`
	Recipient        string        `json:"recipient"`
	Amount           commons.Money `json:"amount"`
	Reference        string        `json:"reference,omitempty"`
	PrivateReference string        `json:"private_reference,omitempty"`
}
