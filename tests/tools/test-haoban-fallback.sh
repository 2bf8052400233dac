#!/bin/bash
# test-haoban-fallback.sh — packaging/fallback/haoban-fallback.c, the out-of-order screen
# of haoban-fallback.service: it builds with the project's flags, shows itself and exits 75
# ("try the kiosk again") after --retry-after, reads a broken config without failing, and
# refuses bad options. Runs under its own Xvfb when one can be started. TAP.
set -u
src=${HB_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0; failed=0
is () { n=$((n + 1)); if [ "$2" = "$3" ]; then echo "ok $n - $1"; else failed=1; echo "not ok $n - $1"; echo "# got [$2], expected [$3]"; fi; }
skip () { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
echo "1..5"

# The flags of the Makefile's build of it (install-programs).
flags=(-std=gnu11 -O2 -Wall -Wextra -Werror -Wformat=2 -Wmissing-prototypes -Wno-unused-parameter
       -Wno-missing-field-initializers -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74
       -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 -DGDK_VERSION_MIN_REQUIRED=GDK_VERSION_4_8
       -DGDK_VERSION_MAX_ALLOWED=GDK_VERSION_4_8)
# shellcheck disable=SC2046
cc "${flags[@]}" -o "$tmp/fallback" "$src/packaging/fallback/haoban-fallback.c" \
   $(pkg-config --cflags --libs gtk4) 2>"$tmp/cc.log"
is "it builds with the project's warnings as errors and GLib 2.74 / GDK 4.8 pins" "$?:$(head -c 300 "$tmp/cc.log")" "0:"

"$tmp/fallback" --retry-after 5 >/dev/null 2>&1
is "a retry period under 10 s is refused (exit 2)" "$?" 2
env -u DISPLAY -u WAYLAND_DISPLAY GDK_BACKEND=x11 "$tmp/fallback" --retry-after 10 >/dev/null 2>&1
is "without a display it fails (exit 1): the unit restarts it, never a console" "$?" 1

if command -v xvfb-run >/dev/null && command -v dbus-run-session >/dev/null; then
    printf '[terminal]\nnearby = 某街道社区事务受理服务中心；某行政服务中心\nnearby_hours = 9:00–17:00\n' > "$tmp/valid.conf"
    printf '[terminal\nnearby = \xff\xfe broken\n' > "$tmp/broken.conf"
    for conf in valid broken; do
        start=$(date +%s)
        timeout 60 dbus-run-session -- xvfb-run -a -s "-screen 0 1080x1920x24 -nolisten tcp" \
            env GDK_BACKEND=x11 "$tmp/fallback" --retry-after 10 --config "$tmp/$conf.conf" \
            >"$tmp/$conf.log" 2>&1
        rc=$?
        secs=$(( $(date +%s) - start ))
        # It stayed up for the period (not a crash that happened to exit 75 early).
        [ "$secs" -ge 10 ] && up=yes || up="no ($secs s)"
        is "with a $conf config it shows the screen for --retry-after, then exits 75" "$rc:$up" "75:yes"
    done
else
    skip "with a valid config it shows the screen for --retry-after, then exits 75" "no xvfb-run"
    skip "with a broken config it shows the screen for --retry-after, then exits 75" "no xvfb-run"
fi
exit $failed
