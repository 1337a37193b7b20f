// Command examplecov reports which exported functions, types and methods
// of the packages in the directories given have a godoc Example, matched by
// the go tool's naming rules (ExampleF, ExampleT, ExampleT_M, each with an
// optional _lowercase suffix).
//
//	go run ./.ci/examplecov types dialects metadata migrate
//	go run ./.ci/examplecov -v metadata   # also list what has none
//
// A method is also counted as documented by its type's example, since
// godoc shows that example on the type; methods that only satisfy a
// standard interface (Error, Unwrap, Is, String, Scan, Value, MarshalText,
// UnmarshalText) are reported apart. Examples whose name matches no
// identifier (a renamed API) are listed, as the go tool would refuse them.
// It lives under .ci so that "./..." patterns leave it out.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

// boilerplate are methods that only satisfy a standard interface.
var boilerplate = map[string]bool{"Error": true, "Unwrap": true, "Is": true, "String": true,
	"Scan": true, "Value": true, "MarshalText": true, "UnmarshalText": true}

// pkg is what one directory declares.
type pkg struct {
	funcs, types, methods, values map[string]bool // methods as "T.M"; values: vars and consts
	examples                      map[string]bool
}

func main() {
	verbose := flag.Bool("v", false, "list the identifiers without an example")
	flag.Parse()
	var total [8]int // funcs, with; types, with; methods, with (own or type's); non-boilerplate methods, with their own
	for _, dir := range flag.Args() {
		p, err := load(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "examplecov:", err)
			os.Exit(1)
		}
		covered := p.covered()
		fmt.Printf("%s: %d examples\n", filepath.Clean(dir), len(p.examples))
		f, fc := count("funcs", p.funcs, covered, *verbose, nil)
		t, tc := count("types", p.types, covered, *verbose, nil)
		viaType := func(m string) bool { typ, _, _ := strings.Cut(m, "."); return covered[m] || covered[typ] }
		own := map[string]bool{}
		plain := map[string]bool{}
		for m := range p.methods {
			if _, name, _ := strings.Cut(m, "."); !boilerplate[name] {
				plain[m] = true
			}
			own[m] = true
		}
		pm, pmc := count("methods (own example)", plain, covered, *verbose, nil)
		total[6] += pm
		total[7] += pmc
		m, mc := count("methods (own or type's)", own, covered, *verbose, viaType)
		total[0] += f
		total[1] += fc
		total[2] += t
		total[3] += tc
		total[4] += m
		total[5] += mc
		var stale []string
		for n := range covered {
			if n != "" && !p.funcs[n] && !p.types[n] && !p.methods[n] && !p.values[n] {
				stale = append(stale, n)
			}
		}
		sort.Strings(stale)
		if len(stale) > 0 {
			fmt.Printf("  examples naming no identifier: %s\n", strings.Join(stale, " "))
		}
	}
	fmt.Printf("total: funcs %d/%d, types %d/%d, methods (own or type's) %d/%d, methods other than Error/String/… (own) %d/%d have an example\n",
		total[1], total[0], total[3], total[2], total[5], total[4], total[7], total[6])
}

// load parses the non-test and test files of dir.
func load(dir string) (*pkg, error) {
	p := &pkg{funcs: map[string]bool{}, types: map[string]bool{}, methods: map[string]bool{},
		values: map[string]bool{}, examples: map[string]bool{}}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, nil, 0)
	if err != nil {
		return nil, err
	}
	for _, ap := range pkgs {
		for name, f := range ap.Files {
			test := strings.HasSuffix(name, "_test.go")
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					switch {
					case test:
						if d.Recv == nil && strings.HasPrefix(d.Name.Name, "Example") {
							p.examples[d.Name.Name] = true
						}
					case !d.Name.IsExported():
					case d.Recv == nil:
						p.funcs[d.Name.Name] = true
					default:
						if recv := receiver(d.Recv.List[0].Type); recv != "" && ast.IsExported(recv) {
							p.methods[recv+"."+d.Name.Name] = true
						}
					}
				case *ast.GenDecl:
					if test {
						continue
					}
					for _, s := range d.Specs {
						switch s := s.(type) {
						case *ast.TypeSpec:
							if s.Name.IsExported() {
								p.types[s.Name.Name] = true
							}
						case *ast.ValueSpec:
							for _, n := range s.Names {
								if n.IsExported() {
									p.values[n.Name] = true
								}
							}
						}
					}
				}
			}
		}
	}
	return p, nil
}

// receiver returns the type name of a method's receiver expression.
func receiver(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// covered maps each example to the identifier it documents: "F", "T" or
// "T.M"; "" for the package example.
func (p *pkg) covered() map[string]bool {
	out := map[string]bool{}
	for ex := range p.examples {
		parts := strings.Split(strings.TrimPrefix(ex, "Example"), "_")
		if last := parts[len(parts)-1]; len(parts) > 1 && last != "" && unicode.IsLower(rune(last[0])) {
			parts = parts[:len(parts)-1] // a suffix
		}
		switch {
		case parts[0] == "":
			out[""] = true
		case len(parts) == 1:
			out[parts[0]] = true
		case len(parts) == 2:
			out[parts[0]+"."+parts[1]] = true
		}
	}
	return out
}

// count prints how many of set have an example (has, or covered[name]
// when has is nil) and returns the two numbers.
func count(kind string, set, covered map[string]bool, verbose bool, has func(string) bool) (int, int) {
	if has == nil {
		has = func(n string) bool { return covered[n] }
	}
	var names, missing []string
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !has(n) {
			missing = append(missing, n)
		}
	}
	fmt.Printf("  %-24s %3d of %3d have an example\n", kind, len(names)-len(missing), len(names))
	if verbose && len(missing) > 0 {
		fmt.Printf("    without: %s\n", strings.Join(missing, " "))
	}
	return len(names), len(names) - len(missing)
}
