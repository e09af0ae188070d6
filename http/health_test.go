package http_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/mod/sumdb/note"

	"github.com/meent/meent"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/api/commonsapi"
	"github.com/meent/meent/client"
	"github.com/meent/meent/http"
	"github.com/meent/meent/node"
	"github.com/meent/meent/postgres"
)

// Item 8: health says whether the node can append, not only read.
func TestHealthWhenAppendsCannot(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, nil)
	e.CreateAgent("Ada")
	// Something else holds the append lock (on SQLite, the one writer
	// connection): reads still work, appends cannot.
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Store.Sequence(context.Background(), func(meent.SeqTx) error {
			close(held)
			<-release
			return errors.New("roll back")
		})
	}()
	<-held
	start := time.Now()
	r := e.Get("/healthz")
	if r.Status != 503 || !strings.HasPrefix(string(r.Body), "unavailable\n") || !strings.Contains(string(r.Body), "store: ok\n") || strings.Contains(string(r.Body), "append: ok") {
		t.Errorf("healthz with the append lock held: %d %q", r.Status, r.Body)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("healthz took %s", d)
	}
	close(release)
	<-done
	r = e.Get("/healthz")
	if r.Status != 200 || string(r.Body) != "ok\nstore: ok\nappend: ok\n" {
		t.Errorf("healthz after: %d %q", r.Status, r.Body)
	}
}

// pgDatabase creates a database of its own (so that making it unavailable
// disturbs no other test) and returns its DSN and a function that turns
// connections to it off or on again.
func pgDatabase(t *testing.T) (dsn string, setDown func(bool)) {
	base := os.Getenv("MEENT_TEST_POSTGRES")
	if base == "" {
		t.Skip("MEENT_TEST_POSTGRES is not set; skipping PostgreSQL tests")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	rand.Read(b[:])
	name := "meent_acc_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String(), func(down bool) {
		t.Helper()
		if _, err := admin.Exec(fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS %v", name, !down)); err != nil {
			t.Fatal(err)
		}
		if down {
			if _, err := admin.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Item 8 on PostgreSQL: bytes PostgreSQL cannot hold are 400, as on
// SQLite; while the database is down the API is 503 and health says so;
// afterwards the node appends again.
func TestPostgresEdges(t *testing.T) {
	dsn, setDown := pgDatabase(t)
	ctx := t.Context()
	store, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	skey, vkey, _ := note.GenerateKey(rand.Reader, apitest.Origin)
	signer, _ := note.NewSigner(skey)
	reg := prometheus.NewRegistry()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
	n, err := node.Open(ctx, store, node.Config{Origin: apitest.Origin, Signer: signer, Metrics: node.NewMetrics(reg), Logger: logger, PasswordCost: bcrypt.MinCost})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	sealer, _ := node.NewSealer(bytes.Repeat([]byte("s"), 32))
	s := http.NewServer(http.Options{Node: n, Accounts: node.NewAccounts(n, sealer), Origin: apitest.Origin, VerifierKey: vkey, Registry: reg, Logger: logger})
	commonsapi.Register(s) // for a commons path the guards refuse
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	e := &apitest.Env{T: t, Store: store, Node: n, Server: s, HTTP: hs, Client: client.New(hs.URL, hs.Client())}
	e.CreateAgent("Ada")

	for _, path := range []string{"/api/v1/events?type=%00", "/api/v1/agents?kind=%ff", "/api/v1/commons/%00"} {
		apitest.WantProblem(t, e.Get(path), 400, meent.EINVALID)
	}
	// The backstop behind the edge check: PostgreSQL's own refusal of a
	// NUL (SQLSTATE 22021) is mapped by its code to invalid, not internal.
	_, err = store.Records(ctx, meent.EventFilter{Type: "a\x00b", Limit: 1})
	if err == nil || http.CodeOf(err) != meent.EINVALID {
		t.Errorf("Records with a NUL: %v, code %s", err, http.CodeOf(err))
	}

	setDown(true)
	apitest.WantProblem(t, e.Get("/api/v1/node"), 503, meent.EUNAVAILABLE)
	apitest.WantProblem(t, e.Get("/api/v1/events"), 503, meent.EUNAVAILABLE)
	r := e.Get("/healthz")
	if r.Status != 503 || !strings.HasPrefix(string(r.Body), "unavailable\n") {
		t.Errorf("healthz while PostgreSQL is down: %d %q", r.Status, r.Body)
	}
	if _, err := e.Client.Submit(ctx, apitest.NewSigner(t).CreateEntry(t, "Bob")); meent.ErrorCode(err) != meent.EUNAVAILABLE {
		t.Errorf("submit while down: %v", err)
	}

	setDown(false)
	r = e.Get("/healthz")
	if r.Status != 200 {
		t.Errorf("healthz after PostgreSQL is back: %d %q", r.Status, r.Body)
	}
	apitest.WantStatus(t, e.Get("/api/v1/node"), 200)
	e.CreateAgent("Carol")
}
