package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// Config is every setting of a node, with defaults that work on a fresh
// machine: data in ./meent-data, SQLite, listening on loopback.
type Config struct {
	Data          string // data directory: keys, SQLite database, meent.conf
	DB            string // empty: SQLite in Data; or a postgres:// DSN
	Listen        string
	Origin        string // log origin; chosen at init, fixed afterwards
	Demo          bool
	AdminPassword string
	LogLevel      string
	LogFormat     string
	SecureCookies bool
	MaxBlobSize   int64  // bytes; the largest file a contribution may carry
	TimeZone      string // IANA zone the web pages show times in; "" is Europe/Amsterdam

	// A payment provider's webhook for license offers: its name (part of
	// the URL /api/v1/webhooks/payments/NAME), the shared secret it signs
	// with, and the key of the admin agent that records the payments.
	PaymentProvider string
	PaymentSecret   string
	PaymentKey      string
}

// bind registers the config's flags. Flag names double as environment
// variable names (MEENT_ + upper case, '-' as '_') and config file keys.
// Only a node's own commands (init, serve) take more than where the node's
// data is: verify reads a log and must not list flags it ignores.
func (c *Config) bind(fs *flag.FlagSet, serving bool) {
	fs.StringVar(&c.Data, "data", "meent-data", "data directory")
	fs.StringVar(&c.DB, "db", "", "database: empty for SQLite in the data directory, or a postgres:// DSN")
	// Defaults for the settings a command does not bind.
	c.LogLevel, c.LogFormat, c.MaxBlobSize = "info", "text", 32<<20
	if name := strings.TrimPrefix(fs.Name(), "meent "); name != "init" && name != "serve" {
		return
	}
	fs.StringVar(&c.Origin, "origin", "", "log origin (chosen at the first start; default derived from the node key)")
	fs.StringVar(&c.AdminPassword, "admin-password", "", "password of the first admin's web account (first start only; default random, printed once)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", "text", "text or json")
	fs.Int64Var(&c.MaxBlobSize, "max-blob-size", 32<<20, "largest file (bytes) a contribution may carry")
	if serving {
		fs.StringVar(&c.Listen, "listen", "127.0.0.1:8080", "address to serve HTTP on")
		fs.BoolVar(&c.Demo, "demo", false, "fill an empty node with a small demo community")
		fs.BoolVar(&c.SecureCookies, "secure-cookies", false, "mark cookies Secure (set when serving behind TLS)")
		fs.StringVar(&c.TimeZone, "time-zone", "Europe/Amsterdam", "IANA time zone the web pages show times in")
		fs.StringVar(&c.PaymentProvider, "payment-provider", "", "name of the payment provider whose webhook reports paid license offers (empty: no webhook)")
		fs.StringVar(&c.PaymentSecret, "payment-secret", "", "the secret the payment provider signs webhooks with (prefer MEENT_PAYMENT_SECRET)")
		fs.StringVar(&c.PaymentKey, "payment-key", "", "key file of the admin agent that records webhook payments (default DATA/admin.key)")
	}
}

// loadConfig fills every flag the command line did not set from the
// environment, then from DIR/meent.conf.
func loadConfig(fs *flag.FlagSet) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	fromEnv := func(name string) (string, bool) {
		return os.LookupEnv("MEENT_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")))
	}
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		if v, ok := fromEnv(f.Name); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("environment MEENT_%s: %w", strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_")), e)
			}
			set[f.Name] = true
		}
	})
	if err != nil {
		return err
	}
	data := fs.Lookup("data").Value.String()
	file := filepath.Join(data, "meent.conf")
	values, err := readConfFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for name, v := range values {
		if set[name] {
			continue
		}
		if fs.Lookup(name) == nil && !knownSetting[name] {
			return fmt.Errorf("%s: unknown setting %q", file, name)
		}
		if fs.Lookup(name) == nil {
			continue // a setting for another subcommand
		}
		if err := fs.Set(name, v); err != nil {
			return fmt.Errorf("%s: %s: %w", file, name, err)
		}
	}
	return nil
}

// knownSetting lists every setting any subcommand takes, so a typo in
// meent.conf is an error rather than silently ignored.
var knownSetting = map[string]bool{
	"data": true, "db": true, "origin": true, "admin-password": true, "log-level": true,
	"log-format": true, "listen": true, "max-blob-size": true, "demo": true, "secure-cookies": true,
	"time-zone": true,
}

// nodeConfig defines a node command's configuration flags on fs. The
// function it returns, called once the flags are parsed, fills the ones
// the command line left unset from the environment and meent.conf.
func nodeConfig(fs *flag.FlagSet, serving bool) func() (*Config, error) {
	var cfg Config
	cfg.bind(fs, serving)
	return func() (*Config, error) {
		if err := loadConfig(fs); err != nil {
			return nil, err
		}
		return &cfg, nil
	}
}

// readConfFile reads "name = value" lines; '#' starts a comment.
func readConfFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, value, ok := strings.Cut(text, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want name = value", path, line)
		}
		out[strings.TrimSpace(name)] = strings.Trim(strings.TrimSpace(value), `"`)
	}
	return out, sc.Err()
}

func (c *Config) logger(w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, fmt.Errorf("log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch c.LogFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log-format must be text or json, not %q", c.LogFormat)
}
