package sqlexpr

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/go-alchemy/alchemy/types"
)

// assign stores the driver value src into the destination pointer dst.
// It covers what database/sql's Scan does for the types drivers return:
// a sql.Scanner gets src as it is; otherwise assignable and convertible
// values are stored, numbers only when they fit.
func assign(dst, src any) error {
	switch p := dst.(type) {
	case *any:
		*p = src
		return nil
	case *string: // the common destinations, without reflection
		if s, ok := src.(string); ok {
			*p = s
			return nil
		}
	case *int64:
		if n, ok := src.(int64); ok {
			*p = n
			return nil
		}
	case *time.Time:
		if t, ok := src.(time.Time); ok {
			*p = t
			return nil
		}
	case *bool:
		if b, ok := src.(bool); ok {
			*p = b
			return nil
		}
	case *float64:
		if f, ok := src.(float64); ok {
			*p = f
			return nil
		}
	}
	if s, ok := dst.(sql.Scanner); ok {
		if src != nil && reflect.TypeOf(dst).Elem() == reflect.TypeOf(src) {
			reflect.ValueOf(dst).Elem().Set(reflect.ValueOf(src)) // already its value (a processed decimal)
			return nil
		}
		return s.Scan(src)
	}
	dv := reflect.ValueOf(dst)
	if dv.Kind() != reflect.Pointer || dv.IsNil() {
		return fmt.Errorf("destination %T is not a non-nil pointer", dst)
	}
	return assignValue(dv.Elem(), src)
}

func assignValue(dv reflect.Value, src any) error {
	if src != nil && reflect.TypeOf(src) == dv.Type() {
		dv.Set(reflect.ValueOf(src))
		return nil
	}
	if dv.Kind() != reflect.Pointer && dv.CanAddr() {
		if s, ok := dv.Addr().Interface().(sql.Scanner); ok {
			return s.Scan(src)
		}
	}
	if src == nil {
		switch dv.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
			dv.SetZero()
			return nil
		}
		return fmt.Errorf("NULL cannot be stored in %s; use a pointer or a sql.Null type", dv.Type())
	}
	if dv.Kind() == reflect.Pointer {
		if dv.IsNil() {
			dv.Set(reflect.New(dv.Type().Elem()))
		}
		if s, ok := dv.Interface().(sql.Scanner); ok {
			return s.Scan(src)
		}
		return assignValue(dv.Elem(), src)
	}
	if ok, err := assignTyped(dv, src); ok {
		return err
	}
	sv := reflect.ValueOf(src)
	switch {
	case sv.Type().AssignableTo(dv.Type()):
		dv.Set(sv)
		return nil
	case dv.Kind() == reflect.String && sv.Kind() == reflect.Slice && sv.Type().Elem().Kind() == reflect.Uint8:
		dv.SetString(string(sv.Bytes()))
		return nil
	case dv.Kind() == reflect.Slice && dv.Type().Elem().Kind() == reflect.Uint8 && sv.Kind() == reflect.String:
		dv.SetBytes([]byte(sv.String()))
		return nil
	}
	return convertNumber(dv, sv)
}

// assignTyped stores the processed values of typed columns into the
// other destinations they have a sensible meaning for: a JSON document
// decodes into any value but a string or []byte; a date into a
// time.Time (midnight UTC); a decimal into a float (nearest) or an
// integer (when whole); a UUID or a decimal into a string. It reports
// whether it handled src.
func assignTyped(dv reflect.Value, src any) (bool, error) {
	switch x := src.(type) {
	case json.RawMessage:
		if k := dv.Kind(); k == reflect.String || k == reflect.Slice && dv.Type().Elem().Kind() == reflect.Uint8 {
			return false, nil
		}
		if !dv.CanAddr() {
			return true, fmt.Errorf("cannot decode JSON into %s", dv.Type())
		}
		if err := json.Unmarshal(x, dv.Addr().Interface()); err != nil {
			return true, fmt.Errorf("decoding JSON into %s: %w", dv.Type(), err)
		}
		return true, nil
	case types.CivilDate:
		if dv.Type() == timeType {
			dv.Set(reflect.ValueOf(x.In(time.UTC)))
			return true, nil
		}
		if dv.Kind() == reflect.String {
			dv.SetString(x.String())
			return true, nil
		}
	case types.CivilTime:
		if dv.Kind() == reflect.String {
			dv.SetString(x.String())
			return true, nil
		}
	case uuid.UUID:
		if dv.Kind() == reflect.String {
			dv.SetString(x.String())
			return true, nil
		}
	case decimal.Decimal:
		switch {
		case dv.Kind() == reflect.String:
			dv.SetString(x.String())
			return true, nil
		case dv.Kind() == reflect.Float32 || dv.Kind() == reflect.Float64:
			f, _ := x.Float64()
			dv.SetFloat(f)
			return true, nil
		case dv.Kind() >= reflect.Int && dv.Kind() <= reflect.Int64:
			if !x.IsInteger() || !x.BigInt().IsInt64() || dv.OverflowInt(x.IntPart()) {
				return true, fmt.Errorf("decimal %s does not fit in %s", x, dv.Type())
			}
			dv.SetInt(x.IntPart())
			return true, nil
		}
	}
	return false, nil
}

// convertNumber stores a numeric (or numeric-text) source into a numeric
// or boolean destination when the value fits.
func convertNumber(dv, sv reflect.Value) error {
	if sv.Kind() == reflect.Slice && sv.Type().Elem().Kind() == reflect.Uint8 {
		sv = reflect.ValueOf(string(sv.Bytes())) // MySQL sends numbers as text
	}
	if !isNumberKind(sv.Kind()) && sv.Kind() != reflect.String || !isNumberKind(dv.Kind()) && dv.Kind() != reflect.Bool {
		return fmt.Errorf("cannot store %s in %s", sv.Type(), dv.Type())
	}
	var n any = sv.Interface()
	if sv.Kind() == reflect.String {
		var f float64
		if _, err := fmt.Sscan(sv.String(), &f); err != nil {
			return fmt.Errorf("cannot store %q in %s", sv.String(), dv.Type())
		}
		n = f
	}
	nv := reflect.ValueOf(n)
	if dv.Kind() == reflect.Bool {
		dv.SetBool(!nv.IsZero())
		return nil
	}
	if !nv.CanConvert(dv.Type()) {
		return fmt.Errorf("cannot store %s in %s", sv.Type(), dv.Type())
	}
	out := nv.Convert(dv.Type())
	if back := out.Convert(nv.Type()); !back.Equal(nv) {
		return fmt.Errorf("value %v does not fit in %s", n, dv.Type())
	}
	dv.Set(out)
	return nil
}

func isNumberKind(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Float64
}

func columnError(col string, err error) error {
	return fmt.Errorf("sqlexpr: column %q: %w", col, err)
}

// structFields maps lower-cased column names to field index paths.
type structFields struct {
	byTag  map[string][]int
	byName map[string][]int           // lower-cased field names
	last   atomic.Pointer[structPlan] // the plan used last, checked first
}

var fieldCache sync.Map // reflect.Type → *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	f := &structFields{byTag: map[string][]int{}, byName: map[string][]int{}}
	collectFields(t, nil, f)
	fieldCache.Store(t, f)
	return f
}

// collectFields walks t's exported fields; fields of an embedded struct
// come after the outer ones, so an outer field wins a name clash.
func collectFields(t reflect.Type, prefix []int, f *structFields) {
	var embedded []reflect.StructField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("db")
		if tag == "-" || !sf.IsExported() && !sf.Anonymous {
			continue
		}
		idx := append(append([]int(nil), prefix...), i)
		if sf.Anonymous && tag == "" && indirect(sf.Type).Kind() == reflect.Struct {
			sf.Index = idx
			embedded = append(embedded, sf)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if tag != "" {
			if _, dup := f.byTag[tag]; !dup {
				f.byTag[tag] = idx
			}
			continue
		}
		if name := strings.ToLower(sf.Name); f.byName[name] == nil {
			f.byName[name] = idx
		}
	}
	for _, sf := range embedded {
		if sf.Type.Kind() == reflect.Struct { // embedded pointers are not followed
			collectFields(sf.Type, sf.Index, f)
		}
	}
}

func indirect(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Pointer {
		return t.Elem()
	}
	return t
}

func (f *structFields) lookup(col string) []int {
	if idx, ok := f.byTag[col]; ok {
		return idx
	}
	return f.byName[strings.ToLower(col)]
}

// structPlan maps one result's columns onto one struct type's fields:
// the lookups by tag and by lower-cased name, done once per (struct
// type, column names) instead of once per column of every row.
type structPlan struct {
	t      reflect.Type
	cols   []string // the plan's own copy
	fields [][]int  // each column's field index path; nil: no field
	// For scanFast: each column's field offset in the struct and its
	// type when it is one a driver value is stored in as it is; fast
	// when every column has one.
	offs  []uintptr
	kinds []fastKind
	fast  bool
}

// fastKind is a field type that a driver value of exactly that type is
// stored into by assignment (what assignValue does through reflection).
type fastKind uint8

const (
	fastNone fastKind = iota
	fastInt64
	fastString
	fastFloat64
	fastBool
	fastTime
	fastBytes
)

var fastKinds = map[reflect.Type]fastKind{
	reflect.TypeFor[int64]():     fastInt64,
	reflect.TypeFor[string]():    fastString,
	reflect.TypeFor[float64]():   fastFloat64,
	reflect.TypeFor[bool]():      fastBool,
	reflect.TypeFor[time.Time](): fastTime,
	reflect.TypeFor[[]byte]():    fastBytes,
}

// fill works out the fast path of p.
func (p *structPlan) fill() {
	p.offs, p.kinds, p.fast = make([]uintptr, len(p.cols)), make([]fastKind, len(p.cols)), true
	for i, idx := range p.fields {
		if idx == nil {
			p.fast = false
			continue
		}
		t := p.t
		var off uintptr
		for _, j := range idx { // embedded structs are values (pointers are not followed), so offsets add up
			f := t.Field(j)
			off += f.Offset
			t = f.Type
		}
		p.offs[i], p.kinds[i] = off, fastKinds[t]
		if p.kinds[i] == fastNone {
			p.fast = false
		}
	}
}

// scanFast stores vals into the struct of p's type at base when each
// value has exactly its field's type (or is text as []byte for a
// string, an integer for a bool: the conversions assignValue makes for
// them), and reports whether it did; it
// writes nothing otherwise, so the caller can take the general path.
// base does not escape: a struct on the caller's stack stays there.
func (p *structPlan) scanFast(base unsafe.Pointer, vals []any) bool {
	if !p.fast || len(vals) != len(p.kinds) {
		return false
	}
	for i, v := range vals {
		var ok bool
		switch p.kinds[i] {
		case fastInt64:
			_, ok = v.(int64)
		case fastString:
			switch v.(type) {
			case string, []byte: // MySQL's text
				ok = true
			}
		case fastFloat64:
			_, ok = v.(float64)
		case fastBool:
			switch v.(type) {
			case bool, int64: // SQLite's and MySQL's booleans
				ok = true
			}
		case fastTime:
			_, ok = v.(time.Time)
		case fastBytes:
			_, ok = v.([]byte)
		}
		if !ok {
			return false
		}
	}
	for i, v := range vals {
		f := unsafe.Add(base, p.offs[i])
		switch p.kinds[i] {
		case fastInt64:
			*(*int64)(f) = v.(int64)
		case fastString:
			if b, ok := v.([]byte); ok {
				*(*string)(f) = string(b) // a copy, as assignValue makes
			} else {
				*(*string)(f) = v.(string)
			}
		case fastFloat64:
			*(*float64)(f) = v.(float64)
		case fastBool:
			if n, ok := v.(int64); ok {
				*(*bool)(f) = n != 0 // as convertNumber stores a number in a bool
			} else {
				*(*bool)(f) = v.(bool)
			}
		case fastTime:
			*(*time.Time)(f) = v.(time.Time)
		case fastBytes:
			*(*[]byte)(f) = v.([]byte)
		}
	}
	return true
}

// planCacheSize bounds the shared plans: programs scan a handful of
// (struct, column list) pairs, and one that builds column lists without
// end only makes the cache start over.
const planCacheSize = 1024

type planKey struct {
	t reflect.Type
	h uint64 // hash of the column names; the plan's cols are compared too
}

var (
	planSeed = maphash.MakeSeed()
	plans    struct {
		mu sync.RWMutex
		m  map[planKey]*structPlan
	}
)

// planFor returns the plan of struct type t for the columns cols.
func planFor(t reflect.Type, cols []string) *structPlan {
	fields := fieldsOf(t)
	if p := fields.last.Load(); p != nil && slices.Equal(p.cols, cols) {
		return p // the common case: one column list per struct type
	}
	var h maphash.Hash
	h.SetSeed(planSeed)
	for _, c := range cols {
		h.WriteString(c)
		h.WriteByte(0)
	}
	k := planKey{t: t, h: h.Sum64()}
	plans.mu.RLock()
	p := plans.m[k]
	plans.mu.RUnlock()
	if p != nil && slices.Equal(p.cols, cols) {
		fields.last.Store(p)
		return p
	}
	p = &structPlan{t: t, cols: slices.Clone(cols), fields: make([][]int, len(cols))}
	for i, col := range cols {
		p.fields[i] = fields.lookup(col)
	}
	p.fill()
	plans.mu.Lock()
	if plans.m == nil || len(plans.m) >= planCacheSize {
		plans.m = make(map[planKey]*structPlan)
	}
	plans.m[k] = p // a hash collision replaces the other plan, which is then rebuilt when used
	plans.mu.Unlock()
	fields.last.Store(p)
	return p
}

// structValue returns the struct dst points to.
func structValue(dst any) (reflect.Value, error) {
	dv := reflect.ValueOf(dst)
	if dv.Kind() != reflect.Pointer || dv.IsNil() || dv.Elem().Kind() != reflect.Struct {
		return reflect.Value{}, invalidf("ScanStruct: %T is not a pointer to a struct", dst)
	}
	return dv.Elem(), nil
}

func scanStruct(dst any, cols []string, vals []any) error {
	sv, err := structValue(dst)
	if err != nil {
		return err
	}
	return planFor(sv.Type(), cols).scan(sv, vals)
}

// scanStruct is scanStruct with the plan kept on r for its next rows.
func (r *Rows) scanStruct(dst any) error {
	sv, err := structValue(dst)
	if err != nil {
		return err
	}
	p := r.planOf(sv.Type())
	if p.scanFast(sv.Addr().UnsafePointer(), r.vals) {
		return nil
	}
	return p.scan(sv, r.vals)
}

// planOf returns the plan of struct type t for r's columns, kept on r
// for its next rows.
func (r *Rows) planOf(t reflect.Type) *structPlan {
	p := r.plan
	if p == nil || p.t != t {
		p = planFor(t, r.cols)
		r.plan = p
	}
	return p
}

// scan stores vals, in column order, into the fields of sv.
func (p *structPlan) scan(sv reflect.Value, vals []any) error {
	for i, idx := range p.fields {
		col := p.cols[i]
		if idx == nil {
			return invalidf("ScanStruct: column %q has no field in %s (tag a field db:%q)", col, p.t, col)
		}
		var f reflect.Value
		if len(idx) == 1 {
			f = sv.Field(idx[0])
		} else {
			f = sv.FieldByIndex(idx)
		}
		if err := assignValue(f, vals[i]); err != nil {
			return columnError(col, err)
		}
	}
	return nil
}

func scanAll(r *Rows, dst any) error {
	dv := reflect.ValueOf(dst)
	if dv.Kind() != reflect.Pointer || dv.IsNil() || dv.Elem().Kind() != reflect.Slice {
		return invalidf("ScanAll: %T is not a pointer to a slice", dst)
	}
	slice := dv.Elem()
	elem := slice.Type().Elem()
	for r.Next() {
		item := reflect.New(indirect(elem))
		if err := r.ScanStruct(item.Interface()); err != nil {
			return err
		}
		if elem.Kind() != reflect.Pointer {
			item = item.Elem()
		}
		slice.Set(reflect.Append(slice, item))
	}
	return r.Err()
}
