package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
)

const usersUsage = `switchboard users <subcommand>:
  add --login L --name N [--role operator|supervisor|editor|admin] [--skills a,b] [--capacity 3]
                    create a staff account; the password is read from standard input
  passwd LOGIN      set a new password, read from standard input (signs the account out everywhere)
  disable LOGIN     disable an account (and sign it out); enable LOGIN undoes it
  list              list staff accounts`

// cmdUsers manages staff accounts. Passwords come from standard input (one
// line), never from the command line, where other users could read them.
func cmdUsers(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: %s", errUsage, usersUsage)
	}
	sub := args[0]
	fs := flag.NewFlagSet("users "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	c.register(fs)
	var login, name, role, skills string
	var capacity int
	if sub == "add" {
		fs.StringVar(&login, "login", "", "login name")
		fs.StringVar(&name, "name", "", "display name shown to players")
		fs.StringVar(&role, "role", "operator", "operator, supervisor, editor or admin")
		fs.StringVar(&skills, "skills", "general", "comma-separated skills")
		fs.IntVar(&capacity, "capacity", 3, "conversations at once")
	}
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	st, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "add":
		r, err := handoff.ParseRole(role)
		if err != nil {
			return err
		}
		hash, err := readPassword(stdin)
		if err != nil {
			return err
		}
		op := handoff.Operator{Login: login, Name: name, Role: r, Skills: splitList(skills), Capacity: capacity,
			Status: handoff.Offline}
		op, err = st.CreateStaff(ctx, op, hash)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s (%s, id %d)\n", op.Login, op.Role, op.ID)
	case "passwd", "disable", "enable":
		if fs.NArg() != 1 {
			return fmt.Errorf("%w: %s", errUsage, usersUsage)
		}
		op, _, err := st.StaffByLogin(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		switch sub {
		case "passwd":
			hash, err := readPassword(stdin)
			if err != nil {
				return err
			}
			if err := st.SetStaffPassword(ctx, op.ID, hash); err != nil {
				return err
			}
		default:
			if err := st.SetStaffDisabled(ctx, op.ID, sub == "disable"); err != nil {
				return err
			}
		}
		if sub != "enable" {
			if err := st.DeleteStaffSessions(ctx, op.ID); err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "%s: done\n", op.Login)
	case "list":
		list, err := st.ListStaff(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tLOGIN\tNAME\tROLE\tSKILLS\tCAPACITY\tPRESENCE\tDISABLED")
		for _, op := range list {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\t%v\n", op.ID, op.Login, op.Name, op.Role,
				strings.Join(op.Skills, ","), op.Capacity, op.Status, op.Disabled)
		}
		return tw.Flush()
	default:
		return fmt.Errorf("%w: unknown users subcommand %q\n%s", errUsage, sub, usersUsage)
	}
	return nil
}

func readPassword(stdin io.Reader) ([]byte, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return nil, err
	}
	return auth.HashPassword(strings.TrimRight(line, "\r\n"))
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
