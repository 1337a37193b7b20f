package metadata_test

import (
	"github.com/go-alchemy/alchemy/metadata"
	"github.com/go-alchemy/alchemy/types"
)

// The schemas shared by the golden, recording and real-server tests.

// seedSchema is the quickstart's users and addresses, addresses first to
// show the sort; user_id has no type and takes users.id's.
func seedSchema() *metadata.MetaData {
	md := metadata.New()
	md.Table("addresses",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("user_id", nil, metadata.ForeignKey("users.id"), metadata.NotNull()),
		metadata.Column("street", types.String(100)),
		metadata.Column("city", types.String(50)))
	md.Table("users",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(25), metadata.NotNull()),
		metadata.Column("email", types.String(255), metadata.Unique(), metadata.NotNull()))
	return md
}

// blogSchema has authors, posts, comments, tags and a composite-key
// association table, declared children first.
func blogSchema() *metadata.MetaData {
	md := metadata.New()
	md.Table("post_tags",
		metadata.Column("post_id", nil, metadata.ForeignKey("posts.id", metadata.OnDelete("CASCADE")), metadata.PrimaryKey()),
		metadata.Column("tag_id", nil, metadata.ForeignKey("tags.id", metadata.OnDelete("CASCADE")), metadata.PrimaryKey()))
	md.Table("comments",
		metadata.Column("id", types.BigInteger(), metadata.PrimaryKey()),
		metadata.Column("post_id", nil, metadata.ForeignKey("posts.id", metadata.OnDelete("CASCADE")), metadata.NotNull(), metadata.Indexed()),
		metadata.Column("author_id", nil, metadata.ForeignKey("authors.id", metadata.OnDelete("SET NULL"))),
		metadata.Column("body", types.Text(), metadata.NotNull()),
		metadata.Column("created_at", types.DateTimeTZ(), metadata.NotNull(), metadata.ServerDefaultNow()))
	md.Table("posts",
		metadata.Column("id", types.BigInteger(), metadata.PrimaryKey()),
		metadata.Column("author_id", nil, metadata.ForeignKey("authors.id"), metadata.NotNull()),
		metadata.Column("title", types.String(200), metadata.NotNull()),
		metadata.Column("slug", types.String(200), metadata.NotNull(), metadata.Unique(), metadata.Indexed()),
		metadata.Column("body", types.Text()),
		metadata.Column("published", types.Boolean(), metadata.NotNull(), metadata.ServerDefaultBool(false)),
		metadata.Index("ix_posts_author_title", "author_id", "title"))
	md.Table("tags",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(50), metadata.NotNull(), metadata.Unique()))
	md.Table("authors",
		metadata.Column("id", types.BigInteger(), metadata.PrimaryKey()),
		metadata.Column("name", types.String(100), metadata.NotNull()),
		metadata.Column("email", types.String(255), metadata.NotNull()),
		metadata.UniqueConstraint([]string{"email"}, metadata.Named("uq_authors_email")))
	return md
}

// selfRefSchema is a tree: a self-reference needs no ALTER.
func selfRefSchema() *metadata.MetaData {
	md := metadata.New()
	md.Table("employees",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("manager_id", nil, metadata.ForeignKey("employees.id", metadata.OnDelete("SET NULL"))),
		metadata.Column("name", types.String(50), metadata.NotNull()))
	return md
}

// cycle2Schema: a and b reference each other; c references a from
// outside the cycle and keeps its key inline.
func cycle2Schema() *metadata.MetaData {
	md := metadata.New()
	md.Table("a",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("b_id", nil, metadata.ForeignKey("b.id")))
	md.Table("b",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("a_id", nil, metadata.ForeignKey("a.id")))
	md.Table("c",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("a_id", nil, metadata.ForeignKey("a.id")))
	return md
}

// cycle3Schema: x → y → z → x, the last one with a named key.
func cycle3Schema() *metadata.MetaData {
	md := metadata.New()
	md.Table("x",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("y_id", nil, metadata.ForeignKey("y.id")))
	md.Table("y",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("z_id", nil, metadata.ForeignKey("z.id")))
	md.Table("z",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("x_id", nil, metadata.ForeignKey("x.id", metadata.Named("fk_z_x"), metadata.OnDelete("CASCADE"))))
	return md
}

// compositeSchema has a composite primary key and a composite foreign
// key referencing it.
func compositeSchema() *metadata.MetaData {
	md := metadata.New()
	md.Table("shipments",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("order_region", types.String(8), metadata.NotNull()),
		metadata.Column("order_no", types.Integer(), metadata.NotNull()),
		metadata.ForeignKeyConstraint([]string{"order_region", "order_no"},
			[]string{"orders.region", "orders.number"}, metadata.Named("fk_shipments_orders"), metadata.OnUpdate("CASCADE")))
	md.Table("orders",
		metadata.Column("region", types.String(8)),
		metadata.Column("number", types.Integer()),
		metadata.Column("total", types.Numeric(12, 2), metadata.NotNull()),
		metadata.PrimaryKeyConstraint([]string{"region", "number"}, metadata.Named("pk_orders")))
	return md
}

// allTypesSchema has one column of each portable type (Interval, which
// only PostgreSQL has, is in intervalSchema).
func allTypesSchema() *metadata.MetaData {
	md := metadata.New()
	md.Table("all_types",
		metadata.Column("id", types.BigInteger(), metadata.PrimaryKey()),
		metadata.Column("c_int", types.Integer()),
		metadata.Column("c_small", types.SmallInteger()),
		metadata.Column("c_str", types.String(40)),
		metadata.Column("c_text", types.Text()),
		metadata.Column("c_bool", types.Boolean()),
		metadata.Column("c_date", types.Date()),
		metadata.Column("c_ts", types.DateTime()),
		metadata.Column("c_tstz", types.DateTimeTZ()),
		metadata.Column("c_time", types.Time()),
		metadata.Column("c_num", types.Numeric(10, 2)),
		metadata.Column("c_float", types.Float()),
		metadata.Column("c_double", types.Double()),
		metadata.Column("c_bin", types.LargeBinary()),
		metadata.Column("c_json", types.JSON()),
		metadata.Column("c_uuid", types.UUID()),
		metadata.Column("c_mood", types.Enum("mood", "happy", "sad", "it's ok"), metadata.NotNull()))
	md.Table("more_moods",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("m", types.Enum("mood", "happy", "sad", "it's ok")))
	return md
}

// intervalSchema has the type only PostgreSQL renders.
func intervalSchema() *metadata.MetaData {
	md := metadata.New()
	md.Table("spans",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("length", types.Interval(), metadata.NotNull()))
	return md
}

// reservedSchema uses reserved words and mixed case as names.
func reservedSchema() *metadata.MetaData {
	md := metadata.New()
	md.Table("order",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("select", types.String(20), metadata.Indexed()),
		metadata.Column("user_id", nil, metadata.ForeignKey("user.id")),
		metadata.Column("Group", nil, metadata.ForeignKey("Group.id")))
	md.Table("user",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("from", types.String(20), metadata.Unique()))
	md.Table("Group",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("Name", types.String(30), metadata.NotNull()),
		metadata.Comment("groups of users"))
	return md
}

// constraintsSchema has named and unnamed checks, a multi-column unique
// constraint and index, server defaults of each kind and comments.
func constraintsSchema() *metadata.MetaData {
	md := metadata.New()
	md.Table("products",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey(), metadata.Comment("the id")),
		metadata.Column("sku", types.String(20), metadata.NotNull()),
		metadata.Column("vendor", types.String(20), metadata.NotNull(), metadata.ServerDefault("it's us")),
		metadata.Column("qty", types.Integer(), metadata.NotNull(), metadata.ServerDefaultExpr("0"),
			metadata.CheckConstraint("qty >= 0")),
		metadata.Column("price", types.Numeric(10, 2), metadata.CheckConstraint("price > 0", metadata.Named("ck_price_positive"))),
		metadata.Column("added", types.DateTime(), metadata.ServerDefaultNow()),
		metadata.Column("code", types.String(10), metadata.ServerDefaultExpr("lower('X')")),
		metadata.UniqueConstraint([]string{"vendor", "sku"}),
		metadata.CheckConstraint("qty < 1000000", metadata.Named("ck_products_qty_max")),
		metadata.UniqueIndex("ix_products_code_vendor", "code", "vendor"),
		metadata.Index("", "added"),
		metadata.Comment("what we sell"))
	return md
}

// conventionSchema names every constraint through a naming convention.
func conventionSchema() *metadata.MetaData {
	md := metadata.New(metadata.NamingConvention(map[string]string{
		"pk": "pk_%(table_name)s",
		"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
		"uq": "uq_%(table_name)s_%(column_0_N_name)s",
		"ck": "ck_%(table_name)s_%(constraint_name)s",
		"ix": "ix_%(table_name)s_%(column_0_N_name)s",
	}))
	md.Table("parents",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("code", types.String(10), metadata.NotNull(), metadata.Unique()))
	md.Table("children",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("parent_id", nil, metadata.ForeignKey("parents.id"), metadata.NotNull()),
		metadata.Column("age", types.Integer(), metadata.CheckConstraint("age >= 0", metadata.Named("age_positive"))),
		metadata.Column("a", types.Integer()),
		metadata.Column("b", types.Integer()),
		metadata.UniqueConstraint([]string{"a", "b"}),
		metadata.Index("", "a", "b"))
	return md
}

// qualifiedSchema puts tables in schemas: the MetaData's default one
// and, for audit_log, its own.
func qualifiedSchema() *metadata.MetaData {
	md := metadata.New(metadata.DefaultSchema("app"))
	md.Table("accounts",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("email", types.String(100), metadata.NotNull(), metadata.Indexed()))
	md.Table("audit_log",
		metadata.Schema("audit"),
		metadata.Column("id", types.BigInteger(), metadata.PrimaryKey()),
		metadata.Column("account_id", nil, metadata.ForeignKey("app.accounts.id")))
	return md
}

// useAlterSchema defers a key by hand and declares deferrable keys.
func useAlterSchema() *metadata.MetaData {
	md := metadata.New()
	md.Table("ua",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("bid", nil, metadata.ForeignKey("ub.id", metadata.UseAlter(), metadata.Named("fk_ua_ub"))))
	md.Table("ub",
		metadata.Column("id", types.Integer(), metadata.PrimaryKey()),
		metadata.Column("uid", nil, metadata.ForeignKey("ub.id", metadata.Deferrable(), metadata.Initially("DEFERRED"))))
	return md
}
