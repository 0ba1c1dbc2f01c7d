#!/usr/bin/env bash
# How the default's throughput grows with cores and with engine processes:
# `infinitic bench` (N workflows of 2 tasks, all at once, no lone phase)
#   - embedded default with GOMAXPROCS=1, then 2;
#   - on one external server (`infinitic bench -serve`): client and worker
#     in one process, then the client (-role client) with 1, then 2 worker
#     processes (-role worker, same -run-id).
# For each: workflows/s and the CPU time of every process involved (server
# included) per workflow, user+sys, which depends much less than the rate on
# what else runs on the machine. Prints the median of R runs of each.
#
#   bench/scale.sh                # N=5000, R=3
#   bench/scale.sh -n 10000 -r 5
#
# Flags: -n N workflows per run (5000); -r R runs of each (3); -o DIR where
# reports go (bench/results/scale-<date>); -h this help. The server listens
# on 127.0.0.1:$SCALE_PORT (14300); it is stopped at exit, its data removed.
set -euo pipefail

cd "$(dirname "$0")/.."
N=5000 R=3 OUT=
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while getopts "n:r:o:h" opt; do
	case $opt in
	n) N=$OPTARG ;;
	r) R=$OPTARG ;;
	o) OUT=$OPTARG ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
OUT=${OUT:-$PWD/bench/results/scale-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
go build -o "$OUT/infinitic" ./cmd/infinitic
bin=$OUT/infinitic
addr=127.0.0.1:${SCALE_PORT:-14300}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/infinitic-scale.XXXXXX")
server=
cleanup() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

tck=$(getconf CLK_TCK)
# cpu PID...: user+sys seconds of running processes, summed.
cpu() {
	local p
	for p in "$@"; do cat "/proc/$p/stat"; done | awk -v t="$tck" '{s += $14 + $15} END{printf "%.3f", s / t}'
}
# timed FILE CMD...: runs CMD, its report on FILE, its user+sys seconds on FILE.cpu.
timed() {
	local f=$1
	shift
	/usr/bin/time -f "%U %S" -o "$f.time" "$@" >"$f" 2>"$f.err"
	awk '{printf "%.3f", $1 + $2}' "$f.time" >"$f.cpu"
}
rate() { awk -F': ' '$1=="workflows_per_s"{print $2}' "$1"; }
# row NAME FILE-PREFIX: the median of the R runs' wf/s and CPU ms per workflow.
rows=()
row() {
	local name=$1 prefix=$2 i
	local ws cs
	ws=$(for i in $(seq 1 "$R"); do rate "$prefix.$i"; done)
	cs=$(for i in $(seq 1 "$R"); do awk -v n="$N" '{printf "%.3f\n", $1 * 1000 / n}' "$prefix.$i.cpu"; done)
	median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
	rows+=("$(printf "%-44s %9s %14s   runs: %s" "$name" "$(median <<<"$ws")" "$(median <<<"$cs")" "$(echo $ws)")")
}

run=(bench -workflows "$N" -tasks 2 -lone 0 -progress=false)
for i in $(seq 1 "$R"); do
	for p in 1 2; do
		echo "== embedded GOMAXPROCS=$p run $i" >&2
		GOMAXPROCS=$p timed "$OUT/gomaxprocs$p.$i" "$bin" "${run[@]}"
	done
done

"$bin" bench -serve "$addr" -data-dir "$tmp/server" 2>"$OUT/server.err" &
server=$!
until (exec 3<>"/dev/tcp/${addr%:*}/${addr##*:}") 2>/dev/null; do sleep 0.2; done
url=nats://$addr
for i in $(seq 1 "$R"); do
	echo "== nats, one process, run $i" >&2
	before=$(cpu "$server")
	timed "$OUT/one.$i" "$bin" "${run[@]}" -backend nats -nats-url "$url"
	awk -v a="$before" -v b="$(cpu "$server")" '{printf "%.3f", $1 + b - a}' "$OUT/one.$i.cpu" >"$OUT/cpu.tmp" && mv "$OUT/cpu.tmp" "$OUT/one.$i.cpu"
	for w in 1 2; do
		echo "== nats, client + $w worker processes, run $i" >&2
		id=scale$w$i$RANDOM workers=()
		for k in $(seq 1 "$w"); do
			"$bin" bench -role worker -backend nats -nats-url "$url" -run-id "$id" 2>"$OUT/workers$w.$i.w$k.err" &
			workers+=($!)
		done
		sleep 1 # the workers' start-up is not counted
		before=$(cpu "$server" "${workers[@]}")
		timed "$OUT/workers$w.$i" "$bin" "${run[@]}" -role client -backend nats -nats-url "$url" -run-id "$id"
		after=$(cpu "$server" "${workers[@]}")
		kill -TERM "${workers[@]}"
		wait "${workers[@]}" || true
		awk -v a="$before" -v b="$after" '{printf "%.3f", $1 + b - a}' "$OUT/workers$w.$i.cpu" >"$OUT/cpu.tmp" && mv "$OUT/cpu.tmp" "$OUT/workers$w.$i.cpu"
	done
done

{
	echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $N workflows x 2 tasks, all at once; medians of $R"
	printf "%-44s %9s %14s\n" "configuration" "wf/s" "CPU ms/wf"
	row "embedded, GOMAXPROCS=1" "$OUT/gomaxprocs1"
	row "embedded, GOMAXPROCS=2" "$OUT/gomaxprocs2"
	row "server + client and worker in one process" "$OUT/one"
	row "server + client + 1 worker process" "$OUT/workers1"
	row "server + client + 2 worker processes" "$OUT/workers2"
	printf '%s\n' "${rows[@]}"
	echo "# CPU ms/wf: user+sys of the bench processes and the server during the run, per workflow; reports in $OUT"
} | tee "$OUT/table.txt"
