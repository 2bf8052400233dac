#!/bin/bash
# make run: the kiosk, fullscreen, with virtual devices, against a local platform-sim.
#   tools/run-demo.sh BUILD_DIR
# Data (database, spool, logs, simulator socket) go to BUILD_DIR/run unless
# HAOBAN_DATA_DIR says otherwise. Without a display it runs under Xvfb.
set -u
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
export HAOBAN_DATA_DIR=${HAOBAN_DATA_DIR:-$build/run}
mkdir -p "$HAOBAN_DATA_DIR"
port=${HAOBAN_DEMO_PORT:-8470}

# The platform: port 8470, or any free port when that one is taken.
sim_log="$HAOBAN_DATA_DIR/platform-sim.log"
start_sim () {
    "$build/haoban-platform-sim" --port "$1" --data "$src/data" \
        --state "$HAOBAN_DATA_DIR/platform-state.json" >"$sim_log.out" 2>"$sim_log" &
    sim_pid=$!
    for _ in $(seq 50); do
        url=$(grep -o 'http://127.0.0.1:[0-9]*' "$sim_log.out" 2>/dev/null | head -n1)
        [ -n "$url" ] && return 0
        kill -0 "$sim_pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
if ! start_sim "$port"; then
    start_sim 0 || { echo "run: haoban-platform-sim did not start (see $sim_log)"; exit 1; }
fi
export HAOBAN_PLATFORM_URL=${HAOBAN_PLATFORM_URL:-$url}
trap 'kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null' EXIT

ctl="HAOBAN_DATA_DIR=$HAOBAN_DATA_DIR $build/haobanctl"
cat <<MSG
Haoban demo terminal
  platform      $HAOBAN_PLATFORM_URL  (log: $sim_log)
  data          $HAOBAN_DATA_DIR
  devices       virtual — use the yellow 模拟设备 strip at the bottom of the screen, or:
    $ctl sim card-insert --sample 1     # 张伟; --sample 2 is 李秀英 (74)
    $ctl sim scan --sample 1            # his 随申码
    $ctl sim paper-out on|off
    $ctl sim unplug printer             # plug printer to bring it back
    $ctl status
  stop          Ctrl+C here (the kiosk has no close button by design)
MSG

kiosk=("$build/haoban-kiosk" --devices virtual)
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "  display       none found: running under Xvfb (1080x1920); nothing will be visible"
    exec_prefix=(xvfb-run -a -s "-screen 0 1080x1920x24 -nolisten tcp")
else
    exec_prefix=()
fi
"${exec_prefix[@]}" "${kiosk[@]}"
