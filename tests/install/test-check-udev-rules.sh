#!/bin/bash
# test-check-udev-rules.sh — tests/install/check-udev-rules.py (the udev rules syntax check
# of `make check-install`) passes the shipped rules and catches each fault udev accepts
# silently. TAP; runs in `make check` (no root needed).
set -u
src=${HB_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
checker="$src/tests/install/check-udev-rules.py"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0; failed=0
result () {   # result NAME STATUS OUTPUT
    n=$((n + 1))
    if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else failed=1; echo "not ok $n - $1"; printf '%s\n' "$3" | sed 's/^/# /'; fi
}
# caught NAME RULE PATTERN: the checker exits 1 on RULE and says PATTERN.
caught () {
    printf '%s\n' "$2" >"$tmp/r.rules"
    local out rc=0; out=$(python3 "$checker" "$tmp/r.rules" 2>&1) && rc=1
    grep -q -- "$3" <<<"$out" || rc=1
    result "$1" "$rc" "$out"
}
echo "1..8"

good='# comment
SUBSYSTEM=="usb", ATTR{idVendor}=="0400", ATTR{idProduct}=="c35a", GROUP="haoban", MODE="0660"
ACTION!="add", GOTO="end"
SUBSYSTEM=="tty", ATTRS{idVendor}=="1a86", \
  GROUP="haoban", SYMLINK+="haoban-scanner", ENV{ID_INPUT}=""
LABEL="end"'
printf '%s\n' "$good" >"$tmp/good.rules"
out=$(python3 "$checker" "$tmp/good.rules" 2>&1); result "well-formed rules (continuation, GOTO/LABEL) pass" "$?" "$out"
if [ -f "$src/packaging/udev/60-haoban.rules" ]; then
    out=$(python3 "$checker" "$src/packaging/udev/60-haoban.rules" 2>&1); result "the shipped 60-haoban.rules passes" "$?" "$out"
else
    result "the shipped 60-haoban.rules passes # SKIP not in this tree" 0 ""
fi
caught "a missing comma is caught" 'SUBSYSTEM=="usb" GROUP="haoban"' 'missing comma'
caught "ATTR{idVendor}= (writes the attribute) is caught" 'SUBSYSTEM=="usb", ATTR{idVendor}="0400", GROUP="haoban"' 'writes the attribute'
caught "a match key assigned is caught" 'SUBSYSTEM="usb", GROUP="haoban"' 'is a match key'
caught "an unknown key is caught" 'SUBSYSTEM=="usb", FOO=="x"' 'unknown key FOO'
caught "a mode that is not octal is caught" 'SUBSYSTEM=="usb", MODE="rw"' 'not an octal mode'
caught "a GOTO without its LABEL is caught" 'ACTION!="add", GOTO="nowhere"' 'has no LABEL'
exit "$failed"
