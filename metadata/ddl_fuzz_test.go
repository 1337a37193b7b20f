package metadata_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/go-alchemy/alchemy/dialects"
	"github.com/go-alchemy/alchemy/dialects/mysql"
	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/dialects/sqlite"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// featureSchema declares up to eight tables from seed, with what changes
// the DDL: reserved and mixed-case names that need quoting, composite
// keys, NOT NULL, UNIQUE, indexes, server defaults, comments, Boolean
// and Enum columns (whose CHECK depends on the dialect), named CHECKs,
// foreign keys with ON DELETE and UseAlter, table CHECKs and comments,
// and sometimes a naming convention.
func featureSchema(seed uint64) *metadata.MetaData {
	rng := rand.New(rand.NewPCG(seed, 7))
	var opts []metadata.MetaDataOption
	if rng.IntN(3) == 0 {
		opts = append(opts, metadata.NamingConvention(map[string]string{
			"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
			"ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
			"pk": "pk_%(table_name)s"}))
	}
	md := metadata.New(opts...)
	names := []string{"a", "order", "user", "Mixed", "t_4", "select", "x y", "z"}
	for i := range 1 + rng.IntN(len(names)) {
		var items []metadata.TableItem
		if rng.IntN(3) == 0 {
			items = append(items, metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
				metadata.Column("id2", types.Integer(), metadata.PrimaryKey()))
		} else {
			items = append(items, metadata.Column("id", types.BigInteger(), metadata.PrimaryKey()))
		}
		for k := range rng.IntN(5) {
			var co []metadata.ColumnOption
			switch rng.IntN(6) {
			case 0:
				co = append(co, metadata.NotNull())
			case 1:
				co = append(co, metadata.Unique())
			case 2:
				co = append(co, metadata.Indexed())
			case 3:
				co = append(co, metadata.ServerDefault("7"))
			case 4:
				co = append(co, metadata.Comment(fmt.Sprintf("it's c%d", k)))
			}
			var typ types.Type
			switch rng.IntN(5) {
			case 0:
				typ = types.Boolean()
			case 1:
				typ = types.Enum(fmt.Sprintf("mood%d", rng.IntN(2)), "ok", "bad")
			case 2:
				typ = types.String(40)
			case 3:
				typ = types.DateTime()
			default:
				typ = types.Integer()
			}
			if rng.IntN(4) == 0 {
				co = append(co, metadata.CheckConstraint(fmt.Sprintf("c%d IS NOT NULL", k), metadata.Named(fmt.Sprintf("cc%d", k))))
			}
			items = append(items, metadata.Column(fmt.Sprintf("c%d", k), typ, co...))
		}
		for k := range rng.IntN(3) * min(i, 1) {
			var fo []metadata.ConstraintOption
			if rng.IntN(3) == 0 {
				fo = append(fo, metadata.OnDelete("CASCADE"))
			}
			if rng.IntN(4) == 0 {
				fo = append(fo, metadata.UseAlter())
			}
			items = append(items, metadata.Column(fmt.Sprintf("r%d", k), nil, metadata.ForeignKey(names[rng.IntN(i)]+".id", fo...)))
		}
		if rng.IntN(3) == 0 {
			items = append(items, metadata.CheckConstraint("id > 0"))
		}
		if rng.IntN(4) == 0 {
			items = append(items, metadata.Comment("table's"))
		}
		if rng.IntN(4) == 0 {
			items = append(items, metadata.Index(fmt.Sprintf("ix_%d", i), "id"))
		}
		md.Table(names[i], items...)
	}
	return md
}

// FuzzCreateAllSQL renders random schemas on every dialect, in turns,
// three times over: each rendering must be the one a freshly declared
// copy of the schema gets. The compiler keeps each table's and column's
// quoted name for the dialect that last asked (sqlexpr QuotedName), so
// switching dialects must not leak one dialect's quoting into another's
// DDL. No input may panic.
func FuzzCreateAllSQL(f *testing.F) {
	for seed := range uint64(16) {
		f.Add(seed)
	}
	all := []*dialects.Dialect{postgresql.Dialect, mysql.Dialect, sqlite.Dialect}
	render := func(md *metadata.MetaData, d *dialects.Dialect) string {
		s, err := md.CreateAllSQL(d)
		if err != nil {
			return "error: " + err.Error()
		}
		drop, err := md.DropAllSQL(d)
		if err != nil {
			return s + "\nerror: " + err.Error()
		}
		return s + "\n" + drop
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		md := featureSchema(seed)
		for round := range 3 {
			for _, d := range all {
				want := render(featureSchema(seed), d)
				if got := render(md, d); got != want {
					t.Fatalf("seed %d, round %d, %s: the DDL differs from a fresh schema's\n got: %s\nwant: %s", seed, round, d.Name, got, want)
				}
			}
		}
	})
}
