package config

import (
	"regexp"
	"strings"
	"testing"
)

// located matches an error line that says where: a line of the file, a
// variable, or the file for YAML syntax errors that the parser does not
// locate (an unexpected end of the file).
var located = regexp.MustCompile(`^(infinitic\.yml:\d+: |env INFINITIC_\w+: |infinitic\.yml: )`)

// Whatever the file holds, parse returns a configuration or errors that
// each say where the problem is; it never panics.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"", "transport:\n  nats:\n    url: nats://x:4222\n", "services:\n  S:\n    retry: {maxRetries: 2, nonRetryable: [a, b]}\n",
		"workflows:\n  W: {cacheSize: -1}\n", "storage: [1, 2]\n", "a: &x {b: *x}\n", "services:\n  S:\n    batch:\n      M: {maxMessages: 1, maxWait: 1s}\n",
		"transport:\n  embedded:\n    syncAlways: maybe\n", "- 1\n- 2\n", "services: {S: ~}\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		_, err := parse("infinitic.yml", []byte(data), []string{"INFINITIC_TRANSPORT_NATS_REPLICAS=3"})
		if err == nil {
			return
		}
		lines := strings.Split(err.Error(), "\n")
		if lines[0] != "config: invalid configuration:" {
			t.Fatalf("unexpected error %q", err)
		}
		for _, line := range lines[1:] {
			if !located.MatchString(line) {
				t.Fatalf("error line %q does not say where", line)
			}
		}
	})
}
