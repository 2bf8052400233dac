#!/bin/bash
# Run each libFuzzer target RUNS times (at most SECONDS), starting from its seed corpus
# (copied, so new findings stay in the build tree). A target that crashes, or that the time
# cap stops before RUNS inputs, fails. Crashes are saved under BUILD/tests/fuzz/artifacts/.
# Usage: tests/fuzz/run-fuzz.sh BUILD RUNS SECONDS TARGET...
set -u
build=$1; runs=$2; secs=$3; shift 3
src=$(cd "$(dirname "$0")/../.." && pwd)
export HB_SRCDIR="$src"
failed=0; passed=0
for t in "$@"; do
    bin="$build/tests/fuzz/$t"
    corpus="$build/tests/fuzz/corpus/$t"; art="$build/tests/fuzz/artifacts/$t/"
    log="$build/tests/fuzz/$t.log"
    mkdir -p "$corpus" "$art"
    [ -d "$src/tests/fuzz/corpus/$t" ] && cp -n "$src/tests/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null
    echo "fuzz: $t, $runs runs (cap ${secs}s)"
    if "$bin" -runs="$runs" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="$art" -print_final_stats=1 "$corpus" >"$log" 2>&1; then
        done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        grep -E '^Done|cov:' "$log" | tail -n 2 | sed 's/^/    /'
        if [ "${done_runs:-0}" -ge "$runs" ]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "    INCOMPLETE — ${done_runs:-0} of $runs runs within ${secs}s"
        fi
    else
        failed=$((failed + 1))
        echo "    FAILED — see $log and $art"
        grep -E 'ERROR|SUMMARY' "$log" | head -n 5 | sed 's/^/    /'
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
