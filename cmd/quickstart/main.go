// Command quickstart walks alchemy's Core flow on an embedded SQLite
// database and prints what happens at each step:
//
//	go run ./cmd/quickstart
//
// The same program runs unchanged on the other dialects:
//
//	go run ./cmd/quickstart -url postgresql://postgres@127.0.0.1:5432/test
//	go run ./cmd/quickstart -url mysql://root@127.0.0.1:3306/test
//
// (it creates the tables users and addresses there and drops them at
// the end).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/go-alchemy/alchemy"
	_ "github.com/go-alchemy/alchemy/dialects/all"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/sqlexpr"
	"github.com/go-alchemy/alchemy/types"
)

func main() {
	url := flag.String("url", "sqlite://", "database URL (default: an in-memory SQLite database)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *url); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// schema declares the seed's tables, addresses first: CreateAll sorts
// them by foreign key, so users is still created first.
func schema() (*metadata.MetaData, *metadata.Table, *metadata.Table) {
	md := metadata.New()
	addresses := md.Table("addresses",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("user_id", nil, metadata.ForeignKey("users.id"), metadata.NotNull()), // type from users.id
		metadata.Column("street", types.String(100)),
		metadata.Column("city", types.String(50)))
	users := md.Table("users",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(25), metadata.NotNull()),
		metadata.Column("email", types.String(255), metadata.Unique(), metadata.NotNull()),
		metadata.Column("signed_up", types.DateTime()),
		metadata.Column("active", types.Boolean()))
	return md, users, addresses
}

func run(ctx context.Context, w io.Writer, rawURL string) (err error) {
	step := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

	// 1. A URL, parsed the way SQLAlchemy parses it.
	u, err := alchemy.ParseURL(rawURL)
	if err != nil {
		return err
	}
	step("1. URL %s → dialect %q, driver %q, database %q", u, u.Dialect, u.Driver, u.Database)

	// 2. An engine: nothing is opened yet.
	eng, err := alchemy.CreateEngine(rawURL, alchemy.PoolSize(5), alchemy.MaxOverflow(10))
	if err != nil {
		return err
	}
	defer eng.Close()
	step("2. %s created, no connection yet:\n   %s", eng, eng.Pool().Status())

	// 3. The schema: declared once, rendered for the engine's dialect,
	// created in foreign-key order.
	md, users, addresses := schema()
	ddl, err := md.CreateAllSQL(eng.Dialect())
	if err != nil {
		return err
	}
	step("3. DDL for %s:\n%s", eng.Dialect(), indent(ddl))
	if err := md.CreateAll(ctx, eng); err != nil {
		return err
	}
	defer func() {
		if dropErr := md.DropAll(ctx, eng); err == nil {
			err = dropErr
		}
	}()
	sorted, err := md.SortedTables()
	if err != nil {
		return err
	}
	var names []string
	for _, t := range sorted {
		names = append(names, t.Name())
	}
	step("   CreateAll created %s (declared: %s)", strings.Join(names, ", "), strings.Join(md.Keys(), ", "))

	// 4. Commit as you go: the first statement begins a transaction.
	c, err := eng.Connect(ctx)
	if err != nil {
		return err
	}
	signedUp := time.Date(2026, 12, 2, 10, 30, 0, 0, time.UTC)
	res, err := c.Execute(ctx, sqlexpr.Insert(users).Values(sqlexpr.Values{"name": "john", "email": "john@example.com",
		"signed_up": signedUp, "active": true}))
	if err != nil {
		return err
	}
	johnID := res.InsertedPrimaryKey()[0] // one row: its key is known on every dialect
	step("4. Connect + INSERT john (id %v): in a transaction = %v", johnID, c.InTransaction())
	if err := c.Commit(ctx); err != nil {
		return err
	}
	if _, err := c.Execute(ctx, sqlexpr.Insert(users).Values(sqlexpr.Values{"name": "ghost", "email": "ghost@example.com"})); err != nil {
		return err
	}
	if err := c.Close(); err != nil {
		return err
	}
	step("   committed john; ghost was inserted but never committed, so Close rolled it back")

	// 5. Begin: commit on success, roll back on error.
	err = eng.Begin(ctx, func(c *alchemy.Conn) error {
		res, err := c.Execute(ctx, sqlexpr.Insert(users).Values(sqlexpr.Values{"name": "wendy", "email": "wendy@example.com",
			"signed_up": signedUp.Add(36 * time.Hour), "active": false}))
		if err != nil {
			return err
		}
		_, err = c.Execute(ctx, sqlexpr.Insert(addresses).Values(
			sqlexpr.Values{"user_id": johnID, "street": "1 Main St", "city": "Springfield"},
			sqlexpr.Values{"user_id": res.InsertedPrimaryKey()[0], "street": "2 Elm St", "city": "Shelbyville"}))
		return err
	})
	if err != nil {
		return err
	}
	step("5. Begin inserted wendy and two addresses, and committed")
	errDup := eng.Begin(ctx, func(c *alchemy.Conn) error {
		if _, err := c.Execute(ctx, sqlexpr.Insert(users).Values(sqlexpr.Values{"name": "mallory", "email": "mallory@example.com"})); err != nil {
			return err
		}
		_, err := c.Execute(ctx, sqlexpr.Insert(users).Values(sqlexpr.Values{"name": "john2", "email": "john@example.com"}))
		return err
	})
	if errDup == nil {
		return errors.New("a duplicate email was accepted")
	}
	step("   a duplicate email failed (%s) and rolled back mallory too", eng.Dialect().Kind(errDup))

	// 6. Select with a join and a where, rows read by column name.
	stmt := sqlexpr.Select(users.C("name"), users.C("email"), addresses.C("city")).
		Join(addresses, users.C("id").Eq(addresses.C("user_id"))).
		Where(addresses.C("city").In("Springfield", "Shelbyville")).
		OrderBy(users.C("name"))
	text, args, err := sqlexpr.Compile(stmt, eng.Dialect())
	if err != nil {
		return err
	}
	step("6. %s\n   args %v", text, args)
	rows, err := eng.Query(ctx, stmt)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		step("   row: name=%v email=%v city=%v", rows.Get("name"), rows.Get("email"), rows.Get("city"))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()

	// 7. Typed values: the column types decide the Go types, the same on
	// every dialect (a Boolean is a bool on SQLite and MySQL too, a
	// DateTime a time.Time on MySQL without parseTime).
	type account struct {
		Name     string
		SignedUp time.Time `db:"signed_up"`
		Active   bool
	}
	accounts, err := sqlexpr.All[account](ctx, eng,
		sqlexpr.Select(users.C("name"), users.C("signed_up"), users.C("active")).OrderBy(users.C("id")))
	if err != nil {
		return err
	}
	for _, a := range accounts {
		step("7. %s signed up %s (%T), active=%v (%T)", a.Name, a.SignedUp.Format(time.DateTime), a.SignedUp, a.Active, a.Active)
	}
	byName := sqlexpr.Select(users.C("email")).Where(users.C("name").Eq(sqlexpr.BindParam("name")))
	email, err := sqlexpr.One[string](ctx, eng, byName, sqlexpr.Params{"name": "wendy"})
	if err != nil {
		return err
	}
	_, err = sqlexpr.One[string](ctx, eng, byName, sqlexpr.Params{"name": "nobody"})
	step("   One with BindParam: wendy → %s; nobody → ErrNoResultFound=%v", email, errors.Is(err, sqlexpr.ErrNoResultFound))

	// 8. The pool.
	st := eng.Pool().Stats()
	step("8. %s\n   opened %d connection(s) for %d checkouts", eng.Pool().Status(), st.Opens, st.Checkouts)
	return nil
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	return "   " + strings.ReplaceAll(s, "\n", "\n   ")
}
