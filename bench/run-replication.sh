#!/usr/bin/env bash
# Replicated write and read throughput on the 3-store playground (issue 5's benchmark), written to
# bench/results/replication-playground.md:
#   - puts/s and latency percentiles with 1, 16 and 64 client threads (workload W: updates only),
#     every Raft log write synced (TiKV's default durability);
#   - gets/s with 16 threads (workload C), and how the stores served them: from the leader's lease
#     or through ReadIndex (kvasir_raftstore_reads_total);
#   - the group-commit effect: synced Raft log writes per second against proposals per second,
#     scraped from every store's /metrics before and after each write run.
# The records are first split into REPLICATION_SPLIT_REGIONS [24] regions, so that every store
# leads some (PD's leader balance). Needs curl. Runs bench/run-ycsb.sh's driver; the same environment variables apply
# (YCSB_DURATION [30], YCSB_WARMUP [5], YCSB_RECORDS [100000], YCSB_JAVA_OPTS, YCSB_SEED).
# Run it alone on the machine: `flock /tmp/kvasir-mvn.lock bench/run-replication.sh`.
set -euo pipefail

bench_dir="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$bench_dir/.." && pwd)"
dist="$repo/assembly/target/kvasir"
jar="$bench_dir/target/benchmarks.jar"
out="$(realpath -m "${REPLICATION_OUT:-$bench_dir/results/replication-playground.md}")"
duration="${YCSB_DURATION:-30}"
warmup="${YCSB_WARMUP:-5}"
records="${YCSB_RECORDS:-100000}"
seed="${YCSB_SEED:-1}"
read -r -a java_opts <<< "${YCSB_JAVA_OPTS:--Xms1g -Xmx1g}"
# Regions the records are split into first, so that leaders (spread by PD) serve from every store.
split_regions="${REPLICATION_SPLIT_REGIONS:-24}"

if [[ ! -x "$dist/bin/kvasir" || ! -f "$jar" ]]; then
    (cd "$repo" && mvn -B -q -DskipTests package)
fi
mkdir -p "$bench_dir/target" "$(dirname "$out")"
data="$(mktemp -d "${TMPDIR:-/tmp}/kvasir-replication.XXXXXX")"
cluster_log="$bench_dir/target/replication-cluster.log"
pid=""

stop_playground() {
    local status=$?
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$data"
    exit "$status"
}
trap stop_playground EXIT

"$dist/bin/kvasir" playground --data "$data" --pd-port 0 >"$cluster_log" 2>&1 &
pid=$!
for _ in $(seq 1 240); do
    grep -q '^PD address:' "$cluster_log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$cluster_log" >&2; exit 1; }
    sleep 0.5
done
pd="$(grep -m1 '^PD address:' "$cluster_log" | awk '{print $3}')"
status_addrs=()
for conf in "$data"/store-*/node.conf; do
    status_addrs+=("$(grep -m1 'server.status-addr' "$conf" | sed -E 's/.*"(.*)".*/\1/')")
done
echo "playground up, PD at $pd, stores' status at ${status_addrs[*]}"

# Sums a counter over every store: metric name and an optional label filter.
scrape() {
    local name="$1" filter="${2:-}" total=0 v
    for addr in "${status_addrs[@]}"; do
        v="$(curl -s "http://$addr/metrics" | grep -E "^$name(\{|\s)" | grep -F -- "$filter" \
            | awk '{s+=$NF} END {printf "%d", s}')"
        total=$((total + ${v:-0}))
    done
    echo "$total"
}

driver() {
    (cd /tmp && java "${java_opts[@]}" -Dorg.slf4j.simpleLogger.logFile="$bench_dir/target/replication-client.log" \
        -cp "$jar" io.kvasir.bench.ycsb.YcsbDriver --pd "$pd" --records "$records" --duration "$duration" \
        --warmup "$warmup" --seed "$seed" --value-size 100 --distribution uniform --out "$out" "$@")
}

# Waits until PD shows the first region with three voters: measure replication, not its set-up.
for _ in $(seq 1 120); do
    voters="$(scrape kvasir_raftstore_regions 'type="all"')"
    (( voters >= 3 )) && break
    sleep 1
done

commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
{
    echo "# Replication on the 3-store playground"
    echo
    echo "Written by \`bench/run-replication.sh\` on $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $commit."
    echo "PD and three stores (RocksDB, synced Raft log) as separate processes on loopback; every region"
    echo "has three voters. The driver shares the machine's cores with the cluster. ${duration} s after"
    echo "${warmup} s of warm-up per run; 100 B values, uniform keys."
    echo
} > "$out"

driver --threads 16 --workload load --split-regions "$split_regions" --label "load" >/dev/null
# PD spreads the new regions' leaders over the stores, a few per second; wait until every store leads some.
for _ in $(seq 1 120); do
    spread=1
    for addr in "${status_addrs[@]}"; do
        leaders="$(curl -s "http://$addr/metrics" | grep -E '^kvasir_raftstore_regions\{type="leader"' | awk '{printf "%d", $NF}')"
        (( ${leaders:-0} > 0 )) || spread=0
    done
    (( spread )) && break
    sleep 1
done
leader_counts=""
for addr in "${status_addrs[@]}"; do
    leader_counts="$leader_counts $(curl -s "http://$addr/metrics" | grep -E '^kvasir_raftstore_regions\{type="leader"' | awk '{printf "%d", $NF}')"
done
echo "Leaders per store after the split into $split_regions regions:$leader_counts." >> "$out"
echo >> "$out"
group_commit="| client threads | synced log writes/s (all stores) | proposals/s (leaders) | proposals per fsync, per store |
|---:|---:|---:|---:|"
for threads in 1 16 64; do
    s0="$(scrape kvasir_raftstore_log_writes_total 'synced="true"')"
    p0="$(scrape kvasir_raftstore_proposals_total)"
    t0="$(date +%s.%N)"
    driver --threads "$threads" --workload W --label "writes, $threads threads"
    t1="$(date +%s.%N)"
    s1="$(scrape kvasir_raftstore_log_writes_total 'synced="true"')"
    p1="$(scrape kvasir_raftstore_proposals_total)"
    # Every proposal is synced on each of the stores, so the ratio is per store.
    row="$(awk -v s="$((s1 - s0))" -v p="$((p1 - p0))" -v t0="$t0" -v t1="$t1" -v n="$threads" -v k="${#status_addrs[@]}" \
        'BEGIN { d = t1 - t0; printf "| %d | %.0f | %.0f | %.2f |", n, s / d, p / d, (s > 0 ? p * k / s : 0) }')"
    group_commit="$group_commit
$row"
done
l0="$(scrape kvasir_raftstore_reads_total 'path="lease"')"
r0="$(scrape kvasir_raftstore_reads_total 'path="read_index"')"
driver --threads 16 --workload C --label "reads, 16 threads"
l1="$(scrape kvasir_raftstore_reads_total 'path="lease"')"
r1="$(scrape kvasir_raftstore_reads_total 'path="read_index"')"
{
    echo "## Group commit"
    echo
    echo "Counted over each whole write run (warm-up included), from the stores' /metrics. A synced"
    echo "log write is one fsync of a store's Raft log, covering every proposal that arrived meanwhile;"
    echo "followers sync too, so the synced writes are summed over all three stores."
    echo
    echo "$group_commit"
    echo
    echo "## How reads were served"
    echo
    echo "During the read run: $((l1 - l0)) from the leader's lease, $((r1 - r0)) through ReadIndex."
} >> "$out"
echo "wrote $out"
