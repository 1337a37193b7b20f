package mysql

import "github.com/go-alchemy/alchemy/dialects"

// sqlOptions are the expression compiler's choices for MySQL and MariaDB.
var sqlOptions = dialects.SQLOptions{
	Limit:                   dialects.LimitCommaOffset,
	Concat:                  dialects.ConcatFunc,
	InnerJoinKeyword:        "INNER JOIN",
	TrueLiteral:             "true",
	FalseLiteral:            "false",
	SelectWithoutFromSuffix: " FROM DUAL",
	NowFunc:                 "now()",
	RegexpOperator:          "REGEXP",
	IsDistinctFrom:          "NOT (%s <=> %s)",
	IsNotDistinctFrom:       "%s <=> %s",
	ShareLockClause:         "LOCK IN SHARE MODE",
	IntersectExceptAll:      true,
	InsertDefaultValues:     "() VALUES ()",
}
