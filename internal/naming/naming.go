// Package naming turns Go contracts (interfaces and method expressions)
// into the stable names used on the wire.
package naming

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
)

// ErrInvalid is wrapped by every naming error.
var ErrInvalid = errors.New("invalid contract")

var validName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// Validate checks that name can be used on the wire (as a subject token).
func Validate(name string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("%w: name %q must be 1-128 characters among A-Z a-z 0-9 _ -", ErrInvalid, name)
	}
	return nil
}

// Method identifies a method of a contract interface.
type Method struct {
	Contract reflect.Type // the interface type
	Name     string       // Go method name
}

// parsed caches Parse by function entry point: method expressions are
// few and parsed on every workflow call.
var parsed sync.Map // uintptr → Method

// Parse identifies the method of a method expression such as
// ImageUtil.Download (not a method value like impl.Download).
func Parse(fn any) (Method, error) {
	v := reflect.ValueOf(fn)
	if !v.IsValid() || v.Kind() != reflect.Func || v.IsNil() {
		return Method{}, fmt.Errorf("%w: expected a method expression like MyService.MyMethod, got %T", ErrInvalid, fn)
	}
	if m, ok := parsed.Load(v.Pointer()); ok {
		return m.(Method), nil
	}
	m, err := parse(v)
	if err == nil {
		parsed.Store(v.Pointer(), m)
	}
	return m, err
}

func parse(v reflect.Value) (Method, error) {
	t := v.Type()
	if t.NumIn() == 0 || t.In(0).Kind() != reflect.Interface {
		return Method{}, fmt.Errorf("%w: %s is not a method expression on an interface (write Contract.Method)", ErrInvalid, t)
	}
	contract := t.In(0)
	full := runtime.FuncForPC(v.Pointer()).Name()
	name := full[strings.LastIndexByte(full, '.')+1:]
	if _, ok := contract.MethodByName(name); !ok {
		return Method{}, fmt.Errorf("%w: %s is not a method of %s (use a method expression like %s.Method)", ErrInvalid, full, contract, contract.Name())
	}
	return Method{Contract: contract, Name: name}, nil
}

// Table holds wire-name overrides. The zero value uses Go names.
type Table struct {
	types   map[reflect.Type]string // contracts and channel variants
	methods map[Method]string
	sealed  map[reflect.Type][]reflect.Type // sealed families: interface → concrete types
}

// SetType overrides the wire name of a type: a contract interface or a
// channel variant.
func (t *Table) SetType(typ reflect.Type, name string) error {
	if err := Validate(name); err != nil {
		return err
	}
	if t.types == nil {
		t.types = map[reflect.Type]string{}
	}
	t.types[typ] = name
	return nil
}

// SetMethod overrides the wire name of a method.
func (t *Table) SetMethod(m Method, name string) error {
	if err := Validate(name); err != nil {
		return err
	}
	if t.methods == nil {
		t.methods = map[Method]string{}
	}
	t.methods[m] = name
	return nil
}

// override returns the wire name set for typ, if any.
func (t *Table) override(typ reflect.Type) (string, bool) {
	if t == nil {
		return "", false
	}
	n, ok := t.types[typ]
	return n, ok
}

// Contract returns the wire name of a contract interface.
func (t *Table) Contract(contract reflect.Type) (string, error) {
	if n, ok := t.override(contract); ok {
		return n, nil
	}
	if contract.Kind() != reflect.Interface {
		return "", fmt.Errorf("%w: %s is not an interface", ErrInvalid, contract)
	}
	return contract.Name(), Validate(contract.Name())
}

// Method returns the wire name of a method.
func (t *Table) Method(m Method) string {
	if t != nil {
		if n, ok := t.methods[m]; ok {
			return n
		}
	}
	return m.Name
}

// Variant returns the wire name of a channel variant type: its override,
// or its Go type name without the package (for a pointer type, the name
// of the type it points to). It is not the reflect type name, so moving
// a type to another package keeps it, and renaming the type keeps it when
// the old name is set as its override.
func (t *Table) Variant(typ reflect.Type) (string, error) {
	if n, ok := t.override(typ); ok {
		return n, nil
	}
	named := typ
	if typ.Kind() == reflect.Pointer {
		named = typ.Elem()
	}
	if err := Validate(named.Name()); err != nil {
		return "", fmt.Errorf("channel variant %v needs a wire name (infinitic.Name): %w", typ, err)
	}
	return named.Name(), nil
}

// Variants returns the variant types of a channel by wire name; two types
// with one wire name are an error.
func (t *Table) Variants(types []reflect.Type) (map[string]reflect.Type, error) {
	byName := make(map[string]reflect.Type, len(types))
	for _, typ := range types {
		name, err := t.Variant(typ)
		if err != nil {
			return nil, err
		}
		if other, ok := byName[name]; ok && other != typ {
			return nil, fmt.Errorf("%w: channel variants %v and %v have the same wire name %q (set another with infinitic.Name)", ErrInvalid, other, typ, name)
		}
		byName[name] = typ
	}
	return byName, nil
}
