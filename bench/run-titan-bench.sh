#!/usr/bin/env bash
# Runs the engine-titan benchmark (io.kvasir.bench.titan.TitanBench): engine-titan against
# engine-rocksdb in one JVM, for values of 100 B, 1 KiB, 16 KiB and 64 KiB, and writes
# bench/results/engine-titan.md (figures and the summary against issue 6's targets).
#
# Takes about twelve minutes on a 2-core machine and needs about 6 GiB free under /tmp. Run it while
# nothing else builds: `flock /tmp/kvasir-mvn.lock bench/run-titan-bench.sh`.
#
# Extra arguments go to the driver, e.g. `bench/run-titan-bench.sh --mib 128 --sizes 16384`
# (data loaded for 100-byte values, default 512 MiB; twice that for 1 KiB, four times from 16 KiB) or `--read-seconds 1`.
set -euo pipefail

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$bench_dir")"
jar="$bench_dir/target/benchmarks.jar"
results="$bench_dir/results"

# Build the jar if it is missing or older than the benchmark or engine sources. Not through the
# Maven lock: the caller holds it for the whole run, so that no build competes with the benchmark.
if [[ ! -f "$jar" ]] || [[ -n "$(find "$bench_dir/src" "$bench_dir/pom.xml" "$repo"/engine-{api,rocksdb,titan}/src \
                "$repo"/engine-{api,rocksdb,titan}/pom.xml -newer "$jar" -print -quit)" ]]; then
    (cd "$repo" && mvn -B -q -o -pl bench -am package -DskipTests)
fi

mkdir -p "$results"
# The stores' directories go under /tmp; the driver deletes each after its run.
(cd /tmp && java -Xms2g -Xmx2g -cp "$jar" io.kvasir.bench.titan.TitanBench --out "$results/engine-titan.md" "$@") \
    | tee "$bench_dir/target/engine-titan.log"
