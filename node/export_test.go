package node

import dto "github.com/prometheus/client_model/go"

// SetRefsChunk sets how many events one backfill transaction writes, so a
// test can make a small log take several.
func SetRefsChunk(n int) (restore func()) {
	old := refsChunk
	refsChunk = n
	return func() { refsChunk = old }
}

// BatchCount returns how many batches and events the sequencer has
// appended, from its metrics, so a benchmark can report the batch size.
func (n *Node) BatchCount() (batches, events uint64) {
	var m dto.Metric
	if err := n.cfg.Metrics.BatchSize.Write(&m); err != nil {
		return 0, 0
	}
	return m.GetHistogram().GetSampleCount(), uint64(m.GetHistogram().GetSampleSum())
}

// waitSnapshots waits for the snapshot being built and written, if one
// was started. It holds n.mu, under which startSnapshot counts one in:
// the sequencer, idle once every receipt was sent, either started it
// before (and it is waited for) or starts it after.
func (n *Node) waitSnapshots() {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.snap.wg.Wait()
}
