package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/auth"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

const usersUsage = `switchboard users <subcommand>:
  add --login L --name N [--role operator|supervisor|editor|admin] [--skills a,b] [--capacity 3]
                    create a staff account; the password is read from standard input
  update LOGIN [--name N] [--role R] [--skills a,b] [--capacity N]
                    change what is given, nothing else
  (skills must be listed under handoff.skills in the live content's settings.yaml)
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
	switch sub {
	case "add":
		fs.StringVar(&login, "login", "", "login name")
		fallthrough
	case "update":
		fs.StringVar(&name, "name", "", "display name shown to players")
		fs.StringVar(&role, "role", "operator", "operator, supervisor, editor or admin")
		fs.StringVar(&skills, "skills", "general", "comma-separated skills (from settings.yaml handoff.skills)")
		fs.IntVar(&capacity, "capacity", 3, "conversations at once")
	}
	rest := args[1:]
	if sub == "update" && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		login, rest = rest[0], rest[1:] // update LOGIN [flags]
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
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
		list := splitList(skills)
		if err := c.checkSkills(ctx, st, list); err != nil {
			return err
		}
		hash, err := readPassword(stdin)
		if err != nil {
			return err
		}
		op := handoff.Operator{Login: login, Name: name, Role: r, Skills: list, Capacity: capacity,
			Status: handoff.Offline}
		op, err = st.CreateStaffAudited(ctx, cliActor(), op, hash)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created %s (%s, id %d)\n", op.Login, op.Role, op.ID)
	case "update":
		if login == "" || fs.NArg() != 0 || len(set) == 0 {
			return fmt.Errorf("%w: %s", errUsage, usersUsage)
		}
		op, _, err := st.StaffByLogin(ctx, login)
		if err != nil {
			return err
		}
		if set["name"] {
			op.Name = name
		}
		if set["role"] {
			if op.Role, err = handoff.ParseRole(role); err != nil {
				return err
			}
		}
		if set["skills"] {
			op.Skills = splitList(skills)
			if err := c.checkSkills(ctx, st, op.Skills); err != nil {
				return err
			}
		}
		if set["capacity"] {
			op.Capacity = capacity
		}
		if err := st.UpdateStaffAudited(ctx, cliActor(), op); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %s, skills %s, capacity %d\n", op.Login, op.Role, strings.Join(op.Skills, ","), op.Capacity)
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
			if err := st.SetStaffPasswordAudited(ctx, cliActor(), op, hash); err != nil {
				return err
			}
		default:
			if err := st.SetStaffDisabledAudited(ctx, cliActor(), op, sub == "disable"); err != nil {
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

// checkSkills refuses skills that the live content's settings.yaml does not
// list under handoff.skills (before anything is published: the content
// serve would seed the database with). An operator with a misspelt skill
// would silently never get those tickets.
func (c *config) checkSkills(ctx context.Context, st *store.Store, skills []string) error {
	known, err := c.knownSkills(ctx, st)
	if err != nil {
		return err
	}
	for _, s := range skills {
		if !slices.Contains(known, s) {
			return chat.Errorf(chat.EINVALID, "unknown skill %q (settings.yaml lists %s)", s, strings.Join(known, ", "))
		}
	}
	return nil
}

// knownSkills returns handoff.skills of the live content version, or of the
// seed content when nothing is published yet.
func (c *config) knownSkills(ctx context.Context, st *store.Store) ([]string, error) {
	var files map[string][]byte
	v, err := st.LiveContentVersion(ctx)
	switch {
	case err == nil:
		files = v.Files
	case chat.ErrorCode(err) == chat.ENOTFOUND:
		seed, err := c.seed()
		if err != nil {
			return nil, err
		}
		if files, err = flows.ReadFS(seed); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	b, err := flows.ParseBundle(files, store.ContentHash(files))
	if err != nil {
		return nil, fmt.Errorf("read the content's skills: %w", err)
	}
	return b.Settings.Skills, nil
}

// cliActor is who the audit log records for a change made here: the
// system user, as "cli:NAME".
func cliActor() store.AuditEntry {
	name := os.Getenv("USER")
	if name == "" {
		name = "unknown"
	}
	return store.AuditEntry{Actor: "cli:" + name}
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
