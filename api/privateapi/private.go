package privateapi

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"
	"unicode/utf8"

	nethttp "net/http"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/http"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/private"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

// Private records (package private, docs/privacy.md): personal data an
// event points to by a salted commitment, kept beside the log, readable by
// its owner, the maintainers of its commons and the admins, and erasable
// by its owner and the admins. These routes are the node's door to them.
//
// A caller is an API token, a logged-in session, or (for the CLI, which
// holds an agent key and no token) a signed request: the header
// Meent-Signature carries, in standard base64, an event signed like any
// other (docs/ledger.md) of type "private.request" whose data is
// {"method": the HTTP method, "commitment": the record's commitment, and
// for a POST with a commons "commons": that commons} and
// whose time is within five minutes of the node's clock. It is never
// appended (no rules own that type); it only proves the key.

// signatureSkew bounds how far a signed request's time may be from now.
const signatureSkew = 5 * time.Minute

// usedRequests remembers the signed requests answered within the skew
// window, so each is good for one request: a captured Meent-Signature
// header cannot be replayed to read a record again. Entries older than
// the window are dropped, since the time check refuses those anyway.
type usedRequests struct {
	mu   sync.Mutex
	seen map[ledger.Hash]time.Time // request hash -> its signed time
}

// use records h, signed at t, and reports false if it was used before.
func (u *usedRequests) use(h ledger.Hash, t, now time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.seen == nil {
		u.seen = map[ledger.Hash]time.Time{}
	}
	if _, ok := u.seen[h]; ok {
		return false
	}
	if len(u.seen) >= 1024 {
		for k, at := range u.seen {
			if now.Sub(at) > signatureSkew {
				delete(u.seen, k)
			}
		}
	}
	u.seen[h] = t
	return true
}

func privateView(r private.Record) api.PrivateRecord {
	v := api.PrivateRecord{Commitment: r.Commitment.String(), Status: "live", Owner: r.Owner, Commons: r.Commons, Created: api.Timestamp(r.Created)}
	if r.IsErased() {
		t := api.Timestamp(r.Erased)
		v.Status, v.Erased, v.ErasedBy = "erased", &t, r.ErasedBy
		return v
	}
	v.Data, v.Salt = r.Data, hex.EncodeToString(r.Salt[:])
	if utf8.Valid(r.Data) {
		v.Text = string(r.Data)
	}
	return v
}

// privateCaller authenticates a request on a private record: a token or
// session (authenticateUpload: a cookie needs the CSRF header for a
// write), or a signed private.request for this method, commitment and
// commons (the one a POST stores the record for, "" otherwise).
func (s server) privateCaller(r *nethttp.Request, c private.Commitment, commonsID string) (string, error) {
	sig := r.Header.Get(api.SignatureHeader)
	if sig == "" || r.Header.Get("Authorization") != "" {
		var cl string // the agent
		var err error
		if r.Method == nethttp.MethodGet {
			cl, err = s.Authenticate(r)
		} else {
			cl, err = s.AuthenticateUpload(r)
		}
		return cl, err
	}
	entry, err := base64.StdEncoding.DecodeString(sig)
	if err != nil || len(entry) > ledger.MaxEntrySize {
		return "", meent.Errorf(meent.EUNAUTHORIZED, "%s must be a signed event in standard base64", api.SignatureHeader)
	}
	ev, err := ledger.Decode(entry)
	if err != nil {
		return "", &meent.Error{Code: meent.EUNAUTHORIZED, Message: "the signed request does not verify: " + meent.ErrorMessage(err), Err: err}
	}
	var d api.PrivateRequestData
	if ev.Type != api.PrivateRequestType || ev.DecodeData(&d) != nil || d.Method != r.Method || d.Commitment != c.String() || d.Commons != commonsID {
		return "", meent.Errorf(meent.EUNAUTHORIZED, "the signed request must be a %s for %s %s (commons %q)", api.PrivateRequestType, r.Method, c, commonsID)
	}
	if dt := s.Now().Sub(time.UnixMilli(ev.Time)); dt > signatureSkew || dt < -signatureSkew {
		return "", meent.Errorf(meent.EUNAUTHORIZED, "the signed request's time is more than %s from the node's clock", signatureSkew)
	}
	if !s.signed.use(ev.Hash, time.UnixMilli(ev.Time), s.Now()) {
		return "", meent.Errorf(meent.EUNAUTHORIZED, "this signed request was used before; sign a new one for each request")
	}
	var agentID string
	s.Node().State(func(st *state.State) {
		a, e := st.Agents.Signer(ev)
		if e != nil {
			err = meent.Errorf(meent.EUNAUTHORIZED, "the signed request's key: %s", meent.ErrorMessage(e))
			return
		}
		agentID = a.ID
	})
	return agentID, err
}

func (s server) apiPutPrivate(w nethttp.ResponseWriter, r *nethttp.Request) {
	ps, err := s.PrivateStore()
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	var req api.PrivatePut
	if err := http.DecodeJSON(w, r, &req); err != nil {
		s.WriteError(w, r, err)
		return
	}
	rec, err := s.putPrivate(r, ps, req, "")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/private/"+rec.Commitment.String())
	http.WriteJSON(w, r, nethttp.StatusCreated, privateView(rec))
}

// putPrivate checks and stores a record; owner, when not empty, is the
// already authenticated caller.
func (s server) putPrivate(r *nethttp.Request, ps private.Store, req api.PrivatePut, owner string) (private.Record, error) {
	if len(req.Salt) != private.SaltSize {
		return private.Record{}, meent.Errorf(meent.EINVALID, "salt must be %d random bytes (base64)", private.SaltSize)
	}
	if err := private.CheckData(req.Data); err != nil {
		return private.Record{}, err
	}
	salt := [private.SaltSize]byte(req.Salt)
	rec := private.Record{Commitment: private.Commit(salt, req.Data), Data: req.Data, Salt: salt, Commons: req.Commons, Created: s.Now().UnixMilli()}
	if owner == "" {
		var err error
		if owner, err = s.privateCaller(r, rec.Commitment, req.Commons); err != nil {
			return private.Record{}, err
		}
	}
	rec.Owner = owner
	if req.Commons != "" {
		var known bool
		s.Node().State(func(st *state.State) { known = st.Commons.Commons(req.Commons) != nil })
		if !known {
			return private.Record{}, meent.Errorf(meent.ENOTFOUND, "no commons %s", req.Commons)
		}
	}
	if err := ps.PutPrivate(r.Context(), rec); err != nil {
		return private.Record{}, err
	}
	return ps.PrivateRecord(r.Context(), rec.Commitment)
}

// privateTarget parses the commitment in the path, authenticates the
// caller and reads the record.
func (s server) privateTarget(r *nethttp.Request) (private.Store, private.Record, private.Reader, error) {
	ps, err := s.PrivateStore()
	if err != nil {
		return nil, private.Record{}, private.Reader{}, err
	}
	c, err := private.ParseCommitment(r.PathValue("commitment"))
	if err != nil {
		return nil, private.Record{}, private.Reader{}, err
	}
	who, err := s.privateCaller(r, c, "")
	if err != nil {
		return nil, private.Record{}, private.Reader{}, err
	}
	rec, err := ps.PrivateRecord(r.Context(), c)
	if err != nil {
		return nil, private.Record{}, private.Reader{}, err
	}
	return ps, rec, s.Reader(who, rec.Commons), nil
}

func (s server) apiGetPrivate(w nethttp.ResponseWriter, r *nethttp.Request) {
	_, rec, rd, err := s.privateTarget(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	if !rd.MayRead(rec) {
		s.WriteError(w, r, meent.Errorf(meent.EFORBIDDEN, "only the record's owner, the maintainers of its commons and the node's admins may read it"))
		return
	}
	// Who read whose personal data is worth a line in the node's log
	// (never the data itself).
	s.Logger().Info("private record read", "commitment", rec.Commitment.String(), "by", rd.Agent, "status", privateView(rec).Status)
	// Personal data: no cache, shared or private, may keep it.
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(nethttp.StatusOK)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(privateView(rec))
}

func (s server) apiErasePrivate(w nethttp.ResponseWriter, r *nethttp.Request) {
	ps, rec, rd, err := s.privateTarget(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	if !rd.MayErase(rec) {
		s.WriteError(w, r, meent.Errorf(meent.EFORBIDDEN, "only the record's owner and the node's admins may erase it"))
		return
	}
	tomb, err := ps.ErasePrivate(r.Context(), rec.Commitment, rd.Agent, s.Now().UnixMilli())
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	s.Logger().Info("private record erased", "commitment", tomb.Commitment.String(), "by", rd.Agent)
	http.WriteJSON(w, r, nethttp.StatusOK, privateView(tomb))
}

func (s server) apiSettle(w nethttp.ResponseWriter, r *nethttp.Request) {
	cl, err := s.AuthenticateUpload(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	var req api.SettleRequest
	if err := http.DecodeJSON(w, r, &req); err != nil {
		s.WriteError(w, r, err)
		return
	}
	d := value.SettleData{Commons: r.PathValue("id"), Kind: req.Kind, Recipient: req.Recipient, Amount: req.Amount, Reference: req.Reference}
	rc, err := s.Settle(r.Context(), cl, d, req.PrivateReference)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	s.WriteReceipt(w, r, rc)
}
