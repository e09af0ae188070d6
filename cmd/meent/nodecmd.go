package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

// nodeArea holds the commands that run, audit and load a node from its
// data directory, and help itself. Each command's flags are defined next
// to its implementation (serve.go, init.go, verify.go, erase.go, bench.go).
var nodeArea = area{
	name:    "node",
	summary: "run a node, audit its log, look after its data directory",
	commands: []command{
		{name: "serve", summary: "run a node (initialises the data directory on first start)", flags: serveFlags},
		{name: "init", summary: "create a node: keys, database, first admin", flags: initFlags},
		{name: "verify", args: "[URL]", summary: "audit a node's log end to end, from its data directory or its URL", flags: verifyFlags},
		{name: "rebuild", summary: "rewrite the objects projection from a replay of the whole log", flags: rebuildFlags},
		{name: "erase", args: "[COMMITMENT]", summary: "erase a private record; the log still verifies", flags: eraseFlags},
		{name: "bench", summary: "drive a running node with signed events and report the rate", flags: benchFlags},
		{name: "version", summary: "print meent's version", flags: versionFlags},
		{name: "help", args: "[AREA|COMMAND [SUBCOMMAND]]", summary: "describe every command, an area's commands, or one command", flags: helpFlags},
	},
	// The node area's demo is the people: see agentArea.
}

func versionFlags(fs *flag.FlagSet) action {
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		fmt.Fprintln(stdout, "meent", version)
		return nil
	}
}
