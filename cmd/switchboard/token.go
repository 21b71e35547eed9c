package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
)

// cmdToken mints a player token with the HS256 secret, for development.
func cmdToken(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var secret, audience, playerID, name, locale string
	var ttl time.Duration
	var attrs attrFlag
	stringFlag(fs, &secret, "token-secret", "", "HS256 secret shared with the server (32+ bytes)")
	stringFlag(fs, &audience, "token-audience", "switchboard", "aud claim")
	fs.StringVar(&playerID, "player", "", "player id (the token's subject)")
	fs.StringVar(&name, "name", "", "player name")
	fs.StringVar(&locale, "locale", "en", "player locale: en or ru")
	fs.DurationVar(&ttl, "ttl", time.Hour, "how long the token is valid")
	fs.Var(&attrs, "attr", "player attribute key=value (repeatable), e.g. vip_level=3, verified=true")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if playerID == "" {
		return fmt.Errorf("%w: --player is required", errUsage)
	}
	if !chat.SupportedLocale(locale) {
		return fmt.Errorf("%w: --locale must be en or ru", errUsage)
	}
	if len(secret) < 32 {
		return fmt.Errorf("%w: --token-secret (or SWITCHBOARD_TOKEN_SECRET) of 32+ bytes is required", errUsage)
	}
	tok, err := auth.NewHS256Signer([]byte(secret), audience).Sign(chat.Player{ID: playerID, Name: name, Locale: locale,
		Attributes: attrs.m}, ttl, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

type attrFlag struct{ m map[string]string }

func (a *attrFlag) String() string { return fmt.Sprint(a.m) }

func (a *attrFlag) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", v)
	}
	if a.m == nil {
		a.m = map[string]string{}
	}
	a.m[k] = val
	return nil
}
