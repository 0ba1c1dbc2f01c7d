package config

import (
	"fmt"
	"reflect"
	"strings"
	"unicode"
)

// EnvPrefix starts the environment variables that override the file.
const EnvPrefix = "INFINITIC_"

// envSections are the sections environment variables may set; other
// INFINITIC_* variables are left alone.
var envSections = []string{"TRANSPORT_", "STORAGE_", "SERVICES_", "WORKFLOWS_"}

// applyEnv sets the keys named by the INFINITIC_* variables of environ
// ("NAME=value" entries). Services and workflows can be overridden only if
// the file names them.
func (c *Config) applyEnv(environ []string) []error {
	leaves := map[string]leaf{}
	collectLeaves(reflect.ValueOf(c).Elem(), "", leaves)
	var errs []error
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		rest, ok := strings.CutPrefix(name, EnvPrefix)
		if !ok || !hasAnyPrefix(rest, envSections) {
			continue
		}
		l, ok := leaves[name]
		if !ok {
			errs = append(errs, fmt.Errorf("env %s: no such setting (services and workflows must be named in the file to be overridden)", name))
			continue
		}
		if err := setScalar(l.value, value); err != nil {
			errs = append(errs, fmt.Errorf("env %s: %s: %w", name, l.path, err))
			continue
		}
		c.src[l.path] = "env " + name
	}
	return errs
}

// leaf is a key that holds a value.
type leaf struct {
	path  string
	value reflect.Value
}

// collectLeaves lists the keys under v, at path, by environment variable
// name.
func collectLeaves(v reflect.Value, path string, leaves map[string]leaf) {
	switch {
	case v.Kind() == reflect.Pointer:
		if !v.IsNil() {
			collectLeaves(v.Elem(), path, leaves)
		}
	case v.Kind() == reflect.Struct:
		for key, i := range yamlKeys(v.Type()) {
			collectLeaves(v.Field(i), join(path, key), leaves)
		}
	case v.Kind() == reflect.Map:
		for _, k := range v.MapKeys() {
			collectLeaves(v.MapIndex(k), join(path, k.String()), leaves)
		}
	default:
		leaves[envName(path)] = leaf{path: path, value: v}
	}
}

// envName is the variable of a key: INFINITIC_ then the path in upper
// case, words of camelCase names and dots separated by '_'
// ("services.ImageUtil.maxRetries" → INFINITIC_SERVICES_IMAGE_UTIL_MAX_RETRIES).
func envName(path string) string {
	var b strings.Builder
	b.WriteString(EnvPrefix)
	prev := rune(0)
	for _, r := range path {
		switch {
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			b.WriteByte('_')
			b.WriteRune(r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToUpper(r))
		default:
			b.WriteByte('_')
		}
		prev = r
	}
	return b.String()
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
