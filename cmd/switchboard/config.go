package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/switchboard-support/switchboard/content"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/store"
)

// config is what every command that touches the database shares.
type config struct {
	dataDir           string
	dbDSN             string
	sqliteSynchronous string
	contentDir        string
	logFormat         string
	logLevel          string
}

// envName maps a flag name to its environment variable.
func envName(flagName string) string {
	return "SWITCHBOARD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// stringFlag defines a string flag that its SWITCHBOARD_* variable can
// also set (see parseFlags).
func stringFlag(fs *flag.FlagSet, p *string, name, def, help string) {
	fs.StringVar(p, name, def, help+" (env "+envName(name)+")")
}

func boolFlag(fs *flag.FlagSet, p *bool, name string, def bool, help string) {
	fs.BoolVar(p, name, def, help+" (env "+envName(name)+")")
}

func (c *config) register(fs *flag.FlagSet) {
	stringFlag(fs, &c.dataDir, "data-dir", "data", "directory for the SQLite database and search indexes")
	stringFlag(fs, &c.dbDSN, "db", "", "database: a postgres:// URL, or a SQLite file path (default DATA-DIR/switchboard.db)")
	stringFlag(fs, &c.sqliteSynchronous, "sqlite-synchronous", "normal", "SQLite durability: normal (nothing lost when the process dies; a power loss may lose the last commits) or full (every commit synced to disk; slower writes)")
	stringFlag(fs, &c.contentDir, "content-dir", "", "content directory to seed from (default: the built-in bundle)")
	stringFlag(fs, &c.logFormat, "log-format", "auto", "log format: json, text, or auto (text on a terminal)")
	stringFlag(fs, &c.logLevel, "log-level", "info", "log level: debug, info, warn, error")
}

func (c *config) dsn() string {
	if c.dbDSN != "" {
		return c.dbDSN
	}
	return filepath.Join(c.dataDir, "switchboard.db")
}

func (c *config) indexDir() string { return filepath.Join(c.dataDir, "kb-index") }

// seed returns the content tree to seed an empty database with.
func (c *config) seed() (fs.FS, error) {
	if c.contentDir == "" {
		return content.FS, nil
	}
	st, err := os.Stat(c.contentDir)
	if err != nil {
		return nil, fmt.Errorf("content directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("content directory %s is not a directory", c.contentDir)
	}
	return os.DirFS(c.contentDir), nil
}

func (c *config) openStore(ctx context.Context) (*store.Store, error) {
	return store.OpenWith(ctx, c.dsn(), store.Options{SQLiteSynchronous: c.sqliteSynchronous})
}

func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("%w: bad --log-level %q", errUsage, c.logLevel)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.logFormat {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "auto":
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				return slog.New(slog.NewTextHandler(w, opts)), nil
			}
		}
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("%w: bad --log-format %q (json, text, auto)", errUsage, c.logFormat)
}

func runtimeOptions(c *config) flows.RuntimeOptions {
	return flows.RuntimeOptions{IndexDir: c.indexDir(), Models: flows.NewModelCache(4)}
}

// parseFlags parses args, then gives every flag whose help names a
// SWITCHBOARD_* variable the variable's value when the command line did not
// set it. A malformed value, on the line or in the environment, is errUsage
// naming where it came from.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		env := envName(f.Name)
		if err != nil || set[f.Name] || !strings.Contains(f.Usage, "(env "+env+")") {
			return
		}
		if v, ok := os.LookupEnv(env); ok {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%w: %s=%q: %v", errUsage, env, v, e)
			}
		}
	})
	return err
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
