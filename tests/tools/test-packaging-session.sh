#!/bin/bash
# test-packaging-session.sh — packaging/bin/haoban-session returns the PROGRAM's exit
# status, not cage's (Debian's cage 0.1.4 exits 0 when the app failed), passes
# [display] rotation to cage; haoban-session-stopped starts the kiosk only after the
# fallback screen's own "retry" exit (75) and a login prompt only after the kiosk's
# 退出 kiosk (77). Fakes stand in for cage, haoban-kiosk and systemctl. TAP.
set -u
src=${HB_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
session="$src/packaging/bin/haoban-session"
stopped="$src/packaging/bin/haoban-session-stopped"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0; failed=0
is () { n=$((n + 1)); if [ "$2" = "$3" ]; then echo "ok $n - $1"; else failed=1; echo "not ok $n - $1"; echo "# got [$2], expected [$3]"; fi; }
echo "1..14"

# cage 0.1.4 as far as the session sees it: logs its options, runs the app after "--",
# exits 0 whatever the app did. FAKE_CAGE=broken: cannot start (no seat), app never runs;
# FAKE_CAGE=zero: exits 0 without running the app (a compositor that died quietly).
cat > "$tmp/cage" <<'FAKE'
#!/bin/sh
opts=""
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do opts="$opts $1"; shift; done
shift
echo "${opts# }" > "$FAKE_DIR/cage-options"
case ${FAKE_CAGE:-} in broken) exit 1 ;; zero) exit 0 ;; esac
"$@"
exit 0
FAKE
printf '#!/bin/sh\n[ "$1" = --cage-args ] && printf "%%s\\n" "${FAKE_ROTATION:-}"\n' > "$tmp/kiosk"
chmod +x "$tmp/cage" "$tmp/kiosk"
export FAKE_DIR="$tmp" RUNTIME_DIRECTORY="$tmp/run" HB_SESSION_CAGE="$tmp/cage" HB_SESSION_KIOSK="$tmp/kiosk"
mkdir -p "$tmp/run"
run () { sh "$session" "$@" 2>"$tmp/stderr"; echo $?; }

is "a program that exits 0 gives 0" "$(run sh -c 'exit 0')" 0
is "a program that exits 3 gives 3 although cage exits 0" "$(run sh -c 'exit 3')" 3
is "a program killed by SIGKILL gives 137" "$(run sh -c 'kill -9 $$')" 137
is "the failure is said on stderr (the journal)" "$(grep -c 'exited with status 3' <(run sh -c 'exit 3' >/dev/null; cat "$tmp/stderr"))" 1
is "cage that cannot start is a failure (its own status)" "$(FAKE_CAGE=broken run true)" 1
is "cage exiting 0 without running the program is a failure" "$(FAKE_CAGE=zero run true)" 1
is "a stale status file from the last run is not reused" "$(echo 0 > "$tmp/run/exit-status"; FAKE_CAGE=zero run true)" 1
run true >/dev/null
is "no rotation: cage -d only" "$(cat "$tmp/cage-options")" "-d"
FAKE_ROTATION="-r -r" run true >/dev/null
is "rotation 180 from haoban-kiosk --cage-args: cage -d -r -r" "$(cat "$tmp/cage-options")" "-d -r -r"
FAKE_ROTATION="-r -r -r -r; -s rm" run true >/dev/null
is "anything but up to three -r is dropped" "$(cat "$tmp/cage-options")" "-d -r -r -r"

# haoban-session-stopped with a systemctl that logs its calls.
mkdir -p "$tmp/bin"
printf '#!/bin/sh\necho "$*" >> "%s/systemctl.log"\n' "$tmp" > "$tmp/bin/systemctl"; chmod +x "$tmp/bin/systemctl"
calls () { cat "$tmp/systemctl.log" 2>/dev/null | tr '\n' '|'; rm -f "$tmp/systemctl.log"; }
PATH="$tmp/bin:$PATH" EXIT_STATUS=75 sh "$stopped" fallback
is "after the fallback's retry exit (75) the kiosk is reset and started" \
   "$(calls)" "reset-failed haoban-kiosk.service|--no-block start haoban-kiosk.service|"
for status in 0 1 15 77 TERM ""; do PATH="$tmp/bin:$PATH" EXIT_STATUS=$status sh "$stopped" fallback; done
is "any other end of the fallback starts nothing" "$(calls)" ""
PATH="$tmp/bin:$PATH" EXIT_STATUS=77 sh "$stopped" kiosk
is "the kiosk's 退出 kiosk exit (77) gives tty1 a login prompt" "$(calls)" "--no-block start getty@tty1.service|"
for status in 0 1 75 143 ""; do PATH="$tmp/bin:$PATH" EXIT_STATUS=$status sh "$stopped" kiosk; done
is "any other end of the kiosk starts nothing (Restart= does the rest)" "$(calls)" ""
exit $failed
