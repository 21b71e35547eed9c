package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/conversation"
	"github.com/switchboard-support/switchboard/internal/live"
)

// cmdChat runs a conversation with the engine in the terminal, for editors
// trying content. With --content-dir it runs that directory's content
// without publishing it.
func cmdChat(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	c.register(fs)
	var locale, playerID, name string
	var debug bool
	stringFlag(fs, &locale, "locale", "en", "player locale: en or ru")
	stringFlag(fs, &playerID, "player", "cli-editor", "player id")
	stringFlag(fs, &name, "name", "Editor", "player name")
	boolFlag(fs, &debug, "debug", false, "show intent, confidence, flow steps and knowledge-base hits")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if !chat.SupportedLocale(locale) {
		return fmt.Errorf("%w: --locale must be en or ru", errUsage)
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
	if c.contentDir != "" {
		if err := loadDirIntoEngine(ctx, c, engine); err != nil {
			return err
		}
	} else {
		seed, err := c.seed()
		if err != nil {
			return err
		}
		if err := live.New(st, engine, runtimeOptions(&c), log).Start(ctx, seed); err != nil {
			return err
		}
	}
	svc := conversation.New(st, engine, conversation.Options{Logger: log})
	player := chat.Player{ID: playerID, Name: name, Locale: locale, Attributes: map[string]string{"verified": "true"}}
	return chatLoop(ctx, svc, player, stdin, stdout, debug)
}

// loadDirIntoEngine validates a content directory and runs it directly.
func loadDirIntoEngine(ctx context.Context, c config, engine *flows.Engine) error {
	seed, err := c.seed()
	if err != nil {
		return err
	}
	rt, err := live.Build(ctx, seed, flows.RuntimeOptions{})
	if err != nil {
		return err
	}
	engine.Swap(rt)
	return nil
}

func chatLoop(ctx context.Context, svc *conversation.Service, player chat.Player, stdin io.Reader, stdout io.Writer, debug bool) error {
	fmt.Fprintf(stdout, "Chatting as %s (%s). Type a message; a number picks a button; Ctrl-D quits.\n", player.ID, player.Locale)
	in := bufio.NewScanner(stdin)
	in.Buffer(make([]byte, 64*1024), 64*1024)
	// Client ids must be unique across sessions: a reused id is a retry.
	var nonce [8]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return err
	}
	session := hex.EncodeToString(nonce[:])
	seq := 0
	for {
		fmt.Fprint(stdout, "you> ")
		if !in.Scan() {
			fmt.Fprintln(stdout)
			return in.Err()
		}
		text := strings.TrimSpace(in.Text())
		if text == "" {
			continue
		}
		seq++
		res, err := svc.Send(ctx, conversation.Inbound{Player: player, Channel: chat.ChannelCLI,
			ClientID: fmt.Sprintf("cli-%s-%d", session, seq), Text: text})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			fmt.Fprintf(stdout, "!! %s\n", describe(err))
			continue
		}
		if debug && res.Trace != nil {
			printTrace(stdout, res.Trace)
		}
		for _, m := range res.Replies {
			printReply(stdout, m)
		}
		if res.Conversation.State != chat.StateBot {
			fmt.Fprintf(stdout, "   [conversation is %s: a human answers from here on; the bot stays silent]\n", res.Conversation.State)
		}
	}
}

func printReply(w io.Writer, m chat.Message) {
	lines := strings.Split(m.Text, "\n")
	fmt.Fprintf(w, "bot> %s\n", lines[0])
	for _, l := range lines[1:] {
		fmt.Fprintf(w, "     %s\n", l)
	}
	if len(m.Buttons) > 0 {
		var bs []string
		for i, b := range m.Buttons {
			bs = append(bs, fmt.Sprintf("[%d] %s", i+1, b.Label))
		}
		fmt.Fprintf(w, "     %s\n", strings.Join(bs, "  "))
	}
	for _, a := range m.Articles {
		fmt.Fprintf(w, "     → %s (%s)\n", a.Title, a.ID)
	}
}

func printTrace(w io.Writer, t *flows.Trace) {
	if t.Classified {
		ranked := make([]string, 0, len(t.Ranked))
		for _, p := range t.Ranked {
			ranked = append(ranked, fmt.Sprintf("%s %.2f", p.Intent, p.Confidence))
		}
		fmt.Fprintf(w, "  · intent=%s confidence=%.2f out_of_scope=%v ranked=[%s]\n", t.Intent, t.Confidence,
			t.OutOfScope, strings.Join(ranked, ", "))
	}
	if t.Text != "" {
		fmt.Fprintf(w, "  · read as: %q\n", t.Text)
	}
	fmt.Fprintf(w, "  · steps: %s\n", strings.Join(t.Steps, " → "))
	for _, h := range t.KBHits {
		scoped := ""
		if h.Scoped {
			scoped = " (intent-scoped)"
		}
		fmt.Fprintf(w, "  · kb: %s %.3f %q%s\n", h.ArticleID, h.Score, h.Title, scoped)
	}
	if t.Topic != "" {
		fmt.Fprintf(w, "  · topic: %s\n", t.Topic)
	}
	if t.Issue != "" {
		fmt.Fprintf(w, "  · stated problem: %s\n", t.Issue)
	}
}
