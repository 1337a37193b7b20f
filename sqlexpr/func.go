package sqlexpr

// FuncExpr is a SQL function call: name(args…). Arguments are bound
// unless they are expressions. In a SELECT list an unlabelled call is
// labelled <name>_<n>, n counting calls of that name in that SELECT list
// (count(*) AS count_1), as SQLAlchemy does, so that every dialect
// returns the same column name.
type FuncExpr struct {
	Operators
	name     string
	args     []operand
	star     bool // count(*)
	distinct bool // name(DISTINCT args)
	now      bool // the dialect's spelling of now()
}

// Func returns a call of the SQL function name with args. The name is
// written as it is, not quoted: it must be a plain or schema-qualified
// identifier ([A-Za-z_][A-Za-z0-9_$]*, dots between parts), else
// compiling is an error.
func Func(name string, args ...any) *FuncExpr {
	f := &FuncExpr{name: name, args: toOperands(args)}
	f.self = f
	return f
}

// Distinct marks the call as name(DISTINCT args) and returns f.
func (f *FuncExpr) Distinct() *FuncExpr { f.distinct = true; return f }

// Over returns the call as a window function: f OVER (w).
func (f *FuncExpr) Over(w Window) *OverExpr {
	o := &OverExpr{fn: f, w: w}
	o.self = o
	return o
}

// Count returns count(*) without arguments, count(args…) with them.
func Count(args ...any) *FuncExpr {
	f := Func("count", args...)
	f.star = len(args) == 0
	return f
}

// Sum returns sum(x).
func Sum(x any) *FuncExpr { return Func("sum", x) }

// Min returns min(x).
func Min(x any) *FuncExpr { return Func("min", x) }

// Max returns max(x).
func Max(x any) *FuncExpr { return Func("max", x) }

// Avg returns avg(x).
func Avg(x any) *FuncExpr { return Func("avg", x) }

// Coalesce returns coalesce(args…).
func Coalesce(args ...any) *FuncExpr { return Func("coalesce", args...) }

// Lower returns lower(x).
func Lower(x any) *FuncExpr { return Func("lower", x) }

// Upper returns upper(x).
func Upper(x any) *FuncExpr { return Func("upper", x) }

// Now returns the current timestamp in the dialect's spelling: now() on
// PostgreSQL and MySQL, CURRENT_TIMESTAMP on SQLite. It is labelled
// now_<n> in a SELECT list.
func Now() *FuncExpr {
	f := Func("now")
	f.now = true
	return f
}

// OverExpr is a window function call: fn OVER (PARTITION BY … ORDER BY …
// frame). In a SELECT list an unlabelled one is labelled anon_<n>.
type OverExpr struct {
	Operators
	fn *FuncExpr
	w  Window
}

// Window is the window of an OVER clause.
type Window struct {
	PartitionBy []Expr
	OrderBy     []OrderItem
	// Frame is the frame clause; nil means the server's default frame.
	Frame *Frame
}

// FrameMode is ROWS, RANGE or GROUPS.
type FrameMode uint8

// The frame modes.
const (
	FrameRows FrameMode = iota
	FrameRange
	FrameGroups
)

var frameModeText = [...]string{FrameRows: "ROWS", FrameRange: "RANGE", FrameGroups: "GROUPS"}

// Frame is a window frame: Mode BETWEEN Start AND End, or Mode Start when
// End is the zero FrameBound.
type Frame struct {
	Mode       FrameMode
	Start, End FrameBound
}

// FrameBound is one end of a window frame. Make it with
// UnboundedPreceding, Preceding, CurrentRow, Following or
// UnboundedFollowing. Offsets are written into the SQL text as integers
// (MySQL accepts no placeholder there); they are part of the cache key.
type FrameBound struct {
	kind boundKind
	n    int64
}

type boundKind uint8

const (
	boundNone boundKind = iota
	boundUnboundedPreceding
	boundPreceding
	boundCurrentRow
	boundFollowing
	boundUnboundedFollowing
)

// UnboundedPreceding is the frame bound UNBOUNDED PRECEDING.
func UnboundedPreceding() FrameBound { return FrameBound{kind: boundUnboundedPreceding} }

// Preceding is the frame bound "n PRECEDING".
func Preceding(n int64) FrameBound { return FrameBound{kind: boundPreceding, n: n} }

// CurrentRow is the frame bound CURRENT ROW.
func CurrentRow() FrameBound { return FrameBound{kind: boundCurrentRow} }

// Following is the frame bound "n FOLLOWING".
func Following(n int64) FrameBound { return FrameBound{kind: boundFollowing, n: n} }

// UnboundedFollowing is the frame bound UNBOUNDED FOLLOWING.
func UnboundedFollowing() FrameBound { return FrameBound{kind: boundUnboundedFollowing} }
