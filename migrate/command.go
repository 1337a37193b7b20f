package migrate

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/go-alchemy/alchemy/metadata"
)

// ErrDiffers is returned by the check command when the database does not
// match the MetaData; Main exits with status 1.
var ErrDiffers = errors.New("migrate: the database differs from the MetaData")

const usage = `usage: <program> [-url URL] [-dir DIR] <command> [arguments]

commands:
  revision [--autogenerate] -m "message"   write a new revision after the head
  upgrade [head|+N|ID]                     apply revisions (default: head)
  downgrade -N|ID|base                     undo revisions
  current                                  print the database's revision
  history                                  list the revisions, newest first
  check                                    exit 1 when the database differs from the MetaData
  sql [head|+N|ID]                         print what upgrade would run
  stamp head|base|ID                       record a revision without running it
                                           (stamp head after CreateAll)
  help                                     print this text

flags (before or after the command):
  -url URL   database URL (default: $ALCHEMY_URL), e.g. postgresql://user@host/db
  -dir DIR   revisions directory (default: migrations)
  -version-table NAME  (default: alchemy_version)
`

// Main runs the command line of os.Args against md and exits: status 0 on
// success, 1 on an error or when check finds a difference, 2 on a usage
// error. Put it in your own main next to your MetaData:
//
//	func main() { migrate.Main(schema.MetaData) }
//
// The program must import the dialects it uses, which bring the
// "alchemy" driver:
//
//	import _ "github.com/go-alchemy/alchemy/dialects/all"
func Main(md *metadata.MetaData) {
	err := Run(context.Background(), md, os.Args[1:], os.Stdout)
	switch {
	case err == nil:
		os.Exit(0)
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, err)
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

var relative = regexp.MustCompile(`^-\d+$`)

var errUsage = errors.New("migrate: usage")

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

// Run runs one command (args without the program name, as in Main)
// against md, writing its output to stdout. It returns [ErrDiffers] from
// check when the database differs.
func Run(ctx context.Context, md *metadata.MetaData, args []string, stdout io.Writer) error {
	var (
		url, dir, vt, msg string
		auto              bool
	)
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&url, "url", os.Getenv("ALCHEMY_URL"), "database URL")
	fs.StringVar(&dir, "dir", "migrations", "revisions directory")
	fs.StringVar(&vt, "version-table", DefaultVersionTable, "version table")
	fs.StringVar(&msg, "m", "", "revision message")
	fs.BoolVar(&auto, "autogenerate", false, "autogenerate the revision from the MetaData")
	// Flags may come before and after the command.
	var pos []string
	for rest := args; ; {
		// "-N" (downgrade -1) is an argument, not a flag.
		for len(rest) > 0 && relative.MatchString(rest[0]) {
			pos, rest = append(pos, rest[0]), rest[1:]
		}
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, usage)
				return err
			}
			return usageErr("%v", err)
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(pos) == 0 {
		return usageErr("no command")
	}
	cmd, cargs := pos[0], pos[1:]
	if cmd == "help" {
		if len(cargs) > 0 {
			return usageErr("help: unexpected arguments %v", cargs)
		}
		fmt.Fprint(stdout, usage)
		return nil
	}
	if cmd == "stamp" && len(cargs) != 1 {
		return usageErr("stamp needs one target: head, base, or a revision id")
	}
	m := &Migrator{MetaData: md, Dir: dir, VersionTable: vt, Log: stdout}
	needDB := cmd != "history" && !(cmd == "revision" && !auto)
	if needDB {
		if url == "" {
			return usageErr("%s needs a database: set -url or ALCHEMY_URL", cmd)
		}
		db, err := sql.Open("alchemy", url)
		if err != nil {
			return fmt.Errorf("migrate: opening %s: %w (does the program import _ \"github.com/go-alchemy/alchemy/dialects/all\" or the dialect it uses?)", redact(url), err)
		}
		defer db.Close()
		m.DB = db
	}
	target := ""
	if len(cargs) > 1 || (len(cargs) > 0 && (cmd != "upgrade" && cmd != "downgrade" && cmd != "sql" && cmd != "stamp")) {
		return usageErr("%s: unexpected arguments %v", cmd, cargs)
	}
	if len(cargs) == 1 {
		target = cargs[0]
	}
	switch cmd {
	case "revision":
		if msg == "" {
			return usageErr("revision needs -m \"message\"")
		}
		r, plan, err := m.Revision(ctx, msg, auto)
		if err != nil {
			return err
		}
		if plan != nil {
			for _, o := range plan.Ops {
				fmt.Fprintf(stdout, "detected: %s\n", o.Describe())
			}
			if plan.Empty() {
				fmt.Fprintln(stdout, "no changes detected")
			}
			for _, w := range plan.Warnings {
				fmt.Fprintf(stdout, "WARNING: %s\n", w)
			}
		}
		fmt.Fprintf(stdout, "wrote %s\n", r.Path)
		return nil
	case "upgrade":
		return m.Upgrade(ctx, target)
	case "downgrade":
		if target == "" {
			return usageErr("downgrade needs a target: -N, a revision id, or base")
		}
		return m.Downgrade(ctx, target)
	case "current":
		id, err := m.Current(ctx)
		if err != nil {
			return err
		}
		h, err := m.History()
		if err != nil {
			return err
		}
		line := orBase(id)
		if id != "" && id == h.Head() {
			line += " (head)"
		}
		fmt.Fprintln(stdout, line)
		return nil
	case "history":
		h, err := m.History()
		if err != nil {
			return err
		}
		for i := len(h.Chain) - 1; i >= 0; i-- {
			r := h.Chain[i]
			mark := ""
			if i == len(h.Chain)-1 {
				mark = " (head)"
			}
			fmt.Fprintf(stdout, "%s -> %s%s, %s\n", orBase(r.Parent), r.ID, mark, r.Message)
		}
		return nil
	case "check":
		plan, err := m.Diff(ctx)
		if err != nil {
			return err
		}
		if plan.Empty() {
			fmt.Fprintln(stdout, "no differences: the database matches the MetaData")
			return nil
		}
		for _, o := range plan.Ops {
			fmt.Fprintf(stdout, "%s\n", o.Describe())
		}
		return ErrDiffers
	case "stamp":
		return m.Stamp(ctx, target)
	case "sql":
		s, err := m.UpgradeSQL(ctx, target)
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, s)
		return nil
	}
	return usageErr("unknown command %q", cmd)
}

// redact hides a URL's password.
func redact(url string) string {
	at := strings.LastIndexByte(url, '@')
	scheme := strings.Index(url, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return url
	}
	cred := url[scheme+3 : at]
	if u, _, ok := strings.Cut(cred, ":"); ok {
		return url[:scheme+3] + u + ":***" + url[at:]
	}
	return url
}
