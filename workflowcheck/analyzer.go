package workflowcheck

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"
)

// Analyzer reports non-deterministic code in workflow code. See the
// package documentation for what it reports and how to silence a report.
var Analyzer = &analysis.Analyzer{
	Name:      "workflowcheck",
	Doc:       "report non-deterministic code in infinitic workflow code (time, randomness, goroutines, select, channels, map order, global state, I/O)",
	URL:       "https://pkg.go.dev/github.com/infinitic-go/infinitic/workflowcheck",
	Run:       run,
	FactTypes: []analysis.Fact{new(Reaches)},
}

// OKComment on the line of a report, or on the line above, silences it.
const OKComment = "//infinitic:nondeterministic-ok"

const workflowPath = "github.com/infinitic-go/infinitic/workflow"

// Reaches is the fact of a function that is not workflow code itself but
// does something non-deterministic, directly or through the functions it
// calls: workflow code that calls it is reported.
type Reaches struct {
	What string   // what it does, as reported: "time.Now"
	Fix  string   // the replacement to use
	Via  []string // the functions it goes through, the called one first
}

// AFact marks Reaches as a fact.
func (*Reaches) AFact() {}

func (r *Reaches) String() string { return "reaches " + r.What }

// rule is one kind of report: what was found, and what to use instead.
type rule struct{ what, fix string }

type finding struct {
	pos token.Pos
	rule
}

type call struct {
	pos    token.Pos
	callee *types.Func
}

// function is a function body of the package: a declared function, or a
// function literal that is workflow code.
type function struct {
	fn   *types.Func // nil for a literal
	body *ast.BlockStmt
	root bool // workflow code: its first parameter is a workflow.Context
}

type checker struct {
	pass  *analysis.Pass
	oks   map[string]map[int]bool // file name → lines with OKComment
	found map[*types.Func]*Reaches
}

func run(pass *analysis.Pass) (any, error) {
	if standard(pass) || trusted(pass.Pkg.Path()) {
		return nil, nil
	}
	c := &checker{pass: pass, oks: okLines(pass), found: map[*types.Func]*Reaches{}}
	funcs := c.functions()
	c.derive(funcs)
	for _, f := range funcs {
		if f.root {
			c.report(f)
		}
	}
	return nil, nil
}

// trusted tells if a package is the workflow API itself, whose functions
// workflow code may call.
func trusted(path string) bool {
	return path == workflowPath || path == "github.com/infinitic-go/infinitic"
}

// standard tells if a package is of the standard library, whose
// functions are judged by the rules, not by their code.
func standard(pass *analysis.Pass) bool {
	if goroot := build.Default.GOROOT; goroot != "" && len(pass.Files) > 0 {
		name := pass.Fset.File(pass.Files[0].Pos()).Name()
		return strings.HasPrefix(name, filepath.Join(goroot, "src")+string(filepath.Separator))
	}
	first, _, _ := strings.Cut(pass.Pkg.Path(), "/")
	return pass.Module != nil && pass.Module.Path == "std" || pass.Module == nil && !strings.Contains(first, ".")
}

// functions lists the declared functions and the function literals that
// are workflow code.
func (c *checker) functions() []function {
	var out []function
	for _, file := range c.pass.Files {
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if fn, ok := c.pass.TypesInfo.Defs[n.Name].(*types.Func); ok && n.Body != nil {
					out = append(out, function{fn: fn, body: n.Body, root: isWorkflowSig(fn.Signature())})
				}
			case *ast.FuncLit:
				if c.isRootLit(n) {
					out = append(out, function{body: n.Body, root: true})
				}
			}
			return true
		})
	}
	return out
}

// derive computes the Reaches facts of the package's functions that are
// not workflow code, through the calls between them, and exports them.
func (c *checker) derive(funcs []function) {
	type scanned struct {
		fn    *types.Func
		calls []call
	}
	var todo []scanned
	for _, f := range funcs {
		if f.root || f.fn == nil {
			continue
		}
		findings, calls := c.scan(f.body)
		if len(findings) > 0 {
			c.found[f.fn] = &Reaches{What: findings[0].what, Fix: findings[0].fix}
			continue
		}
		todo = append(todo, scanned{f.fn, calls})
	}
	for changed := true; changed; {
		changed = false
		for _, s := range todo {
			if c.found[s.fn] != nil {
				continue
			}
			for _, cl := range s.calls {
				if r := c.reaches(cl.callee); r != nil {
					c.found[s.fn] = &Reaches{What: r.What, Fix: r.Fix, Via: append([]string{shortName(cl.callee)}, r.Via...)}
					changed = true
					break
				}
			}
		}
	}
	for fn, r := range c.found {
		c.pass.ExportObjectFact(fn, r)
	}
}

// reaches returns the fact of a called function, nil if it has none.
func (c *checker) reaches(fn *types.Func) *Reaches {
	if fn.Pkg() == c.pass.Pkg {
		return c.found[fn]
	}
	var r Reaches
	if c.pass.ImportObjectFact(fn, &r) {
		return &r
	}
	return nil
}

// report reports what workflow code does, and the functions it calls
// that have a Reaches fact.
func (c *checker) report(f function) {
	findings, calls := c.scan(f.body)
	for _, fd := range findings {
		c.pass.Reportf(fd.pos, "%s in workflow code: %s", fd.what, fd.fix)
	}
	for _, cl := range calls {
		if r := c.reaches(cl.callee); r != nil {
			via := append([]string{shortName(cl.callee)}, r.Via...)
			c.pass.Reportf(cl.pos, "%s in workflow code (called through %s): %s", r.What, strings.Join(via, " → "), r.Fix)
		}
	}
}

// scan returns what a body does that is not deterministic, and the
// functions it calls, leaving out what OKComment silences. It does not
// enter function literals that are workflow code (checked on their own),
// nor the functions given to workflow.Inline (which run once).
func (c *checker) scan(body *ast.BlockStmt) ([]finding, []call) {
	var findings []finding
	var calls []call
	skip := map[ast.Node]bool{}
	add := func(pos token.Pos, r rule) {
		if !c.ok(pos) {
			findings = append(findings, finding{pos, r})
		}
	}
	info := c.pass.TypesInfo
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil || skip[n] {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return !c.isRootLit(n)
		case *ast.GoStmt:
			add(n.Pos(), rule{"go statement", fixGo})
			return false
		case *ast.SelectStmt:
			add(n.Pos(), rule{"select statement", fixSelect})
			for _, cl := range n.Body.List {
				if comm := cl.(*ast.CommClause).Comm; comm != nil {
					skip[comm] = true
				}
			}
		case *ast.SendStmt:
			add(n.Pos(), rule{"channel send", fixChan})
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				add(n.Pos(), rule{"channel receive", fixChan})
			}
		case *ast.RangeStmt:
			c.checkRange(n, add)
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, lhs := range n.Lhs {
					if v := c.globalVar(lhs); v != nil {
						add(lhs.Pos(), rule{"write to package-level variable " + v.Name(), fixGlobal})
					}
				}
			}
		case *ast.IncDecStmt:
			if v := c.globalVar(n.X); v != nil {
				add(n.Pos(), rule{"write to package-level variable " + v.Name(), fixGlobal})
			}
		case *ast.SelectorExpr:
			if v, ok := info.Uses[n.Sel].(*types.Var); ok && v.Pkg() != nil && ioVars[v.Pkg().Path()+"."+v.Name()] {
				add(n.Pos(), rule{v.Pkg().Name() + "." + v.Name() + " (I/O)", fixStdFile})
			}
		case *ast.CallExpr:
			fn, _ := typeutil.Callee(info, n).(*types.Func)
			if fn == nil {
				return true
			}
			fn = fn.Origin()
			if isWorkflowFunc(fn, "Inline") {
				for _, arg := range n.Args {
					if lit, ok := arg.(*ast.FuncLit); ok {
						skip[lit] = true
					}
				}
			}
			if r := funcRule(fn); r != nil {
				add(n.Pos(), *r)
			} else if v, m := c.globalReceiver(n); v != nil {
				add(n.Pos(), rule{"write to package-level variable " + v.Name() + " (through its method " + m + ")", fixGlobal})
			} else if !c.ok(n.Pos()) {
				calls = append(calls, call{n.Pos(), fn})
			}
		}
		return true
	})
	return findings, calls
}

// checkRange reports a range over a channel, and a range over a map (or
// over maps.Keys, maps.Values, maps.All of one) whose body calls the
// workflow API or passes a workflow.Context: in random order, it would
// issue its commands in another order on replay.
func (c *checker) checkRange(n *ast.RangeStmt, add func(token.Pos, rule)) {
	info := c.pass.TypesInfo
	switch info.TypeOf(n.X).Underlying().(type) {
	case *types.Chan:
		add(n.Pos(), rule{"range over a channel", fixChan})
		return
	case *types.Map:
	default:
		call, ok := ast.Unparen(n.X).(*ast.CallExpr)
		if !ok {
			return
		}
		fn, _ := typeutil.Callee(info, call).(*types.Func)
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "maps" || (fn.Name() != "Keys" && fn.Name() != "Values" && fn.Name() != "All") {
			return
		}
	}
	if c.issuesCommands(n.Body) {
		add(n.Pos(), rule{"range over a map issuing workflow commands", fixMap})
	}
}

// issuesCommands tells if code calls the workflow API (other than Now,
// GetInfo, Logger and SetSearch, which record nothing in the history) or
// passes a workflow.Context to a function.
func (c *checker) issuesCommands(body ast.Node) bool {
	info := c.pass.TypesInfo
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		if fn, ok := typeutil.Callee(info, call).(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == workflowPath {
			switch fn.Name() {
			case "Now", "GetInfo", "Logger", "SetSearch":
			default:
				found = true
			}
			return !found
		}
		for _, arg := range call.Args {
			if isWorkflowContext(info.TypeOf(arg)) {
				found = true
			}
		}
		return !found
	})
	return found
}

// globalVar returns the package-level variable that writing to e changes
// (x, x.f, x[i], *x...), nil if none.
func (c *checker) globalVar(e ast.Expr) *types.Var {
	info := c.pass.TypesInfo
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			v, ok := info.ObjectOf(x).(*types.Var)
			if ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
				return v
			}
			return nil
		case *ast.SelectorExpr:
			if sel, ok := info.Selections[x]; ok {
				if sel.Kind() != types.FieldVal {
					return nil
				}
				e = x.X
				continue
			}
			e = x.Sel // a qualified identifier: pkg.Var
		case *ast.IndexExpr: // an element of a map, a slice (shared array) or an array
			e = x.X
		case *ast.StarExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// globalReceiver returns the package-level variable whose address a
// method call takes (counter.Add(1) on a var counter atomic.Int64), with
// the method's name.
func (c *checker) globalReceiver(call *ast.CallExpr) (*types.Var, string) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil, ""
	}
	s, ok := c.pass.TypesInfo.Selections[sel]
	if !ok || s.Kind() != types.MethodVal {
		return nil, ""
	}
	if _, ptrRecv := s.Obj().(*types.Func).Signature().Recv().Type().(*types.Pointer); !ptrRecv {
		return nil, ""
	}
	if _, isPtr := c.pass.TypesInfo.TypeOf(sel.X).Underlying().(*types.Pointer); isPtr {
		return nil, ""
	}
	return c.globalVar(sel.X), sel.Sel.Name
}

func (c *checker) isRootLit(lit *ast.FuncLit) bool {
	sig, ok := c.pass.TypesInfo.TypeOf(lit).(*types.Signature)
	return ok && isWorkflowSig(sig)
}

// ok tells if OKComment silences a report at pos.
func (c *checker) ok(pos token.Pos) bool {
	p := c.pass.Fset.Position(pos)
	lines := c.oks[p.Filename]
	return lines[p.Line] || lines[p.Line-1]
}

func okLines(pass *analysis.Pass) map[string]map[int]bool {
	out := map[string]map[int]bool{}
	for _, file := range pass.Files {
		for _, group := range file.Comments {
			for _, cm := range group.List {
				if strings.HasPrefix(cm.Text, OKComment) {
					p := pass.Fset.Position(cm.Pos())
					if out[p.Filename] == nil {
						out[p.Filename] = map[int]bool{}
					}
					out[p.Filename][p.Line] = true
				}
			}
		}
	}
	return out
}

// isWorkflowSig tells if a function is workflow code: its first
// parameter is a workflow.Context.
func isWorkflowSig(sig *types.Signature) bool {
	return sig.Params().Len() > 0 && isWorkflowContext(sig.Params().At(0).Type())
}

func isWorkflowContext(t types.Type) bool {
	named, ok := t.(*types.Named)
	return ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == workflowPath && named.Obj().Name() == "Context"
}

func isWorkflowFunc(fn *types.Func, name string) bool {
	return fn.Pkg() != nil && fn.Pkg().Path() == workflowPath && fn.Name() == name
}

// shortName names a function as its package name and its name, with the
// receiver's type for a method: "helpers.stamp", "store.(*DB).Get".
func shortName(fn *types.Func) string {
	name := fn.Name()
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		ptr := ""
		if p, ok := t.(*types.Pointer); ok {
			t, ptr = p.Elem(), "*"
		}
		if named, ok := t.(*types.Named); ok {
			if ptr != "" {
				name = fmt.Sprintf("(*%s).%s", named.Obj().Name(), name)
			} else {
				name = named.Obj().Name() + "." + name
			}
		}
	}
	if fn.Pkg() == nil {
		return name
	}
	return fn.Pkg().Name() + "." + name
}
