package audit

// SetWorkers makes Verify decode with n workers until the returned
// function is called, so a test can run several even on one core.
func SetWorkers(n int) (restore func()) {
	old := workers
	workers = func() int { return n }
	return func() { workers = old }
}
