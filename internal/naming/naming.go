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
	contracts map[reflect.Type]string
	methods   map[Method]string
}

// SetContract overrides the wire name of a contract.
func (t *Table) SetContract(contract reflect.Type, name string) error {
	if err := Validate(name); err != nil {
		return err
	}
	if t.contracts == nil {
		t.contracts = map[reflect.Type]string{}
	}
	t.contracts[contract] = name
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

// Contract returns the wire name of a contract interface.
func (t *Table) Contract(contract reflect.Type) (string, error) {
	if t != nil {
		if n, ok := t.contracts[contract]; ok {
			return n, nil
		}
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
