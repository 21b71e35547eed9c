package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/switchboard-support/switchboard/internal/chat"
)

const playersUsage = `switchboard players <subcommand>:
  erase ID          anonymise the player everywhere, in one transaction: the name and
                    attributes, the text of every message of their conversations (now
                    "[erased]"), ticket reasons and CSAT comments, flow slots, Telegram
                    links, link codes, deliveries and stored Telegram updates; open
                    tickets are resolved and the open conversation closed. The id stays
                    (the casino's account key), so running it again is harmless. Recorded
                    in the audit log as player.erase by cli:$USER.`

// cmdPlayers manages player data.
func cmdPlayers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, playersUsage)
	}
	sub := args[0]
	if sub != "erase" {
		return fmt.Errorf("%w: unknown players subcommand %q\n%s", errUsage, sub, playersUsage)
	}
	fs := flag.NewFlagSet("players "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	c.register(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 || fs.Arg(0) == "" {
		return fmt.Errorf("%w: %s", errUsage, playersUsage)
	}
	id := fs.Arg(0)
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	e, err := st.ErasePlayer(ctx, id, cliActor())
	if err != nil {
		if chat.ErrorCode(err) == chat.ENOTFOUND {
			return chat.Errorf(chat.ENOTFOUND, "no player with id %q", id)
		}
		return err
	}
	fmt.Fprintf(stdout, "erased player %s: %d conversations, %d messages, %d tickets, %d links, %d link codes, "+
		"%d deliveries stopped, %d Telegram updates deleted\n",
		id, e.Conversations, e.Messages, e.Tickets, e.Identities, e.LinkCodes, e.Deliveries, e.Updates)
	return nil
}
