package workflow

import (
	"testing"

	"github.com/infinitic-go/infinitic/internal/replay"
)

// Every runtime status has its public twin, with the same name.
func TestStatusOf(t *testing.T) {
	for _, tc := range []struct {
		runtime replay.Status
		want    Status
	}{
		{replay.Unknown, StatusUnknown},
		{replay.Ongoing, StatusOngoing},
		{replay.Completed, StatusCompleted},
		{replay.Failed, StatusFailed},
		{replay.Canceled, StatusCanceled},
		{replay.TimedOut, StatusTimedOut},
	} {
		if got := statusOf(tc.runtime); got != tc.want || got.String() != tc.runtime.String() {
			t.Errorf("statusOf(%v) = %v, want %v", tc.runtime, got, tc.want)
		}
	}
}
