#!/bin/bash
# Run every test program, collect its TAP, and print one summary line last:
#   N passed, N failed
# Usage: tests/run-tests.sh BUILD_DIR TEST...   (TEST: a GTest binary, or a .sh/.py TAP script)
# Tests under tests/ui or tests/unit/ui run under a private X server and session bus.
# A program that exits non-zero or stops short of its plan counts as a failure too.
set -u
build=$(cd "$1" && pwd); shift
src=$(cd "$(dirname "$0")/.." && pwd)
out="$build/test-output"
rm -rf "$out"; mkdir -p "$out"
export HB_BUILDDIR="$build" HB_SRCDIR="$src" G_TEST_SRCDIR="$src" G_TEST_BUILDDIR="$build"
export HB_TEST_OUTPUT="$out" LC_ALL=C.UTF-8 GSETTINGS_BACKEND=memory
export G_DEBUG="${G_DEBUG:-fatal-criticals}"
unset HAOBAN_CONFIG HAOBAN_DATA_DIR HAOBAN_PLATFORM_URL
TIMEOUT=${HB_TEST_TIMEOUT:-900}

passed=0; failed=0; skipped=0; failed_names=""
for t in "$@"; do
    case "$t" in /*) ;; *) t="$src/$t" ;; esac
    name=${t#"$build"/}; name=${name#"$src"/}; name=${name#tests/}; name=${name//\//_}
    log="$out/$name.tap"
    case "$t" in
        *.sh) cmd=(bash "$t") ;;
        *.py) cmd=(/usr/bin/python3 "$t") ;;
        *)    cmd=("$t" --tap) ;;
    esac
    case "$t" in
        */tests/ui/*|*/tests/unit/ui/*|tests/ui/*|tests/unit/ui/*)
            cmd=(env GDK_BACKEND=x11 dbus-run-session -- xvfb-run -a -s "-screen 0 1080x1920x24 -nolisten tcp" "${cmd[@]}") ;;
    esac
    start=$(date +%s.%N)
    # The braces catch bash's own "Aborted" notice, which would otherwise land after
    # the summary line.
    { timeout --kill-after=10 "$TIMEOUT" "${cmd[@]}" >"$log" 2>"$out/$name.stderr" </dev/null; rc=$?; } 2>/dev/null
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    p=$(grep -cE '^ok [0-9]+' "$log" | tr -d ' ')
    s=$(grep -E '^ok [0-9]+' "$log" | grep -ciE '# skip' | tr -d ' ')
    f=$(grep -E '^not ok [0-9]+' "$log" | grep -viE '# todo' | grep -c . | tr -d ' ')
    p=$((p - s))
    plan=$(grep -oE '^1\.\.[0-9]+' "$log" | tail -n1 | cut -d. -f3)
    seen=$((p + s + f))
    note=""
    if [ -n "$plan" ] && [ "$seen" -lt "$plan" ]; then
        f=$((f + plan - seen)); note=" (stopped after $seen of $plan)"
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=$((f + 1)); note="$note (exit $rc)"
    fi
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    if [ "$f" -gt 0 ]; then
        status=FAIL; failed_names="$failed_names $name"
        grep -E '^not ok' "$log" | sed 's/^/      /'
        tail -n 15 "$out/$name.stderr" | sed 's/^/      | /'
    else
        status=PASS
    fi
    printf '%-4s %-55s %3d ok' "$status" "$name" "$p"
    [ "$s" -gt 0 ] && printf ', %d skipped' "$s"
    [ "$f" -gt 0 ] && printf ', %d failed' "$f"
    printf '  %ss%s\n' "$secs" "$note"
done
echo "test output: $out"
[ -n "$failed_names" ] && echo "failed:$failed_names"
[ "$skipped" -gt 0 ] && echo "$skipped skipped (not counted as passed)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
