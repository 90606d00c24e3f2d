#!/usr/bin/env bash
# Runs the engine-layer benchmarks (io.kvasir.bench.engine) in one JMH run: each engine against
# its raw library on the same workloads, then writes bench/results/engine-raw.json (JMH's JSON)
# and bench/results/engine.md (the report, by engine_report.py).
#
# Takes about 7.5 minutes on a 2-core machine. Per-workload warmup and measurement settings are in
# the benchmark classes' annotations; do not override them here, so the report can quote them.
# Run it while nothing else builds: `flock /tmp/kvasir-mvn.lock bench/run-engine-bench.sh`.
#
# Extra arguments go to JMH, e.g. `bench/run-engine-bench.sh -p target=lmdb-engine,lmdb-raw`
# or `bench/run-engine-bench.sh ReadBench.scan1000 -prof stack`; such a partial run writes
# engine-partial.{json,md} instead, leaving the full run's report alone.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$bench_dir")"
jar="$bench_dir/target/benchmarks.jar"
results="$bench_dir/results"
json="$results/engine-raw.json"
report="$results/engine.md"
if [[ $# -gt 0 ]]; then
    json="$results/engine-partial.json"
    report="$results/engine-partial.md"
fi

# Build the jar if it is missing or older than the sources of the benchmarks or the engines. Not
# through the Maven lock: the caller holds it for the whole run, so that no build competes with
# the benchmarks.
if [[ ! -f "$jar" ]] || [[ -n "$(find "$bench_dir/src" "$bench_dir/pom.xml" "$repo"/engine-{api,rocksdb,lmdb}/src \
                "$repo"/engine-{api,rocksdb,lmdb}/pom.xml -newer "$jar" -print -quit)" ]]; then
    (cd "$repo" && mvn -B -q -pl bench -am package -DskipTests)
fi

mkdir -p "$results"
jmh_args=(-f 1 -rf json -rff "$json")
if [[ $# -gt 0 ]]; then
    jmh_args+=("$@")
else
    jmh_args+=('io\.kvasir\.bench\.engine\.')
fi

started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
# JMH's forks write their temporary files and the stores' data directories under /tmp.
(cd /tmp && java -jar "$jar" "${jmh_args[@]}") | tee "$results/engine-jmh.log"

python3 "$bench_dir/engine_report.py" --json "$json" --out "$report" --started "$started"
echo "wrote $report"
