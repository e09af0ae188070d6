package storetest

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"encoding/json"

	"golang.org/x/mod/sumdb/note"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/node"
	"github.com/meent/meent/sharing"
)

// bookingChecker is what a store with the bookings table (migration 0009)
// answers: how many bookings hold their item, and how many pairs of them
// overlap (always 0).
type bookingChecker interface {
	HeldBookings(ctx context.Context) (held, overlaps int64, err error)
}

func bookingObject(id, resource string, item int, start, until int64, status string, idx int64) meent.Object {
	b := sharing.Booking{ID: id, Resource: resource, Commons: "c", Agent: "a", Item: item, Start: start, End: until, Until: until, Status: status, Created: idx, Updated: idx}
	data, _ := json.Marshal(b)
	return meent.Object{Kind: sharing.KindBooking, ID: id, Parent: resource, Commons: "c", Agent: "a", Status: status, Created: idx, Updated: idx, Data: data}
}

// testBookingsSecondLine: the store refuses two held bookings of one item
// that overlap, whatever the rules said (ECONFLICT, nothing committed);
// it accepts them on other items, after a cancellation, and when one
// batch frees a span and books it again.
func testBookingsSecondLine(t *testing.T, s meent.Store) {
	ctx := t.Context()
	put := func(objs ...meent.Object) error {
		return s.Sequence(ctx, func(tx meent.SeqTx) error { return tx.PutObjects(ctx, objs) })
	}
	if err := put(bookingObject("a", "r", 1, 100, 200, sharing.Confirmed, 1), bookingObject("b", "r", 2, 100, 200, sharing.Confirmed, 2)); err != nil {
		t.Fatal(err)
	}
	for name, o := range map[string]meent.Object{
		"inside":     bookingObject("c", "r", 1, 120, 130, sharing.Confirmed, 3),
		"around":     bookingObject("c", "r", 1, 50, 250, sharing.Requested, 3),
		"at the end": bookingObject("c", "r", 1, 199, 300, sharing.Confirmed, 3),
		"grown":      bookingObject("a", "r", 1, 100, 200, sharing.Confirmed, 3), // unchanged: fine
	} {
		err := put(o)
		if name == "grown" {
			if err != nil {
				t.Errorf("rewriting a booking unchanged: %v", err)
			}
			continue
		}
		wantCode(t, err, meent.ECONFLICT, "an overlap "+name)
	}
	if _, err := s.Object(ctx, sharing.KindBooking, "c"); meent.ErrorCode(err) != meent.ENOTFOUND {
		t.Errorf("a refused booking's object was committed: %v", err)
	}
	if err := put(bookingObject("c", "r", 1, 200, 300, sharing.Confirmed, 3), bookingObject("d", "q", 1, 100, 200, sharing.Confirmed, 4)); err != nil {
		t.Errorf("adjacent, and on another resource: %v", err)
	}
	// One batch: a ends early at 150 and b is cancelled; e takes a's
	// freed time and f b's (written in the map's order, whatever it is).
	if err := put(bookingObject("e", "r", 1, 150, 200, sharing.Confirmed, 6), bookingObject("f", "r", 2, 100, 200, sharing.Confirmed, 7),
		bookingObject("a", "r", 1, 100, 150, sharing.Done, 5), bookingObject("b", "r", 2, 100, 200, sharing.Cancelled, 5)); err != nil {
		t.Errorf("freed and booked again in one batch: %v", err)
	}
	if c, ok := s.(bookingChecker); ok {
		held, overlaps, err := c.HeldBookings(ctx)
		if err != nil || held != 5 || overlaps != 0 {
			t.Errorf("held %d, overlapping pairs %d, %v; want 5 and 0", held, overlaps, err)
		}
	}
}

// Bookings fires conflicting bookings from many submitters at nodes that
// share one database (one node per store, as separate processes would
// run), and checks that the table holds no overlap, that every booking
// acknowledged is stored and holds its item, and that every booking
// refused as a conflict did meet one acknowledged: no valid booking lost.
func Bookings(t *testing.T, attempts int, stores ...meent.Store) {
	ctx := t.Context()
	skey, _, err := note.GenerateKey(nil, "bookings.example/meent")
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	var nodes []*node.Node
	for _, s := range stores {
		n, err := node.Open(ctx, s, node.Config{Origin: "bookings.example/meent", Signer: signer})
		if err != nil {
			t.Fatal(err)
		}
		defer n.Close()
		nodes = append(nodes, n)
	}
	now := time.Now().UnixMilli()
	tm := now - 60_000
	next := func() int64 { tm++; return tm }
	submit := func(n *node.Node, key ed25519.PrivateKey, author, typ string, data any) (string, error) {
		entry := Sign(t, key, typ, author, next(), data)
		r, err := n.Submit(ctx, entry)
		return r.Hash.String(), err
	}
	mustSubmit := func(key ed25519.PrivateKey, author, typ string, data any) string {
		t.Helper()
		id, err := submit(nodes[0], key, author, typ, data)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		return id
	}
	stewardKey := Key("bookings steward")
	steward := mustSubmit(stewardKey, "", agent.TypeCreate, agent.CreateData{Kind: agent.Person, Name: "Steward"})
	lib := mustSubmit(stewardKey, steward, commons.TypeCreate, commons.CreateData{Name: "Tools", Kind: "hardware"})
	mustSubmit(stewardKey, steward, sharing.TypeCatalogue, sharing.CatalogueData{Commons: lib, TimeZone: "Europe/Amsterdam"})
	kayaks := mustSubmit(stewardKey, steward, sharing.TypeResourceAdd, sharing.ResourceData{Commons: lib, Name: "Kayak", Kind: sharing.Vehicle, Items: 2,
		Rules: sharing.Rules{Who: sharing.Everyone, BufferMinutes: 5}})
	const submitters = 16
	type person struct {
		key ed25519.PrivateKey
		id  string
	}
	people := make([]person, submitters)
	for i := range people {
		k := Key(fmt.Sprintf("bookings submitter %d", i))
		people[i] = person{k, mustSubmit(k, "", agent.TypeCreate, agent.CreateData{Kind: agent.Person, Name: fmt.Sprintf("P%d", i)})}
	}

	// Every submitter books spans in one busy day: most of them collide.
	type try struct {
		item       int
		start, end int64
		id         string
		err        error
	}
	day := now + 24*sharing.Hour
	tries := make([][]try, submitters)
	var wg sync.WaitGroup
	var mu sync.Mutex // next() is shared
	for i := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 99))
			for k := range attempts / submitters {
				s := day + int64(r.IntN(4*96))*15*sharing.Minute
				x := try{item: r.IntN(3), start: s, end: s + int64(1+r.IntN(8))*15*sharing.Minute}
				mu.Lock()
				entry := Sign(t, people[i].key, sharing.TypeBook, people[i].id, next(), sharing.BookData{Resource: kayaks, Item: x.item, Start: x.start, End: x.end})
				mu.Unlock()
				rc, err := nodes[(i+k)%len(nodes)].Submit(ctx, entry)
				x.id, x.err = rc.Hash.String(), err
				tries[i] = append(tries[i], x)
			}
		}()
	}
	wg.Wait()

	type held struct {
		item         int
		start, until int64
	}
	var accepted []held
	refused := 0
	for _, ts := range tries {
		for _, x := range ts {
			switch {
			case x.err == nil:
				o, err := stores[0].Object(ctx, sharing.KindBooking, x.id)
				if err != nil {
					t.Fatalf("acknowledged booking %s is not stored: %v", x.id, err)
				}
				var b sharing.Booking
				if err := json.Unmarshal(o.Data, &b); err != nil || !b.Holds() || b.Start != x.start || (x.item != 0 && b.Item != x.item) {
					t.Fatalf("booking %s stored as %+v (%v)", x.id, b, err)
				}
				accepted = append(accepted, held{b.Item, b.Start, b.Until})
			case meent.ErrorCode(x.err) == meent.ECONFLICT:
				refused++
			default:
				t.Fatalf("a booking refused with %v", x.err)
			}
		}
	}
	// No refusal without cause: each refused try met an accepted booking
	// on every item it could have had.
	for _, ts := range tries {
		for _, x := range ts {
			if x.err == nil {
				continue
			}
			for item := 1; item <= 2; item++ {
				if x.item != 0 && x.item != item {
					continue
				}
				met := false
				for _, a := range accepted {
					if a.item == item && a.start < x.end+5*sharing.Minute && x.start < a.until {
						met = true
						break
					}
				}
				if !met {
					t.Fatalf("a booking of item %d (asked %d) [%d, %d) was refused, but nothing held it", item, x.item, x.start, x.end)
				}
			}
		}
	}
	for i, a := range accepted {
		for _, b := range accepted[i+1:] {
			if a.item == b.item && a.start < b.until && b.start < a.until {
				t.Fatalf("two acknowledged bookings overlap: %+v %+v", a, b)
			}
		}
	}
	if c, ok := stores[0].(bookingChecker); ok {
		n, overlaps, err := c.HeldBookings(ctx)
		if err != nil || overlaps != 0 || n != int64(len(accepted)) {
			t.Fatalf("the table holds %d bookings with %d overlapping pairs (%v); %d were acknowledged", n, overlaps, err, len(accepted))
		}
	} else {
		t.Fatal("the store has no bookings table")
	}
	if len(accepted) < 10 || refused < attempts/4 {
		t.Errorf("%d accepted, %d refused: the test did not make conflicts", len(accepted), refused)
	}
	t.Logf("%d bookings tried by %d submitters on %d nodes: %d accepted, %d refused as overlapping", attempts, submitters, len(nodes), len(accepted), refused)
}

// feedTokens is what a store with calendar links (migration 0009) keeps.
type feedTokens interface {
	SetFeedToken(ctx context.Context, agent string, hash [32]byte, at int64) error
	DeleteFeedToken(ctx context.Context, agent string) error
	FeedTokenAgent(ctx context.Context, hash [32]byte) (string, error)
}

// testFeedTokens: an agent has at most one calendar link; a new one
// replaces the old, a deleted one is not found, nor is a token never made.
func testFeedTokens(t *testing.T, s meent.Store) {
	ctx := t.Context()
	f, ok := s.(feedTokens)
	if !ok {
		t.Fatal("the store keeps no calendar links")
	}
	h := func(b byte) [32]byte { var x [32]byte; x[0] = b; return x }
	if err := f.SetFeedToken(ctx, "ada", h(1), 1); err != nil {
		t.Fatal(err)
	}
	if err := f.SetFeedToken(ctx, "bo", h(2), 1); err != nil {
		t.Fatal(err)
	}
	if a, err := f.FeedTokenAgent(ctx, h(1)); err != nil || a != "ada" {
		t.Fatalf("token 1: %q, %v", a, err)
	}
	if err := f.SetFeedToken(ctx, "ada", h(3), 2); err != nil {
		t.Fatal(err)
	}
	_, err := f.FeedTokenAgent(ctx, h(1))
	wantCode(t, err, meent.ENOTFOUND, "a replaced token")
	if a, err := f.FeedTokenAgent(ctx, h(3)); err != nil || a != "ada" {
		t.Fatalf("token 3: %q, %v", a, err)
	}
	if err := f.DeleteFeedToken(ctx, "ada"); err != nil {
		t.Fatal(err)
	}
	_, err = f.FeedTokenAgent(ctx, h(3))
	wantCode(t, err, meent.ENOTFOUND, "a deleted token")
	wantCode(t, f.DeleteFeedToken(ctx, "ada"), meent.ENOTFOUND, "deleting twice")
	_, err = f.FeedTokenAgent(ctx, h(9))
	wantCode(t, err, meent.ENOTFOUND, "a token never made")
	if a, err := f.FeedTokenAgent(ctx, h(2)); err != nil || a != "bo" {
		t.Fatalf("bo's token: %q, %v", a, err)
	}
}
