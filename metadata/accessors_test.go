package metadata_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/go-alchemy/alchemy/dialects/postgresql"
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// TestDeclarationsReadBack checks what a declared table reports about
// itself.
func TestDeclarationsReadBack(t *testing.T) {
	now := func() any { return "computed" }
	md := metadata.New(metadata.DefaultSchema("app"))
	users := md.Table("users",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey(), metadata.Comment("key")),
		metadata.Column("email", types.String(100), metadata.Unique(), metadata.Indexed()),
		metadata.Column("status", types.String(10), metadata.Default("new"), metadata.ServerDefault("new")),
		metadata.Column("stamp", types.Text(), metadata.Default(now), metadata.Autoincrement(false)),
		metadata.Column("boss_id", nil, metadata.ForeignKey("users.id", metadata.Deferrable(), metadata.Initially("deferred"),
			metadata.UseAlter(), metadata.OnUpdate("cascade"))),
		metadata.CheckConstraint("id > 0", metadata.Named("ck_id")),
		metadata.Comment("people"))
	if err := md.Err(); err != nil {
		t.Fatal(err)
	}
	if users.MetaData() != md || md.Schema() != "app" || users.Key() != "app.users" || users.Comment() != "people" {
		t.Error("table facts")
	}
	if got := md.Tables(); len(got) != 1 || got[0] != users || md.Lookup("app.users") != users {
		t.Errorf("Tables() = %v", got)
	}
	id, email, status, stamp, boss := users.C("id"), users.C("email"), users.C("status"), users.C("stamp"), users.C("boss_id")
	if !id.IsPrimaryKey() || id.Nullable() || id.Comment() != "key" || id.Parent() != users || !id.Autoincrements() {
		t.Error("id facts")
	}
	if !email.IsUnique() || !email.IsIndexed() || !email.Nullable() || len(users.UniqueConstraints()) != 0 || !users.Indexes()[0].Unique() {
		t.Error("Unique with Indexed is a unique index, not a constraint")
	}
	if status.ClientDefault() != "new" || status.ServerDefault().String() != "'new'" {
		t.Error("status defaults")
	}
	if stamp.Autoincrement() != metadata.AutoincrementOff || stamp.ClientDefault().(func() any)() != "computed" {
		t.Error("stamp")
	}
	fk := boss.ForeignKeys()[0]
	if fk.Parent() != users || fk.Target() != "users.id" || fk.RefTable() != users || !fk.Deferrable() ||
		fk.Initially() != "DEFERRED" || !fk.UseAlter() || fk.OnUpdate() != "CASCADE" || fk.OnDelete() != "" {
		t.Errorf("foreign key facts: %+v", fk)
	}
	if boss.Type().Kind() != types.KindInteger {
		t.Error("boss_id takes id's type")
	}
	ck := users.CheckConstraints()[0]
	if ck.Name() != "ck_id" || ck.SQL() != "id > 0" || ck.Column() != nil {
		t.Error("check facts")
	}
	name, err := fk.NameOn(postgresql.Dialect)
	if err != nil || name != "fk_users_boss_id_users" {
		t.Errorf("a UseAlter key is named on a dialect that ALTERs: %q, %v", name, err)
	}
	if diff := cmp.Diff([]string{"app.users"}, md.Keys()); diff != "" {
		t.Error(diff)
	}
}
