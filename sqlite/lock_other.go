//go:build !unix

package sqlite

import "os"

// flock does nothing where flock(2) does not exist: a second server on
// one data directory is then not refused.
func flock(*os.File) error { return nil }
