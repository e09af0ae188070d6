package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	nethttp "net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/meent/meent/commons"
	"github.com/meent/meent/license"
	"github.com/meent/meent/modcheck"
)

// httpGet fetches url and returns the status and at most 8 MiB of body.
func httpGet(ctx context.Context, u string) (int, []byte, error) {
	req, err := nethttp.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return resp.StatusCode, b, err
}

// nodeRegistry asks a node which commons publishes a module's license.
type nodeRegistry struct{ url string }

func (r nodeRegistry) Lookup(ctx context.Context, module string) (*license.WellKnownFile, error) {
	status, b, err := httpGet(ctx, strings.TrimRight(r.url, "/")+"/api/v1/licenses/registry?module="+url.QueryEscape(module))
	if err != nil {
		return nil, err
	}
	switch status {
	case 200:
	case 404:
		return nil, nil
	default:
		return nil, fmt.Errorf("registry %s: %d %s", r.url, status, bytes.TrimSpace(b))
	}
	f, err := license.DecodeWellKnown(b)
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// licenseCheck reads a Go module's go.mod and tells what its dependencies'
// commons ask of the user: what they owe, to whom, and what would make
// it free.
func licenseCheck(ctx context.Context, stdout io.Writer, modFile, registry string, facts license.Facts, use license.Use, revenue []commons.Money) error {
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		if out, err := exec.CommandContext(ctx, "go", "env", "GOMODCACHE").Output(); err == nil {
			cache = strings.TrimSpace(string(out))
		}
	}
	o := modcheck.Options{ModCache: cache, Facts: facts, Use: use, Revenue: revenue, Now: time.Now().UnixMilli()}
	if registry != "" {
		o.Registry = nodeRegistry{registry}
	}
	results, err := modcheck.Check(ctx, modFile, o)
	if err != nil {
		return err
	}
	return modcheck.Report(stdout, results)
}

// licensePublish writes the files a project commits so that others' tools
// find its license policy: .well-known/meent-license.json, REUSE.toml, and
// LICENSES/<LicenseRef-...>.txt for a license not on the SPDX list.
func licensePublish(ctx context.Context, stdout io.Writer, nodeURL, commonsID, dir string) error {
	base := strings.TrimRight(nodeURL, "/") + "/api/v1/commons/" + commonsID + "/license/"
	files := []struct{ form, path string }{
		{"well-known", license.WellKnownPath},
		{"reuse", "REUSE.toml"},
		{"text", ""},
	}
	for _, f := range files {
		status, b, err := httpGet(ctx, base+f.form)
		if err != nil {
			return err
		}
		if status == 404 && f.form == "text" {
			continue // a listed SPDX license: the project uses its official text
		}
		if status != 200 {
			return fmt.Errorf("%s: %d %s", f.form, status, bytes.TrimSpace(b))
		}
		path := f.path
		if f.form == "text" {
			var p license.WellKnownFile
			status, wk, err := httpGet(ctx, base+"well-known")
			if err != nil || status != 200 {
				return fmt.Errorf("well-known: %v %d", err, status)
			}
			if p, err = license.DecodeWellKnown(wk); err != nil {
				return err
			}
			path = filepath.Join("LICENSES", p.Policy.License+".txt")
		}
		full := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", full)
	}
	return nil
}
