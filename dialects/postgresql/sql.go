package postgresql

import "github.com/go-alchemy/alchemy/dialects"

// sqlOptions are the expression compiler's choices for PostgreSQL.
var sqlOptions = dialects.SQLOptions{
	Limit:               dialects.LimitOffset,
	Concat:              dialects.ConcatPipes,
	InnerJoinKeyword:    "JOIN",
	TrueLiteral:         "true",
	FalseLiteral:        "false",
	NowFunc:             "now()",
	RegexpOperator:      "~",
	ShareLockClause:     "FOR SHARE",
	ExcludedRowPrefix:   "excluded.",
	IntersectExceptAll:  true,
	InsertDefaultValues: "DEFAULT VALUES",
}
