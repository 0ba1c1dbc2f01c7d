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
//	n<16 hex digits><4 hex digits>     number: an integer or a float
//	b0, b1                             bool
//	t<16 hex digits>                   time (Unix nanoseconds)
//
// Numbers are one kind, so that 42 and 42.0 are equal and 41 < 41.5: the
// float64 nearest to the value (IEEE 754 bits made monotonic), then, for
// integers too large for a float64, the difference from it. Two values
// of different kinds never compare equal, and ordered comparisons only
// hold between values of one kind.

// SearchToken encodes a search value: a string, a bool, an integer, a
// float (not NaN) or a time.Time.
func SearchToken(v any) (string, error) {
	if t, ok := v.(time.Time); ok {
		return fmt.Sprintf("t%016x", uint64(t.UnixNano())^(1<<63)), nil
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
		return intToken(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if rv.Uint() > math.MaxInt64 {
			return "", fmt.Errorf("infinitic: search value %d is over the largest int64", rv.Uint())
		}
		return intToken(int64(rv.Uint())), nil
	case reflect.Float32, reflect.Float64:
		if math.IsNaN(rv.Float()) {
			return "", fmt.Errorf("infinitic: search value NaN cannot be compared")
		}
		return numberToken(rv.Float(), 0), nil
	}
	return "", fmt.Errorf("infinitic: search value of type %T: want a string, bool, integer, float or time.Time", v)
}

// intToken encodes an integer as the nearest float64 and the (small)
// difference from it.
func intToken(v int64) string {
	f := float64(v)
	var diff int64
	if f >= math.MaxInt64 { // 2^63, one over the largest int64
		diff = v - math.MaxInt64 - 1
	} else {
		diff = v - int64(f)
	}
	return numberToken(f, diff)
}

// numberToken encodes f (not NaN) and diff, |diff| < 2^15.
func numberToken(f float64, diff int64) string {
	if f == 0 {
		f = 0 // -0 and +0 are one value
	}
	bits := math.Float64bits(f)
	if bits>>63 == 1 {
		bits = ^bits
	} else {
		bits |= 1 << 63
	}
	return fmt.Sprintf("n%016x%04x", bits, uint16(diff+1<<15))
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
	case 't':
		u, err := strconv.ParseUint(body, 16, 64)
		if err == nil && len(body) == 16 {
			return time.Unix(0, int64(u^(1<<63))).UTC(), nil
		}
	case 'n':
		return numberValue(tok)
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

// numberValue decodes a number token: an int64 when the value is an
// integer that fits one, else a float64.
func numberValue(tok string) (any, error) {
	if len(tok) != 21 {
		return nil, fmt.Errorf("malformed search token %q", tok)
	}
	bits, err1 := strconv.ParseUint(tok[1:17], 16, 64)
	d, err2 := strconv.ParseUint(tok[17:], 16, 16)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("malformed search token %q", tok)
	}
	if bits>>63 == 1 {
		bits &^= 1 << 63
	} else {
		bits = ^bits
	}
	f, diff := math.Float64frombits(bits), int64(d)-1<<15
	switch {
	case math.IsNaN(f):
	case f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64:
		if v := int64(f) + diff; intToken(v) == tok {
			return v, nil
		}
	case f == math.MaxInt64 && diff < 0: // 2^63 + diff
		if v := math.MaxInt64 + (diff + 1); intToken(v) == tok {
			return v, nil
		}
	case diff == 0:
		return f, nil
	}
	return nil, fmt.Errorf("malformed search token %q", tok)
}
