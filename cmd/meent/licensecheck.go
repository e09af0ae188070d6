package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/license"
	"github.com/meent/meent/modcheck"
)

// nodeRegistry asks a node which commons publishes a module's license.
type nodeRegistry struct{ url string }

func (r nodeRegistry) Lookup(ctx context.Context, module string) (*license.WellKnownFile, error) {
	resp, b, err := httpGetResponse(ctx, strings.TrimRight(r.url, "/")+"/api/v1/licenses/registry?module="+url.QueryEscape(module))
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case 200:
	case 404:
		return nil, nil
	default:
		return nil, fmt.Errorf("registry %s: %w", r.url, client.ResponseError(resp, b))
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
	wk, err := fetch(ctx, base+"well-known")
	if err != nil {
		return err
	}
	f, err := license.DecodeWellKnown(wk)
	if err != nil {
		return err
	}
	files := map[string][]byte{license.WellKnownPath: wk}
	if files["REUSE.toml"], err = fetch(ctx, base+"reuse"); err != nil {
		return err
	}
	resp, text, err := httpGetResponse(ctx, base+"text")
	switch {
	case err != nil:
		return err
	case resp.StatusCode == 200:
		files[filepath.Join("LICENSES", f.Policy.License+".txt")] = text
	case resp.StatusCode != 404: // 404: a listed SPDX license; the project uses its official text
		return fmt.Errorf("license text: %w", client.ResponseError(resp, text))
	}
	for _, path := range slices.Sorted(maps.Keys(files)) {
		full := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[path], 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", full)
	}
	return nil
}
