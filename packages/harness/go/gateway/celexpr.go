package main

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/ext"
)

// The five names wasm-shim binds in every expression; any other root is not an attribute.
var celBindings = []string{"request", "source", "destination", "auth", "metadata"}

// celEnvs holds the two environments wasm-shim v0.9.0 compiles with: route-rule predicates get
// the "extended" one (with queryMap, which the operator writes for HTTPRoute query-param matches),
// action predicates and data expressions the plain one.
type celEnvs struct {
	plain    *cel.Env
	extended *cel.Env
}

func newCELEnvs() (*celEnvs, error) {
	base := []cel.EnvOption{ext.Strings()}
	for _, name := range celBindings {
		// Dyn: the attributes are resolved at run time from Envoy properties, with no schema.
		base = append(base, cel.Variable(name, cel.DynType))
	}
	plain, err := cel.NewEnv(base...)
	if err != nil {
		return nil, err
	}
	extended, err := plain.Extend(queryMapFunction())
	if err != nil {
		return nil, err
	}
	return &celEnvs{plain: plain, extended: extended}, nil
}

// queryMapFunction decodes a query string into a map: the first value of a repeated name wins,
// unless the second argument is true, then repeated names give a list (wasm-shim's decode_query_string).
func queryMapFunction() cel.EnvOption {
	return cel.Function("queryMap",
		cel.Overload("queryMap_string", []*cel.Type{cel.StringType}, cel.MapType(cel.StringType, cel.DynType),
			cel.UnaryBinding(func(v ref.Val) ref.Val { return decodeQueryMap(v, types.False) })),
		cel.Overload("queryMap_string_bool", []*cel.Type{cel.StringType, cel.BoolType}, cel.MapType(cel.StringType, cel.DynType),
			cel.BinaryBinding(decodeQueryMap)),
	)
}

func decodeQueryMap(query ref.Val, repeats ref.Val) ref.Val {
	s, ok := query.(types.String)
	if !ok {
		return types.NewErr("queryMap: expected a string, got %s", query.Type().TypeName())
	}
	allowRepeats := repeats == types.True
	out := map[string]any{}
	for _, part := range strings.Split(string(s), "&") {
		key, value, _ := strings.Cut(part, "=")
		// Undecodable escapes are kept as written, as wasm-shim does.
		if k, err := url.QueryUnescape(key); err == nil {
			key = k
		}
		if v, err := url.QueryUnescape(value); err == nil {
			value = v
		}
		existing, seen := out[key]
		switch {
		case !seen:
			out[key] = value
		case allowRepeats:
			if list, isList := existing.([]any); isList {
				out[key] = append(list, value)
			} else {
				out[key] = []any{existing, value}
			}
		}
	}
	return types.DefaultTypeAdapter.NativeToValue(out)
}

// celExpr is one compiled expression plus the attribute paths it reads (e.g. auth.identity.userid).
type celExpr struct {
	source  string
	program cel.Program
	paths   [][]string
}

func compileCEL(env *cel.Env, source string) (*celExpr, error) {
	checked, issues := env.Compile(source)
	if issues != nil && issues.Err() != nil {
		return nil, fmt.Errorf("CEL %q: %w", source, issues.Err())
	}
	program, err := env.Program(checked)
	if err != nil {
		return nil, fmt.Errorf("CEL %q: %w", source, err)
	}
	return &celExpr{source: source, program: program, paths: attributePaths(checked.NativeRep().Expr())}, nil
}

// attributePaths lists the select chains rooted at a binding (request.url_path, auth.identity.groups),
// shortest first: wasm-shim fetches exactly these and binds a missing one as null, not as an error.
func attributePaths(root ast.Expr) [][]string {
	seen := map[string]bool{}
	var paths [][]string
	ast.PreOrderVisit(root, ast.NewExprVisitor(func(e ast.Expr) {
		path := selectChain(e)
		if path == nil {
			return
		}
		key := strings.Join(path, "\x00")
		if !seen[key] {
			seen[key] = true
			paths = append(paths, path)
		}
	}))
	sort.SliceStable(paths, func(i, j int) bool { return len(paths[i]) < len(paths[j]) })
	return paths
}

func selectChain(e ast.Expr) []string {
	var reversed []string
	for e.Kind() == ast.SelectKind {
		reversed = append(reversed, e.AsSelect().FieldName())
		e = e.AsSelect().Operand()
	}
	if e.Kind() != ast.IdentKind || len(reversed) == 0 {
		return nil
	}
	root := e.AsIdent()
	known := false
	for _, b := range celBindings {
		known = known || b == root
	}
	if !known {
		return nil
	}
	path := []string{root}
	for i := len(reversed) - 1; i >= 0; i-- {
		path = append(path, reversed[i])
	}
	return path
}

// eval binds every path the expression reads from the attribute tree (null where absent) and runs it.
func (c *celExpr) eval(attrs map[string]any) (ref.Val, error) {
	activation := map[string]any{}
	for _, name := range celBindings {
		activation[name] = nil
	}
	for _, path := range c.paths {
		setPath(activation, path, lookupPath(attrs, path))
	}
	out, _, err := c.program.Eval(activation)
	if err != nil {
		return nil, fmt.Errorf("evaluating %q: %w", c.source, err)
	}
	return out, nil
}

func (c *celExpr) evalBool(attrs map[string]any) (bool, error) {
	out, err := c.eval(attrs)
	if err != nil {
		return false, err
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, fmt.Errorf("evaluating %q: expected a boolean, got %s", c.source, out.Type().TypeName())
	}
	return bool(b), nil
}

// evalString renders the result as a descriptor value the way wasm-shim does: scalars as text,
// null as "null", anything else (lists, maps) an error.
func (c *celExpr) evalString(attrs map[string]any) (string, error) {
	out, err := c.eval(attrs)
	if err != nil {
		return "", err
	}
	switch v := out.(type) {
	case types.String:
		return string(v), nil
	case types.Int:
		return strconv.FormatInt(int64(v), 10), nil
	case types.Uint:
		return strconv.FormatUint(uint64(v), 10), nil
	case types.Double:
		return strconv.FormatFloat(float64(v), 'f', -1, 64), nil
	case types.Bool:
		return strconv.FormatBool(bool(v)), nil
	case types.Null:
		return "null", nil
	}
	return "", fmt.Errorf("evaluating %q: only scalar values can be sent as data, got %s", c.source, out.Type().TypeName())
}

func lookupPath(attrs map[string]any, path []string) any {
	var cur any = attrs
	for _, key := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if cur, ok = m[key]; !ok {
			return nil
		}
	}
	return cur
}

// setPath writes value at path, copying each map it descends into so the attribute tree is never
// modified (a shorter path may have bound a map taken from it).
func setPath(root map[string]any, path []string, value any) {
	cur := root
	for _, key := range path[:len(path)-1] {
		next, ok := cur[key].(map[string]any)
		copied := make(map[string]any, len(next)+1)
		if ok {
			for k, v := range next {
				copied[k] = v
			}
		}
		cur[key] = copied
		cur = copied
	}
	cur[path[len(path)-1]] = value
}
