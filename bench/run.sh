#!/usr/bin/env bash
# Runs infinitic-go's bench and the peers' (bench/peers) with the same
# workload on this machine, one after the other, and prints a table and
# the ratios ours/peer.
#
#   bench/run.sh                       # N=2000 K=2, all at once, 200 lone
#   bench/run.sh -n 10000 -k 2 -c 500 -r 3
#   PEERS="dbos/postgres" bench/run.sh
#
# Flags (or environment variables):
#   -n N   WORKFLOWS    workflows in the throughput phase      (2000)
#   -k K   TASKS        sequential tasks per workflow          (2)
#   -c C   CONCURRENCY  max workflows in flight, 0: all        (0)
#   -l M   LONE         workflows run one at a time, latency   (200)
#   -r R   REPEAT       runs per engine; the median (by workflows/s) is kept (1)
#   -o DIR OUT          where reports are written              (bench/results/<date>)
#   OURS   space-separated backends of ours: embedded, embedded-sync, memory,
#          nats (the server at NATS_URL, or one started with
#          `infinitic bench -serve` in another process),
#          embedded+postgres, embedded+mysql, embedded+redis
#          (default: "embedded embedded-sync"); the first one is the
#          reference of the ratios
#   PEERS  space-separated peers (default: all of `go run ./bench/peers -list`;
#          empty: none)
#   POSTGRES_URL, REDIS_ADDR   servers of the peers that need one
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD

WORKFLOWS=${WORKFLOWS:-2000}
TASKS=${TASKS:-2}
CONCURRENCY=${CONCURRENCY:-0}
LONE=${LONE:-200}
REPEAT=${REPEAT:-1}
OUT=${OUT:-}
OURS=${OURS:-embedded embedded-sync}
POSTGRES_URL=${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
REDIS_ADDR=${REDIS_ADDR:-127.0.0.1:6379}

while getopts "n:k:c:l:r:o:h" opt; do
	case $opt in
	n) WORKFLOWS=$OPTARG ;;
	k) TASKS=$OPTARG ;;
	c) CONCURRENCY=$OPTARG ;;
	l) LONE=$OPTARG ;;
	r) REPEAT=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) sed -n '2,25p' "$0"; exit 2 ;;
	esac
done

OUT=${OUT:-$root/bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT/bin"

echo "building into $OUT/bin" >&2
go build -o "$OUT/bin/infinitic" ./cmd/infinitic
ours=("$OUT/bin/infinitic" bench)
(cd bench/peers && go build -o "$OUT/bin/peers" .)
PEERS=${PEERS-$("$OUT/bin/peers" -list | tr '\n' ' ')}

common=(-workflows "$WORKFLOWS" -tasks "$TASKS" -concurrency "$CONCURRENCY" -lone "$LONE")

# run NAME CMD... runs CMD REPEAT times, keeps the report of the median run
# (by workflows_per_s) as $OUT/NAME.txt.
run() {
	local name=$1 file
	shift
	file=$OUT/$(echo "$name" | tr '/()' '___').txt
	for i in $(seq 1 "$REPEAT"); do
		echo "== $name (run $i/$REPEAT): $*" >&2
		if ! "$@" >"$file.$i" 2>"$file.$i.err"; then
			echo "   FAILED, see $file.$i.err" >&2
			cat "$file.$i.err" >&2
		fi
		grep -E '^(workflows_per_s|latency_p99_ms|lone_p99_ms):' "$file.$i" | tr '\n' ' ' | sed 's/^/   /' >&2
		echo >&2
	done
	# The median run by workflows/s.
	local median
	median=$(for i in $(seq 1 "$REPEAT"); do
		echo "$(awk -F': ' '$1=="workflows_per_s"{print ($2=="-"?0:$2)}' "$file.$i") $i"
	done | sort -n | awk '{a[NR]=$2} END{print a[int((NR+1)/2)]}')
	cp "$file.$median" "$file"
	echo "$file"
}

files=()
for b in $OURS; do
	case $b in
	embedded) files+=("$(run "infinitic-go/embedded" "${ours[@]}" -progress=false "${common[@]}" -backend embedded)") ;;
	embedded-sync) files+=("$(run "infinitic-go/embedded(sync)" "${ours[@]}" -progress=false "${common[@]}" -backend embedded -sync)") ;;
	memory) files+=("$(run "infinitic-go/memory" "${ours[@]}" -progress=false "${common[@]}" -backend memory)") ;;
	nats)
		url=${NATS_URL:-}
		if [ -z "$url" ]; then
			port=${NATS_PORT:-14222}
			"${ours[@]}" -serve "127.0.0.1:$port" 2>"$OUT/nats-server.err" &
			server=$!
			sleep 1
			url=nats://127.0.0.1:$port
		fi
		files+=("$(run "infinitic-go/nats" "${ours[@]}" -progress=false "${common[@]}" -backend nats -nats-url "$url")")
		if [ -z "${NATS_URL:-}" ]; then
			kill "$server"
			wait "$server" || true
		fi
		;;
	embedded+postgres | embedded+mysql | embedded+redis)
		files+=("$(run "infinitic-go/$b" "${ours[@]}" -progress=false "${common[@]}" -backend embedded -store "${b#embedded+}")")
		;;
	*) echo "unknown OURS backend $b" >&2; exit 2 ;;
	esac
done
nours=${#files[@]}
for p in $PEERS; do
	files+=("$(run "$p" "$OUT/bin/peers" "${common[@]}" -peer "$p" -postgres-url "$POSTGRES_URL" -redis-addr "$REDIS_ADDR")")
done

# The table. The ratio is the reference's (first of OURS) workflows/s over
# the row's, and the row's lone p99 over the reference's.
{
	echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
	echo "# workflows=$WORKFLOWS tasks=$TASKS concurrency=$CONCURRENCY lone=$LONE repeat=$REPEAT"
	awk -v nours="$nours" -F': ' '
		FNR==1 { n++ }
		{ v[n, $1] = $2 }
		END {
			printf "%-30s %10s %10s %10s %10s %10s %10s %10s %9s %10s %10s\n", "engine/backend", "wf/s", "tasks/s", "p50 ms", "p90 ms", "p99 ms", "lone p50", "lone p99", "RSS MiB", "ours/peer", "peer/ours"
			ref = v[1, "workflows_per_s"] + 0
			refl = v[1, "lone_p99_ms"] + 0
			for (i = 1; i <= n; i++) {
				w = v[i, "workflows_per_s"]
				ratio = (w + 0 > 0 && ref > 0) ? sprintf("%.2fx", ref / w) : "-"
				lr = (v[i, "lone_p99_ms"] + 0 > 0 && refl > 0) ? sprintf("%.2fx", v[i, "lone_p99_ms"] / refl) : "-"
				if (i <= nours) { ratio = (i == 1 ? "ref" : ratio); lr = (i == 1 ? "ref" : lr) }
				if (i > nours && w + 0 > best) { best = w + 0; bestname = v[i, "backend"] }
				printf "%-30s %10s %10s %10s %10s %10s %10s %10s %9s %10s %10s\n", (i <= nours ? "infinitic-go/" : "") v[i, "backend"] (v[i, "failed"] + 0 > 0 ? " FAILED" : ""), w, v[i, "tasks_per_s"], v[i, "latency_p50_ms"], v[i, "latency_p90_ms"], v[i, "latency_p99_ms"], v[i, "lone_p50_ms"], v[i, "lone_p99_ms"], v[i, "peak_rss_mib"], ratio, lr
			}
			if (best > 0 && ref > 0) printf "# ours/fastest peer (%s): %.2fx\n", bestname, ref / best
		}' "${files[@]}"
	echo "# ours/peer: reference workflows/s over the row's; peer/ours: the row's lone p99 over the reference's"
	echo "# reports: $OUT"
} | tee "$OUT/table.txt"
