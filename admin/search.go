package admin

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/infinitic-go/infinitic/internal/wire"
)

// Op compares a search field with a value.
type Op string

// Comparison operators. Ordered comparisons hold only between values of
// one kind (a string field is never "<" an integer).
const (
	Eq Op = "="
	Ne Op = "!="
	Lt Op = "<"
	Le Op = "<="
	Gt Op = ">"
	Ge Op = ">="
)

// Cond is a condition on a search field set by workflow code
// (workflow.SetSearch): Field Op Value, where Value is a string, bool,
// integer, float or time.Time. An instance without the field does not
// match.
type Cond struct {
	Field string `json:"field"`
	Op    Op     `json:"op"`
	Value any    `json:"value"`
}

// ParseCond parses "field<op>value", e.g. "customer=42",
// "stage!=done", "amount>=100.5", "due<2026-12-01T00:00:00Z". The value
// is a bool (true, false), an integer, a float, an RFC 3339 time, or a
// string: quote it ("\"42\"") to keep a string that looks like another
// kind.
func ParseCond(s string) (Cond, error) {
	i := strings.IndexAny(s, "=!<>")
	if i <= 0 {
		return Cond{}, fmt.Errorf("admin: search condition %q: want field=value (or !=, <, <=, >, >=)", s)
	}
	c := Cond{Field: s[:i]}
	rest := s[i:]
	for _, op := range []Op{Ne, Le, Ge, Eq, Lt, Gt} { // two-character operators first
		if v, ok := strings.CutPrefix(rest, string(op)); ok {
			c.Op, c.Value = op, parseValue(v)
			break
		}
	}
	if c.Op == "" {
		return Cond{}, fmt.Errorf("admin: search condition %q: unknown operator", s)
	}
	if _, err := c.token(); err != nil {
		return Cond{}, err
	}
	return c, nil
}

// parseValue reads a condition's value: the first kind it parses as.
func parseValue(v string) any {
	if q, err := strconv.Unquote(v); err == nil && strings.HasPrefix(v, `"`) {
		return q
	}
	if b, err := strconv.ParseBool(v); err == nil && (v == "true" || v == "false") {
		return b
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		return f
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t
	}
	return v
}

func (c Cond) String() string { return fmt.Sprintf("%s%s%v", c.Field, c.Op, c.Value) }

// token checks the condition and encodes its value.
func (c Cond) token() (string, error) {
	if err := wire.CheckSearchName(c.Field); err != nil {
		return "", fmt.Errorf("admin: %w", err)
	}
	switch c.Op {
	case Eq, Ne, Lt, Le, Gt, Ge:
	default:
		return "", fmt.Errorf("admin: search condition on %s: unknown operator %q", c.Field, c.Op)
	}
	tok, err := wire.SearchToken(c.Value)
	if err != nil {
		return "", fmt.Errorf("admin: search condition on %s: %w", c.Field, err)
	}
	return tok, nil
}

// holds tells whether the field's token (ok: the instance has the field)
// meets the condition whose value is want.
func (c Cond) holds(tok string, ok bool, want string) bool {
	if !ok {
		return false
	}
	if c.Op == Eq || c.Op == Ne {
		return (tok == want) == (c.Op == Eq)
	}
	if tok[0] != want[0] { // different kinds are not ordered
		return false
	}
	switch c.Op {
	case Lt:
		return tok < want
	case Le:
		return tok <= want
	case Gt:
		return tok > want
	}
	return tok >= want
}
