package sqlite

import "github.com/go-alchemy/alchemy/dialects"

// sqlOptions are the expression compiler's choices for SQLite.
var sqlOptions = dialects.SQLOptions{
	Limit:                dialects.LimitOffsetMinusOne,
	Concat:               dialects.ConcatPipes,
	InnerJoinKeyword:     "JOIN",
	TrueLiteral:          "1",
	FalseLiteral:         "0",
	NowFunc:              "CURRENT_TIMESTAMP",
	IsDistinctFrom:       "%s IS NOT %s",
	IsNotDistinctFrom:    "%s IS %s",
	UnqualifiedReturning: true,
	ExcludedRowPrefix:    "excluded.",
	InsertDefaultValues:  "DEFAULT VALUES",
}
