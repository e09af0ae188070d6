//go:build integration

package main

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"filippo.io/edwards25519"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/ledger"
)

// TestSmallOrderKeyAttack runs the attack of issue 9 item 4 against the
// real binary over HTTP. Under the identity point as a public key the
// signature R = identity, S = 0 verifies for every message with
// crypto/ed25519 alone, so whoever registers that key, or gets it added to
// an agent, can sign anything as that agent. The node must refuse the key
// both ways, refuse every forgery, and its log must still verify.
func TestSmallOrderKeyAttack(t *testing.T) {
	p := start(t, "--data", t.TempDir())
	identity := append([]byte{1}, make([]byte, 31)...)
	universal := append(bytes.Clone(identity), make([]byte, 32)...)
	b64 := base64.StdEncoding.EncodeToString
	now := time.Now().UnixMilli()
	forge := func(body string) []byte { return []byte(body + "\n" + b64(universal) + "\n") }
	if !ed25519.Verify(identity, []byte(ledger.SignatureContext+"anything"), universal) {
		t.Fatal("crypto/ed25519 refuses the universal signature; the premise of this test changed")
	}

	size0 := treeSize(t, p.url)

	// 1. An agent.create under the identity key.
	create := forge(fmt.Sprintf(`{"v":1,"type":"agent.create","key":"%s","time":%d,"data":{"kind":"person","name":"Mallory"}}`, b64(identity), now))
	submitWant(t, p.url, create, 400, "bad_signature")
	// ... and a forged event for the agent it would have made.
	ev, err := ledger.Parse(create)
	if err != nil {
		t.Fatal(err)
	}
	submitWant(t, p.url, forge(fmt.Sprintf(`{"v":1,"type":"agent.update","author":"%s","key":"%s","time":%d,"data":{"name":"owned"}}`, ev.Hash, b64(identity), now+1)), 400, "bad_signature")

	// 2. A real agent is talked into adding the identity key.
	_, ada, _ := ed25519.GenerateKey(rand.Reader)
	adaCreate, err := ledger.Sign(ada, ledger.Body{Type: agent.TypeCreate, Time: now + 2, Data: agent.CreateData{Kind: agent.Person, Name: "Ada"}})
	if err != nil {
		t.Fatal(err)
	}
	submitWant(t, p.url, adaCreate, 201, "")
	adaID := ledger.Hash(sha256.Sum256(adaCreate)).String()
	add, err := ledger.Sign(ada, ledger.Body{Type: agent.TypeKeyAdd, Author: adaID, Time: now + 3, Data: agent.KeyData{Key: b64(identity)}})
	if err != nil {
		t.Fatal(err)
	}
	submitWant(t, p.url, add, 422, "rule_violation")
	// A non-canonical spelling of the identity (y = p+1) is refused too.
	nonCanonical, _ := base64.StdEncoding.DecodeString("7v///////////////////////////////////////38=")
	add2, _ := ledger.Sign(ada, ledger.Body{Type: agent.TypeKeyAdd, Author: adaID, Time: now + 4, Data: agent.KeyData{Key: b64(nonCanonical)}})
	submitWant(t, p.url, add2, 422, "rule_violation")
	// The forgery it would have enabled.
	submitWant(t, p.url, forge(fmt.Sprintf(`{"v":1,"type":"agent.update","author":"%s","key":"%s","time":%d,"data":{"name":"owned"}}`, adaID, b64(identity), now+5)), 400, "bad_signature")

	// 3. A small-order R made by Ada's own key, which crypto/ed25519
	// accepts: a second valid signature on one body, refused.
	body := fmt.Sprintf(`{"v":1,"type":"agent.update","author":"%s","key":"%s","time":%d,"data":{"name":"Ada L."}}`, adaID, b64(ada.Public().(ed25519.PublicKey)), now+6)
	sig := signWithIdentityR(ada, []byte(ledger.SignatureContext+body))
	if !ed25519.Verify(ada.Public().(ed25519.PublicKey), []byte(ledger.SignatureContext+body), sig) {
		t.Fatal("crypto/ed25519 refuses the identity-R signature; the premise changed")
	}
	submitWant(t, p.url, []byte(body+"\n"+b64(sig)+"\n"), 400, "bad_signature")

	if got := treeSize(t, p.url); got != size0+1 {
		t.Fatalf("tree size %d, want %d: only Ada's agent.create may be in", got, size0+1)
	}
	var a struct {
		Name string `json:"name"`
	}
	getJSONInto(t, p.url+"/api/v1/agents/"+adaID, &a)
	if a.Name != "Ada" {
		t.Fatalf("Ada's name is %q", a.Name)
	}

	// The log verifies from outside, reading gzip-compressed bundles.
	req, _ := http.NewRequest("GET", p.url+"/log/tile/entries/000.p/"+fmt.Sprint(size0+1), nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("entry bundle not gzipped: %v", resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	es, err := ledger.ParseBundle(plain)
	if err != nil || len(es) != int(size0+1) || !bytes.Equal(es[size0], adaCreate) {
		t.Fatalf("gzipped bundle: %d entries, %v", len(es), err)
	}
	if out := runMeent(t, "verify", p.url); !strings.Contains(out, "ok:") {
		t.Fatalf("verify: %s", out)
	}
}

// signWithIdentityR signs msg with R = identity: S = k·a, so [S]B − [k]A
// is the identity and the cofactorless equation holds.
func signWithIdentityR(key ed25519.PrivateKey, msg []byte) []byte {
	r := append([]byte{1}, make([]byte, 31)...)
	h := sha512.Sum512(key.Seed())
	a, _ := new(edwards25519.Scalar).SetBytesWithClamping(h[:32])
	kh := sha512.New()
	kh.Write(r)
	kh.Write(key.Public().(ed25519.PublicKey))
	kh.Write(msg)
	k, _ := new(edwards25519.Scalar).SetUniformBytes(kh.Sum(nil))
	return append(r, new(edwards25519.Scalar).Multiply(k, a).Bytes()...)
}

// submitWant posts an entry and checks the status and problem code.
func submitWant(t *testing.T, url string, entry []byte, status int, code string) {
	t.Helper()
	resp, err := http.Post(url+"/api/v1/events", "application/vnd.meent.event", bytes.NewReader(entry))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var prob struct {
		Code string `json:"code"`
	}
	json.Unmarshal(body, &prob)
	if resp.StatusCode != status || prob.Code != code {
		t.Fatalf("submit: %d %s, want %d %q\n%s", resp.StatusCode, body, status, code, entry)
	}
}

func treeSize(t *testing.T, url string) int64 {
	t.Helper()
	var info struct {
		Size int64 `json:"tree_size"`
	}
	getJSONInto(t, url+"/api/v1/node", &info)
	return info.Size
}
