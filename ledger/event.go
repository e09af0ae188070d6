// Package ledger defines the bytes of the log: signed events, the RFC 6962
// Merkle tree over them, checkpoints in the C2SP signed-note format and the
// C2SP tlog-tiles layout. It knows nothing of storage or of domain rules.
//
// The format is specified in docs/ledger.md; the golden vectors in
// testdata/vectors.json pin it. Evolution rule: a change to how existing
// bytes are read is a new version number ("v"), never an edit of version 1.
package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
)

const (
	// Version is the only event format version this code reads and writes.
	Version = 1

	// MaxEntrySize bounds a whole entry (body, newline, signature line).
	// tlog-tiles entry bundles prefix every entry with a big-endian uint16
	// length, so no entry may be longer than this.
	MaxEntrySize = 65535

	// SignatureContext is prepended to the body before signing, so that an
	// event signature can never be replayed as a signature over anything
	// else a key might sign (checkpoints, other protocols).
	SignatureContext = "meent/event/v1\n"

	sigLineLen  = 88 // standard base64 of 64 bytes, with padding
	maxDepth    = 32 // nesting limit for body JSON
	maxSafeInt  = 1<<53 - 1
	maxTypeLen  = 64
	agentIDSize = 64
)

// Hash is the SHA-256 of an entry's exact bytes. It names the event: other
// events and the API refer to an event by its Hash in lowercase hex.
type Hash [32]byte

// String returns h in lowercase hex.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is all zeros.
func (h Hash) IsZero() bool { return h == Hash{} }

// ParseHash parses 64 lowercase hex digits.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 64 || !isLowerHex(s) {
		return h, meent.Errorf(meent.EINVALID, "hash must be 64 lowercase hex digits")
	}
	hex.Decode(h[:], []byte(s))
	return h, nil
}

// Event is a decoded entry. Entry holds the exact bytes that are stored,
// hashed and served; every other field is an interpretation of them and is
// never serialised back.
type Event struct {
	Entry []byte // body + "\n" + base64(signature) + "\n"
	Body  []byte // the signed JSON object (a sub-slice of Entry)
	Sig   []byte // 64-byte Ed25519 signature (decoded)
	Hash  Hash   // SHA-256(Entry)

	V      int
	Type   string
	Author string // agent ID (64 hex digits); empty only for agent.create
	Key    ed25519.PublicKey
	Time   int64          // Unix milliseconds, as claimed by the signer
	Data   jsontext.Value // type-specific object, decoded by the domain rules
}

// envelope is the strict shape of a version 1 body.
type envelope struct {
	V      int            `json:"v"`
	Type   string         `json:"type"`
	Author string         `json:"author,omitempty"`
	Key    string         `json:"key"`
	Time   int64          `json:"time"`
	Data   jsontext.Value `json:"data"`
}

var strict = json.JoinOptions(json.RejectUnknownMembers(true))

// rawV1 is envelope with the version kept as raw JSON, for decodeV1.
type rawV1 struct {
	V      jsontext.Value `json:"v"`
	Type   string         `json:"type"`
	Author string         `json:"author,omitempty"`
	Key    string         `json:"key"`
	Time   int64          `json:"time"`
	Data   jsontext.Value `json:"data"`
}

// decodeV1 decodes a well-formed version 1 body in one pass. It reports
// false for anything else (another version, a member of the wrong type,
// an unknown member), which parseBody then reads the long way, version
// first, to give the same answer it always gave. On the bodies it
// accepts, the long way would decode exactly the same envelope: the
// strict decode succeeded, so the lenient read of "v" alone does too, and
// a raw "v" of 1 decodes as the integer 1.
func decodeV1(body []byte) (envelope, bool) {
	var r rawV1
	if json.Unmarshal(body, &r, strict) != nil || string(r.V) != strconv.Itoa(Version) {
		return envelope{}, false
	}
	return envelope{V: Version, Type: r.Type, Author: r.Author, Key: r.Key, Time: r.Time, Data: r.Data}, true
}

// Decode parses entry strictly and verifies its signature. It is the only
// way bytes from outside become an *Event.
func Decode(entry []byte) (*Event, error) {
	ev, err := Parse(entry)
	if err != nil {
		return nil, err
	}
	if err := ev.Verify(); err != nil {
		return nil, err
	}
	return ev, nil
}

// Parse decodes entry strictly but does not verify the signature. Use it
// only for bytes already verified (read back from the node's own store);
// Decode for anything else.
func Parse(entry []byte) (*Event, error) {
	if len(entry) > MaxEntrySize {
		return nil, meent.Errorf(meent.ETOOLARGE, "event is %d bytes; the limit is %d", len(entry), MaxEntrySize)
	}
	nl := bytes.IndexByte(entry, '\n')
	if nl < 0 {
		return nil, malformed("no newline after the body")
	}
	body, rest := entry[:nl], entry[nl+1:]
	if len(rest) != sigLineLen+1 || rest[sigLineLen] != '\n' {
		return nil, malformed("the signature line must be %d base64 characters and a newline, ending the entry", sigLineLen)
	}
	sig := make([]byte, base64.StdEncoding.DecodedLen(sigLineLen))
	n, err := base64.StdEncoding.Strict().Decode(sig, rest[:sigLineLen])
	sig = sig[:max(n, 0)]
	if err != nil || n != ed25519.SignatureSize || base64.StdEncoding.EncodeToString(sig) != string(rest[:sigLineLen]) {
		return nil, malformed("signature is not canonical base64 of 64 bytes")
	}
	ev, err := parseBody(body)
	if err != nil {
		return nil, err
	}
	ev.Entry = entry
	ev.Sig = sig
	ev.Hash = sha256.Sum256(entry)
	return ev, nil
}

// parseBody checks the body against the rules of docs/ledger.md section
// "Body" and decodes the envelope.
func parseBody(body []byte) (*Event, error) {
	if len(body) == 0 || body[0] != '{' {
		return nil, malformed("body must be a JSON object starting with '{'")
	}
	if !utf8.Valid(body) {
		return nil, malformed("body is not valid UTF-8")
	}
	if err := checkJSON(body); err != nil {
		return nil, err
	}
	env, ok := decodeV1(body)
	if !ok {
		// Read the version first: a body of another version may have other
		// members, and must be refused as such rather than as malformed.
		// It is read as raw JSON: a "v" of another type ("1", true, 1.0 is
		// already refused above) is an unknown version, as docs/ledger.md
		// promises, not a malformed body.
		var vOnly struct {
			V jsontext.Value `json:"v"`
		}
		if err := json.Unmarshal(body, &vOnly); err != nil {
			return nil, malformed("%v", err)
		}
		if string(vOnly.V) != strconv.Itoa(Version) {
			v := string(vOnly.V)
			if v == "" {
				v = "(none)"
			}
			return nil, meent.Errorf(meent.EVERSION, "event version %.20s is not supported (this node reads version %d)", v, Version)
		}
		if err := json.Unmarshal(body, &env, strict); err != nil {
			return nil, malformed("%v", err)
		}
	}
	if !validType(env.Type) {
		return nil, malformed("type %q must be dot-separated lowercase words, at most %d bytes", env.Type, maxTypeLen)
	}
	if env.Author != "" && (len(env.Author) != agentIDSize || !isLowerHex(env.Author)) {
		return nil, malformed("author must be an agent ID: 64 lowercase hex digits")
	}
	// Decode, then require the one canonical spelling: Go's decoder skips
	// CR and LF even in strict mode, and two spellings of one key would let
	// a key be authorised twice.
	key, err := base64.StdEncoding.Strict().DecodeString(env.Key)
	if err != nil || len(key) != ed25519.PublicKeySize || base64.StdEncoding.EncodeToString(key) != env.Key {
		return nil, malformed("key must be canonical base64 of a 32-byte Ed25519 public key")
	}
	if env.Time <= 0 {
		return nil, malformed("time must be positive Unix milliseconds")
	}
	if env.Data.Kind() != '{' {
		return nil, malformed("data must be a JSON object")
	}
	return &Event{
		Body:   body,
		V:      env.V,
		Type:   env.Type,
		Author: env.Author,
		Key:    ed25519.PublicKey(key),
		Time:   env.Time,
		Data:   env.Data,
	}, nil
}

// Verify checks the signature over SignatureContext + Body under the
// verification rule of docs/ledger.md section 1 (see ed25519.go): small-order
// or non-canonical keys and R, and non-canonical S, are refused as
// bad_signature even where crypto/ed25519 alone would accept them.
func (ev *Event) Verify() error {
	msg := make([]byte, 0, len(SignatureContext)+len(ev.Body))
	msg = append(msg, SignatureContext...)
	msg = append(msg, ev.Body...)
	return verifyStrict(ev.Key, msg, ev.Sig)
}

// DecodeData decodes the event's data object into v strictly: unknown
// members are refused, as are duplicate names and invalid UTF-8.
func (ev *Event) DecodeData(v any) error {
	if err := json.Unmarshal(ev.Data, v, strict); err != nil {
		return malformed("data of %s: %v", ev.Type, err)
	}
	return nil
}

// checkJSON walks the body once and refuses what two JSON parsers could
// read differently: duplicate names and invalid UTF-8 (the decoder refuses
// both by default), null, non-integer numbers, integers outside the range
// every IEEE double holds exactly, "-0", trailing data and deep nesting.
func checkJSON(body []byte) error {
	dec := jsontext.NewDecoder(bytes.NewReader(body))
	depth := 0
	for {
		kind := dec.PeekKind()
		switch kind {
		case 0:
			// PeekKind reports errors (and EOF) through ReadToken.
			_, err := dec.ReadToken()
			if err == nil {
				continue
			}
			return malformed("%v", err)
		case 'n':
			return malformed("null is not allowed; omit the member instead")
		case '0':
			v, err := dec.ReadValue()
			if err != nil {
				return malformed("%v", err)
			}
			if err := checkInteger(v); err != nil {
				return err
			}
		default:
			if _, err := dec.ReadToken(); err != nil {
				return malformed("%v", err)
			}
			switch kind {
			case '{', '[':
				depth++
				if depth > maxDepth {
					return malformed("nesting deeper than %d", maxDepth)
				}
			case '}', ']':
				depth--
			}
		}
		if depth == 0 {
			break
		}
	}
	// The object is closed: nothing may follow, not even whitespace.
	if int(dec.InputOffset()) != len(body) {
		return malformed("trailing data after the body object")
	}
	return nil
}

func checkInteger(v []byte) error {
	s := v
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return malformed("number %s is not an integer (use integers, in minor units for money)", v)
		}
	}
	if string(v) == "-0" {
		return malformed("-0 is not allowed")
	}
	if len(s) > 16 {
		return malformed("integer %s is outside ±(2^53-1)", v)
	}
	var n int64
	for _, c := range s {
		n = n*10 + int64(c-'0')
	}
	if n > maxSafeInt {
		return malformed("integer %s is outside ±(2^53-1)", v)
	}
	return nil
}

func validType(t string) bool {
	if len(t) == 0 || len(t) > maxTypeLen {
		return false
	}
	start := true
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= 'a' && c <= 'z':
			start = false
		case (c >= '0' && c <= '9') || c == '_':
			if start {
				return false
			}
		case c == '.':
			if start {
				return false
			}
			start = true
		default:
			return false
		}
	}
	return !start
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func malformed(format string, args ...any) error {
	return &meent.Error{Code: meent.EMALFORMED, Message: "malformed event: " + fmt.Sprintf(format, args...)}
}

// Body is the input to Sign: the envelope of a new event. Data is
// marshalled as JSON; it must follow the same rules Parse enforces.
type Body struct {
	Type   string
	Author string
	Time   int64
	Data   any
}

// Sign builds the body for b with key's public half, signs it and returns
// the entry bytes. The bytes are produced once here and never rebuilt.
func Sign(key ed25519.PrivateKey, b Body) ([]byte, error) {
	data, err := json.Marshal(b.Data, json.Deterministic(true))
	if err != nil {
		return nil, fmt.Errorf("marshal data: %w", err)
	}
	body, err := json.Marshal(envelope{
		V:      Version,
		Type:   b.Type,
		Author: b.Author,
		Key:    base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey)),
		Time:   b.Time,
		Data:   data,
	}, json.Deterministic(true))
	if err != nil {
		return nil, fmt.Errorf("marshal body: %w", err)
	}
	return SignBody(key, body), nil
}

// SignBody signs exact body bytes and returns the entry. It does not check
// the body; Decode the result to do that.
func SignBody(key ed25519.PrivateKey, body []byte) []byte {
	msg := append([]byte(SignatureContext), body...)
	sig := ed25519.Sign(key, msg)
	entry := make([]byte, 0, len(body)+sigLineLen+2)
	entry = append(entry, body...)
	entry = append(entry, '\n')
	entry = base64.StdEncoding.AppendEncode(entry, sig)
	return append(entry, '\n')
}
