package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"text/tabwriter"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store"
)

const contentUsage = `switchboard content <subcommand>:
  validate DIR            check a content directory; every problem with file:line
  import DIR              store DIR as a new version and publish it (--no-publish to only store it)
  export DIR              write the live version (or --version N) to DIR, byte for byte
  versions                list stored versions
  publish N               make version N live (publishing an older version is a rollback)`

func cmdContent(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, contentUsage)
	}
	sub := args[0]
	fs := flag.NewFlagSet("content "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	c.register(fs)
	var note, author string
	var noPublish bool
	var version int64
	switch sub {
	case "import":
		fs.StringVar(&note, "note", "imported", "version note")
		fs.StringVar(&author, "author", os.Getenv("USER"), "who made the change")
		fs.BoolVar(&noPublish, "no-publish", false, "store the version without publishing it")
	case "export":
		fs.Int64Var(&version, "version", 0, "version to export (default: the live one)")
	case "publish":
		fs.StringVar(&author, "author", os.Getenv("USER"), "who publishes")
	case "validate", "versions":
	default:
		return fmt.Errorf("%w: unknown content subcommand %q\n%s", errUsage, sub, contentUsage)
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	arg := fs.Arg(0)
	needArg := sub != "versions"
	if needArg && (fs.NArg() != 1 || arg == "") || !needArg && fs.NArg() != 0 {
		return fmt.Errorf("%w: %s", errUsage, contentUsage)
	}
	if sub == "validate" {
		return validateDir(arg, stdout)
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	engine := flows.NewEngine(nil)
	defer engine.Close()
	mgr := live.New(st, engine, runtimeOptions(&c), log)
	switch sub {
	case "import":
		files, err := flows.ReadFS(os.DirFS(arg))
		if err != nil {
			return err
		}
		if noPublish {
			if _, err := live.Validate(files); err != nil {
				return err
			}
			v, err := st.SaveContentVersion(ctx, files, note, author)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "stored version %d (%d files), not published\n", v.ID, len(files))
			return nil
		}
		v, err := mgr.Publish(ctx, files, note, author)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "published version %d (%d files)\n", v.ID, len(files))
	case "export":
		var v store.ContentVersion
		if version > 0 {
			v, err = st.ContentVersion(ctx, version)
		} else {
			v, err = st.LiveContentVersion(ctx)
		}
		if err != nil {
			return err
		}
		if err := exportFiles(arg, v.Files); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "exported version %d (%d files) to %s\n", v.ID, len(v.Files), arg)
	case "versions":
		list, err := st.ContentVersions(ctx)
		if err != nil {
			return err
		}
		live, err := st.LiveContentVersion(ctx)
		if err != nil && chat.ErrorCode(err) != chat.ENOTFOUND {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tLIVE\tCREATED\tAUTHOR\tHASH\tNOTE")
		for _, v := range list {
			mark := ""
			if v.ID == live.ID {
				mark = "*"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", v.ID, mark, v.CreatedAt.Format("2006-01-02 15:04"), v.Author, v.Hash[:12], v.Note)
		}
		return tw.Flush()
	case "publish":
		id, err := strconv.ParseInt(arg, 10, 64)
		if err != nil {
			return fmt.Errorf("%w: version must be a number, got %q", errUsage, arg)
		}
		v, err := mgr.Rollback(ctx, id, author)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "version %d is live\n", v.ID)
	}
	return nil
}

// validateDir prints every problem of a content directory, one per line.
func validateDir(dir string, stdout io.Writer) error {
	files, err := flows.ReadFS(os.DirFS(dir))
	if err != nil {
		return err
	}
	b, err := live.Validate(files)
	if err != nil {
		var ve *flows.ValidationError
		if errors.As(err, &ve) {
			for _, p := range ve.Problems {
				fmt.Fprintln(stdout, filepath.Join(dir, p.String()))
			}
			return fmt.Errorf("%d problem(s) in %s", len(ve.Problems), dir)
		}
		return err
	}
	fmt.Fprintf(stdout, "ok: %d flows, %d articles, %d intent examples\n", len(b.Flows), len(b.Articles), len(b.AllExamples()))
	return nil
}

// exportFiles writes files under dir, which must be empty or missing.
func exportFiles(dir string, files map[string][]byte) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("export directory %s is not empty", dir)
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			return err
		}
	}
	return nil
}
