#!/usr/bin/env bash
# Runs the YCSB-style driver (io.kvasir.bench.ycsb.YcsbDriver) against a fresh `kvasir playground`
# on loopback and writes bench/results/ycsb-playground.md:
#   1. load, A, B, C, E with 100-byte values, uniform key choice;
#   2. load, A, C with 1 KiB values, zipfian key choice (theta 0.99, hot keys scattered).
# Each workload runs YCSB_WARMUP + YCSB_DURATION seconds, so the default run takes about
# 2 x load + 6 x 35 s, under five minutes once the cluster is up. The playground gets a new data
# directory under /tmp (deleted after a clean run, kept for its logs after a failure) and free ports,
# and is stopped with SIGTERM when the script exits, however it exits.
#
# Run it while nothing else builds or benchmarks: `flock /tmp/kvasir-mvn.lock bench/run-ycsb.sh`.
# Extra arguments go to both driver runs, e.g. `bench/run-ycsb.sh --scan-length 50`.
#
# Environment (defaults in brackets):
#   YCSB_THREADS [16]  YCSB_DURATION [30]  YCSB_WARMUP [5]  YCSB_RECORDS [100000]  YCSB_SEED [1]
#   YCSB_JAVA_OPTS [-Xms1g -Xmx1g]     JVM options of the driver (also -Dtikv.* client settings)
#   YCSB_PD_PORT [0]                    PD port of the playground; 0 lets it pick free ports for all nodes
#   YCSB_PLAYGROUND_ARGS []             more playground options, e.g. "--stores 3 --engine lmdb"
#   YCSB_START_TIMEOUT [60]             seconds to wait for the playground to serve
#   YCSB_STOP_TIMEOUT [120]             seconds to wait for it to stop after SIGTERM
#   YCSB_OUT [bench/results/ycsb-playground.md]
#   KVASIR_DIST [assembly/target/kvasir] the distribution that provides bin/kvasir
#   YCSB_BUILD [0]                      1: build the whole tree first even if nothing is missing
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$bench_dir")"
jar="$bench_dir/target/benchmarks.jar"
dist="${KVASIR_DIST:-$repo/assembly/target/kvasir}"
# Absolute: the driver runs in /tmp.
out="$(realpath -m "${YCSB_OUT:-$bench_dir/results/ycsb-playground.md}")"
threads="${YCSB_THREADS:-16}"
duration="${YCSB_DURATION:-30}"
warmup="${YCSB_WARMUP:-5}"
records="${YCSB_RECORDS:-100000}"
seed="${YCSB_SEED:-1}"
pd_port="${YCSB_PD_PORT:-0}"
start_timeout="${YCSB_START_TIMEOUT:-60}"
stop_timeout="${YCSB_STOP_TIMEOUT:-120}"
read -r -a java_opts <<< "${YCSB_JAVA_OPTS:--Xms1g -Xmx1g}"
read -r -a playground_args <<< "${YCSB_PLAYGROUND_ARGS:-}"

# Build what is missing: the whole tree for the distribution, the bench module for a stale driver.
# Not through the Maven lock: the caller holds it for the whole run.
if [[ "${YCSB_BUILD:-0}" == 1 || ! -x "$dist/bin/kvasir" || ! -f "$jar" ]]; then
    (cd "$repo" && mvn -B -q -DskipTests package)
elif [[ -n "$(find "$bench_dir/src/main" "$bench_dir/pom.xml" -newer "$jar" -print -quit)" ]]; then
    (cd "$repo" && mvn -B -q -pl bench -am -DskipTests package)
fi

mkdir -p "$bench_dir/target" "$(dirname "$out")"
data="$(mktemp -d /tmp/kvasir-ycsb.XXXXXX)"
cluster_log="$bench_dir/target/ycsb-playground-cluster.log"
driver_log="$bench_dir/target/ycsb-playground.log"
pid=""
driver_pid=""
clean=0

stop_playground() {
    local status=$?
    if [[ -n "$driver_pid" ]] && kill -0 "$driver_pid" 2>/dev/null; then
        echo "stopping the driver (pid $driver_pid)"
        kill -TERM "$driver_pid" 2>/dev/null || true
        wait "$driver_pid" 2>/dev/null || true
    fi
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
            echo "warning: the playground did not stop within ${stop_timeout}s; killing pid $pid ${children}" >&2
            kill -KILL "$pid" $children 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    fi
    if (( clean )); then
        rm -rf "$data"
    else
        echo "the playground's data and node logs are kept in $data; its output is in $cluster_log" >&2
    fi
    exit "$status"
}
trap stop_playground EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "starting the playground: data in $data, output in $cluster_log"
"$dist/bin/kvasir" playground --data "$data" --pd-port "$pd_port" "${playground_args[@]}" >"$cluster_log" 2>&1 &
pid=$!

# Up when it has printed the PD address (it does once every node serves) and the port accepts.
pd=""
deadline=$((SECONDS + start_timeout))
while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "error: the playground exited while starting; its output:" >&2
        tail -n 30 "$cluster_log" >&2
        echo "(if $dist predates the playground command, rebuild it: YCSB_BUILD=1 $0)" >&2
        exit 1
    fi
    if [[ -z "$pd" ]]; then
        if [[ "$pd_port" != 0 ]]; then
            grep -q "127\.0\.0\.1:$pd_port" "$cluster_log" && pd="127.0.0.1:$pd_port"
        else
            pd="$(grep -i 'pd' "$cluster_log" | grep -oE '127\.0\.0\.1:[0-9]+' | head -n 1 || true)"
        fi
    fi
    if [[ -n "$pd" ]] && (exec 3<>"/dev/tcp/127.0.0.1/${pd##*:}") 2>/dev/null; then
        break
    fi
    if (( SECONDS >= deadline )); then
        echo "error: the playground did not serve within ${start_timeout}s; its output:" >&2
        tail -n 30 "$cluster_log" >&2
        exit 1
    fi
    sleep 0.5
done
echo "playground up, PD at $pd"

commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$repo" status --porcelain 2>/dev/null | head -n 1)" ]]; then
    commit="$commit (with uncommitted changes)"
fi
{
    echo "# YCSB against the playground"
    echo
    echo "Written by \`bench/run-ycsb.sh\` on $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $commit."
    echo "Playground: \`kvasir playground --pd-port $pd_port ${playground_args[*]}\` on loopback, started fresh."
    up="$(grep -m 1 -i 'playground is up' "$cluster_log" | sed 's/, data in .*//' || true)"
    if [[ -n "$up" ]]; then
        echo "It said: $up."
    fi
    echo "The driver and the cluster share the machine's cores. Each workload's figures are over"
    echo "${duration} s after ${warmup} s of warm-up; latencies are of successful calls only; errors"
    echo "are calls that threw in the measured window (see io.kvasir.bench.ycsb.YcsbDriver)."
    echo
} > "$out"

# The driver runs in the background and the script waits for it, so that a signal to the script is
# handled at once (bash defers traps until a foreground command ends) and stops the driver too.
: > "$driver_log"
run_driver() {
    local client_log="$bench_dir/target/ycsb-client-$1.log"
    shift
    # The client's own log (warnings: retries, region errors, unreachable stores) goes to a file.
    (cd /tmp && exec java -Dorg.slf4j.simpleLogger.logFile="$client_log" "${java_opts[@]}" -cp "$jar" \
        io.kvasir.bench.ycsb.YcsbDriver --pd "$pd" --records "$records" --threads "$threads" \
        --duration "$duration" --warmup "$warmup" --seed "$seed" --out "$out" "$@") \
        > >(tee -a "$driver_log") 2>&1 &
    driver_pid=$!
    wait "$driver_pid"
    driver_pid=""
    local warnings
    # Not counted: the warning that no tikv.properties is on the class path.
    warnings="$(grep -E ' (WARN|ERROR) ' "$client_log" 2>/dev/null | grep -c -v 'tikv.properties' || true)"
    echo "- tikv-client-java logged ${warnings:-0} warnings and errors (\`bench/target/${client_log##*/}\`)." >> "$out"
    echo >> "$out"
}

run_driver 1 --workload load,A,B,C,E --value-size 100 --distribution uniform --label "100 B values, uniform" "$@"
run_driver 2 --workload load,A,C --value-size 1024 --distribution zipfian --label "1 KiB values, zipfian" "$@"
clean=1
echo "wrote $out"
