#!/usr/bin/env bash
# Runs infinitic-go's bench and the peers' (bench/peers) with the same
# workload on this machine, one after the other, and prints a table with
# the durability of each row and the ratios ours/peer at equal durability.
#
#   bench/run.sh                       # N=2000 K=2, all at once, 200 lone
#   bench/run.sh -n 5000 -k 2 -r 3     # what docs/benchmarks.md records
#   PEERS="dbos/postgres dbos/postgres-async" OURS=embedded bench/run.sh
#
# Flags (or environment variables):
#   -n N   WORKFLOWS    workflows in the throughput phase      (2000)
#   -k K   TASKS        sequential tasks per workflow          (2)
#   -c C   CONCURRENCY  max workflows in flight, 0: all        (0)
#   -l M   LONE         workflows run one at a time, latency   (200)
#   -r R   REPEAT       runs per engine; the median (by workflows/s) is kept (1)
#   -o DIR OUT          where reports are written              (bench/results/<date>)
#   -h                  this help
#   OURS   space-separated rows of ours (default "embedded embedded-sync nats-r3";
#          empty: none):
#            embedded       in-process JetStream, the default    durability: process crash
#            embedded-sync  same, `infinitic bench -sync` (group commit:
#                           embedded.DurabilityPowerLoss)         durability: power loss (fsync)
#            embedded-sync-always  `infinitic bench -sync-always` (each write
#                           fsynced on its own)                  durability: power loss (fsync)
#            memory         engine alone, nothing durable        durability: none
#            nats           a server started with `infinitic bench -serve`
#                           (or the one at NATS_URL)             durability: process crash
#            nats-r3        3 `infinitic server` nodes clustered on loopback
#                           (ports 1642x clients, 1622x routes, 1682x probes),
#                           streams and bucket with 3 replicas   durability: machine loss (R3)
#            embedded+postgres, embedded+mysql, embedded+redis
#                           JetStream transport, SQL/Redis store  durability: process crash
#   PEERS  space-separated peers (default: all of `go run ./bench/peers -list`;
#          empty: none). Each reports the durability its server's settings give:
#            dbos/postgres        a database of its own, synchronous_commit on: power loss (fsync)
#            dbos/postgres-async  a database of its own, synchronous_commit off: process crash
#            dbos/sqlite          WAL, synchronous=NORMAL: process crash
#            go-workflows/redis   the server at REDIS_ADDR (6379 here has no
#                                 persistence: none)
#            go-workflows/redis-fsync  a redis-server started by this script on
#                                 REDIS_FSYNC_PORT (16379) with appendonly yes,
#                                 appendfsync always: power loss (fsync)
#            go-workflows/sqlite  synchronous=FULL: power loss (fsync)
#            go-workflows/sqlite-nosync  synchronous=NORMAL: process crash
#   POSTGRES_URL   PostgreSQL of the dbos peers (its role creates and drops a
#                  database per run)       (postgres://postgres@127.0.0.1:5432/test)
#   REDIS_ADDR     Redis of go-workflows/redis                 (127.0.0.1:6379)
#   REDIS_FSYNC_ADDR  an existing Redis with appendfsync always for
#                  go-workflows/redis-fsync instead of starting one
#
# Durability levels, weakest first: none < process crash (kill -9 loses
# nothing acknowledged) < power loss (fsync) (fsynced before the ack) <
# machine loss (R3) (on a quorum of 3 nodes before the ack). Ratios compare
# each of ours with the peers of its level; a level without peers (machine
# loss) is compared with the strongest level below it that has some.
# Servers the script starts are stopped when it exits, their data removed.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

WORKFLOWS=${WORKFLOWS:-2000}
TASKS=${TASKS:-2}
CONCURRENCY=${CONCURRENCY:-0}
LONE=${LONE:-200}
REPEAT=${REPEAT:-1}
OUT=${OUT:-}
OURS=${OURS-embedded embedded-sync nats-r3}
POSTGRES_URL=${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
REDIS_ADDR=${REDIS_ADDR:-127.0.0.1:6379}
REDIS_FSYNC_PORT=${REDIS_FSYNC_PORT:-16379}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while getopts "n:k:c:l:r:o:h" opt; do
	case $opt in
	n) WORKFLOWS=$OPTARG ;;
	k) TASKS=$OPTARG ;;
	c) CONCURRENCY=$OPTARG ;;
	l) LONE=$OPTARG ;;
	r) REPEAT=$OPTARG ;;
	o) OUT=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

OUT=${OUT:-$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT/bin"
began=$(date +%s)

# Servers started here, stopped at exit; their data lives under $tmp.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/infinitic-run.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
# stop PID... stops servers started here before the exit.
stop() {
	local p q keep=()
	kill "$@" 2>/dev/null || true
	for p in "$@"; do wait "$p" 2>/dev/null || true; done
	for q in "${pids[@]}"; do
		for p in "$@"; do [ "$p" = "$q" ] && continue 2; done
		keep+=("$q")
	done
	pids=("${keep[@]}")
}
# until SECONDS CMD... retries CMD every 0.2 s until it succeeds.
until_ok() {
	local deadline=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "timed out waiting for: $*" >&2
			return 1
		fi
		sleep 0.2
	done
}
listening() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }
# port_free HOST:PORT... fails when a port is taken: the server started there
# would not be the one measured.
port_free() {
	local a
	for a in "$@"; do
		if listening "$a"; then
			echo "$a is already in use: stop what listens there or choose other ports (see -h)" >&2
			return 1
		fi
	done
}

echo "building into $OUT/bin" >&2
go build -o "$OUT/bin/infinitic" ./cmd/infinitic
ours=("$OUT/bin/infinitic" bench)
(cd bench/peers && go build -o "$OUT/bin/peers" .)
PEERS=${PEERS-$("$OUT/bin/peers" -list | tr '\n' ' ')}

common=(-workflows "$WORKFLOWS" -tasks "$TASKS" -concurrency "$CONCURRENCY" -lone "$LONE")

# Rows of the table, in order: display name, durability, report file.
names=() durs=() files=()

# run NAME DURABILITY CMD... runs CMD REPEAT times and keeps the report of
# the median run (by workflows_per_s) as $OUT/NAME.txt. DURABILITY is the
# row's, unless the report has a durability line (the peers' do).
run() {
	local name=$1 dur=$2 file
	shift 2
	file=$OUT/$(echo "$name" | tr '/()' '___').txt
	for i in $(seq 1 "$REPEAT"); do
		echo "== $name (run $i/$REPEAT): $*" >&2
		if ! "$@" >"$file.$i" 2>"$file.$i.err"; then
			echo "   FAILED, see $file.$i.err" >&2
			tail -5 "$file.$i.err" >&2
		fi
		grep -E '^(workflows_per_s|latency_p99_ms|lone_p99_ms|durability):' "$file.$i" | tr '\n' ' ' | sed 's/^/   /' >&2
		echo >&2
	done
	local median
	median=$(for i in $(seq 1 "$REPEAT"); do
		echo "$(awk -F': ' '$1=="workflows_per_s"{print ($2=="-"?0:$2)}' "$file.$i") $i"
	done | sort -n | awk '{a[NR]=$2} END{print a[int((NR+1)/2)]}')
	cp "$file.$median" "$file"
	local reported
	reported=$(awk -F': ' '$1=="durability" && $2!="-"{print $2}' "$file")
	names+=("$name") durs+=("${reported:-$dur}") files+=("$file")
}

# nats_r3 starts 3 clustered `infinitic server` nodes, runs the bench on
# them with 3 replicas, and stops them.
nats_r3() {
	local routes=nats://127.0.0.1:16222,nats://127.0.0.1:16223,nats://127.0.0.1:16224 urls="" node=() i
	for i in 1 2 3; do port_free "127.0.0.1:1642$i" "127.0.0.1:1622$((i + 1))" "127.0.0.1:1682$i"; done
	for i in 1 2 3; do
		"$OUT/bin/infinitic" server --server-name "n$i" --listen "127.0.0.1:1642$i" --data-dir "$tmp/n$i" \
			--cluster-name bench --cluster-listen "127.0.0.1:1622$((i + 1))" --routes "$routes" \
			--health "127.0.0.1:1682$i" >"$OUT/nats-r3-n$i.log" 2>&1 &
		node+=($!) pids+=($!)
		urls+=${urls:+,}nats://127.0.0.1:1642$i
	done
	for i in 1 2 3; do until_ok 60 curl -fsS "http://127.0.0.1:1682$i/readyz"; done
	run "infinitic-go/nats(R3)" "machine loss (R3)" "${ours[@]}" -progress=false "${common[@]}" -backend nats -replicas 3 -nats-url "$urls"
	stop "${node[@]}"
}

for b in $OURS; do
	case $b in
	embedded) run "infinitic-go/embedded" "process crash" "${ours[@]}" -progress=false "${common[@]}" -backend embedded ;;
	embedded-sync) run "infinitic-go/embedded(sync)" "power loss (fsync)" "${ours[@]}" -progress=false "${common[@]}" -backend embedded -sync ;;
	embedded-sync-always) run "infinitic-go/embedded(sync-always)" "power loss (fsync)" "${ours[@]}" -progress=false "${common[@]}" -backend embedded -sync-always ;;
	memory) run "infinitic-go/memory" "none" "${ours[@]}" -progress=false "${common[@]}" -backend memory ;;
	nats)
		url=${NATS_URL:-}
		server=
		if [ -z "$url" ]; then
			addr=127.0.0.1:${NATS_PORT:-14222}
			port_free "$addr"
			"${ours[@]}" -serve "$addr" -data-dir "$tmp/nats" 2>"$OUT/nats-server.err" &
			server=$! pids+=($!)
			until_ok 30 listening "$addr"
			url=nats://$addr
		fi
		run "infinitic-go/nats" "process crash" "${ours[@]}" -progress=false "${common[@]}" -backend nats -nats-url "$url"
		if [ -n "$server" ]; then stop "$server"; fi
		;;
	nats-r3) nats_r3 ;;
	embedded+postgres | embedded+mysql | embedded+redis)
		run "infinitic-go/$b" "process crash" "${ours[@]}" -progress=false "${common[@]}" -backend embedded -store "${b#embedded+}"
		;;
	*) echo "unknown OURS row $b" >&2; exit 2 ;;
	esac
done
nours=${#files[@]}

redis_fsync=${REDIS_FSYNC_ADDR:-}
for p in $PEERS; do
	if [ "$p" = go-workflows/redis-fsync ] && [ -z "$redis_fsync" ]; then
		redis_fsync=127.0.0.1:$REDIS_FSYNC_PORT
		mkdir -p "$tmp/redis"
		port_free "$redis_fsync"
		redis-server --bind 127.0.0.1 --port "$REDIS_FSYNC_PORT" --appendonly yes --appendfsync always \
			--save '' --dir "$tmp/redis" >"$OUT/redis-fsync.log" 2>&1 &
		pids+=($!)
		until_ok 30 listening "$redis_fsync"
	fi
	run "$p" "" "$OUT/bin/peers" "${common[@]}" -peer "$p" -postgres-url "$POSTGRES_URL" \
		-redis-addr "$REDIS_ADDR" -redis-fsync-addr "${redis_fsync:-127.0.0.1:$REDIS_FSYNC_PORT}"
done

# The table, then the ratios at equal durability.
{
	echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "# workflows=$WORKFLOWS tasks=$TASKS concurrency=$CONCURRENCY lone=$LONE repeat=$REPEAT (median run by wf/s)"
	IFS='|'
	awk -v nours="$nours" -v names="${names[*]}" -v durs="${durs[*]}" -F': ' '
		FNR==1 { n++ }
		{ v[n, $1] = $2 }
		END {
			split(names, name, "|"); split(durs, dur, "|")
			rank["none"] = 0; rank["process crash"] = 1; rank["power loss (fsync)"] = 2; rank["machine loss (R3)"] = 3
			f = "%-30s %-19s %9s %9s %9s %9s %9s %9s %9s %8s\n"
			printf f, "engine/backend", "durability", "wf/s", "tasks/s", "p50 ms", "p90 ms", "p99 ms", "lone p50", "lone p99", "RSS MiB"
			for (i = 1; i <= n; i++)
				printf f, name[i] (v[i, "failed"] + 0 > 0 || v[i, "workflows_per_s"] == "" ? " FAILED" : ""), dur[i], v[i, "workflows_per_s"], v[i, "tasks_per_s"], v[i, "latency_p50_ms"], v[i, "latency_p90_ms"], v[i, "latency_p99_ms"], v[i, "lone_p50_ms"], v[i, "lone_p99_ms"], v[i, "peak_rss_mib"]
			print "#"
			print "# at equal durability: ours wf/s over the peer'"'"'s, and the peer'"'"'s lone p99 over ours"
			for (i = 1; i <= nours; i++) {
				# The peers of this row'"'"'s level, or of the strongest level below with peers.
				lvl = -1
				for (j = nours + 1; j <= n; j++)
					if ((dur[j] in rank) && rank[dur[j]] <= rank[dur[i]] && rank[dur[j]] > lvl) lvl = rank[dur[j]]
				if (lvl < 0) { printf "# %-19s %-30s no peer at this level or below\n", dur[i], name[i]; continue }
				w = v[i, "workflows_per_s"] + 0; l = v[i, "lone_p99_ms"] + 0
				for (j = nours + 1; j <= n; j++) {
					if (!(dur[j] in rank) || rank[dur[j]] != lvl) continue
					if (v[j, "failed"] + 0 > 0 || v[j, "workflows_per_s"] == "") { printf "# %-19s %-30s vs %s: FAILED, no ratio\n", dur[i], name[i], name[j]; continue }
					pw = v[j, "workflows_per_s"] + 0; pl = v[j, "lone_p99_ms"] + 0
					printf "# %-19s %-30s %8.1f wf/s vs %-28s %8.1f wf/s: %6s   lone p99 %7.2f vs %7.2f ms: %6s%s\n", dur[i], name[i], w, name[j], pw,
						(pw > 0 ? sprintf("%.2fx", w / pw) : "-"), l, pl, (l > 0 && pl > 0 ? sprintf("%.2fx", pl / l) : "-"),
						(rank[dur[j]] < rank[dur[i]] ? " (peer at " dur[j] ")" : "")
				}
			}
		}' "${files[@]}"
	unset IFS
	echo "# reports: $OUT; took $(($(date +%s) - began)) s"
} | tee "$OUT/table.txt"
