package node

// SetRefsChunk sets how many events one backfill transaction writes, so a
// test can make a small log take several.
func SetRefsChunk(n int) (restore func()) {
	old := refsChunk
	refsChunk = n
	return func() { refsChunk = old }
}
