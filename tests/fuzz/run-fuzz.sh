#!/bin/bash
# Run each libFuzzer target for SECONDS, starting from its seed corpus (copied, so new
# findings stay in the build tree). Crashes are saved under BUILD/tests/fuzz/artifacts/.
# Usage: tests/fuzz/run-fuzz.sh BUILD SECONDS TARGET...
set -u
build=$1; secs=$2; shift 2
src=$(cd "$(dirname "$0")/../.." && pwd)
export HB_SRCDIR="$src"
failed=0; passed=0
for t in "$@"; do
    bin="$build/tests/fuzz/$t"
    corpus="$build/tests/fuzz/corpus/$t"; art="$build/tests/fuzz/artifacts/$t/"
    mkdir -p "$corpus" "$art"
    [ -d "$src/tests/fuzz/corpus/$t" ] && cp -n "$src/tests/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null
    echo "fuzz: $t for ${secs}s"
    if "$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="$art" -print_final_stats=1 "$corpus" >"$build/tests/fuzz/$t.log" 2>&1; then
        passed=$((passed + 1))
        grep -E 'stat::number_of_executed_units|cov:' "$build/tests/fuzz/$t.log" | tail -n 2 | sed 's/^/    /'
    else
        failed=$((failed + 1))
        echo "    FAILED — see $build/tests/fuzz/$t.log and $art"
        grep -E 'ERROR|SUMMARY' "$build/tests/fuzz/$t.log" | head -n 5 | sed 's/^/    /'
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
