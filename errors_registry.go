package infinitic

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"

	"github.com/infinitic-go/infinitic/internal/errsafe"
)

// userCodePrefix marks the wire code of a sentinel registered with
// RegisterError.
const userCodePrefix = "user:"

// userErrors holds the error values and types that users registered.
// Registering is meant for init functions; lookups are concurrent.
var userErrors = struct {
	sync.RWMutex
	values    map[string]error        // by name
	types     map[string]reflect.Type // by name
	typeNames map[reflect.Type]string
}{values: map[string]error{}, types: map[string]reflect.Type{}, typeNames: map[reflect.Type]string{}}

// RegisterError registers a sentinel error value under a name. When a
// task or workflow returns an error that matches err (errors.Is), the
// error rebuilt on the other side of the wire matches err too, in every
// process that registered it under the same name: register your sentinels
// in an init function of the package that declares them, which the
// workers and the clients both import. It panics if name is empty or
// already registered for another value.
func RegisterError(name string, err error) {
	userErrors.Lock()
	defer userErrors.Unlock()
	if name == "" || err == nil {
		panic("infinitic: RegisterError needs a name and an error")
	}
	if prev, ok := userErrors.values[name]; ok && prev != err {
		panic(fmt.Sprintf("infinitic: error name %q registered twice", name))
	}
	userErrors.values[name] = err
}

// RegisterErrorType registers the error type E under a name, for
// errors.As: a *RemoteError rebuilt from an error of type E (returned by a
// task or workflow of another process) is then found by errors.As with a
// target of type *E, filled from the error's exported fields (its JSON).
// Register E under the same name in the workers and the clients. It
// panics if name is empty or already registered for another type.
func RegisterErrorType[E error](name string) {
	t := reflect.TypeFor[E]()
	userErrors.Lock()
	defer userErrors.Unlock()
	if name == "" {
		panic("infinitic: RegisterErrorType needs a name")
	}
	if prev, ok := userErrors.types[name]; ok && prev != t {
		panic(fmt.Sprintf("infinitic: error type name %q registered twice", name))
	}
	userErrors.types[name], userErrors.typeNames[t] = t, name
}

// userSentinelCode returns the wire code of the first registered sentinel
// that err matches, or "".
func userSentinelCode(err error) string {
	userErrors.RLock()
	defer userErrors.RUnlock()
	names := slices.Sorted(maps.Keys(userErrors.values)) // the same choice in every process
	for _, name := range names {
		if err == userErrors.values[name] {
			return userCodePrefix + name
		}
	}
	for _, name := range names {
		if errsafe.Is(err, userErrors.values[name]) {
			return userCodePrefix + name
		}
	}
	return ""
}

// ErrorTypeName is the type name that the wire records for err: its
// registered name (RegisterErrorType), or its Go type ("*payment.Declined").
func ErrorTypeName(err error) string {
	userErrors.RLock()
	name, ok := userErrors.typeNames[reflect.TypeOf(err)]
	userErrors.RUnlock()
	if ok {
		return name
	}
	return fmt.Sprintf("%T", err)
}

// As makes errors.As find a registered error type (RegisterErrorType):
// target must be a non-nil pointer to that type; it is set to a value
// decoded from the original error's fields.
func (e *RemoteError) As(target any) bool {
	userErrors.RLock()
	t, ok := userErrors.types[e.Type]
	userErrors.RUnlock()
	tv := reflect.ValueOf(target)
	if !ok || tv.Kind() != reflect.Pointer || tv.IsNil() || tv.Type().Elem() != t {
		return false
	}
	v := reflect.New(t) // *E
	if t.Kind() == reflect.Pointer {
		v.Elem().Set(reflect.New(t.Elem()))
		if len(e.Fields) > 0 && json.Unmarshal(e.Fields, v.Elem().Interface()) != nil {
			return false
		}
	} else if len(e.Fields) > 0 && json.Unmarshal(e.Fields, v.Interface()) != nil {
		return false
	}
	tv.Elem().Set(v.Elem())
	return true
}
