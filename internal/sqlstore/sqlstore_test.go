package sqlstore

import (
	"strings"
	"testing"

	"github.com/infinitic-go/infinitic/store"
)

func TestValidateTable(t *testing.T) {
	for _, ok := range []string{"infinitic_store", "_x", "t1", strings.Repeat("a", MaxTableLen)} {
		if err := ValidateTable(ok); err != nil {
			t.Errorf("ValidateTable(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "T", "1t", "a-b", "a b", `a"b`, "a`b", "s.t", strings.Repeat("a", MaxTableLen+1)} {
		if err := ValidateTable(bad); err == nil {
			t.Errorf("ValidateTable(%q): no error", bad)
		}
	}
}

func TestCheckKey(t *testing.T) {
	if err := checkKey("key", "tag/x=1/id-2.a_b ~", false); err != nil {
		t.Error(err)
	}
	if err := checkKey("prefix", "", true); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"", "a\x00", "a\x7f", "\xff", "é", strings.Repeat("k", MaxKeyLen+1)} {
		if err := checkKey("key", bad, false); err == nil {
			t.Errorf("checkKey(%q): no error", bad)
		}
	}
}

func TestPrefixEnd(t *testing.T) {
	for p, want := range map[string]string{"a": "b", "wf.": "wf/", "tag/x": "tag/y", "~": "\x7f", "a~": "a\x7f"} {
		if got := prefixEnd(p); got != want {
			t.Errorf("prefixEnd(%q) = %q, want %q", p, got, want)
		}
		for _, k := range []string{p, p + " ", p + "~~~"} {
			if k >= prefixEnd(p) {
				t.Errorf("%q with prefix %q not below its end", k, p)
			}
		}
	}
}

func TestVersions(t *testing.T) {
	if _, err := firstVersion(0); err == nil {
		t.Error("firstVersion(0): no error")
	}
	if _, err := firstVersion(maxGen + 1); err == nil {
		t.Error("firstVersion(maxGen+1): no error")
	}
	v, err := firstVersion(maxGen)
	if err != nil || int64(v) < 0 {
		t.Errorf("firstVersion(maxGen) = %#x, %v: must fit an int64", v, err)
	}
	v, _ = firstVersion(3)
	if n, ok := nextInGen(v); !ok || n != v+1 {
		t.Errorf("nextInGen(%#x) = %#x, %v", v, n, ok)
	}
	if _, ok := nextInGen(v | seqMask); ok {
		t.Errorf("nextInGen at the end of a generation: ok")
	}
	if _, ok := nextInGen(store.Version(0)); !ok {
		t.Errorf("nextInGen(0) not ok") // Put handles 0 itself
	}
}

func TestBind(t *testing.T) {
	d := Dialect{Placeholder: func(n int) string { return "$" + string(rune('0'+n)) }}
	if got := d.bind("a = ? AND b = ?"); got != "a = $1 AND b = $2" {
		t.Errorf("bind = %q", got)
	}
}
