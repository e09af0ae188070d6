package privateapi

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/audit"
	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
	"github.com/meent/meent/private"
	"github.com/meent/meent/value"
)

// TestPrivateRecords runs the private-record routes and the settle route
// against a real node: a payout settled with a private reference puts only
// the commitment in the log; the record is read by those allowed and no
// one else; erasure leaves a tombstone that says so.
func TestPrivateRecords(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, withPages)
	ctx := t.Context()
	c := apitest.NewCommunity(t, e)
	if _, err := e.Accounts.SignUp(ctx, node.SignUp{Username: "grace", Password: "a long enough password", Name: "Grace"}); err != nil {
		t.Fatal(err)
	}
	grace := apitest.MustAccount(t, e, "grace").Agent
	token, err := e.Accounts.CreateToken(ctx, grace, "test")
	if err != nil {
		t.Fatal(err)
	}
	graceAuth := client.PrivateAuth{Token: token}

	// Grace maintains a commons that owes Cy for his work.
	lib, err := e.Client.Act(ctx, token, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	if err != nil {
		t.Fatal(err)
	}
	k := e.Act(c.Cy, commons.TypeSubmit, commons.SubmitData{Commons: lib.Hash.String(), Kind: "documentation", Title: "README", Quantities: commons.Quantities{Minutes: 60}})
	mustAct := func(typ string, data any) string {
		t.Helper()
		rc, err := e.Client.Act(ctx, token, typ, data)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		return rc.Hash.String()
	}
	mustAct(commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: commons.VerdictAccept})
	inc := mustAct(value.TypeIncomeRecord, value.IncomeData{Commons: lib.Hash.String(), Kind: "donation", Amount: commons.Money{Amount: 10000, Currency: "EUR"}})
	mustAct(value.TypeDistributionRun, value.RunData{Income: inc})
	settlePath := "/api/v1/commons/" + lib.Hash.String() + "/settlements"
	settle := func(req api.SettleRequest) apitest.Response {
		body, _ := json.Marshal(req)
		return e.Do("POST", settlePath, body, "Content-Type", "application/json", "Authorization", "Bearer "+token)
	}
	eur := func(n int64) commons.Money { return commons.Money{Amount: n, Currency: "EUR"} }
	const secret = "NL91ABNA0417164300 C. Cyclist, 2026-03-01"

	// An IBAN in the public reference is refused, pointing to the private one.
	p := apitest.WantProblem(t, settle(api.SettleRequest{Kind: "agent", Recipient: c.Cy.ID, Amount: eur(100), Reference: secret}), 422, meent.ERULE)
	if !strings.Contains(p.Detail, "IBAN") || !strings.Contains(p.Detail, "private") {
		t.Errorf("refusal %q does not say what and where", p.Detail)
	}

	// A private reference: the event carries its commitment only.
	r := settle(api.SettleRequest{Kind: "agent", Recipient: c.Cy.ID, Amount: eur(100), Reference: "batch 1", PrivateReference: secret})
	apitest.WantStatus(t, r, 201)
	var rc api.Receipt
	r.JSON(t, &rc)
	h, _ := ledger.ParseHash(rc.Hash)
	ev, err := e.Client.Event(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	var d value.SettleData
	if err := json.Unmarshal(ev.Data, &d); err != nil {
		t.Fatal(err)
	}
	commitment, err := private.ParseCommitment(d.RefCommitment)
	if err != nil || d.Reference != "batch 1" {
		t.Fatalf("settle data %+v: %v", d, err)
	}
	entries, err := e.Client.Entries(ctx, 0, int(e.Size()))
	if err != nil {
		t.Fatal(err)
	}
	if all := bytes.Join(entries, nil); bytes.Contains(all, []byte("NL91")) || bytes.Contains(all, []byte("Cyclist")) {
		t.Fatal("the private reference is in the log")
	}

	// The web form does the same for a logged-in maintainer.
	cookie, csrf := e.Login("grace", "a long enough password")
	page := "/commons/" + lib.Hash.String() + "/payouts"
	apitest.WantContains(t, e.Get(page, "Cookie", cookie), `name="private_reference"`, "Record payment")
	if r := e.Get(page); strings.Contains(string(r.Body), `name="private_reference"`) {
		t.Error("the settle form is shown to someone not logged in")
	}
	form := func(ref, priv string) apitest.Response {
		v := url.Values{"csrf": {csrf}, "kind": {"agent"}, "recipient": {c.Cy.ID}, "currency": {"EUR"}, "amount": {"0.50"},
			"reference": {ref}, "private_reference": {priv}}
		return e.Do("POST", page+"/settle", []byte(v.Encode()), "Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie)
	}
	before := e.Size()
	r = form("to "+secret, "")
	apitest.WantStatus(t, r, 422)
	apitest.WantContains(t, r, "IBAN", "private reference")
	if e.Size() != before {
		t.Fatal("a refused form wrote to the log")
	}
	r = form("web batch", "DE89 3704 0044 0532 0130 00 Cy")
	apitest.WantStatus(t, r, 303)
	loc := r.Header.Get("Location")
	webHash, err := ledger.ParseHash(loc[strings.LastIndex(loc, "=")+1:])
	if err != nil {
		t.Fatalf("redirect %q: %v", loc, err)
	}
	webEv, err := e.Client.Event(ctx, webHash)
	if err != nil || bytes.Contains(webEv.Data, []byte("DE89")) || !bytes.Contains(webEv.Data, []byte(`"ref_commitment"`)) {
		t.Fatalf("web settlement %s: %v", webEv.Data, err)
	}

	// Grace (owner, and maintainer) reads it; Ada (admin) reads it; Cy
	// (neither) may not, with a signed request; nobody without credentials.
	got, err := e.Client.PrivateRecord(ctx, graceAuth, commitment)
	if err != nil || got.Status != "live" || got.Text != secret || got.Owner != grace || got.Commons != lib.Hash.String() {
		t.Fatalf("owner reads %+v, %v", got, err)
	}
	salt, _ := hex.DecodeString(got.Salt)
	if !private.Check(commitment, [private.SaltSize]byte(salt), got.Data) {
		t.Error("the data and salt shown do not open the event's commitment")
	}
	ada := client.PrivateAuth{Agent: c.Ada.ID, Key: c.Ada.Key}
	cy := client.PrivateAuth{Agent: c.Cy.ID, Key: c.Cy.Key}
	if got, err := e.Client.PrivateRecord(ctx, ada, commitment); err != nil || got.Text != secret {
		t.Errorf("admin reads %+v, %v", got, err)
	}
	if _, err := e.Client.PrivateRecord(ctx, cy, commitment); meent.ErrorCode(err) != meent.EFORBIDDEN {
		t.Errorf("another agent reads: %v", err)
	}
	apitest.WantProblem(t, e.Get("/api/v1/private/"+commitment.String()), 401, meent.EUNAUTHORIZED)
	if r := e.Get("/api/v1/private/"+commitment.String(), "Authorization", "Bearer "+token); r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", r.Header.Get("Cache-Control"))
	}

	// A signed request is bound to its method, commitment and time.
	sign := func(s *apitest.Signer, method string, c private.Commitment, at time.Time) string {
		en, _ := ledger.Sign(s.Key, ledger.Body{Type: api.PrivateRequestType, Author: s.ID, Time: at.UnixMilli(), Data: api.PrivateRequestData{Method: method, Commitment: c.String()}})
		return base64.StdEncoding.EncodeToString(en)
	}
	for name, hdr := range map[string]string{
		"other method":     sign(c.Ada, "DELETE", commitment, time.Now()),
		"other commitment": sign(c.Ada, "GET", private.Commitment{1}, time.Now()),
		"stale":            sign(c.Ada, "GET", commitment, time.Now().Add(-time.Hour)),
		"not base64":       "%%%",
	} {
		apitest.WantProblem(t, e.Get("/api/v1/private/"+commitment.String(), api.SignatureHeader, hdr), 401, meent.EUNAUTHORIZED)
		_ = name
	}

	// A signed request is good once: the same header replayed is refused.
	mayaHdr := sign(c.Ada, "GET", commitment, time.Now())
	apitest.WantStatus(t, e.Get("/api/v1/private/"+commitment.String(), api.SignatureHeader, mayaHdr), 200)
	apitest.WantProblem(t, e.Get("/api/v1/private/"+commitment.String(), api.SignatureHeader, mayaHdr), 401, meent.EUNAUTHORIZED)

	// Cy stores a record of his own with his key alone (as the CLI does).
	cySalt := private.NewSalt()
	mine, err := e.Client.PutPrivate(ctx, cy, []byte("cy@example.org"), cySalt, "")
	if err != nil || mine.Owner != c.Cy.ID || mine.Status != "live" {
		t.Fatalf("put with a signed request: %+v, %v", mine, err)
	}
	// A signed POST is bound to the commons the record is stored for.
	otherSalt := private.NewSalt()
	body, _ := json.Marshal(api.PrivatePut{Data: []byte("x"), Salt: otherSalt[:], Commons: lib.Hash.String()})
	apitest.WantProblem(t, e.Do("POST", "/api/v1/private", body, "Content-Type", "application/json",
		api.SignatureHeader, sign(c.Cy, "POST", private.Commit(otherSalt, []byte("x")), time.Now())), 401, meent.EUNAUTHORIZED)
	// A salt that is not 32 bytes, or data too large, is refused.
	body, _ = json.Marshal(api.PrivatePut{Data: []byte("x"), Salt: []byte("short")})
	apitest.WantProblem(t, e.Do("POST", "/api/v1/private", body, "Content-Type", "application/json", "Authorization", "Bearer "+token), 400, meent.EINVALID)

	// Erasure: Cy may not erase Grace's record; Grace may. Then it reads as
	// erased, and the log still verifies.
	if _, err := e.Client.ErasePrivate(ctx, cy, commitment); meent.ErrorCode(err) != meent.EFORBIDDEN {
		t.Errorf("another agent erases: %v", err)
	}
	tomb, err := e.Client.ErasePrivate(ctx, graceAuth, commitment)
	if err != nil || tomb.Status != "erased" || tomb.ErasedBy != grace || tomb.Erased == nil || tomb.Data != nil || tomb.Salt != "" || tomb.Text != "" {
		t.Fatalf("erase: %+v, %v", tomb, err)
	}
	after, err := e.Client.PrivateRecord(ctx, ada, commitment)
	if err != nil || after.Status != "erased" || after.Text != "" {
		t.Errorf("read after erasure: %+v, %v", after, err)
	}
	if _, err := e.Client.PrivateRecord(ctx, graceAuth, private.Commitment{9}); meent.ErrorCode(err) != meent.ENOTFOUND {
		t.Errorf("missing record: %v", err)
	}
	if _, err := audit.Verify(ctx, e.Client, e.Verifier); err != nil {
		t.Errorf("audit after erasure: %v", err)
	}
}
