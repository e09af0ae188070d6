package http

import (
	"crypto/ed25519"
	"time"
)

// Payments lets a payment provider report paid license offers through a
// webhook. The provider signs each call with Secret (HMAC-SHA256, see
// verifyWebhook); the node then records the payment as license.pay signed
// with Key, the key of AgentID, a node admin (the rules let admins record
// payments for any commons).
type Payments struct {
	Provider string // short lowercase name, e.g. "mollie"; part of the webhook URL
	Secret   []byte
	AgentID  string
	Key      ed25519.PrivateKey
}

// WebhookTolerance is how far a webhook's timestamp may be from the
// node's clock; older calls are refused as replays.
const WebhookTolerance = 5 * time.Minute
