package http

import (
	"context"
	"errors"
	"fmt"
	nethttp "net/http"
	"time"

	"github.com/meent/meent"
)

// healthTimeout bounds each check of /healthz.
const healthTimeout = 2 * time.Second

// errProbe ends the health check's sequencer transaction: returning an
// error rolls it back, so the probe never writes.
var errProbe = errors.New("health probe: roll back")

// health answers /healthz: 200 and "ok" when the store answers a query and
// the node can append, 503 and "unavailable" otherwise, then one line per
// check. A query alone is not enough: a node whose database went
// read-only, or whose sequencer lock cannot be had, still answers reads
// while every append fails. So the second check runs what an append runs
// first (a sequencer transaction that takes the append lock and reads the
// log's size) and rolls it back. It costs one short transaction, which on
// SQLite waits for the writer connection like any batch.
func (s *Server) health(w nethttp.ResponseWriter, r *nethttp.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	store := s.node.Store()

	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	_, readErr := store.Size(ctx)
	cancel()

	ctx, cancel = context.WithTimeout(r.Context(), healthTimeout)
	appendErr := store.Sequence(ctx, func(tx meent.SeqTx) error {
		if _, err := tx.Size(ctx); err != nil {
			return err
		}
		return errProbe
	})
	cancel()
	if errors.Is(appendErr, errProbe) {
		appendErr = nil
	}

	line := func(name string, err error) string {
		if err == nil {
			return name + ": ok\n"
		}
		s.log.WarnContext(r.Context(), "health check failed", "check", name, "err", err)
		return name + ": " + ProblemOf(err).Detail + "\n"
	}
	if readErr != nil || appendErr != nil {
		w.WriteHeader(nethttp.StatusServiceUnavailable)
		fmt.Fprint(w, "unavailable\n")
	} else {
		fmt.Fprint(w, "ok\n")
	}
	fmt.Fprint(w, line("store", readErr), line("append", appendErr))
}
