package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/switchboard-support/switchboard/content"
	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/internal/store"
)

const contentUsage = `switchboard content <subcommand>:
  validate DIR            check a content directory; every problem with file:line
  test [DIR]              run the conversation tests of DIR (default: the built-in bundle); JSON report
  import DIR              publish DIR as a new numbered version, gated by its conversation tests
  export DIR              write the live version (or --version N) to DIR, byte for byte
  versions                list the numbered versions, newest first (the editor's numbers)
  publish N               publish version N's files again as a new version (a rollback)`

func cmdContent(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, contentUsage)
	}
	sub := args[0]
	fs := flag.NewFlagSet("content "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	c.register(fs)
	var note, reason string
	var version int64
	var limit int
	switch sub {
	case "import":
		fs.StringVar(&note, "note", "imported", "change summary")
	case "export":
		fs.Int64Var(&version, "version", 0, "version to export (default: the live one)")
	case "publish":
		fs.StringVar(&reason, "reason", "", "why (recorded in the change summary)")
	case "versions":
		fs.IntVar(&limit, "limit", 100, "how many versions to list, newest first")
	case "validate", "test":
	default:
		return fmt.Errorf("%w: unknown content subcommand %q\n%s", errUsage, sub, contentUsage)
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	arg := fs.Arg(0)
	if sub == "test" && fs.NArg() <= 1 {
		return testDir(ctx, arg, stdout)
	}
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
		summary := oneLine(note)
		if summary == "" || utf8.RuneCountInString(summary) > maxSummary {
			return fmt.Errorf("%w: --note is the change summary: 1 to %d characters", errUsage, maxSummary)
		}
		bar := newPublishProgress(stderr, len(files))
		rel, err := publishRelease(live.WithProgress(ctx, bar.update), mgr, st, files, summary, store.AuditPublish, nil)
		bar.finish()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "published version %d (%d files)\n", rel.Number, len(files))
	case "export":
		var rel store.Release
		if version > 0 {
			rel, err = st.Release(ctx, version)
		} else {
			rel, err = st.LiveRelease(ctx)
		}
		if err != nil {
			return err
		}
		if err := exportFiles(arg, rel.Files); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "exported version %d (%d files) to %s\n", rel.Number, len(rel.Files), arg)
	case "versions":
		list, err := st.Releases(ctx, 0, limit)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tLIVE\tPUBLISHED\tAUTHOR\tHASH\tSUMMARY")
		for i, r := range list {
			mark := ""
			if i == 0 {
				mark = "*" // the newest publication is the live one
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", r.Number, mark, r.PublishedAt.Format("2006-01-02 15:04"),
				r.Author, r.Hash[:12], oneLine(r.Summary))
		}
		return tw.Flush()
	case "publish":
		n, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("%w: version must be a number, got %q", errUsage, arg)
		}
		old, err := st.Release(ctx, n)
		if err != nil {
			return err
		}
		summary := fmt.Sprintf("rollback to %d", n)
		if r := oneLine(reason); r != "" {
			summary += ": " + r
		}
		if utf8.RuneCountInString(summary) > maxSummary {
			return fmt.Errorf("%w: --reason is too long: the summary is at most %d characters", errUsage, maxSummary)
		}
		rel, err := publishRelease(ctx, mgr, st, old.Files, oneLine(summary), store.AuditRollback, map[string]any{"to": n})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "version %d is live (the files of version %d)\n", rel.Number, n)
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

// testDir runs the conversation tests of a content directory (the
// built-in bundle when dir is empty) and prints the JSON report; failed
// expectations also go to the error as file:line lines.
func testDir(ctx context.Context, dir string, stdout io.Writer) error {
	var fsys fs.FS = content.FS
	if dir != "" {
		fsys = os.DirFS(dir)
	}
	files, err := flows.ReadFS(fsys)
	if err != nil {
		return err
	}
	rep, err := live.Test(ctx, files)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return err
	}
	if !rep.Passed() {
		return &live.TestsFailedError{Report: rep}
	}
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

// publishRelease publishes files as the next numbered version, gated like
// the editor's publish (validation, then the conversation tests), with its
// audit row by cli:$USER in the same transaction.
func publishRelease(ctx context.Context, mgr *live.Content, st *store.Store, files map[string][]byte, summary, action string,
	details map[string]any) (store.Release, error) {
	a := cliActor()
	a.Action = action
	if details == nil {
		details = map[string]any{}
	}
	details["summary"] = summary
	a.Details = store.AuditDetails(details)
	var rel store.Release
	err := mgr.PublishWith(ctx, files, func(ctx context.Context) (int64, error) {
		var err error
		rel, err = st.PublishRelease(ctx, store.ReleaseRequest{Files: files, Summary: summary, Audit: a})
		return rel.ContentID, err
	})
	return rel, err
}

// maxSummary is the editor's limit on a change summary, in characters.
const maxSummary = 500

// oneLine keeps a summary on its table row.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
