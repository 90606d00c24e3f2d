#!/usr/bin/env bash
# Transaction benchmarks on the 3-store playground (issue 7's benchmark), written to
# bench/results/txn-playground.md. Three playgrounds, each fresh, one after the other:
#   1. default settings: read-modify-write transactions (io.kvasir.bench.txn.TxnBench mix) —
#      optimistic 2PC of 1 and of 4 keys through tikv-client-java, pessimistic transactions of
#      4 keys over kvproto — at 16 and 64 threads, keys chosen uniformly and zipfian; transactions/s,
#      p50/p99 of the committed ones, aborts by cause. The 1-key optimistic transaction is the
#      baseline of the others, in the same run.
#   2. and 3. the flow-control effect: the same sustained burst of transactional writes (TxnBench
#      burst) against a playground with flow control (the default) and one with
#      -Dstorage.flow-control.enable=false, both with a small RocksDB write buffer and low level-0
#      triggers so that the engine reaches its own slowdown and stop points within the burst;
#      write latency second by second, and the seconds in which a write waited over 1 s.
# Each playground keeps its data in a new temporary directory and is stopped (SIGTERM, then
# SIGKILL) when the script exits, however it exits. The default run takes about 16 minutes.
#
# Run it alone on the machine: `flock /tmp/kvasir-mvn.lock bench/run-txn.sh`.
#
# Environment (defaults in brackets):
#   TXN_DURATION [25] TXN_WARMUP [5]   seconds per mix phase
#   TXN_CLUSTER_WARMUP [180]           unmeasured transactions before the first mix phase (the nodes' JIT)
#   TXN_THREADS [16,64]  TXN_KINDS [opt1,opt4,pess4]  TXN_DISTRIBUTIONS [uniform,zipfian]
#   TXN_RECORDS [10000]                keys the mix chooses from
#   TXN_MIX_ARGS []                    more `TxnBench mix` options, e.g. "--lock-wait-ms 500"
#   TXN_BURST_WARMUP [20]              seconds of the same burst before each measured one, not measured
#   TXN_BURST_DURATION [60] TXN_BURST_THREADS [64] TXN_BURST_VALUE_SIZE [32768] TXN_BURST_KEYS [100000]
#   TXN_BURST_ENGINE_OPTS [see below]  node JVM options of both burst playgrounds (engine settings)
#   TXN_NODE_JAVA_OPTS [-Xmx1g]        node JVM options of every playground (KVASIR_JAVA_OPTS)
#   TXN_JAVA_OPTS [-Xms512m -Xmx1g]    JVM options of the driver
#   TXN_PARTS [mix,burst]              which parts to run
#   TXN_OUT [bench/results/txn-playground.md]
#   TXN_BUILD [0]                      1: rebuild the distribution and the driver first
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$bench_dir")"
dist="$repo/assembly/target/kvasir"
jar="$bench_dir/target/benchmarks.jar"
out="$(realpath -m "${TXN_OUT:-$bench_dir/results/txn-playground.md}")"
duration="${TXN_DURATION:-25}"
cluster_warmup="${TXN_CLUSTER_WARMUP:-180}"
warmup="${TXN_WARMUP:-5}"
threads="${TXN_THREADS:-16,64}"
kinds="${TXN_KINDS:-opt1,opt4,pess4}"
distributions="${TXN_DISTRIBUTIONS:-uniform,zipfian}"
records="${TXN_RECORDS:-10000}"
read -r -a mix_args <<< "${TXN_MIX_ARGS:-}"
burst_duration="${TXN_BURST_DURATION:-60}"
burst_warmup="${TXN_BURST_WARMUP:-20}"
burst_threads="${TXN_BURST_THREADS:-64}"
burst_value_size="${TXN_BURST_VALUE_SIZE:-32768}"
burst_keys="${TXN_BURST_KEYS:-100000}"
# The engine of both burst playgrounds: a 256 KiB write buffer (a level-0 file per 256 KiB written,
# per column family), three of them at most, one background job (one flush and one compaction
# thread), level-0 slowdown at 6 files and stop at 9 (compaction starts at 4). On this machine the
# write path is CPU-bound at a few MB/s per store, far below what RocksDB compacts with its
# defaults (64 MiB buffers, 20/36 files), so nothing would happen; these make each level-0
# compaction rewrite the whole (uniformly overwritten) database for a small batch of new data,
# so that compaction falls behind within the minute. The pending-compaction limits are set out
# of reach: with a database this small RocksDB's estimate jumps to the whole database whenever
# level 0 reaches 4 files, which would stop writes at every compaction whatever the write rate,
# and no flow control could help with that. Regions do not split during the burst: PD moves the
# leaders of new regions about, which would blur the comparison.
burst_engine_opts="${TXN_BURST_ENGINE_OPTS:--Drocksdb.write-buffer-size=256KiB -Drocksdb.max-write-buffer-number=3 -Drocksdb.max-background-jobs=1 -Drocksdb.level0-slowdown-writes-trigger=6 -Drocksdb.level0-stop-writes-trigger=9 -Drocksdb.soft-pending-compaction-bytes-limit=1GiB -Drocksdb.hard-pending-compaction-bytes-limit=4GiB -Dcoprocessor.region-max-size=8GiB -Dcoprocessor.region-split-size=4GiB}"
node_opts="${TXN_NODE_JAVA_OPTS:--Xmx1g}"
read -r -a java_opts <<< "${TXN_JAVA_OPTS:--Xms512m -Xmx1g}"
parts="${TXN_PARTS:-mix,burst}"
start_timeout=90
stop_timeout=120

# Build what is missing or stale. Not through the Maven lock: the caller holds it for the whole run.
if [[ "${TXN_BUILD:-0}" == 1 || ! -x "$dist/bin/kvasir" ]]; then
    (cd "$repo" && mvn -B -q -o -DskipTests package -pl assembly,bench -am)
elif [[ ! -f "$jar" || -n "$(find "$bench_dir/src/main" "$bench_dir/pom.xml" -newer "$jar" -print -quit)" ]]; then
    (cd "$repo" && mvn -B -q -o -DskipTests package -pl bench)
fi
mkdir -p "$bench_dir/target" "$(dirname "$out")"

pid=""
data=""
playground_name=""
driver_pid=""
keep_data=0

stop_playground() {
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        echo "stopping the playground (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        local waited=0
        while kill -0 "$pid" 2>/dev/null && (( waited < stop_timeout )); do
            sleep 1
            waited=$((waited + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            # Its nodes are its children; a killed playground cannot stop them itself.
            local children
            children="$(pgrep -P "$pid" || true)"
            echo "warning: the playground did not stop within ${stop_timeout}s; killing pid $pid $children" >&2
            kill -KILL "$pid" $children 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    fi
    pid=""
    if [[ -n "$data" && -n "$playground_name" ]]; then
        # The nodes' own logs and RocksDB's, kept for a look after the run (the data is deleted).
        local logs="$bench_dir/target/txn-$playground_name-logs"
        rm -rf "$logs"
        mkdir -p "$logs"
        for node in "$data"/*/; do
            node="$(basename "$node")"
            cp "$data/$node/kvasir.log" "$logs/$node-kvasir.log" 2>/dev/null || true
            cp "$data/$node/rocksdb/LOG" "$logs/$node-rocksdb.LOG" 2>/dev/null || true
        done
    fi
    if [[ -n "$data" ]]; then
        if (( keep_data )); then
            echo "the playground's data and node logs are kept in $data" >&2
        else
            rm -rf "$data"
        fi
    fi
    data=""
}

cleanup() {
    local status=$?
    if [[ -n "$driver_pid" ]] && kill -0 "$driver_pid" 2>/dev/null; then
        kill -TERM "$driver_pid" 2>/dev/null || true
        wait "$driver_pid" 2>/dev/null || true
    fi
    (( status == 0 )) || keep_data=1
    stop_playground
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_playground NAME EXTRA_NODE_JVM_OPTIONS: a fresh playground on free ports; sets pid, data, pd.
start_playground() {
    local name="$1" extra="$2"
    playground_name="$name"
    data="$(mktemp -d "${TMPDIR:-/tmp}/kvasir-txn-$name.XXXXXX")"
    cluster_log="$bench_dir/target/txn-$name-cluster.log"
    echo "starting playground '$name' (data in $data, output in $cluster_log)"
    # The playground hands its own JVM flags, -D overrides included, to every node it starts.
    KVASIR_JAVA_OPTS="$node_opts $extra" "$dist/bin/kvasir" playground --data "$data" --pd-port 0 \
        >"$cluster_log" 2>&1 &
    pid=$!
    local deadline=$((SECONDS + start_timeout))
    until grep -q '^PD address:' "$cluster_log"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "error: the playground exited while starting:" >&2
            tail -n 30 "$cluster_log" >&2
            exit 1
        fi
        if (( SECONDS >= deadline )); then
            echo "error: the playground did not start within ${start_timeout}s:" >&2
            tail -n 30 "$cluster_log" >&2
            exit 1
        fi
        sleep 0.5
    done
    pd="$(grep -m1 '^PD address:' "$cluster_log" | awk '{print $3}')"
    echo "playground '$name' up, PD at $pd"
}

# store_config KEY: the key's value in every store's effective config (its status server's /config).
store_config() {
    local key="$1" conf addr values=""
    for conf in "$data"/store-*/node.conf; do
        addr="$(grep -m1 'server.status-addr' "$conf" | sed -E 's/.*"(.*)".*/\1/')"
        values="$values $(curl -s "http://$addr/config" | tr -d ' ' | grep -oE "\"?${key##*.}\"?[:=][^,}]*" | head -n 1)"
    done
    echo "${values# }"
}

# driver ARGS...: runs TxnBench in the background (so a signal to this script stops it at once).
driver() {
    local client_log="$bench_dir/target/txn-client.log"
    (cd /tmp && exec java "${java_opts[@]}" -Dorg.slf4j.simpleLogger.logFile="$client_log" -cp "$jar" \
        io.kvasir.bench.txn.TxnBench "$@") &
    driver_pid=$!
    # Its exit status, returned explicitly: set -e does not stop a function called before ||.
    local status=0
    wait "$driver_pid" || status=$?
    driver_pid=""
    return "$status"
}

commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$repo" status --porcelain 2>/dev/null | head -n 1)" ]]; then
    commit="$commit (with uncommitted changes)"
fi
command="flock /tmp/kvasir-mvn.lock bench/run-txn.sh"
for v in $(compgen -e | grep '^TXN_' | sort); do
    command="$v=\"${!v}\" $command"
done
{
    echo "# Transactions on the 3-store playground"
    echo
    echo "Written by \`bench/run-txn.sh\` on $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $commit, with"
    echo
    echo "    $command"
    echo
    echo "PD and three stores (RocksDB, synced Raft log, every region on all three) as separate processes"
    echo "on loopback, started fresh by \`kvasir playground\` for each part. **The machine has $(nproc) cores,"
    echo "shared by PD, the three stores and the driver**: the figures say how Kvasir behaves under"
    echo "contention on one box, not what three real servers would do. Each figure comes from a single run,"
    echo "and runs on a shared 2-core machine are noisy: differences of ±20 % between rows mean little."
    echo
} > "$out"

if [[ ",$parts," == *",mix,"* ]]; then
    start_playground mix ""
    driver mix --pd "$pd" --kinds "$kinds" --threads "$threads" --distributions "$distributions" \
        --records "$records" --duration "$duration" --warmup "$warmup" --cluster-warmup "$cluster_warmup" --out "$out" "${mix_args[@]}" || {
        status=$?
        # 3: the counter audit found lost updates; the table says so, and the bursts still run.
        (( status == 3 )) || exit "$status"
        echo "warning: the mix's counter audit failed; see $out" >&2
    }
    warnings="$(grep -cE ' (WARN|ERROR) ' "$bench_dir/target/txn-client.log" 2>/dev/null || true)"
    echo "- tikv-client-java logged ${warnings:-0} warnings and errors (\`bench/target/txn-client.log\`)." >> "$out"
    echo >> "$out"
    stop_playground
fi

if [[ ",$parts," == *",burst,"* ]]; then
    for mode in on off; do
        extra="$burst_engine_opts"
        [[ "$mode" == off ]] && extra="$extra -Dstorage.flow-control.enable=false"
        start_playground "burst-$mode" "$extra"
        echo "flow control as the stores see it (/config): $(store_config storage.flow-control.enable)"
        driver burst --pd "$pd" --label "flow control $mode" --threads "$burst_threads" \
            --duration "$burst_duration" --warmup "$burst_warmup" --value-size "$burst_value_size" --keys "$burst_keys" \
            --series "$bench_dir/target/txn-burst-$mode.tsv" --engine-logs "$data"
        stop_playground
    done
    {
        echo "## Flow control: how the burst's playgrounds were set up"
        echo
        echo "Both burst playgrounds ran their nodes with"
        echo
        echo "    KVASIR_JAVA_OPTS=\"$node_opts $burst_engine_opts\""
        echo
        echo "(small write buffers and low level-0 triggers, so that RocksDB reaches its slowdown and stop"
        echo "points within the burst; pending-compaction limits out of reach; no region split during the"
        echo "burst), and the second one also with \`-Dstorage.flow-control.enable=false\`. Flow control"
        echo "(txn-bundle, on by default) holds transactional writes to the byte rate the engine absorbs once"
        echo "it falls behind (level 0 past the compaction trigger, the last write buffer filling), no write"
        echo "waiting longer than \`storage.flow-control.max-delay\` (500 ms); off, writes go straight on and"
        echo "RocksDB's own slowdown and stop decide."
        echo
    } >> "$out"
    driver burst-report --on "$bench_dir/target/txn-burst-on.tsv" --off "$bench_dir/target/txn-burst-off.tsv" \
        --out "$out"
fi
echo "wrote $out"
