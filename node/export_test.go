package node

// SetRefsChunk sets how many events one backfill transaction writes, so a
// test can make a small log take several.
func SetRefsChunk(n int) (restore func()) {
	old := refsChunk
	refsChunk = n
	return func() { refsChunk = old }
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
