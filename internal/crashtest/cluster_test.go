package crashtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/infinitic-go/infinitic/internal/wire"
	"github.com/infinitic-go/infinitic/store"
	"github.com/infinitic-go/infinitic/store/natskv"
	"github.com/infinitic-go/infinitic/transport"
	"github.com/infinitic-go/infinitic/transport/natsjs"
)

// clusterCount is 300 workflows, 10,000 with INFINITIC_CLUSTER_FULL=1.
func clusterCount() int {
	if os.Getenv("INFINITIC_CLUSTER_FULL") == "1" {
		return 10_000
	}
	return 300
}

// The streams whose leaders the test kills: the messages, the state.
var (
	messageStream = natsjs.DefaultStream
	stateStream   = "KV_" + natskv.DefaultBucket
)

// TestKill9OnCluster runs the workload on a 3-node cluster (separate
// processes) with streams and bucket of 3 replicas, two service workers
// and three workflow-engine workers (competing consumers on the same
// workflows). Workflows are started in four waves; while each of the
// first three runs, a worker and one node are killed with kill -9: the
// leader of the message stream, then the leader of the state bucket, then
// a node leading neither (when there is one). The node restarts once the
// cluster resumed; each kill waits until every node is healthy.
// Every workflow must complete exactly once with its right result.
func TestKill9OnCluster(t *testing.T) {
	n := clusterCount()
	dir := t.TempDir()
	execLog := dir + "/executions.log"
	t.Setenv("CRASH_LOG_DIR", dir)

	const size = 3
	clientPorts, clusterPorts := make([]int, size), make([]int, size)
	var routes, urls, probes []string
	for i := range size {
		clientPorts[i], clusterPorts[i] = freePort(t), freePort(t)
		probes = append(probes, fmt.Sprintf("http://127.0.0.1:%d/readyz", freePort(t)))
		routes = append(routes, fmt.Sprintf("nats://127.0.0.1:%d", clusterPorts[i]))
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", clientPorts[i]))
	}
	url := strings.Join(urls, ",")
	nodes := map[string]*proc{}
	for i := range size {
		name := fmt.Sprintf("n%d", i+1)
		nodes[name] = &proc{t: t, role: "node", env: []string{
			"CRASH_DIR=" + dir + "/" + name, "CRASH_NAME=" + name,
			fmt.Sprintf("CRASH_LISTEN=127.0.0.1:%d", clientPorts[i]),
			fmt.Sprintf("CRASH_CLUSTER_LISTEN=127.0.0.1:%d", clusterPorts[i]),
			"CRASH_ROUTES=" + strings.Join(routes, ","),
			"CRASH_HEALTH=" + strings.TrimSuffix(strings.TrimPrefix(probes[i], "http://"), "/readyz"),
		}}
		nodes[name].start()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	nc, err := connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	// The test opens the streams and the bucket first, so that the workers
	// find them with 3 replicas.
	tr, st, err := backend(ctx, nc, size)
	if err != nil {
		t.Fatal(err)
	}
	var workers []*proc
	for _, hosts := range []string{hostServices, hostServices, hostWorkflows, hostWorkflows, hostWorkflows} {
		w := &proc{t: t, role: "worker", env: []string{"CRASH_URL=" + url, "CRASH_EXEC_LOG=" + execLog,
			"CRASH_HOSTS=" + hosts, "CRASH_REPLICAS=" + strconv.Itoa(size)}}
		w.start()
		workers = append(workers, w)
	}
	t.Cleanup(func() {
		for _, w := range workers {
			w.kill9()
		}
		for _, node := range nodes {
			node.kill9()
		}
	})
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	res := &results{outputs: map[string]map[string]int{}, changed: make(chan struct{}, 1)}
	go collect(ctx, t, tr, res)

	start := time.Now()
	const waves = 4
	var resumes []string
	healthy(ctx, t, probes)
	for wave := range waves {
		dispatched := (wave + 1) * n / waves
		dispatch(ctx, t, tr, wave*n/waves, dispatched)
		waitProgress(ctx, res, wave*n/waves+n/waves/5) // the wave is running
		w := workers[rand.IntN(len(workers))]
		w.kill9()
		if wave < waves-1 {
			name, why := victim(ctx, t, js, nodes, wave)
			node := nodes[name]
			before := res.count()
			killed := time.Now()
			node.kill9()
			writes := resumeWrites(ctx, t, st, tr, wave)
			next := "none in flight"
			if before < dispatched {
				next = waitProgress(ctx, res, before+1).Sub(killed).Round(time.Millisecond).String()
			}
			resumes = append(resumes, fmt.Sprintf("%s (%s): writes resumed after %v, next completion after %s",
				name, why, writes.Round(time.Millisecond), next))
			t.Logf("kill -9 of node %s", resumes[len(resumes)-1])
			node.start()
			w.start()
			healthy(ctx, t, probes)
		} else {
			w.start()
		}
		t.Logf("wave %d: %d/%d completed", wave+1, res.count(), n)
	}
	waitProgress(ctx, res, n)
	if res.count() < n {
		t.Fatalf("only %d of %d workflows completed", res.count(), n)
	}
	elapsed := time.Since(start)
	verify(ctx, t, res, n)
	verifyStates(ctx, t, st, res)
	verifyIndex(ctx, t, tr, st)
	total, distinct := executions(t, execLog)
	report := fmt.Sprintf("cluster crash test: %d workflows completed exactly once in %v on 3 nodes (R3), "+
		"5 workers (3 engines), kill -9 of %d workers and %d nodes; task executions: %d for %d tasks (%d repeated); node kills: %s",
		n, elapsed.Round(time.Millisecond), waves, waves-1, total, distinct, total-distinct, strings.Join(resumes, "; "))
	t.Log(report)
	fmt.Println(report)
}

// waitProgress waits until count workflows completed (or ctx ends) and
// returns when.
func waitProgress(ctx context.Context, res *results, count int) time.Time {
	for res.count() < count && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-res.changed:
		case <-time.After(100 * time.Millisecond):
		}
	}
	return time.Now()
}

// victim chooses the node to kill in round: the leader of the message
// stream, then the leader of the state bucket, then a node leading
// neither (or any, when one leads both).
func victim(ctx context.Context, t *testing.T, js jetstream.JetStream, nodes map[string]*proc, round int) (name, why string) {
	msgLeader, stateLeader := leader(ctx, t, js, messageStream), leader(ctx, t, js, stateStream)
	switch round {
	case 0:
		return msgLeader, "leader of the message stream"
	case 1:
		return stateLeader, "leader of the state bucket"
	}
	for name := range nodes {
		if name != msgLeader && name != stateLeader {
			return name, "a follower"
		}
	}
	return msgLeader, "leader of both streams"
}

// leader returns the name of the node leading stream, waiting for one.
func leader(ctx context.Context, t *testing.T, js jetstream.JetStream, stream string) string {
	for ctx.Err() == nil {
		actx, cancel := attempt(ctx)
		s, err := js.Stream(actx, stream)
		cancel()
		if err == nil && s.CachedInfo().Cluster != nil && s.CachedInfo().Cluster.Leader != "" {
			return s.CachedInfo().Cluster.Leader
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no leader for stream %s", stream)
	return ""
}

// resumeWrites returns how long after now both a compare-and-set write of
// the store and a publish on the transport succeed again.
func resumeWrites(ctx context.Context, t *testing.T, st store.Store, tr transport.Transport, round int) time.Duration {
	start := time.Now()
	key := fmt.Sprintf("probe.%d", round)
	msg := transport.Message{ID: key, Subject: wire.ClientSubject("probe"), Data: []byte("probe")}
	stored, published := false, false
	for ctx.Err() == nil && !(stored && published) {
		actx, cancel := attempt(ctx)
		if !stored {
			_, err := st.Put(actx, key, []byte("probe"), 0)
			stored = err == nil || errors.Is(err, store.ErrConflict) // a conflict: an attempt that timed out was written
		}
		if stored && !published {
			published = tr.Publish(actx, msg) == nil
		}
		cancel()
		if !(stored && published) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if ctx.Err() != nil {
		t.Fatal("writes never resumed")
	}
	return time.Since(start)
}

// healthy waits until every node says that its JetStream is healthy:
// the cluster's metadata, every stream and consumer replica current
// (nats-server's Healthz), so that killing a node leaves a current
// majority everywhere.
func healthy(ctx context.Context, t *testing.T, probes []string) {
	start := time.Now()
	for _, p := range probes {
		for {
			actx, cancel := attempt(ctx)
			req, _ := http.NewRequestWithContext(actx, http.MethodGet, p, nil)
			resp, err := http.DefaultClient.Do(req)
			ok := err == nil && resp.StatusCode == http.StatusOK
			if err == nil {
				_ = resp.Body.Close()
			}
			cancel()
			if ok {
				break
			}
			select {
			case <-ctx.Done():
				t.Fatalf("%s never ready", p)
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
	t.Logf("every node healthy after %v", time.Since(start).Round(time.Millisecond))
}
