package config

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// sources records where each key was set, by dotted path
// ("services.ImageUtil.concurrency"): "file:line" or "env NAME".
type sources map[string]string

// has reports whether path, or a key under it, was set.
func (s sources) has(path string) bool {
	for p := range s {
		if p == path || strings.HasPrefix(p, path+".") {
			return true
		}
	}
	return false
}

// at says where path was set: its own position, or that of its nearest
// parent that was set.
func (s sources) at(path string) string {
	for p := path; p != ""; {
		if where, ok := s[p]; ok {
			return where
		}
		i := strings.LastIndexByte(p, '.')
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return "defaults"
}

// decoder fills a Config from a YAML tree, recording positions and
// collecting every error.
type decoder struct {
	file string
	src  sources
	errs []error
}

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.errs = append(d.errs, fmt.Errorf("%s:%d: %s: %s", d.file, n.Line, path, fmt.Sprintf(format, args...)))
}

var durationType = reflect.TypeFor[time.Duration]()

// decode stores node n, found at path (whose key is on line), into v.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string, line int) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	d.src[path] = fmt.Sprintf("%s:%d", d.file, line)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		if k := v.Kind(); k == reflect.Struct || k == reflect.Map || k == reflect.Pointer {
			if k == reflect.Pointer && v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			return // an empty section: defaults
		}
		d.fail(n, path, "no value")
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path, line)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, path, "want a list such as [a, b]")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), fmt.Sprintf("%s.%d", path, i), item.Line)
		}
		v.Set(s)
	default:
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "want %s, got a %s", describe(v.Type()), kindName(n.Kind))
			return
		}
		if err := setScalar(v, n.Value); err != nil {
			d.fail(n, path, "%v", err)
			delete(d.src, path) // not set: validate says nothing more of it
		}
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a section of keys, got a %s", kindName(n.Kind))
		return
	}
	keys := yamlKeys(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if d.duplicate(seen, k, path) {
			continue
		}
		field, ok := keys[k.Value]
		if !ok {
			d.fail(k, join(path, k.Value), "unknown key (known here: %s)", strings.Join(sortedKeys(keys), ", "))
			continue
		}
		d.decode(val, v.Field(field), join(path, k.Value), k.Line)
	}
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want names as keys, got a %s", kindName(n.Kind))
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if d.duplicate(seen, k, path) {
			continue
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, elem, join(path, k.Value), k.Line)
		v.SetMapIndex(reflect.ValueOf(k.Value), elem)
	}
}

// duplicate reports key k of the section at path if seen holds it, and
// adds it to seen.
func (d *decoder) duplicate(seen map[string]int, k *yaml.Node, path string) bool {
	if first, dup := seen[k.Value]; dup {
		d.fail(k, join(path, k.Value), "duplicate key (first on line %d)", first)
		return true
	}
	seen[k.Value] = k.Line
	return false
}

// setScalar parses s into v (a string, bool, int, float or duration).
func setScalar(v reflect.Value, s string) error {
	switch {
	case v.Type() == durationType:
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("want a duration such as 30s or 1h30m, got %q", s)
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.String:
		v.SetString(s)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", s)
		}
		v.SetBool(b)
	case v.Kind() == reflect.Int:
		i, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("want an integer, got %q", s)
		}
		v.SetInt(int64(i))
	case v.Kind() == reflect.Float64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("want a number, got %q", s)
		}
		v.SetFloat(f)
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.String: // from the environment
		var items []string
		for item := range strings.SplitSeq(s, ",") {
			items = append(items, strings.TrimSpace(item))
		}
		v.Set(reflect.ValueOf(items))
	default:
		panic("config: no parser for " + v.Type().String())
	}
	return nil
}

func describe(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a duration such as 30s"
	case t.Kind() == reflect.Int:
		return "an integer"
	case t.Kind() == reflect.Float64:
		return "a number"
	case t.Kind() == reflect.Bool:
		return "true or false"
	}
	return "a text value"
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "section of keys"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

// yamlKeys maps the yaml keys of struct type t to field indexes.
func yamlKeys(t reflect.Type) map[string]int {
	keys := map[string]int{}
	for i := range t.NumField() {
		if tag := t.Field(i).Tag.Get("yaml"); tag != "" {
			keys[tag] = i
		}
	}
	return keys
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
