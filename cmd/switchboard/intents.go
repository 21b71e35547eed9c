package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/flows/flowtest"
	"github.com/switchboard-support/switchboard/intents"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/live"
)

func cmdIntents(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "eval" {
		return fmt.Errorf("%w: switchboard intents eval --test FILE [--train FILE] | --clinc FILE", errUsage)
	}
	fs := flag.NewFlagSet("intents eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var testPath, trainPath, clincPath, contentDir, locale string
	var threshold float64
	fs.StringVar(&testPath, "test", "", "JSONL test set: {\"text\": ..., \"intent\": ...}; intent \"oos\" = out of scope")
	fs.StringVar(&trainPath, "train", "", "JSONL training set (default: the content's intent examples)")
	fs.StringVar(&clincPath, "clinc", "", "CLINC150 data_full.json: run the Full protocol of Larson et al. 2019")
	stringFlag(fs, &contentDir, "content-dir", "", "content directory whose intents train the model (default: the built-in bundle)")
	fs.StringVar(&locale, "locale", "", "with --test: also run each text as a player's first message with this token locale and report the share of turns answered in it")
	fs.Float64Var(&threshold, "threshold", 0, "out-of-scope threshold (default: the content's settings, or the classifier default)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	var (
		report intents.Report
		err    error
	)
	switch {
	case clincPath != "":
		if testPath != "" || trainPath != "" {
			return fmt.Errorf("%w: --clinc brings its own splits; drop --test/--train", errUsage)
		}
		report, err = intents.CLINC(clincPath, intents.Options{Threshold: threshold})
	case testPath != "":
		var train, test []intents.Example
		if test, err = readJSONL(testPath); err != nil {
			return err
		}
		opts := intents.Options{Threshold: threshold}
		if trainPath != "" {
			if train, err = readJSONL(trainPath); err != nil {
				return err
			}
		} else {
			c := config{contentDir: contentDir}
			b, err := contentBundle(&c)
			if err != nil {
				return err
			}
			train = b.AllExamples()
			opts.Vocabulary = flows.Vocabulary(b) // as the bot's runtime does
			if opts.Threshold == 0 {
				opts.Threshold = b.Settings.IntentThreshold
			}
		}
		report, err = intents.TrainAndEvaluate(train, test, opts)
	default:
		return fmt.Errorf("%w: intents eval needs --test FILE or --clinc FILE", errUsage)
	}
	if err != nil {
		return err
	}
	out := struct {
		intents.Report
		ReplyLanguage *float64 `json:"reply_language_accuracy,omitempty"`
	}{Report: report}
	if locale != "" {
		if testPath == "" {
			return fmt.Errorf("%w: --locale needs --test", errUsage)
		}
		acc, err := replyLanguage(ctx, &config{contentDir: contentDir}, testPath, locale)
		if err != nil {
			return err
		}
		out.ReplyLanguage = &acc
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// replyLanguage runs every text of the test set as the first message of a
// player whose token says locale, and returns the share of turns whose
// replies are all in locale (the set's language).
func replyLanguage(ctx context.Context, c *config, testPath, locale string) (float64, error) {
	test, err := readJSONL(testPath)
	if err != nil {
		return 0, err
	}
	engine, err := contentEngine(ctx, c)
	if err != nil {
		return 0, err
	}
	defer engine.Close()
	ok := 0
	for _, e := range test {
		out, err := engine.Turn(ctx, flows.Input{Player: chat.Player{ID: "eval", Locale: locale},
			Channel: chat.ChannelWebchat, Locale: locale, Text: e.Text})
		if err != nil {
			return 0, err
		}
		right := true
		for _, r := range out.Replies {
			if l := flowtest.Language(r.Text); l != "" && l != locale {
				right = false
			}
		}
		if right {
			ok++
		}
	}
	if len(test) == 0 {
		return 0, nil
	}
	return float64(ok) / float64(len(test)), nil
}

func readJSONL(path string) ([]intents.Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ex, err := intents.ReadJSONL(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ex, nil
}

// contentBundle parses the content directory (or the built-in bundle).
func contentBundle(c *config) (*flows.Bundle, error) {
	seed, err := c.seed()
	if err != nil {
		return nil, err
	}
	files, err := flows.ReadFS(seed)
	if err != nil {
		return nil, err
	}
	return live.Validate(files)
}
