#!/bin/bash
# test-haoban-ipp.sh — the CUPS backend packaging/cups/haoban-ipp.c: it runs the real ipp
# backend with the haoban-ipp(s):// scheme turned back into ipp(s)://, passes its messages
# through, and turns "the printer aborted/canceled the job, yet the backend exits 0" into
# "Print job canceled at printer." and exit 5 (docs/printing.md). A fake stands in for the
# real backend (compiled in with -DHB_REAL_IPP). TAP.
set -u
src=${HB_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0; failed=0
is () { n=$((n + 1)); if [ "$2" = "$3" ]; then echo "ok $n - $1"; else failed=1; echo "not ok $n - $1"; echo "# got [$2], expected [$3]"; fi; }
echo "1..9"

# The "real" ipp backend: records what it was given, says FAKE_SAYS on stderr, exits FAKE_RC.
cat > "$tmp/ipp" <<'FAKE'
#!/bin/sh
printf '%s\n%s\n%s\n' "$0" "$DEVICE_URI" "$6" > "$FAKE_DIR/seen"
[ -n "${FAKE_SAYS:-}" ] && printf '%s\n' "$FAKE_SAYS" >&2
exit "${FAKE_RC:-0}"
FAKE
chmod +x "$tmp/ipp"
cc -O2 -Wall -Wextra -Werror -DHB_REAL_IPP="\"$tmp/ipp\"" -o "$tmp/haoban-ipp" \
   "$src/packaging/cups/haoban-ipp.c" 2>"$tmp/cc.log"
is "it compiles warning-free" "$?:$(cat "$tmp/cc.log")" "0:"
export FAKE_DIR="$tmp"
backend () { (cd "$tmp" && exec -a "$DEVICE_URI" ./haoban-ipp 42 user title 1 "" "$tmp/doc.pdf") 2>"$tmp/stderr"; echo $?; }
echo "%PDF" > "$tmp/doc.pdf"

is "discovery announces the haoban-ipp scheme" "$("$tmp/haoban-ipp")" \
   'network haoban-ipp "Unknown" "Haoban IPP (failed jobs stay failed)"'
DEVICE_URI="haoban-ipp://printer.local:631/ipp/print"
is "a job the printer completed exits 0" "$(DEVICE_URI=$DEVICE_URI backend)" 0
is "the real backend gets ipp:// in DEVICE_URI, and the document" \
   "$(sed -n 2,3p "$tmp/seen" | tr '\n' '|')" "ipp://printer.local:631/ipp/print|$tmp/doc.pdf|"
is "haoban-ipps:// becomes ipps://" \
   "$(DEVICE_URI=haoban-ipps://p/ipp/print backend >/dev/null; sed -n 2p "$tmp/seen")" "ipps://p/ipp/print"
rc=$(DEVICE_URI=$DEVICE_URI FAKE_SAYS="DEBUG: job-state enum aborted" backend)
is "aborted at the printer but exit 0 (the race) becomes exit 5, canceled" \
   "$rc:$(grep -c 'ERROR: Print job canceled at printer.' "$tmp/stderr")" "5:1"
is "the backend's own messages pass through" "$(grep -c 'job-state enum aborted' "$tmp/stderr")" 1
is "the backend's own failure is kept" "$(DEVICE_URI=$DEVICE_URI FAKE_RC=4 FAKE_SAYS="ERROR: x" backend)" 4
rm -f "$tmp/seen"
is "a URI that is not haoban-ipp:// is refused without running the backend" \
   "$(DEVICE_URI=ipp://printer/ipp/print backend):$([ -e "$tmp/seen" ] && echo ran)" "1:"
exit $failed
