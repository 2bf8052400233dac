#!/bin/sh
# Install the Debian packages named on the command line that are not installed yet.
# Idempotent: prints one line and does nothing when everything is present.
# Uses sudo only when not root.
set -eu
# One dpkg-query for all packages: `make run` pays for this check every time.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "$@" 2>/dev/null |
            awk '$2 == "installed" { print $1 }')
missing=""
for p in "$@"; do
    printf '%s\n' "$installed" | grep -qx "$p" || missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "deps: all $# packages present"
    exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have empty package lists; retry once after an update.
$SUDO apt-get install -y -q --no-install-recommends $missing || {
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q --no-install-recommends $missing
}
