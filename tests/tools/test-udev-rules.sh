#!/bin/bash
# test-udev-rules.sh — packaging/udev/60-haoban.rules gives the kiosk exactly the devices
# the drivers know: every VID:PID in the drivers' id tables has its rule (and no rule names
# an id no driver knows), and udev parses the file. TAP.
set -u
src=${HB_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
rules="$src/packaging/udev/60-haoban.rules"
n=0; failed=0
ok ()     { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=1; echo "not ok $n - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/# /'; }
check ()  { if [ -z "$2" ]; then ok "$1"; else not_ok "$1" "$2"; fi; }
echo "1..7"

# "vvvv:pppp" per line from a driver table: { .vid = 0x…, .pid = 0x… } entries.
dev_ids () { grep -oE '\{ *\.vid = 0x[0-9a-fA-F]{4}, *\.pid = 0x[0-9a-fA-F]{4}' "$1" |
             sed -E 's/.*0x([0-9a-fA-F]{4}).*0x([0-9a-fA-F]{4})/\1:\2/' | tr A-F a-f; }
# scanners: { 0xVID, 0xPID, KIND, "…" } with KIND W, P or C.
scanner_ids () { grep -oE "\{ *0x[0-9a-fA-F]{4}, *0x[0-9a-fA-F]{4}, *[$1]," "$src/drivers/scanner/hb-scanner-ids.c" |
                 sed -E 's/.*0x([0-9a-fA-F]{4}).*0x([0-9a-fA-F]{4}).*/\1:\2/' | tr A-F a-f; }
rule_lines () { grep -v '^#' "$rules"; }
# A rule line of the given kind for vid:pid, or nothing.
usb_rule ()   { rule_lines | grep -F "ATTR{idVendor}==\"${1%:*}\", ATTR{idProduct}==\"${1#*:}\"" | grep -F 'GROUP="haoban", MODE="0660"'; }
input_rule () { rule_lines | grep -F "ATTRS{idVendor}==\"${1%:*}\", ATTRS{idProduct}==\"${1#*:}\"" | grep -F 'LIBINPUT_IGNORE_DEVICE}="1"'; }
tty_rule ()   { rule_lines | grep -F "ATTRS{idVendor}==\"${1%:*}\", ATTRS{idProduct}==\"${1#*:}\"" | grep -F 'GROUP="haoban"' | grep -F 'SYMLINK+="haoban-scanner"'; }

idcard=$(dev_ids "$src/drivers/idcard/hb-sam-card-reader.c")
printer=$(dev_ids "$src/drivers/printer/hb-escpos-printer.c")
hid=$(scanner_ids WP)
cdc=$(scanner_ids C)
all=$(printf '%s\n' $idcard $printer $hid $cdc | sort -u)
if [ -n "$idcard" ] && [ -n "$printer" ] && [ -n "$hid" ] && [ -n "$cdc" ]; then
    ok "the drivers' id tables were found ($(printf '%s\n' $all | wc -l) ids)"
else
    not_ok "the drivers' id tables were found" "idcard:[$idcard] printer:[$printer] hid:[$hid] cdc:[$cdc]"
fi

missing=""; for id in $idcard $printer; do [ -n "$(usb_rule "$id")" ] || missing="$missing $id"; done
check "every ID reader and receipt printer id has a USB rule (group haoban, 0660)" "${missing:+no rule for:$missing}"
missing=""; for id in $hid; do [ -n "$(usb_rule "$id")" ] || missing="$missing $id"; done
check "every HID scanner id has a USB rule (claimed over libusb)" "${missing:+no rule for:$missing}"
missing=""; for id in $hid; do [ -n "$(input_rule "$id")" ] || missing="$missing $id"; done
check "every HID scanner's input device is ignored by libinput (it cannot type into the screen)" "${missing:+no rule for:$missing}"
missing=""; for id in $cdc; do [ -n "$(tty_rule "$id")" ] || missing="$missing $id"; done
check "every CDC scanner's tty is the group's and linked to /dev/haoban-scanner" "${missing:+no rule for:$missing}"

# No stale ids (a driver dropped one) and no seat-based access.
stale=""
for id in $(rule_lines | grep -oE 'idVendor\}=="[0-9a-f]{4}", ATTRS?\{idProduct\}=="[0-9a-f]{4}"' |
            sed -E 's/.*"([0-9a-f]{4})".*"([0-9a-f]{4})"/\1:\2/' | sort -u); do
    printf '%s\n' $all | grep -qx "$id" || stale="$stale $id"
done
uaccess=$(rule_lines | grep -n 'uaccess' || true)
check "no rule names an id no driver knows, none uses uaccess" "${stale:+stale:$stale}${uaccess:+ uaccess: $uaccess}"

# udev's own parser, on a private mount namespace (root only; CI runs as root).
if [ "$(id -u)" -eq 0 ] && command -v udevadm >/dev/null && command -v unshare >/dev/null &&
   unshare -m true 2>/dev/null; then
    d=$(mktemp -d); cp "$rules" "$d/"
    log=$(unshare -m sh -c "mount --bind '$d' /etc/udev/rules.d && udevadm test --action=add /sys/class/tty/tty0 2>&1" |
          grep '60-haoban.rules:' | grep -v "Unknown group 'haoban'")
    rm -rf "$d"
    check "udevadm reads the rules without an error" "$log"
else
    n=$((n + 1)); echo "ok $n - udevadm reads the rules without an error # SKIP needs root, udevadm, unshare"
fi
exit $failed
