package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/live"
	"github.com/switchboard-support/switchboard/kb"
)

const kbUsage = "switchboard kb eval --test Q.jsonl [--content-dir DIR]"

// cmdKB runs `kb eval`: every question of the test set is a player's first
// message to the bot; the articles the bot shows, then the rest of its
// search hits, are the ranking that is scored.
func cmdKB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "eval" {
		return fmt.Errorf("%w: %s", errUsage, kbUsage)
	}
	fs := flag.NewFlagSet("kb eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var testPath, contentDir string
	fs.StringVar(&testPath, "test", "", `JSONL: {"text": ..., "locale": "ru", "article": "id" or ["id", ...]}`)
	stringFlag(fs, &contentDir, "content-dir", "", "content directory to evaluate (default: the built-in bundle)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if testPath == "" || fs.NArg() != 0 {
		return fmt.Errorf("%w: %s", errUsage, kbUsage)
	}
	f, err := os.Open(testPath)
	if err != nil {
		return err
	}
	cases, err := kb.ReadEvalCases(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", testPath, err)
	}
	engine, err := contentEngine(ctx, &config{contentDir: contentDir})
	if err != nil {
		return err
	}
	defer engine.Close()
	rep, err := kb.Evaluate(ctx, cases, func(ctx context.Context, c kb.EvalCase) ([]string, error) {
		out, err := engine.Turn(ctx, flows.Input{Player: chat.Player{ID: "eval", Locale: c.Locale},
			Channel: chat.ChannelWebchat, Locale: c.Locale, Text: c.Text})
		if err != nil {
			return nil, err
		}
		return rankedArticles(out), nil
	})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// rankedArticles lists what a turn offered: the articles shown, in order,
// then its other search hits.
func rankedArticles(out flows.Output) []string {
	var ids []string
	for _, r := range out.Replies {
		for _, a := range r.Articles {
			if !slices.Contains(ids, a.ID) {
				ids = append(ids, a.ID)
			}
		}
	}
	for _, h := range out.Trace.KBHits {
		if !slices.Contains(ids, h.ArticleID) {
			ids = append(ids, h.ArticleID)
		}
	}
	return ids
}

// contentEngine builds an engine on the content directory of c (the
// built-in bundle by default), with its index in memory.
func contentEngine(ctx context.Context, c *config) (*flows.Engine, error) {
	seed, err := c.seed()
	if err != nil {
		return nil, err
	}
	rt, err := live.Build(ctx, seed, flows.RuntimeOptions{})
	if err != nil {
		return nil, err
	}
	return flows.NewEngine(rt), nil
}
