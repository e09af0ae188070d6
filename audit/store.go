package audit

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
	"github.com/meent/meent/state"
)

// StoreSource reads a log straight from a store (a data directory or a
// PostgreSQL database), for auditing without a running server.
func StoreSource(s meent.Store) Source { return storeSource{s} }

type storeSource struct{ s meent.Store }

func (s storeSource) Checkpoint(ctx context.Context) ([]byte, error) {
	cp, err := s.s.Checkpoint(ctx)
	return cp.Note, err
}

func (s storeSource) Entries(ctx context.Context, start int64, n int) ([][]byte, error) {
	return s.s.Entries(ctx, start, n)
}

func (s storeSource) HashTile(ctx context.Context, t tlog.Tile) ([]byte, error) {
	return tlog.ReadTileData(t, tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		hs, err := s.s.ReadHashes(ctx, idx)
		if err != nil {
			return nil, err
		}
		out := make([]tlog.Hash, len(hs))
		for i, h := range hs {
			out[i] = h
		}
		return out, nil
	}))
}

func (s storeSource) ReadHashes(ctx context.Context, idx []int64) ([][32]byte, error) {
	return s.s.ReadHashes(ctx, idx)
}

func (s storeSource) StateDigest(ctx context.Context) (int64, state.Digest, error) {
	return ProjectionDigest(ctx, s.s)
}

// ProjectionDigest returns the digest of a store's projections, with its
// parts, and the log size they reflect. Projections and events are committed together, so if
// the size is the same before and after reading the projections, they
// reflect exactly that size; otherwise a writer was busy and it tries again.
func ProjectionDigest(ctx context.Context, s meent.Store) (int64, state.Digest, error) {
	for try := 0; try < 50; try++ {
		before, err := s.Size(ctx)
		if err != nil {
			return 0, state.Digest{}, err
		}
		var lines []string
		if err := s.StateLines(ctx, func(l string) { lines = append(lines, l) }); err != nil {
			return 0, state.Digest{}, err
		}
		after, err := s.Size(ctx)
		if err != nil {
			return 0, state.Digest{}, err
		}
		if before == after {
			return before, state.Summarize(lines), nil
		}
	}
	return 0, state.Digest{}, errors.Join(meent.Errorf(meent.EUNAVAILABLE, "the log kept growing while reading projections"), fmt.Errorf("gave up after 50 tries"))
}
