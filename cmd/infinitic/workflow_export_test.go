package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/infinitic-go/infinitic"
	"github.com/infinitic-go/infinitic/infinitictest"
	"github.com/infinitic-go/infinitic/replayer"
	"github.com/infinitic-go/infinitic/workflow"
)

// updateHistories, set, makes exportAndReplay save what it exports in
// testdata/histories, which TestShopHistoriesReplay replays.
const updateHistories = "INFINITIC_UPDATE_HISTORIES"

// shopConfirmingFirst is a change of shop that is not compatible with
// running instances: it waits for the confirmation before charging.
type shopConfirmingFirst struct{ shop }

func (shopConfirmingFirst) Order(ctx workflow.Context, amount int) (string, error) {
	if _, err := shopConfirmations.Receive(ctx).Await(ctx); err != nil {
		return "", err
	}
	_, err := workflow.Call(ctx, Till.Charge, amount)
	return "", err
}

// exportAndReplay exports the history of a running Shop instance with
// `infinitic workflow export`, and replays it: the code that ran it
// passes, a change of the order of its commands fails at position 0.
func exportAndReplay(t *testing.T, url, id string) {
	t.Helper()
	out, code := cli(t, url, "workflow", "export", "Shop", id)
	if code != exitOK {
		t.Fatalf("export: exit code %d\n%s", code, out)
	}
	h, err := replayer.Read(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := replayer.Replay(h, func() Shop { return shop{} }); err != nil {
		t.Fatalf("replay of the exported history on the same code: %v", err)
	}
	var nd *infinitic.NonDeterminismError
	err = replayer.Replay(h, func() Shop { return shopConfirmingFirst{} })
	if !errors.As(err, &nd) || nd.Position != 0 || nd.Want != "task Till.Charge" || nd.Got != "receive confirmations" {
		t.Fatalf("replay on changed code: %v", err)
	}
	if os.Getenv(updateHistories) != "" {
		if err := os.WriteFile(filepath.Join("testdata", "histories", "shop-"+id+".json"), []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The pre-deploy check of the README: each history kept in
// testdata/histories (exported by TestWorkflowCommands from a real run,
// INFINITIC_UPDATE_HISTORIES=1) still replays on the current code.
func TestShopHistoriesReplay(t *testing.T) {
	infinitictest.ReplayHistories(t, "testdata/histories/*.json", func() Shop { return shop{} })
}

// failures records what a replay reports instead of failing the test.
type failures struct {
	testing.TB
	errs []string
}

func (f *failures) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}

// infinitictest.Replay passes the committed history on the code that made
// it and reports the first difference on incompatible code.
func TestReplayOneHistory(t *testing.T) {
	h, err := replayer.ReadFile(filepath.Join("testdata", "histories", "shop-ko-1.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		run  func(infinitictest.TB)
		want string // in the one report, "" for none
	}{
		{"same code", func(tb infinitictest.TB) { infinitictest.Replay(tb, h, func() Shop { return shop{} }) }, ""},
		{"confirming first", func(tb infinitictest.TB) {
			infinitictest.Replay(tb, h, func() Shop { return shopConfirmingFirst{} })
		}, "task Till.Charge"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &failures{TB: t}
			tc.run(f)
			switch {
			case tc.want == "" && len(f.errs) != 0:
				t.Fatalf("reports %q, want none", f.errs)
			case tc.want != "" && (len(f.errs) != 1 || !strings.Contains(f.errs[0], tc.want)):
				t.Fatalf("reports %q, want one naming %q", f.errs, tc.want)
			}
		})
	}
}
