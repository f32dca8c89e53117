#!/usr/bin/env bash
# Builds every fuzz target, seeds the corpora from tests/data, and runs each target for a bounded
# time. Usage: fuzz/run-all.sh [SECONDS_PER_TARGET] [TARGET...]   (default 20 s, every target)
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Exits non-zero on the
# first target that crashes, leaving the reproducer in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-20}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
python3 seeds.py corpus >/dev/null
cargo +nightly fuzz build
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    start=$(date +%s)
    # -rss_limit_mb: the machine target holds a user agent with a small cache; 2 GB is ample.
    if ! cargo +nightly fuzz run "$t" "corpus/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 \
        >"target/fuzz-$t.log" 2>&1; then
        tail -40 "target/fuzz-$t.log"
        echo "fuzz target $t FAILED (see fuzz/artifacts/$t/)"
        exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "target/fuzz-$t.log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "target/fuzz-$t.log" | tail -1 || true)
    echo "fuzz $t: $(( $(date +%s) - start )) s, $runs runs, $cov, corpus $(ls "corpus/$t" | wc -l) files"
done
