// Command switchboard is the Switchboard chatbot engine: the server, the
// terminal chat for editors, intent evaluation and content management.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/switchboard-support/switchboard/internal/chat"
)

const usage = `usage: switchboard <command> [flags]

commands:
  serve           run the server: web-chat API, widget, /demo with --demo
  token           mint a player token for development (--player, --name, --locale)
  chat            talk to the bot in the terminal (--locale, --debug)
  intents eval    evaluate the intent classifier (--test, --train, --clinc; --locale adds reply language)
  kb eval         evaluate article retrieval as players get it (--test): Recall@1, Recall@3, MRR@10
  users           staff accounts: add, passwd, disable, enable, list
  players         player data: erase ID (anonymise a player everywhere, audited)
  bench           load benchmarks: bench chat (turns/s, latency), bench idle (memory per socket)
  content         manage content: validate, test (conversation tests), import, export, versions, publish

Run "switchboard <command> -h" for a command's flags. Every flag can also be
set by its SWITCHBOARD_* environment variable (e.g. --data-dir ↔ SWITCHBOARD_DATA_DIR).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stdout, stderr)
	case "token":
		err = cmdToken(args[1:], stdout, stderr)
	case "users":
		err = cmdUsers(ctx, args[1:], stdin, stdout, stderr)
	case "players":
		err = cmdPlayers(ctx, args[1:], stdout, stderr)
	case "bench":
		err = cmdBench(ctx, args[1:], stdout, stderr)
	case "chat":
		err = cmdChat(ctx, args[1:], stdin, stdout, stderr)
	case "intents":
		err = cmdIntents(ctx, args[1:], stdout, stderr)
	case "content":
		err = cmdContent(ctx, args[1:], stdout, stderr)
	case "kb":
		err = cmdKB(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "switchboard: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "switchboard: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "switchboard: %s\n", describe(err))
		return 1
	}
}

// describe renders an error for a terminal: coded errors by their message.
func describe(err error) string {
	var ce *chat.Error
	if errors.As(err, &ce) && ce.Error() == err.Error() {
		return ce.Message
	}
	return err.Error()
}
