package wire

import (
	"encoding/hex"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/infinitic-go/infinitic"
)

// Search fields (workflow.SetSearch) are stored in State.Search as
// tokens: a kind letter then an encoding whose bytewise order is the
// value order, so that the instance index sorts and compares them without
// decoding, and a token is safe in a store key:
//
//	s<hex of the UTF-8 bytes>          string
//	i<16 hex digits>                   int64 (sign bit flipped)
//	f<16 hex digits>                   float64 (IEEE 754 bits made monotonic)
//	b0, b1                             bool
//	t<16 hex digits>                   time (Unix nanoseconds, as an int64)
//
// Two values of different kinds never compare equal, and ordered
// comparisons only hold between values of one kind.

// SearchToken encodes a search value: a string, a bool, an integer, a
// float (not NaN) or a time.Time.
func SearchToken(v any) (string, error) {
	if t, ok := v.(time.Time); ok {
		return intToken('t', t.UnixNano()), nil
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.String:
		s := rv.String()
		if len(s) > infinitic.MaxSearchValue {
			return "", &infinitic.LimitError{Limit: "MaxSearchValue", What: "search value", Size: len(s), Max: infinitic.MaxSearchValue}
		}
		if !utf8.ValidString(s) {
			return "", fmt.Errorf("infinitic: search value %q is not valid UTF-8", s)
		}
		return "s" + hex.EncodeToString([]byte(s)), nil
	case reflect.Bool:
		if rv.Bool() {
			return "b1", nil
		}
		return "b0", nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intToken('i', rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if rv.Uint() > math.MaxInt64 {
			return "", fmt.Errorf("infinitic: search value %d is over the largest int64", rv.Uint())
		}
		return intToken('i', int64(rv.Uint())), nil
	case reflect.Float32, reflect.Float64:
		return floatToken(rv.Float())
	}
	return "", fmt.Errorf("infinitic: search value of type %T: want a string, bool, integer, float or time.Time", v)
}

func intToken(kind byte, v int64) string {
	return fmt.Sprintf("%c%016x", kind, uint64(v)^(1<<63))
}

func floatToken(v float64) (string, error) {
	if math.IsNaN(v) {
		return "", fmt.Errorf("infinitic: search value NaN cannot be compared")
	}
	if v == 0 {
		v = 0 // -0 and +0 are one value
	}
	bits := math.Float64bits(v)
	if bits>>63 == 1 {
		bits = ^bits
	} else {
		bits |= 1 << 63
	}
	return fmt.Sprintf("f%016x", bits), nil
}

// SearchValue decodes a token made by SearchToken: a string, bool, int64,
// float64 or time.Time (UTC).
func SearchValue(tok string) (any, error) {
	if tok == "" {
		return nil, fmt.Errorf("empty search token")
	}
	body := tok[1:]
	switch tok[0] {
	case 's':
		b, err := hex.DecodeString(body)
		if err != nil || !utf8.Valid(b) || len(b) > infinitic.MaxSearchValue {
			return nil, fmt.Errorf("malformed search token %q", tok)
		}
		return string(b), nil
	case 'b':
		switch body {
		case "0":
			return false, nil
		case "1":
			return true, nil
		}
	case 'i', 't', 'f':
		u, err := strconv.ParseUint(body, 16, 64)
		if err != nil || len(body) != 16 {
			return nil, fmt.Errorf("malformed search token %q", tok)
		}
		switch tok[0] {
		case 'i':
			return int64(u ^ (1 << 63)), nil
		case 't':
			return time.Unix(0, int64(u^(1<<63))).UTC(), nil
		}
		if u>>63 == 1 {
			u &^= 1 << 63
		} else {
			u = ^u
		}
		if f := math.Float64frombits(u); !math.IsNaN(f) {
			return f, nil
		}
	}
	return nil, fmt.Errorf("malformed search token %q", tok)
}

// CheckSearchName checks the name of a search field.
func CheckSearchName(name string) error {
	ok := name != "" && len(name) <= 64
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	}
	if !ok {
		return &infinitic.LimitError{Limit: "SearchName", What: fmt.Sprintf("search field name %q", truncate(name))}
	}
	return nil
}
