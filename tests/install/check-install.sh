#!/bin/bash
# make check-install: the Debian packages on a bare Debian 12 root (issue 10 point 6).
#   tests/install/check-install.sh [BUILD_DIR]
# Builds the packages (`make deb`) and a second version of them, makes a Debian 12 root
# with debootstrap, installs the packages with apt, checks units, udev rules, user, dirs
# and conffile, runs `haobanctl doctor` and `haobanctl selftest visits` inside against the
# packaged platform-sim, upgrades over itself, purges. One line per check, PASS or FAIL,
# then "N passed, N failed". Needs root (debootstrap, chroot, mount). docs/testing.md.
#
#   HB_CI_CACHE       cache (default /var/cache/haoban-ci): base tarball per day, apt archives
#   HB_DEBIAN_MIRROR  default http://deb.debian.org/debian
#   HB_INSTALL_DEBS   a folder holding haoban_*.deb (+ haoban-platform-sim_*.deb): no `make deb`
#   HB_KEEP_ROOT=1    keep the root afterwards (nothing stays mounted) to look around in it
set -u -o pipefail
# One compound command: bash reads all of it before running, so editing this file while
# it runs cannot change what runs.
{

src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
mkdir -p "$build" && build=$(cd "$build" && pwd)
logdir=$build/check-install
cache=${HB_CI_CACHE:-/var/cache/haoban-ci}
mirror=${HB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
started=$(date +%s)
passed=0 failed=0
root="" sim_pid=""

# --- reporting --------------------------------------------------------------------------
# check NAME STATUS DETAIL [LOG]: one line; a failure shows the end of its log under it.
check () {
    local name=$1 status=$2 detail=$3 log=${4:-}
    if [ "$status" -eq 0 ]; then
        printf 'PASS  %-34s %s\n' "$name" "$detail"
        passed=$((passed + 1))
    else
        printf 'FAIL  %-34s %s\n' "$name" "$detail"
        failed=$((failed + 1))
        if [ -n "$log" ] && [ -s "$log" ]; then
            tail -n 15 "$log" | sed 's/^/      | /'
            echo "      (whole log: $log)"
        fi
    fi
}
# A check whose prerequisite failed still counts: a silent skip would read as green.
not_run () { check "$1" 1 "not run: $2"; }
finish () {
    cleanup
    trap - EXIT
    echo "check-install: $(( $(date +%s) - started )) s; logs in $logdir"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

# --- mounts and cleanup -----------------------------------------------------------------
# Everything mounted below DIR, deepest first. A root is only ever removed after this
# found nothing left mounted, and with --one-file-system: never the host's /dev.
umount_under () {
    local m
    findmnt -rn -o TARGET | awk -v d="$1" '$0 == d || index($0, d "/") == 1' | sort -r |
        while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
}
# Processes whose root is DIR: an orphan of a killed run, a daemon a script forked.
kill_in_root () {
    local p
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$1" ] && kill -9 "${p#/proc/}" 2>/dev/null
    done
    return 0
}
still_mounted () { findmnt -rn -o TARGET | awk -v d="$1" '$0 == d || index($0, d "/") == 1' | grep -q .; }
remove_tree () {
    [ -n "$1" ] && [ -d "$1" ] || return 0
    kill_in_root "$1"
    umount_under "$1"
    if still_mounted "$1"; then
        echo "check-install: $1 still has mounts; not removing it" >&2
        return 1
    fi
    rm -rf --one-file-system "$1"
}
cleanup () {
    if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; sim_pid=""; fi
    if [ -n "$root" ]; then
        kill_in_root "$root"
        umount_under "$root"
        if [ "${HB_KEEP_ROOT:-}" = 1 ]; then
            echo "check-install: root kept in $root (nothing mounted)"
        else
            remove_tree "$root" && rm -f "$root.pid"
        fi
        root=""
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Roots of runs that were killed (SIGKILL, a lost machine) still have their mounts: a root
# whose run is gone is unmounted and removed before a new one is made.
remove_stale_roots () {
    local d pid
    for d in /var/tmp/haoban-check-install.*; do
        [ -d "$d" ] || continue
        pid=$(cat "$d.pid" 2>/dev/null)
        [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && continue
        # No pid yet: a run that has only just made it, unless it is old.
        [ -n "$pid" ] || [ -n "$(find "$d" -maxdepth 0 -mmin +10)" ] || continue
        echo "check-install: removing the root of an earlier run: $d"
        remove_tree "$d" && rm -f "$d.pid"
    done
}

mount_root () {
    mount -t proc proc "$root/proc" &&
    mount --bind /dev "$root/dev" &&
    mount --bind /dev/pts "$root/dev/pts" &&
    mount -t sysfs -o ro sysfs "$root/sys" &&
    mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
}

# in_root SECONDS CMD...: a command inside the root with a clean environment, bounded.
in_root () {
    local t=$1; shift
    timeout -k 10 "$t" chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@" </dev/null
}
# apt in the root, one at a time across parallel runs (the archive cache is shared).
apt_root () {
    local t=$1; shift
    flock -w 1800 "$cache/apt.lock" \
        timeout -k 10 "$t" chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive apt-get -q -y "$@" </dev/null
}
# as_kiosk SECONDS CMD...: as the kiosk's user, the way a technician runs haobanctl.
as_kiosk () {
    local t=$1; shift
    in_root "$t" runuser -u haoban -- env HOME="$kiosk_home" "$@"
}
# Lines a maintainer script or dpkg prints when something went wrong (apt's progress lines
# name packages such as libgpg-error0: those are left out).
script_errors () {
    grep -E '^(E|W): |^dpkg: (error|warning)|(preinst|postinst|prerm|postrm)(\[[0-9]+\])?: [0-9]+: |^(adduser|addgroup|deluser|delgroup|useradd|userdel|groupadd|groupdel|chown|chmod|install|rm|mkdir|systemctl|deb-systemd-helper|deb-systemd-invoke|udevadm|dpkg-statoverride|sh|bash): |[Ee]rror:|[Ww]arning:|not found|Permission denied|No such file or directory|Read-only file system' "$1" |
        grep -vE '^(Get|Hit|Ign|Fetched|Selecting|Preparing to unpack|Unpacking|Setting up|Processing triggers|Removing|Purging configuration files|Reading|Building|Created symlink|Removed)[ :]' |
        grep -vF "deluser: \`/usr/bin/crontab' not executed. Skipping crontab removal. Package \`cron' required."   # no cron: nothing to remove
}

if [ "$(id -u)" -ne 0 ]; then
    check root 1 "check-install needs root (debootstrap, chroot, mount): run it as root or in CI"
    finish
fi
rm -rf "$logdir" && mkdir -p "$logdir" "$cache/apt-archives/partial"

# --- 1. packages ------------------------------------------------------------------------
debs=$logdir/debs
mkdir -p "$debs/v1" "$debs/v2"
step_log=$logdir/01-make-deb.log
if [ -n "${HB_INSTALL_DEBS:-}" ]; then
    find "$HB_INSTALL_DEBS" -maxdepth 1 -name 'haoban*_*.deb' ! -name '*-dbgsym_*' -exec cp {} "$debs/v1/" \; 2>"$step_log"
    rc=$?
    what="taken from $HB_INSTALL_DEBS"
else
    stamp=$logdir/.deb-stamp
    touch "$stamp"
    t0=$(date +%s)
    make -C "$src" --no-print-directory deb DEB_OUT="$build/deb" >"$step_log" 2>&1
    rc=$?
    # The fresh packages, not the -dbgsym ones (symbols only).
    find "$build/deb" -maxdepth 1 -name 'haoban*_*.deb' ! -name '*-dbgsym_*' -newer "$stamp" 2>/dev/null |
        sort -u | while read -r f; do cp "$f" "$debs/v1/"; done
    what="make deb in $(( $(date +%s) - t0 )) s"
fi
main_deb=$(ls "$debs"/v1/haoban_*.deb 2>/dev/null | head -n 1)
[ -n "$main_deb" ] || rc=1
check "build: make deb" "$rc" "$what: $(cd "$debs/v1" && ls -- *.deb 2>/dev/null | tr '\n' ' ')" "$step_log"
[ "$rc" -eq 0 ] || { not_run "everything else" "no packages"; finish; }
v1=$(dpkg-deb -f "$main_deb" Version)

# The second version is the same build with a higher version: an upgrade over itself.
# Repacking takes seconds where a second `make deb` would rebuild everything for the
# same bytes.
v2=$v1+ci1
step_log=$logdir/02-second-version.log
rc=0
for f in "$debs"/v1/*.deb; do
    pkg=$(dpkg-deb -f "$f" Package) arch=$(dpkg-deb -f "$f" Architecture)
    tmp=$logdir/repack-$pkg
    rm -rf "$tmp"
    { dpkg-deb -R "$f" "$tmp" &&
      sed -i -e "s/^Version: .*/Version: $v2/" -e "s/(= $v1)/(= $v2)/g" "$tmp/DEBIAN/control" &&
      dpkg-deb -b "$tmp" "$debs/v2/${pkg}_${v2}_${arch}.deb"; } >>"$step_log" 2>&1 || rc=1
    rm -rf "$tmp"
done
dpkg --compare-versions "$v2" gt "$v1" || rc=1
check "build: second version" "$rc" "$v1 repacked as $v2" "$step_log"

# --- 2. the root ------------------------------------------------------------------------
# A minbase Debian 12 with fresh package lists, cached as a tarball per day: the first run
# of a day debootstraps (about a minute), later ones unpack it in seconds.
base=$cache/bookworm-minbase-$(date -u +%Y%m%d).tar.gz
step_log=$logdir/03-root.log
make_base () {
    local dir rc
    # Under the base lock no other run is making one: what is there was left by a killed run.
    for dir in /var/tmp/haoban-ci-base.*; do remove_tree "$dir"; done
    dir=$(mktemp -d /var/tmp/haoban-ci-base.XXXXXX) && chmod 755 "$dir" || return 1   # it becomes "/"
    mkdir -p "$cache/debootstrap-debs"
    debootstrap --variant=minbase --cache-dir="$cache/debootstrap-debs" bookworm "$dir" "$mirror" &&
    cat >"$dir/etc/apt/sources.list" <<EOF &&
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOF
    mount -t proc proc "$dir/proc" &&
    timeout 600 chroot "$dir" apt-get -q update &&
    chroot "$dir" apt-get clean &&
    umount "$dir/proc" &&
    tar -C "$dir" -czf "$base.part" . && mv "$base.part" "$base"
    rc=$?
    remove_tree "$dir"
    [ "$rc" -eq 0 ] && find "$cache" -maxdepth 1 -name 'bookworm-minbase-*.tar.gz' ! -path "$base" -delete
    return "$rc"
}
t0=$(date +%s)
(
    flock -w 1800 9 || exit 1
    [ -f "$base" ] && exit 0
    echo "no $base: debootstrap from $mirror"
    make_base
) 9>"$cache/base.lock" >"$step_log" 2>&1
rc=$?
remove_stale_roots >>"$step_log" 2>&1
root=$(mktemp -d /var/tmp/haoban-check-install.XXXXXX)
echo $$ >"$root.pid"
if [ "$rc" -eq 0 ]; then
    tar -C "$root" -xzf "$base" >>"$step_log" 2>&1 && chmod 755 "$root" && mount_root >>"$step_log" 2>&1
    rc=$?
fi
if [ "$rc" -eq 0 ]; then
    # No service may start in the chroot (the host's systemd is not the root's).
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 755 "$root/usr/sbin/policy-rc.d"
    # A throwaway root needs no fsync per file.
    echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/check-install-unsafe-io"
    cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
    mkdir -p "$root/tmp/debs" && cp "$debs"/v1/*.deb "$debs"/v2/*.deb "$root/tmp/debs/"
fi
check "root: debian 12 minbase" "$rc" "$(basename "$base") in $(( $(date +%s) - t0 )) s" "$step_log"
[ "$rc" -eq 0 ] || { not_run "everything else" "no root"; finish; }

# --- 3. install --------------------------------------------------------------------------
install_pkgs () {
    local rc
    apt_root 1800 install --no-install-recommends "$@"
    rc=$?
    # Lists a day old may name versions the mirror replaced: refresh once and retry.
    if [ "$rc" -ne 0 ]; then
        echo "--- retrying after apt-get update"
        apt_root 600 update && apt_root 1800 install --no-install-recommends "$@"
        rc=$?
    fi
    return "$rc"
}
v1_debs=() v2_debs=()
for f in "$debs"/v1/*.deb; do v1_debs+=("/tmp/debs/$(basename "$f")"); done
for f in "$debs"/v2/*.deb; do v2_debs+=("/tmp/debs/$(basename "$f")"); done
step_log=$logdir/04-install.log
t0=$(date +%s)
install_pkgs "${v1_debs[@]}" >"$step_log" 2>&1
rc=$?
status=$(in_root 30 dpkg-query -W -f='${Status} ${Version}' haoban 2>/dev/null)
[ "$status" = "install ok installed $v1" ] || rc=1
errs=$(script_errors "$step_log")
[ -z "$errs" ] || { rc=1; echo "--- lines that read like errors:"$'\n'"$errs" >>"$step_log"; }
check "install: apt-get install ./*.deb" "$rc" "haoban $v1 + dependencies from the mirror in $(( $(date +%s) - t0 )) s" "$step_log"
if [ "$rc" -ne 0 ]; then not_run "everything else" "the install failed"; finish; fi
pkgs=$(in_root 30 dpkg-query -W -f='${Package}\n' 'haoban*' 2>/dev/null | tr '\n' ' ')

# --- 4. what the install left -----------------------------------------------------------
# systemd-analyze and udevadm come with systemd/udev, which every real terminal has; a
# minbase root does not.
step_log=$logdir/05-tools.log
apt_root 900 install --no-install-recommends systemd udev >"$step_log" 2>&1
check "root: systemd + udev for checks" "$?" "systemd-analyze, udevadm" "$step_log"

step_log=$logdir/06-units.log
units=$(in_root 30 dpkg -L $pkgs | grep -E '/systemd/system/[^/]+\.(service|socket|timer|path|target|mount)$' | sort -u)
rc=0
if [ -z "$units" ]; then
    echo "no unit files in $pkgs" >"$step_log"; rc=1
else
    # A template is verified through an instance of it.
    targets=()
    mkdir -p "$root/tmp/ci-units"
    for u in $units; do
        case "$u" in
            *@.*) inst=$root/tmp/ci-units/$(basename "$u" | sed 's/@\./@check./')
                  cp "$root$u" "$inst"; targets+=("/tmp/ci-units/$(basename "$inst")") ;;
            *) targets+=("$u") ;;
        esac
    done
    # verify exits 0 on unknown keys and bad values and only prints them: any line fails.
    in_root 120 systemd-analyze verify --man=no "${targets[@]}" >"$step_log" 2>&1 || rc=1
    [ -s "$step_log" ] && rc=1
fi
check "units: systemd-analyze verify" "$rc" "$(for u in $units; do basename "$u"; done | tr '\n' ' ')" "$step_log"

step_log=$logdir/07-unit-enabled.log
kiosk_unit=$(for u in $units; do basename "$u"; done | grep -E '^haoban-kiosk\.service$|^haoban\.service$' | head -n 1)
in_root 30 systemctl is-enabled "${kiosk_unit:-haoban-kiosk.service}" >"$step_log" 2>&1
rc=$?
check "units: kiosk unit enabled" "$rc" "${kiosk_unit:-haoban-kiosk.service}: $(tail -n 1 "$step_log")" "$step_log"

step_log=$logdir/08-udev.log
rules=$(in_root 30 dpkg -L $pkgs | grep -E '/udev/rules\.d/[^/]+\.rules$' | sort -u)
rc=0
if [ -z "$rules" ]; then
    echo "no udev rules in $pkgs" >"$step_log"; rc=1
else
    # udevadm (systemd 252 has no `udevadm verify`) parses every rules file when it tests a
    # device and names FILE:LINE for what it rejects; the small checker catches what udev
    # accepts silently but is wrong (missing commas, a match written as an assignment).
    in_root 60 udevadm test --action=add /sys/devices/virtual/mem/null >"$logdir/08-udevadm-test.log" 2>&1
    # The test leaves /run/udev behind, which tells maintainer scripts udevd runs: it
    # does not, in a chroot.
    rm -rf "$root/run/udev"
    for r in $rules; do
        grep -E "/$(basename "$r"):[0-9]+ " "$logdir/08-udevadm-test.log" >>"$step_log"   # /lib or /usr/lib
        grep -q "Reading rules file: .*$(basename "$r")" "$logdir/08-udevadm-test.log" ||
            echo "udevadm did not read $r" >>"$step_log"
        python3 "$src/tests/install/check-udev-rules.py" "$root$r" >>"$step_log" 2>&1
    done
    [ -s "$step_log" ] && rc=1
fi
check "udev: rules parse" "$rc" "$(for r in $rules; do basename "$r"; done | tr '\n' ' ')" "$step_log"

step_log=$logdir/09-user.log
pw=$(in_root 30 getent passwd haoban)
gr=$(in_root 30 getent group haoban)
echo "passwd: $pw"$'\n'"group: $gr" >"$step_log"
kiosk_uid=$(echo "$pw" | cut -d: -f3)
kiosk_home=$(echo "$pw" | cut -d: -f6)
kiosk_shell=$(echo "$pw" | cut -d: -f7)
rc=0
[ -n "$pw" ] && [ -n "$gr" ] && [ "$kiosk_uid" -lt 1000 ] 2>/dev/null || rc=1
check "user: haoban system user" "$rc" "uid ${kiosk_uid:-?}, home ${kiosk_home:-?}, shell ${kiosk_shell:-?}, group ${gr%%:*}" "$step_log"
[ -n "$kiosk_home" ] || kiosk_home=/var/lib/haoban

# owner_mode PATH: "user:group mode" inside the root.
owner_mode () { in_root 30 stat -c '%U:%G %a' "$1" 2>/dev/null; }
step_log=$logdir/10-dirs.log
got=$(owner_mode /var/lib/haoban)
echo "/var/lib/haoban: $got" >"$step_log"
[ "$got" = "haoban:haoban 700" ]
check "dirs: /var/lib/haoban" "$?" "${got:-missing} (want haoban:haoban 700)" "$step_log"
got=$(owner_mode /var/log/haoban)
if [ -n "$got" ]; then
    echo "/var/log/haoban: $got" >>"$step_log"
    case "$got" in haoban:*) rc=0 ;; *) rc=1 ;; esac
    check "dirs: /var/log/haoban" "$rc" "$got (want the kiosk's user to own it)" "$step_log"
fi

step_log=$logdir/11-conffile.log
conf=/etc/haoban/kiosk.conf
in_root 30 dpkg-query -W -f='${Conffiles}\n' haoban >"$step_log" 2>&1
got=$(owner_mode "$conf")
rc=0
grep -q " $conf " "$step_log" || { echo "$conf is not a conffile of haoban" >>"$step_log"; rc=1; }
as_kiosk 30 test -r "$conf" || { echo "the kiosk's user cannot read $conf" >>"$step_log"; rc=1; }
# It holds PIN hashes and names the client key: nothing for other users.
case "$got" in *[0-7][0-7]0) ;; *) echo "$conf is open to other users: $got" >>"$step_log"; rc=1 ;; esac
check "conffile: $conf" "$rc" "${got:-missing}, registered as conffile, readable by haoban, not by others" "$step_log"

# Maintainer scripts run twice give the same result (dpkg may re-run them after a failure).
maint_env=(DPKG_MAINTSCRIPT_PACKAGE=haoban DPKG_MAINTSCRIPT_ARCH="$(dpkg-deb -f "$main_deb" Architecture)"
           DPKG_RUNNING_VERSION="$(dpkg-query -W -f='${Version}' dpkg)")
step_log=$logdir/12-postinst-twice.log
before=$(in_root 30 sh -c 'getent passwd haoban; getent group haoban; stat -c "%U:%G %a" /var/lib/haoban')
in_root 300 env "${maint_env[@]}" DPKG_MAINTSCRIPT_NAME=postinst /var/lib/dpkg/info/haoban.postinst configure "$v1" >"$step_log" 2>&1
rc=$?
after=$(in_root 30 sh -c 'getent passwd haoban; getent group haoban; stat -c "%U:%G %a" /var/lib/haoban')
[ "$before" = "$after" ] || { rc=1; echo "--- before:"$'\n'"$before"$'\n'"--- after:"$'\n'"$after" >>"$step_log"; }
check "scripts: postinst twice" "$rc" "configure again: exit $rc, user and dirs unchanged" "$step_log"

# --- 5. doctor and selftest against the packaged platform-sim -----------------------------
step_log=$logdir/13-sim.log
# The sim's own data (catalog, sample cards, enterprises, staff), else any packaged catalog.
sim_data=$( { in_root 30 dpkg -L haoban-platform-sim; in_root 30 dpkg -L $pkgs; } 2>/dev/null |
            grep -E '/catalog\.json$' | head -n 1)
sim_args=(--port 0 --state /tmp/check-install-sim-state.json)
[ -n "$sim_data" ] && sim_args+=(--data "$(dirname "$sim_data")")
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    haoban-platform-sim "${sim_args[@]}" >"$logdir/13-sim.out" 2>"$step_log" </dev/null &
sim_pid=$!
url=""
for _ in $(seq 400); do   # up to 20 s
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$logdir/13-sim.out" 2>/dev/null | head -n 1)
    [ -n "$url" ] && break
    kill -0 "$sim_pid" 2>/dev/null || break
    sleep 0.05
done
[ -n "$url" ]
check "sim: haoban-platform-sim starts" "$?" "${url:-no URL} (data ${sim_data%/*})" "$step_log"

# Point the conffile at the sim: also the "edited conffile" the upgrade must keep.
edit_conf () {
    local f=$root$conf
    awk -v url="$1" '
        FNR == NR { if ($0 ~ /^\[/) s = ($0 == "[platform]"); else if (s && $0 ~ /^url[ \t]*=/) active = 1; next }
        /^\[/ { if (insec && !done) { print "url = " url; done = 1 } insec = ($0 == "[platform]") }
        insec && !done && (active ? $0 ~ /^url[ \t]*=/ : $0 ~ /^[#;][ \t]*url[ \t]*=/) { print "url = " url; done = 1; next }
        { print }
        END { if (!done) { if (!insec) print "[platform]"; print "url = " url }
              print "# check-install: edited by the technician" }' "$f" "$f" >"$f.new" &&
    cat "$f.new" >"$f" && rm -f "$f.new"   # cat keeps the file's owner and mode
}
step_log=$logdir/14-doctor.log
if [ -n "$url" ] && edit_conf "$url"; then
    t0=$(date +%s)
    as_kiosk 120 haobanctl doctor >"$step_log" 2>&1
    rc=$?
    echo "--- exit $rc" >>"$step_log"
    # Ran (0 no FAIL, 1 some FAIL), one line per check, a fix under every WARN and FAIL.
    summary=$(awk '
        /^(OK|WARN|FAIL) / { n[$1]++; total++; if (need) nofix = nofix " " prev; need = ($1 != "OK"); prev = $2
                             if ($1 == "FAIL") fails = fails " " $2; next }
        /^ +fix: / { need = 0; next }
        END { if (need) nofix = nofix " " prev
              printf "%d checks (%d OK, %d WARN, %d FAIL%s)|%s\n", total, n["OK"], n["WARN"], n["FAIL"], fails ? ":" fails : "", nofix }' "$step_log")
    nofix=${summary#*|}
    ok=0
    { [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } && [ -z "$nofix" ] && ! grep -q '^0 checks' <<<"$summary" || ok=1
    check "doctor: runs, fixes for failures" "$ok" "${summary%|*}${nofix:+; no fix under:$nofix} in $(( $(date +%s) - t0 )) s" "$step_log"
    # What must be fine on a fresh install: the shipped config loads, the platform
    # answers, the data dir is usable, the fonts have Chinese glyphs.
    for id in config platform data-dir fonts; do
        line=$(grep -E "^[A-Z]+ +$id " "$step_log" | head -n 1)
        [ "${line%% *}" = OK ]
        check "doctor: $id OK" "$?" "$(echo "${line:-no $id line}" | tr -s ' ' | cut -c1-90)" "$step_log"
    done
    # And it sees what a chroot lacks: no kiosk running, no ID card reader.
    for id in kiosk device-idcard; do
        line=$(grep -E "^[A-Z]+ +$id " "$step_log" | head -n 1)
        case "${line%% *}" in WARN|FAIL) rc=0 ;; *) rc=1 ;; esac
        check "doctor: $id not OK here" "$rc" "$(echo "${line:-no $id line}" | tr -s ' ' | cut -c1-90)" "$step_log"
    done

    step_log=$logdir/15-selftest.log
    t0=$(date +%s)
    as_kiosk 300 haobanctl selftest visits --count 3 --timeout 240 >"$step_log" 2>&1
    rc=$?
    grep -qx 'selftest: 3/3 visits delivered exactly once' "$step_log" || rc=1
    check "selftest: 3 visits" "$rc" "$(tail -n 1 "$step_log" | cut -c1-70) in $(( $(date +%s) - t0 )) s" "$step_log"
else
    not_run "doctor" "no platform-sim"
    not_run "selftest" "no platform-sim"
fi
if [ -n "$sim_pid" ]; then kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; sim_pid=""; fi

# --- 6. upgrade over itself ---------------------------------------------------------------
marker=/var/lib/haoban/check-install-marker
# The doctor step edited the conffile; without a sim, edit it here.
grep -q '^# check-install: edited' "$root$conf" 2>/dev/null || edit_conf http://127.0.0.1:9
token="kept-$(date +%s%N)"
echo "$token" >"$root$marker"
in_root 30 chown haoban:haoban "$marker"
conf_before=$(cat "$root$conf")
ids_before=$(in_root 30 sh -c 'getent passwd haoban; stat -c "%U:%G %a" /var/lib/haoban')
step_log=$logdir/16-upgrade.log
t0=$(date +%s)
# No --force-conf*: a conffile prompt would read stdin (/dev/null) and fail the upgrade.
install_pkgs "${v2_debs[@]}" >"$step_log" 2>&1
rc=$?
status=$(in_root 30 dpkg-query -W -f='${Status} ${Version}' haoban 2>/dev/null)
[ "$status" = "install ok installed $v2" ] || { rc=1; echo "--- status: $status" >>"$step_log"; }
errs=$(script_errors "$step_log")
[ -z "$errs" ] || { rc=1; echo "--- lines that read like errors:"$'\n'"$errs" >>"$step_log"; }
check "upgrade: $v1 -> $v2" "$rc" "scripts ran without error in $(( $(date +%s) - t0 )) s" "$step_log"
[ "$(cat "$root$marker" 2>/dev/null)" = "$token" ]
check "upgrade: keeps data" "$?" "$marker still there" "$step_log"
[ "$(cat "$root$conf" 2>/dev/null)" = "$conf_before" ] && [ ! -e "$root$conf.dpkg-new" ] && [ ! -e "$root$conf.dpkg-dist" ]
check "upgrade: keeps edited conffile" "$?" "$conf unchanged (platform url + comment), no .dpkg-new/.dpkg-dist" "$step_log"
ids_after=$(in_root 30 sh -c 'getent passwd haoban; stat -c "%U:%G %a" /var/lib/haoban')
[ "$ids_before" = "$ids_after" ]
check "upgrade: user and dirs unchanged" "$?" "uid $kiosk_uid, /var/lib/haoban $(owner_mode /var/lib/haoban)" "$step_log"

# --- 7. purge -----------------------------------------------------------------------------
dpkg-deb -e "$(ls "$debs"/v2/haoban_*.deb | head -n 1)" "$root/tmp/ci-control" 2>/dev/null
step_log=$logdir/17-purge.log
t0=$(date +%s)
apt_root 600 purge $pkgs >"$step_log" 2>&1
rc=$?
left=$(in_root 30 dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' 'haoban*' 2>/dev/null | grep -v '^un ')
[ -z "$left" ] || { rc=1; echo "--- still known to dpkg: $left" >>"$step_log"; }
errs=$(script_errors "$step_log")
[ -z "$errs" ] || { rc=1; echo "--- lines that read like errors:"$'\n'"$errs" >>"$step_log"; }
check "purge: apt-get purge" "$rc" "$pkgs in $(( $(date +%s) - t0 )) s" "$step_log"
for d in /var/lib/haoban /var/log/haoban /etc/haoban; do
    [ ! -e "$root$d" ]
    check "purge: removes $d" "$?" "$( [ -e "$root$d" ] && echo "still there: $(ls -A "$root$d" | head -n 5 | tr '\n' ' ')" || echo gone)"
done
left=""
[ -n "$kiosk_uid" ] && left=$(find "$root" -xdev -uid "$kiosk_uid" 2>/dev/null | sed "s|^$root||" | head -n 5)
[ -z "$left" ]
check "purge: no files of the user left" "$?" "${left:-none owned by uid $kiosk_uid}"
pw=$(in_root 30 getent passwd haoban; in_root 30 getent group haoban)
[ -z "$pw" ]
check "purge: removes the user" "$?" "${pw:-haoban gone from passwd and group}"

step_log=$logdir/18-postrm-twice.log
rc=0
if [ -x "$root/tmp/ci-control/postrm" ]; then
    for i in 1 2; do
        echo "--- postrm purge, run $i" >>"$step_log"
        in_root 120 env "${maint_env[@]}" DPKG_MAINTSCRIPT_NAME=postrm /tmp/ci-control/postrm purge >>"$step_log" 2>&1 || rc=1
    done
    grep -qvE '^--- ' "$step_log" && rc=1   # quiet is right: nothing left to remove
    what="exit 0 twice, nothing printed"
else
    what="haoban has no postrm"
fi
check "scripts: postrm purge twice" "$rc" "$what" "$step_log"

# Keep the archive cache to what the mirror still has.
apt_root 120 autoclean >/dev/null 2>&1
finish
}
