#!/bin/bash
# make bench: start-up and idle benchmarks. Figures are ratios against Chromium measured
# in the same run on the same machine (shared and noisy: compare ratios, not seconds).
#
#  1. start-up: `haoban-kiosk --snapshot` (first frame of the attract page → PNG → exit)
#     against `chromium --headless --screenshot` of tests/bench/attract.html, the same page
#     as a browser kiosk would serve it. Wall time, CPU time, peak RSS; median of ROUNDS,
#     the two alternating so load drifts hit both.
#  2. idle: the kiosk at the attract page with devices, sync and platform running; CPU
#     used over IDLE_SECONDS (default 60), as % of one core.
#  3. ID card read over a paced serial line (bench-idcard).
#  4. camera-path QR decode rate on one core: ZBar against zxing-cpp on the same frames in
#     the same run, 640×480 and 1280×720 (bench-camera; CAMERA_SECONDS per case).
#  5. offline 随申码: verifications per second against a bare SM2/SM3 verify loop
#     (bench-code-verify), and scan-to-identified on the whole terminal with no platform,
#     against the verification alone (bench-scan-identify; budget 50 ms).
#  6. documents: receipt (A4, 80 mm), a 4-page certificate and a watermarked licence copy
#     rendered to PDF, against one line of text on an empty page (bench-document); and
#     tap-to-job-accepted on a private cupsd against a bare libcups submission (bench-print).
#  7. catalog search over 500 and 10,000 services: 1-, 2-, 3+-character and pinyin queries,
#     against the old LIKE table scan for the same 2-character queries (bench-search).
#  8. sync: a full 10,000-service catalog, a 100-change delta against it, flushing 1,000
#     outbox items against bare libcurl POSTs, and the main loop's largest stall meanwhile
#     (bench-sync).
#  9. a catalog of realistic size: 10,000 services shaped like data/catalog.json's — bytes
#     on the wire with gzip, the full sync against a bare download plus apply, and parse
#     peak memory against parsing the tree whole (bench-catalog-size).
# 10. the kiosk window during a 10,000-service sync: the real application on this run's
#     Xvfb, the catalog arriving while it shows the attract page, the catalog page (which
#     reloads its list) and page changes; main-loop stalls and frame gaps against the same
#     scenes idle, with how much of each stall the main thread ran (bench-ui-sync).
# 11. taps to complete the 10 most popular services done at the terminal: a scripted
#     resident on the real window presses through attract → card → catalog → guide →
#     situations → one question per page → check → submit; against the same forms with
#     nothing pre-filled (bench-ui-taps).
# Usage: tests/bench/run-bench.sh BUILD   (env: ROUNDS=7 IDLE_SECONDS=60 CAMERA_SECONDS=2)
set -u
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
out="$build/bench"; rm -rf "$out"; mkdir -p "$out"
ROUNDS=${ROUNDS:-7}
IDLE_SECONDS=${IDLE_SECONDS:-60}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
TIME=/usr/bin/time
export LC_ALL=C.UTF-8

for tool in "$CHROMIUM" "$TIME" Xvfb; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make deps installs it)"; exit 1; }
done

# One X server for the whole run, so neither side pays for starting one.
disp=:$((100 + RANDOM % 400))
Xvfb "$disp" -screen 0 1080x1920x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
cleanup () { kill "$xvfb" "${sim:-}" "${kiosk:-}" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${disp#:}" ] && break; sleep 0.1; done

measure () {   # name, command… → appends "wall cpu rss_kib" to $out/name.txt
    local name=$1; shift
    "$TIME" -f "%e %U %S %M" -o "$out/$name.time" "$@" >"$out/$name.log" 2>&1 || {
        echo "bench: $name failed:"; tail -n 5 "$out/$name.log"; exit 1; }
    awk '{ printf "%s %.3f %s\n", $1, $2 + $3, $4 }' "$out/$name.time" >>"$out/$name.txt"
}

data=$(mktemp -d)
chrome_dir=$(mktemp -d)
kiosk_cmd=(env DISPLAY="$disp" GDK_BACKEND=x11 HAOBAN_DATA_DIR="$data" GTK_A11Y=none
           "$build/haoban-kiosk" --snapshot "$out/kiosk.png")
chrome_cmd=("$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
            --disable-background-networking --disable-component-update --disable-sync
            --hide-scrollbars --user-data-dir="$chrome_dir" --window-size=1080,1920
            --screenshot="$out/chromium.png" "file://$src/tests/bench/attract.html")

echo "bench: warming the page cache (not counted)"
"${kiosk_cmd[@]}" >/dev/null 2>&1; "${chrome_cmd[@]}" >/dev/null 2>&1
echo "bench: start-up, $ROUNDS rounds each, alternating"
for i in $(seq "$ROUNDS"); do
    measure kiosk "${kiosk_cmd[@]}"
    rm -rf "$chrome_dir"; mkdir -p "$chrome_dir"   # a fresh profile, as a kiosk boot has
    measure chromium "${chrome_cmd[@]}"
done
[ -s "$out/kiosk.png" ] && [ -s "$out/chromium.png" ] || { echo "bench: a screenshot is missing"; exit 1; }

median () {   # file, column → median
    awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
kw=$(median "$out/kiosk.txt" 1);    cw=$(median "$out/chromium.txt" 1)
kc=$(median "$out/kiosk.txt" 2);    cc=$(median "$out/chromium.txt" 2)
kr=$(median "$out/kiosk.txt" 3);    cr=$(median "$out/chromium.txt" 3)

echo "bench: idle at the attract page for ${IDLE_SECONDS}s (devices, sync and platform running)"
idle_data=$(mktemp -d)
"$build/haoban-platform-sim" --port 0 --data "$src/data" >"$out/idle-sim.out" 2>"$out/idle-sim.log" & sim=$!
for _ in $(seq 50); do url=$(grep -o 'http://127.0.0.1:[0-9]*' "$out/idle-sim.out" | head -n1); [ -n "$url" ] && break; sleep 0.1; done
env DISPLAY="$disp" GDK_BACKEND=x11 HAOBAN_DATA_DIR="$idle_data" HAOBAN_PLATFORM_URL="$url" GTK_A11Y=none \
    "$build/haoban-kiosk" --devices virtual >"$out/idle-kiosk.log" 2>&1 & kiosk=$!
for _ in $(seq 100); do grep -q "core: terminal .* started" "$out/idle-kiosk.log" && break; sleep 0.1; done
sleep 5   # let the first catalog pull and status write settle
hz=$(getconf CLK_TCK)
ticks () { awk '{ print $14 + $15 }' "/proc/$kiosk/stat"; }
t0=$(ticks); s0=$(date +%s.%N)
sleep "$IDLE_SECONDS"
t1=$(ticks); s1=$(date +%s.%N)
rss_idle=$(awk '/VmRSS/ { print $2 }' "/proc/$kiosk/status")
idle_pct=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$s0" -v e="$s1" 'BEGIN { printf "%.2f", (b - a) / hz / (e - s) * 100 }')
first_frame=$(grep -o 'first frame on screen [0-9]* ms' "$out/idle-kiosk.log" | grep -o '[0-9]*' | head -n1)
kill "$kiosk" "$sim"; wait "$kiosk" "$sim" 2>/dev/null; kiosk=""; sim=""
rm -rf "$data" "$idle_data" "$chrome_dir"

echo "bench: ID card read over a paced 115200-baud serial line (30 reads)"
idcard_json=$("$build/tests/bench/bench-idcard" 30) || { echo "bench: bench-idcard failed"; exit 1; }
echo "$idcard_json" >"$out/idcard.json"
jget () { echo "$idcard_json" | tr -d '\n' | sed -n "s/.*\"$1\": *\([0-9.]*\).*/\1/p"; }

echo "bench: camera-path QR decode on one core, ZBar and zxing-cpp on the same frames"
camera_json=$("$build/tests/bench/bench-camera" "${CAMERA_SECONDS:-2}") || { echo "bench: bench-camera failed"; exit 1; }
echo "$camera_json" >"$out/camera.json"
camera_report=$(python3 - "$out/camera.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for s in r["sizes"]:
    zb, zx = s["zbar"], s["zxing"]
    n = s["frames_in_set"]
    print(f"  {s['width']}×{s['height']}  frames with codes   ZBar {zb['fps']:7.1f} fps ({zb['ms_per_frame']:.2f} ms, {zb['found']}/{n} found)"
          f"   zxing-cpp {zx['fps']:7.1f} fps ({zx['ms_per_frame']:.2f} ms, {zx['found']}/{n} found)   ratio ZBar/zxing {s['ratio_zbar_to_zxing']:.2f}")
    print(f"  {s['width']}×{s['height']}  empty frame         ZBar {zb['empty_fps']:7.1f} fps ({zb['empty_ms']:.2f} ms)"
          f"                 zxing-cpp {zx['empty_fps']:7.1f} fps ({zx['empty_ms']:.2f} ms)                ratio ZBar/zxing {s['empty_ratio_zbar_to_zxing']:.2f}")
    print(f"  {s['width']}×{s['height']}  ZBar at scan density 2: {s['zbar_density2']['fps']:.1f} fps, {s['zbar_density2']['found']}/{n} found")
    missed = [c["name"] + " (" + ", ".join(k for k in ("zbar", "zxing") if not c[k]) + ")"
              for c in s["cases"] if not (c["zbar"] and c["zxing"])]
    if missed:
        print(f"  {s['width']}×{s['height']}  not found: " + "; ".join(missed))
t = r["scanner_thread_640x480"]
print(f"  whole camera scanner (thread, debounce, events) at 640×480: {t['fps']:.1f} fps")
print(f"  CPU: {r['cpu']} (pinned to cpu {r['pinned_cpu']}); see docs/camera-scanning.md for what limits the rate")
PY
)

echo "bench: offline 随申码 verification and scan-to-identified"
verify_json=$(HB_SRCDIR="$src" "$build/tests/bench/bench-code-verify" | grep -v '^#') || { echo "bench: bench-code-verify failed"; exit 1; }
scan_json=$(HB_SRCDIR="$src" HB_BUILDDIR="$build" "$build/tests/bench/bench-scan-identify" 200 2>"$out/scan-identify.log" | grep -v '^#') || { echo "bench: bench-scan-identify failed"; exit 1; }
echo "$verify_json" >"$out/code-verify.json"; echo "$scan_json" >"$out/scan-identify.json"
echo "bench: document rendering"
doc_json=$(HB_SRCDIR="$src" "$build/tests/bench/bench-document" 20 2>/dev/null | grep -v '^#') || { echo "bench: bench-document failed"; exit 1; }
echo "$doc_json" >"$out/document.json"
print_json=$(HB_SRCDIR="$src" HB_BUILDDIR="$build" "$build/tests/bench/bench-print" 10 2>/dev/null | grep -v '^#') || { echo "bench: bench-print failed"; exit 1; }
echo "$print_json" >"$out/print.json"
echo "bench: sync (10,000-service catalog, a 100-change delta, 1,000 outbox items, main-loop stalls)"
sync_json=$(HB_SRCDIR="$src" HB_BUILDDIR="$build" "$build/tests/bench/bench-sync" 3 2>/dev/null | grep -v '^#') || { echo "bench: bench-sync failed"; exit 1; }
echo "$sync_json" >"$out/sync.json"
sync_report=$(python3 - "$out/sync.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); f = d["full"]; dl = d["delta"]; r = d["delta_vs_full"]
fl = d["flush"]; k = d["kiosk"]
print("  full sync, %d services (%.1f MB)         %.0f ms (apply %.0f ms)" % (d["services"], f["bytes"] / 1e6, f["sync_ms"], f["apply_ms"]))
print("  delta of %d changes (%.1f KB)            %.0f ms = %.3f× the full sync's time, %.4f× its bytes" % (dl["changes"], dl["bytes"] / 1e3, dl["sync_ms"], r["time_ratio"], r["bytes_ratio"]))
print("  flush of %d outbox items                 %.0f ms, %.0f items/s (%.1f× %d bare libcurl POSTs)" % (fl["items"], fl["flush_ms"], fl["items_per_s"], fl["flush_vs_bare_ratio"], fl["items"]))
print("  main loop, whole core, during the sync   max stall %.1f ms (idle %.1f ms; must show ≤ 16 ms: %s)" % (k["max_stall_ms"], k["idle_max_gap_ms"], "yes" if k["within_16ms"] else "NO"))
print("  kiosk's service-list reload              %.1f ms on the main thread; catalog page fill %.0f ms" % (k["reload_handler_ms"], k["page_fill_ms"]))
PY
)
echo "bench: catalog of realistic size (10,000 services shaped like data/catalog.json)"
size_json=$(HB_SRCDIR="$src" HB_BUILDDIR="$build" "$build/tests/bench/bench-catalog-size" 3 2>/dev/null | grep -v '^#') || { echo "bench: bench-catalog-size failed"; exit 1; }
echo "$size_json" >"$out/catalog-size.json"
size_report=$(python3 - "$out/catalog-size.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); w = d["wire"]; f = d["full_sync"]; p = d["parse"]
print("  %d services, %.1f MB (%.0f B each; limit %.0f MB)" % (d["services"], d["document_bytes"] / 1e6, d["bytes_per_service"], d["limit_bytes"] / 1e6))
print("  on the wire, gzip                        %.2f MB = %.4f× the document" % (w["gzip_bytes"] / 1e6, w["gzip_ratio"]))
print("  full sync                                %.0f ms = %.2f× (bare gzip download + apply alone)" % (f["sync_ms"], f["vs_bare_download_plus_apply"]))
print("  parse peak memory, a service at a time   %.1f MB vs %.1f MB parsing the tree whole (%.2f×)" % (p["sliced_peak_rss_kib"] / 1024, p["whole_tree_peak_rss_kib"] / 1024, p["memory_ratio"]))
PY
)
echo "bench: the kiosk window during a 10,000-service sync (attract page, catalog page, page changes)"
ui_sync_json=$(env DISPLAY="$disp" GDK_BACKEND=x11 GSK_RENDERER="${GSK_RENDERER:-cairo}" HB_SRCDIR="$src" HB_BUILDDIR="$build" \
    "$build/tests/bench/bench-ui-sync" 3 2>"$out/ui-sync.log" | grep -v '^#') || { echo "bench: bench-ui-sync failed"; tail -n 5 "$out/ui-sync.log"; exit 1; }
echo "$ui_sync_json" >"$out/ui-sync.json"
ui_sync_report=$(python3 - "$out/ui-sync.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); s = d["scenes"]
for name in ("attract", "catalog"):
    c = s[name]
    print("  sync arriving on the %-7s page   max stall %5.1f ms (median of rounds %5.1f; idle %4.1f); main thread ran <= %4.1f ms of any gap; frame gaps <= %4.1f ms (idle %4.1f)"
          % (name, c["max_stall_ms"]["worst"], c["max_stall_ms"]["median"], c["idle_max_gap_ms"]["worst"],
             c["max_busy_ms"]["worst"], c["frame_max_gap_ms"]["worst"], c["idle_frame_max_gap_ms"]["worst"]))
print("  the catalog page shows the new services %.0f ms after catalog-changed (median)" % s["catalog"]["relist_ms"])
t = d["transitions"]
print("  page changes during the sync        max stall %5.1f ms (same page changes, no sync: %.1f); main thread ran <= %.1f ms (no sync: %.1f)"
      % (t["max_stall_ms"], t["no_sync_max_gap_ms"], t["max_busy_ms"], t["no_sync_max_busy_ms"]))
print("  UI main loop <= 16 ms during the sync (must show): wall time %s (%.1f ms, %.2fx idle); main thread's own work %s (%.1f ms)"
      % ("yes" if d["within_16ms"] else "NO", d["max_stall_ms"], d["max_stall_vs_idle_ratio"],
         "yes" if d["within_16ms_own_work"] else "NO", d["max_busy_ms"]))
PY
)
echo "bench: taps to complete the 10 most popular services (real window, scripted resident)"
taps_json=$(env DISPLAY="$disp" GDK_BACKEND=x11 GSK_RENDERER="${GSK_RENDERER:-cairo}" HB_SRCDIR="$src" HB_BUILDDIR="$build" \
    "$build/tests/bench/bench-ui-taps" 10 2>"$out/ui-taps.log" | grep -v '^#') || { echo "bench: bench-ui-taps failed"; tail -n 5 "$out/ui-taps.log"; exit 1; }
echo "$taps_json" >"$out/ui-taps.json"
taps_report=$(python3 - "$out/ui-taps.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("  median taps to complete %d services   %.0f taps + %.0f characters typed   (same forms, nothing pre-filled: %.0f taps + %.0f characters; %.2fx the taps)"
      % (d["services"], d["median_taps"], d["median_typed_chars"], d["baseline_median_taps"],
         d["baseline_median_typed_chars"], d["taps_vs_baseline"]))
for r in d["per_service"]:
    print("    %-22s %3d taps + %3d chars   (nothing pre-filled %3d + %3d)"
          % (r["code"], r["taps"], r["typed_chars"], r["baseline_taps"], r["baseline_typed_chars"]))
PY
)
echo "bench: catalog search (500 and 10,000 services)"
search_json=$(HB_SRCDIR="$src" "$build/tests/bench/bench-search" 30 2>/dev/null | grep -v '^#') || { echo "bench: bench-search failed"; exit 1; }
echo "$search_json" >"$out/search.json"
search_report=$(python3 - "$out/search.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for z in d["sizes"]:
    r = z["two_char_vs_like_scan"]
    print("  %5d services (apply %.0f ms)   1 char %.2f   2 chars %.2f   3+ chars %.2f   pinyin %.2f ms (p50)"
          % (z["services"], z["apply_ms"], z["one_char"]["median_ms"], z["two_char"]["median_ms"],
             z["three_char"]["median_ms"], z["pinyin"]["median_ms"]))
    print("                 2 chars vs the old LIKE scan (%.2f ms): %.1f× faster (p95 %.1f×)"
          % (z["like_scan_two_char"]["median_ms"], r["median_ratio"], r["p95_ratio"]))
PY
)
pget () { echo "$print_json" | tr -d '\n' | sed -n "s/.*\"$1\": *\([0-9.]*\).*/\1/p"; }
dget () { echo "$doc_json" | tr -d '\n' | sed -n "s/.*\"$1\": *\([0-9.]*\).*/\1/p"; }
vget () { echo "$verify_json" | tr -d '\n' | sed -n "s/.*\"$1\": *\([0-9.]*\).*/\1/p"; }
sget () { echo "$scan_json" | tr -d '\n' | sed -n "s/.*\"$1\": *\([0-9.]*\).*/\1/p"; }

ratio () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'; }
mib () { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
cat <<REPORT | tee "$out/report.txt"

start-up to first frame (median of $ROUNDS)   haoban-kiosk   chromium    ratio   target
  wall time (s)                            $(printf '%10s' "$kw")  $(printf '%9s' "$cw")   $(printf '%6s' "$(ratio "$kw" "$cw")")   ≤ 0.33
  CPU time, user+sys (s)                   $(printf '%10s' "$kc")  $(printf '%9s' "$cc")   $(printf '%6s' "$(ratio "$kc" "$cc")")
  peak RSS (MiB)                           $(printf '%10s' "$(mib "$kr")")  $(printf '%9s' "$(mib "$cr")")   $(printf '%6s' "$(ratio "$kr" "$cr")")   kiosk ≤ 100 MiB
idle at the attract page, ${IDLE_SECONDS}s
  CPU (% of one core)                      $(printf '%10s' "$idle_pct")                         target ≤ 1%
  RSS (MiB)                                $(printf '%10s' "$(mib "$rss_idle")")
  first frame of the full kiosk (ms after exec)  ${first_frame:-?}
renderer: GSK_RENDERER=${GSK_RENDERER:-cairo (no /dev/dri)}; screenshots: $out/kiosk.png, $out/chromium.png

ID card read over the virtual 115200-baud serial line (median of 30)
  full read (select, 30 01, 30 03, decode)  $(jget read_ms) ms
  wire time of its bytes                    $(jget wire_ms) ms
  host overhead                             $(jget host_overhead_ms) ms = $(awk -v r="$(jget host_overhead_ratio)" 'BEGIN { printf "%.2f", r * 100 }') % of wire     target ≤ 5 %
  parse + decode of the 1295-byte frame     $(jget parse_us_per_frame) µs  ($(jget parse_frames_per_s) frames/s, $(awk -v r="$(jget parse_vs_wire_ratio)" 'BEGIN { printf "%.4f", r * 100 }') % of its wire time)

camera-path QR decode on one core, same frames, same run (${CAMERA_SECONDS:-2} s per case)
$camera_report

offline 随申码 (SM2 with SM3), one core
  verifications per second                  $(vget code_verifies_per_s)   (bare SM2 verify loop $(vget bare_sm2_verifies_per_s); ratio $(vget overhead_vs_bare_ratio))
  scan-to-identified, virtual scanner, no platform (200 scans)
    p50 / p95 / max                         $(sget scan_to_identified_ms_p50) / $(sget scan_to_identified_ms_p95) / $(sget scan_to_identified_ms_max) ms   target ≤ 50 ms
    p50 vs the verification alone           $(sget path_vs_verify_ratio)×

documents rendered to PDF (median of 20, one core)
  baseline: one line on an empty page       $(dget baseline_one_line_pdf_ms) ms
  receipt A4 / 80 mm                        $(dget receipt_a4_ms) / $(dget receipt_80mm_ms) ms   ($(dget receipt_a4_vs_baseline_ratio)× baseline)   target ≤ 20 ms
  certificate, 100 rows, 4 pages            $(dget certificate_ms) ms
  licence copy with watermark               $(dget licence_copy_ms) ms
printing on a private cupsd (median of 10)
  tap to job accepted (render + submit)     $(pget tap_to_job_accepted_ms) ms   (render $(pget render_ms) ms; bare libcups submit $(pget bare_libcups_submit_ms) ms)
  tap to completed at the printer           $(pget tap_to_completed_ms) ms

sync, same run (median of 3 rounds)
$sync_report
catalog of realistic size, same run (median of 3 rounds)
$size_report

the kiosk window during the 10,000-service sync, same run (3 rounds per scene; renderer ${GSK_RENDERER:-cairo}; details: $out/ui-sync.log)
$ui_sync_report

taps to complete the 10 most popular services, same run (details: $out/ui-taps.log)
$taps_report

catalog search, same run (median of 30 per query)
$search_report
REPORT
cat >"$out/results.json" <<JSON
{"rounds": $ROUNDS, "kiosk": {"wall_s": $kw, "cpu_s": $kc, "rss_kib": $kr},
 "chromium": {"wall_s": $cw, "cpu_s": $cc, "rss_kib": $cr},
 "ratios": {"wall": $(ratio "$kw" "$cw"), "cpu": $(ratio "$kc" "$cc"), "rss": $(ratio "$kr" "$cr")},
 "idle": {"seconds": $IDLE_SECONDS, "cpu_percent_of_core": $idle_pct, "rss_kib": $rss_idle},
 "first_frame_ms": ${first_frame:-null},
 "idcard": $idcard_json,
 "camera": $camera_json,
 "code_verify": $verify_json,
 "scan_identify": $scan_json,
 "document": $doc_json,
 "print": $print_json,
 "catalog_size": $size_json,
 "ui_sync": $ui_sync_json,
 "ui_taps": $taps_json}
JSON
