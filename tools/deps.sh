#!/bin/sh
# Install the Debian packages named on the command line that are not installed yet.
# Idempotent: prints one line and does nothing when everything is present.
# Uses sudo only when not root.
set -eu
missing=""
for p in "$@"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$st" = "installed" ] || missing="$missing $p"
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
