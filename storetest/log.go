package storetest

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

// Every event of the suite is really signed and parsed back, so that the
// records the stores see are exactly what the node would give them.

// baseTime is the signing time of the first event (2026-01-01T00:00:00Z);
// each event after it is one millisecond later.
const baseTime = 1767225600000

// Key returns a deterministic Ed25519 key for a label, so failures are
// reproducible.
func Key(label string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("storetest key " + label))
	return ed25519.NewKeyFromSeed(seed[:])
}

// Sign signs an event and fails the test if the result is not an entry
// ledger.Decode accepts.
func Sign(tb testing.TB, key ed25519.PrivateKey, typ, author string, t int64, data any) []byte {
	tb.Helper()
	entry, err := ledger.Sign(key, ledger.Body{Type: typ, Author: author, Time: t, Data: data})
	if err != nil {
		tb.Fatalf("sign %s: %v", typ, err)
	}
	if _, err := ledger.Decode(entry); err != nil {
		tb.Fatalf("signed %s does not decode: %v", typ, err)
	}
	return entry
}

// Record returns the record of entry at index idx, every field taken from
// what the envelope says, as the node builds it.
func Record(tb testing.TB, idx int64, entry []byte) meent.Record {
	tb.Helper()
	ev, err := ledger.Parse(entry)
	if err != nil {
		tb.Fatalf("parse entry %d: %v", idx, err)
	}
	return meent.Record{
		Index:  idx,
		Hash:   ev.Hash,
		Type:   ev.Type,
		Author: ev.Author,
		Key:    []byte(ev.Key),
		Time:   ev.Time,
		Data:   []byte(ev.Data),
		Entry:  entry,
	}
}

// notes returns n signed events of type typ by author (any 64 hex
// digits: the store does not check authors), with distinct data, so
// distinct hashes. No projection applies to them.
func notes(tb testing.TB, key ed25519.PrivateKey, typ, author string, n int) [][]byte {
	tb.Helper()
	out := make([][]byte, n)
	for i := range out {
		out[i] = Sign(tb, key, typ, author, baseTime+int64(i), map[string]any{"n": i, "by": author[:8]})
	}
	return out
}

// fakeAgent returns a well-formed agent ID for events whose author the
// store never looks up.
func fakeAgent(label string) string {
	h := sha256.Sum256([]byte("storetest agent " + label))
	return ledger.Hash(h).String()
}

// hashReader serves tlog the tree hashes of a Sequence transaction plus
// those of the batch being built, which the store does not have yet.
type hashReader struct {
	ctx     context.Context
	read    func(context.Context, []int64) ([][32]byte, error)
	pending map[int64]tlog.Hash
}

func (r *hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	for _, x := range indexes {
		if _, ok := r.pending[x]; !ok {
			missing = append(missing, x)
		}
	}
	var got [][32]byte
	if len(missing) > 0 {
		var err error
		if got, err = r.read(r.ctx, missing); err != nil {
			return nil, err
		}
		if len(got) != len(missing) {
			return nil, fmt.Errorf("ReadHashes returned %d hashes for %d indexes", len(got), len(missing))
		}
	}
	for i, x := range indexes {
		if h, ok := r.pending[x]; ok {
			out[i] = h
			continue
		}
		out[i], got = got[0], got[1:]
	}
	return out, nil
}

// storeReader reads a store's committed tree hashes for tlog.
func storeReader(ctx context.Context, s meent.Store) tlog.HashReader {
	return &hashReader{ctx: ctx, read: s.ReadHashes}
}

// Batch is what one Append takes: records, the tree hashes they add, and
// the checkpoint of the tree that includes them.
type Batch struct {
	Records    []meent.Record
	Hashes     []meent.StoredHash
	Checkpoint meent.Checkpoint
}

// build computes the batch for entries at indexes size, size+1, ... on
// top of a tree whose hashes read returns, as the node's sequencer does.
func build(tb testing.TB, ctx context.Context, read func(context.Context, []int64) ([][32]byte, error), size int64, entries [][]byte) (Batch, error) {
	tb.Helper()
	hr := &hashReader{ctx: ctx, read: read, pending: map[int64]tlog.Hash{}}
	var b Batch
	for i, e := range entries {
		idx := size + int64(i)
		hs, err := tlog.StoredHashes(idx, e, hr)
		if err != nil {
			return b, fmt.Errorf("tree hashes for %d: %w", idx, err)
		}
		base := tlog.StoredHashIndex(0, idx)
		for j, h := range hs {
			hr.pending[base+int64(j)] = h
			b.Hashes = append(b.Hashes, meent.StoredHash{Index: base + int64(j), Hash: h})
		}
		b.Records = append(b.Records, Record(tb, idx, e))
	}
	n := size + int64(len(entries))
	root, err := tlog.TreeHash(n, hr)
	if err != nil {
		return b, fmt.Errorf("tree hash: %w", err)
	}
	b.Checkpoint = checkpoint(n, root)
	return b, nil
}

// checkpoint returns a checkpoint of the tree. Its note is the body a
// node would sign; the store keeps notes as bytes and never checks them.
func checkpoint(size int64, root tlog.Hash) meent.Checkpoint {
	note := ledger.Checkpoint{Origin: "storetest.example/log", Size: size, Root: root}.String()
	return meent.Checkpoint{Size: size, Root: root, Note: []byte(note), Time: baseTime + size}
}

// Batches signs n events and cuts them into batches of k, with their tree
// hashes and checkpoints, ready to append to an empty store in order. It
// lets benchmarks measure the store alone.
func Batches(tb testing.TB, n, k int) []Batch {
	tb.Helper()
	key := Key("batches")
	author := fakeAgent("batches")
	tree := map[int64][32]byte{}
	read := func(_ context.Context, idx []int64) ([][32]byte, error) {
		out := make([][32]byte, len(idx))
		for i, x := range idx {
			h, ok := tree[x]
			if !ok {
				return nil, fmt.Errorf("no hash %d", x)
			}
			out[i] = h
		}
		return out, nil
	}
	var bs []Batch
	for start := 0; start < n; start += k {
		entries := make([][]byte, 0, k)
		for i := start; i < min(start+k, n); i++ {
			var nonce [8]byte
			binary.BigEndian.PutUint64(nonce[:], uint64(i))
			entries = append(entries, Sign(tb, key, "bench.event", author, baseTime+int64(i),
				map[string]any{"n": i, "pad": base64.StdEncoding.EncodeToString(nonce[:])}))
		}
		b, err := build(tb, context.Background(), read, int64(start), entries)
		if err != nil {
			tb.Fatal(err)
		}
		for _, h := range b.Hashes {
			tree[h.Index] = h.Hash
		}
		bs = append(bs, b)
	}
	return bs
}

// appendEntries appends entries at the end of the log in one Sequence, as
// the node does: reading the size and the tree inside the transaction.
func appendEntries(ctx context.Context, tb testing.TB, s meent.Store, entries ...[]byte) ([]meent.Record, error) {
	tb.Helper()
	var b Batch
	err := s.Sequence(ctx, func(tx meent.SeqTx) error {
		n, err := tx.Size(ctx)
		if err != nil {
			return err
		}
		if b, err = build(tb, ctx, tx.ReadHashes, n, entries); err != nil {
			return err
		}
		return tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint)
	})
	return b.Records, err
}

// mustAppend is appendEntries for entries that must go in.
func mustAppend(tb testing.TB, s meent.Store, entries ...[]byte) []meent.Record {
	tb.Helper()
	recs, err := appendEntries(context.Background(), tb, s, entries...)
	if err != nil {
		tb.Fatalf("append %d entries: %v", len(entries), err)
	}
	return recs
}

// world signs agent events that the rules accept, keeping the rules' state
// alongside, so a test can compare the store's projections with a replay.
type world struct {
	tb   testing.TB
	st   *state.State
	keys map[string]ed25519.PrivateKey // agent ID -> the key its events are signed with
	n    int                           // events made, for labels and times
}

func newWorld(tb testing.TB) *world {
	return &world{tb: tb, st: state.New(), keys: map[string]ed25519.PrivateKey{}}
}

// sign signs an event with key and applies it to the rules' state. It
// returns the entry, or nil and the rules' error if they refuse it (the
// state is then unchanged).
func (w *world) sign(key ed25519.PrivateKey, typ, author string, data any) ([]byte, error) {
	w.tb.Helper()
	w.n++
	entry := Sign(w.tb, key, typ, author, baseTime+int64(w.n), data)
	ev, err := ledger.Decode(entry)
	if err != nil {
		w.tb.Fatal(err)
	}
	if err := w.st.Apply(ev); err != nil {
		return nil, err
	}
	return entry, nil
}

// must is sign for events the test expects the rules to accept.
func (w *world) must(key ed25519.PrivateKey, typ, author string, data any) []byte {
	w.tb.Helper()
	e, err := w.sign(key, typ, author, data)
	if err != nil {
		w.tb.Fatalf("rules refuse %s: %v", typ, err)
	}
	return e
}

// create makes a new agent and returns its ID and the agent.create entry.
func (w *world) create(kind, name string) (string, []byte) {
	w.tb.Helper()
	key := Key(fmt.Sprintf("agent %d %s", w.n, name))
	e := w.must(key, agent.TypeCreate, "", agent.CreateData{Kind: kind, Name: name})
	id := ledger.Hash(sha256.Sum256(e)).String()
	w.keys[id] = key
	return id, e
}

// as signs an event by agent id with its current key.
func (w *world) as(id, typ string, data any) []byte {
	w.tb.Helper()
	return w.must(w.keys[id], typ, id, data)
}

// addKey authorises a new key for id, signed by its current key, and
// makes the new key the one its events are signed with from now on.
func (w *world) addKey(id string) (string, []byte) {
	w.tb.Helper()
	key := Key(fmt.Sprintf("added %d", w.n))
	k := pubKey(key)
	e := w.as(id, agent.TypeKeyAdd, agent.KeyData{Key: k})
	w.keys[id] = key
	return k, e
}

func pubKey(k ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey))
}
