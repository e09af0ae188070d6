package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// The command line as a table. Every area of meent (the node, agents,
// commons, value, licensing, ...) declares its commands next to their
// implementation as an area value, and main.go lists the areas, one line
// each. Help, "-h", argument checks, the deprecated ID flags and the demo
// of serve --demo are all driven from that list, so a new area adds its
// commands (and its demo data) by writing its file and one line in main.go.
//
// This machinery stays in package main rather than a package of its own:
// only meent uses it, and a package would export a dozen names for no
// second user.

// An area is a part of meent: its commands and its part of the demo
// community that serve --demo creates.
type area struct {
	name    string // "commons": meent help commons lists its commands
	summary string // one line, lower case, no full stop
	// commands are the area's commands, in the order help lists them.
	commands []command
	// demo adds the area's part of the demo community. The areas' demos
	// run in the order of the list in main.go, so an area may use what an
	// earlier one made (d.ids). Nil for an area without demo data.
	demo func(d *demo) error
}

// A command is one thing meent does, as "meent help" and "meent NAME -h"
// describe it.
type command struct {
	name string // "serve", or "group sub" for a subcommand ("commons show")
	// args is the positional synopsis after the name ("ID", "[URL]"). A
	// command without args refuses positional arguments.
	args string
	// idFlag names the flag the positional ID replaced; it keeps working
	// as a hidden, deprecated alias (with a one-line notice), so scripts
	// written for it do not break. With idFlag set the table checks the
	// argument and puts it into the flag; otherwise the command reads
	// fs.Arg itself.
	idFlag  string
	summary string // one line, lower case, no full stop
	// flags defines the command's flags, and only the ones it uses, on
	// fs, and returns what runs the command once they are parsed. It
	// must not do anything else: "meent CMD -h" calls it too.
	flags func(fs *flag.FlagSet) action
}

// An action runs a command whose flags are parsed.
type action func(ctx context.Context, stdout, stderr io.Writer) error

// The rule for arguments, printed by "meent help": the one object a
// command acts on is its argument; the commons it works in is --commons.
const conventionHelp = `The object a command acts on (a contribution, a need, a grant, an identity) is
its argument: "meent contribution show ID". A command that works within a
commons takes --commons ID. Flags may come before or after the argument.
`

const configHelp = `Configuration comes from flags, then MEENT_* environment variables (MEENT_DATA,
MEENT_LISTEN, MEENT_DB, ...), then DIR/meent.conf ("name = value" lines), then
defaults. "meent COMMAND -h" shows a command's flags. See README.md.
`

// allCommands returns every command, area by area.
func allCommands() []command {
	var out []command
	for _, a := range areas {
		out = append(out, a.commands...)
	}
	return out
}

// lookup returns the command called name ("commons show").
func lookup(name string) (command, bool) {
	for _, c := range allCommands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// group returns the subcommands of a group ("commons"), in table order.
func group(name string) []command {
	var out []command
	for _, c := range allCommands() {
		if g, _, ok := strings.Cut(c.name, " "); ok && g == name {
			out = append(out, c)
		}
	}
	return out
}

// areaNamed returns the area called name.
func areaNamed(name string) (area, bool) {
	for _, a := range areas {
		if a.name == name {
			return a, true
		}
	}
	return area{}, false
}

// printHelp prints every command with its summary, area by area.
func printHelp(w io.Writer) {
	fmt.Fprint(w, "meent: a commons' signed, provable ledger.\n\nUsage: meent COMMAND [ARGUMENT] [flags]\n")
	for _, a := range areas {
		fmt.Fprintf(w, "\n%s: %s\n", a.name, a.summary)
		printLines(w, a.commands)
	}
	fmt.Fprint(w, "\n"+conventionHelp+"\n"+configHelp)
	fmt.Fprint(w, `"meent help AREA" lists one area's commands.`+"\n")
}

// printArea prints one area's commands.
func printArea(w io.Writer, a area) {
	fmt.Fprintf(w, "%s: %s\n\n", a.name, a.summary)
	printLines(w, a.commands)
	fmt.Fprint(w, "\n"+conventionHelp)
}

// printGroup prints a group's subcommands.
func printGroup(w io.Writer, name string) {
	fmt.Fprintf(w, "usage: meent %s COMMAND [flags]; meent %s COMMAND -h for its flags\n\n", name, name)
	printLines(w, group(name))
}

func printLines(w io.Writer, cs []command) {
	for _, c := range cs {
		fmt.Fprintf(w, "  %-38s %s\n", synopsis(c), c.summary)
	}
}

func synopsis(c command) string {
	s := "meent " + c.name
	if c.args != "" {
		s += " " + c.args
	}
	return s
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printHelp(stderr)
		return errReported
	}
	name, args := args[0], args[1:]
	if isHelp(name) {
		printHelp(stdout)
		return nil
	}
	if c, ok := lookup(name); ok {
		return runCommand(ctx, c, args, stdout, stderr)
	}
	if len(group(name)) == 0 {
		fmt.Fprintf(stderr, "meent: unknown command %q; meent help lists them\n", name)
		return errReported
	}
	switch {
	case len(args) == 0:
		printGroup(stderr, name)
		return errReported
	case isHelp(args[0]):
		printGroup(stdout, name)
		return nil
	}
	c, ok := lookup(name + " " + args[0])
	if !ok {
		fmt.Fprintf(stderr, "meent %s: unknown command %q\n\n", name, args[0])
		printGroup(stderr, name)
		return errReported
	}
	return runCommand(ctx, c, args[1:], stdout, stderr)
}

// runCommand defines c's flags, parses args and runs c.
func runCommand(ctx context.Context, c command, args []string, stdout, stderr io.Writer) error {
	if helpAsked(args) {
		// Asked for, help is the output: it goes to stdout, which the
		// flag package knows only as the flag set's output.
		stderr = stdout
	}
	fs := newFlagSet(c, stderr)
	act := c.flags(fs)
	if err := parse(fs, c, args, stderr); err != nil {
		return err
	}
	return act(ctx, stdout, stderr)
}

// helpFlags is "meent help [AREA | COMMAND [SUBCOMMAND]]".
func helpFlags(fs *flag.FlagSet) action {
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		switch fs.NArg() {
		case 0:
			printHelp(stdout)
			return nil
		case 1:
			if a, ok := areaNamed(fs.Arg(0)); ok {
				printArea(stdout, a)
				return nil
			}
		}
		// "meent help commons show" is "meent commons show -h".
		return dispatch(ctx, append(fs.Args(), "-h"), stdout, stderr)
	}
}

func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// helpAsked reports whether args ask for help before a "--".
func helpAsked(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if isHelp(a) {
			return true
		}
	}
	return false
}

// newFlagSet returns a flag set for c that reports errors itself, to
// stderr, and prints c's synopsis and summary above its flags. The
// deprecated ID flag is left out of the list.
func newFlagSet(c command, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("meent "+c.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: %s [flags]\n", synopsis(c))
		if c.summary != "" {
			fmt.Fprintf(w, "\n%s.\n", strings.ToUpper(c.summary[:1])+c.summary[1:])
		}
		shown := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
		shown.SetOutput(w)
		fs.VisitAll(func(f *flag.Flag) {
			if f.Name != c.idFlag {
				shown.Var(f.Value, f.Name, f.Usage)
				shown.Lookup(f.Name).DefValue = f.DefValue
			}
		})
		n := 0
		shown.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprint(w, "\nFlags:\n")
			shown.PrintDefaults()
		}
	}
	return fs
}

// parse parses flags, which may come before or after the positional
// arguments ("meent distribution show ID --recipient X"); "--" ends them.
// Then it checks the positional arguments against c: a command takes at
// most the arguments its synopsis names, and a positional ID is put into
// the flag it replaced.
func parse(fs *flag.FlagSet, c command, args []string, stderr io.Writer) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return errHelp // the flag package printed the usage
			}
			return errReported // the flag package told the user
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			pos = append(pos, args[1:]...)
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if err := fs.Parse(append([]string{"--"}, pos...)); err != nil {
		return err
	}
	return positional(fs, c, stderr)
}

// positional checks fs's positional arguments against c.
func positional(fs *flag.FlagSet, c command, stderr io.Writer) error {
	max := len(strings.Fields(c.args))
	if fs.NArg() > max {
		extra := fs.Args()[max:]
		return fmt.Errorf("unexpected argument %q; usage: %s [flags]", extra[0], synopsis(c))
	}
	if c.idFlag == "" {
		// Arguments the synopsis does not bracket are required.
		for i, a := range strings.Fields(c.args) {
			if i >= fs.NArg() && !strings.HasPrefix(a, "[") {
				return fmt.Errorf("missing the %s; usage: %s [flags]", a, synopsis(c))
			}
		}
		return nil
	}
	f := fs.Lookup(c.idFlag)
	set := false
	fs.Visit(func(v *flag.Flag) { set = set || v.Name == c.idFlag })
	switch {
	case fs.NArg() == 1 && set && f.Value.String() != fs.Arg(0):
		return fmt.Errorf("the %s is given twice, as the argument and as --%s, differently", c.args, c.idFlag)
	case fs.NArg() == 0 && (!set || f.Value.String() == ""):
		return fmt.Errorf("missing the %s; usage: %s [flags]", c.args, synopsis(c))
	case fs.NArg() == 1:
		if err := fs.Set(c.idFlag, fs.Arg(0)); err != nil {
			return err
		}
	}
	if set {
		// One line on stderr, so that the output a script reads stays
		// the same.
		fmt.Fprintf(stderr, "meent: --%s is deprecated: give the %s as the argument (%s)\n", c.idFlag, c.args, synopsis(c))
	}
	return nil
}
