// Package modcheck is the engine of "meent license check": it reads a Go
// module's go.mod and finds, for every module it requires (direct and
// indirect), whether the commons that publishes it offers a license under
// a meent license policy, and what the user's use of it would owe.
//
// A policy is found, in this order:
//
//   - inside the module: the file license.WellKnownPath in its directory
//     in the module cache (GOMODCACHE/<escaped path>@<escaped version>), or
//     in the local directory a replace directive points to;
//   - in a Registry, when the module has no such file (or is not in the
//     module cache): a node that knows which commons publishes the module.
//
// The package reads files and asks the registry; it decides nothing itself:
// license.Evaluate does, with the user's facts, as the node would. A
// module's file is untrusted (it comes from a module zip), so it is read
// strictly (license.DecodeWellKnown) with a size limit, and a bad one is
// reported on its module's row (the registry is not asked in its place:
// the module's own statement is the one to fix) while the check goes on
// with the others.
package modcheck

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/license"
)

// Sources of a policy.
const (
	FromModule   = "module"   // the module's own well-known file
	FromRegistry = "registry" // the Registry
)

// Registry knows which commons publishes a module, typically a node's
// HTTP API. Lookup returns the well-known file for the module at
// modulePath, or nil and no error when it knows of none. The file need
// not be checked: Check checks it as it checks a module's own.
type Registry interface {
	Lookup(ctx context.Context, modulePath string) (*license.WellKnownFile, error)
}

// Options is what a check needs besides the go.mod.
type Options struct {
	// ModCache is the module cache directory (GOMODCACHE). When it is ""
	// only local replacement directories and the registry are searched.
	ModCache string

	// Registry, when not nil, is asked about modules without a
	// well-known file of their own.
	Registry Registry

	// Facts and Use describe the user and the use, as license.Evaluate
	// takes them. Every policy is evaluated as if the user were a known
	// agent of its node (AgentKnown is set): registering is free, and is
	// needed only to hold the license. Facts.Revenue is ignored; see
	// Revenue.
	Facts license.Facts
	Use   license.Use

	// Revenue is the user's yearly revenue in the currencies it states
	// it in. A schedule priced by revenue uses the amount in its own
	// currency; without one the row says so, unless a free rule makes the
	// use free anyway. Currencies are never converted.
	Revenue []commons.Money

	Now int64 // Unix ms
}

// Result is what Check found for one required module.
type Result struct {
	Module   string
	Version  string
	Indirect bool
	Replace  string // where a replace directive sends the module: a directory, or "path version"

	// Source is FromModule or FromRegistry when a policy was found, and
	// "" when none was (or when Err is set).
	Source        string
	File          string // the well-known file read, for FromModule
	Commons       string // the commons' ID on its node
	Name          string // the commons' name
	Node          string // the node's base URL
	License       string // the SPDX identifier the commons is published under
	PolicyVersion int
	CheckURL      string // the node's online check for the commons

	// Decision is what the use owes under the policy; After is, when the
	// decision is the free trial, the decision once the trial is used.
	Decision license.Decision
	After    *license.Decision

	// Note says why a module without a policy may still have one: it is
	// not in the module cache, so its files could not be read.
	Note string

	// Err is why the policy could not be read or evaluated; the check
	// went on with the other modules. Its meent.ErrorMessage names the
	// file or the registry.
	Err error
}

// Owes reports whether the result is a paid license now.
func (r *Result) Owes() bool { return r.Source != "" && r.Err == nil && !r.Decision.Free }

// Check reads the go.mod at goMod and returns one result per required
// module, direct modules first, each group by module path. It returns an
// error only when the go.mod cannot be read or parsed or ctx ends; a
// module whose policy cannot be read gets a result with Err set.
func Check(ctx context.Context, goMod string, o Options) ([]Result, error) {
	data, err := os.ReadFile(goMod)
	if err != nil {
		return nil, fmt.Errorf("license check: %w", err)
	}
	f, err := modfile.Parse(goMod, data, nil)
	if err != nil {
		return nil, fmt.Errorf("license check: %w", err)
	}
	dir := filepath.Dir(goMod)
	out := make([]Result, 0, len(f.Require))
	for _, req := range f.Require {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r := Result{Module: req.Mod.Path, Version: req.Mod.Version, Indirect: req.Indirect}
		p := o.find(ctx, &r, dir, replacement(f.Replace, req.Mod))
		if p != nil {
			o.evaluate(&r, p)
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(a, b Result) int {
		if a.Indirect != b.Indirect {
			if a.Indirect {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.Module, b.Module)
	})
	return out, nil
}

// replacement returns the replace directive that applies to m, as the go
// command chooses it: one for m's exact version before one for all
// versions.
func replacement(rs []*modfile.Replace, m module.Version) *modfile.Replace {
	var all *modfile.Replace
	for _, r := range rs {
		if r.Old.Path != m.Path {
			continue
		}
		if r.Old.Version == m.Version {
			return r
		}
		if r.Old.Version == "" {
			all = r
		}
	}
	return all
}

// find looks for the policy of r's module: in its directory, then in the
// registry. It fills r's source fields and returns the policy, or nil.
func (o *Options) find(ctx context.Context, r *Result, modDir string, rep *modfile.Replace) *license.Policy {
	var dir string
	switch {
	case rep != nil && rep.New.Version == "":
		r.Replace = rep.New.Path
		dir = rep.New.Path
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(modDir, dir)
		}
	default:
		m := module.Version{Path: r.Module, Version: r.Version}
		if rep != nil {
			m = rep.New
			r.Replace = m.Path + " " + m.Version
		}
		if o.ModCache == "" {
			r.Note = "no module cache given"
			break
		}
		p, err := module.EscapePath(m.Path)
		if err == nil {
			var v string
			if v, err = module.EscapeVersion(m.Version); err == nil {
				dir = filepath.Join(o.ModCache, p+"@"+v)
			}
		}
		if err != nil {
			r.Err = &meent.Error{Code: meent.EINVALID, Message: fmt.Sprintf("%s %s: not a module path and version: %v", m.Path, m.Version, err), Err: err}
			return nil
		}
	}
	if dir != "" {
		file := filepath.Join(dir, filepath.FromSlash(license.WellKnownPath))
		f, err := readWellKnown(file)
		switch {
		case err == nil:
			r.Source, r.File = FromModule, file
			return r.found(f)
		case !errors.Is(err, fs.ErrNotExist):
			r.Err = err
			return nil
		}
		if _, err := os.Stat(dir); err != nil {
			r.Note = "not in the module cache (go mod download fetches it)"
			if rep != nil && rep.New.Version == "" {
				r.Note = "the replacement directory " + rep.New.Path + " does not exist"
			}
		}
	}
	if o.Registry == nil {
		return nil
	}
	f, err := o.Registry.Lookup(ctx, r.Module)
	if err == nil && f != nil {
		err = f.Check()
	}
	if err != nil {
		r.Err = &meent.Error{Code: meent.ErrorCode(err), Message: "registry, for " + r.Module + ": " + message(err), Err: err}
		return nil
	}
	if f == nil {
		return nil
	}
	r.Source = FromRegistry
	return r.found(*f)
}

// found fills r from a checked well-known file and returns its policy.
func (r *Result) found(f license.WellKnownFile) *license.Policy {
	r.Commons, r.Name, r.Node, r.License = f.Commons, f.Name, f.Node, f.Policy.License
	r.PolicyVersion, r.CheckURL, r.Note = f.PolicyVersion, f.CheckURL, ""
	return &f.Policy
}

// readWellKnown reads and decodes a well-known file. A missing file gives
// an error that is fs.ErrNotExist; any other problem gives a *meent.Error
// whose message starts with the file's name.
func readWellKnown(file string) (license.WellKnownFile, error) {
	fh, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return license.WellKnownFile{}, err
	}
	bad := func(err error) error {
		return &meent.Error{Code: cmp.Or(meent.ErrorCode(err), meent.EINVALID), Message: file + ": " + message(err), Err: err}
	}
	if err != nil {
		return license.WellKnownFile{}, bad(err)
	}
	defer fh.Close()
	if st, err := fh.Stat(); err != nil {
		return license.WellKnownFile{}, bad(err)
	} else if !st.Mode().IsRegular() {
		return license.WellKnownFile{}, bad(meent.Errorf(meent.EINVALID, "not a regular file"))
	}
	b, err := io.ReadAll(io.LimitReader(fh, license.MaxWellKnownSize+1))
	if err != nil {
		return license.WellKnownFile{}, bad(err)
	}
	f, err := license.DecodeWellKnown(b)
	if err != nil {
		return license.WellKnownFile{}, bad(err)
	}
	return f, nil
}

// message is an error's message for the person running the check: the
// user message of a *meent.Error, or the error's text (a file system or
// network error, which is this user's own to see).
func message(err error) string {
	var e *meent.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// evaluate decides what r's use owes under p.
func (o *Options) evaluate(r *Result, p *license.Policy) {
	f := o.Facts
	f.AgentKnown = true
	f.Revenue = 0
	revenueKnown := p.Price.Basis != license.Revenue
	for _, m := range o.Revenue {
		if m.Currency == p.Price.Currency {
			f.Revenue, revenueKnown = m.Amount, true
		}
	}
	d, err := license.Evaluate(p, f, o.Use, o.Now)
	if err != nil {
		r.Err = &meent.Error{Code: meent.ErrorCode(err), Message: "policy of " + r.Name + ": " + message(err), Err: err}
		return
	}
	if !revenueKnown && !(d.Free && d.Rule != "trial") {
		c := p.Price.Currency
		r.Err = meent.Errorf(meent.EINVALID, "%s prices its license by yearly revenue in %s: state your revenue in %s", r.Name, c, c)
		return
	}
	r.Decision = d
	if d.Free && d.Rule == "trial" {
		f.HadTrial = true
		if a, err := license.Evaluate(p, f, o.Use, o.Now); err == nil {
			r.After = &a
		}
	}
}
