#!/bin/bash
# The SAM reader unplugged and replugged a hundred times over USB hotplug (umockdev),
# under valgrind: back online every time, and not one byte leaked or one invalid access.
# TAP. Needs valgrind and umockdev (make deps).
set -u
build=${HB_BUILDDIR:?run through tests/run-tests.sh}
bin="$build/tests/unit/drivers/idcard/test-sam-usb"
log="${HB_TEST_OUTPUT:-/tmp}/sam-usb-valgrind.log"
if grep -q __asan_init "$bin" 2>/dev/null; then
    echo "1..0 # SKIP valgrind cannot run a SANITIZE=1 build (ASan checks it instead)"
    exit 0
fi
echo "1..2"
G_SLICE=always-malloc G_DEBUG=gc-friendly HB_REPLUG_LOOPS=100 \
  umockdev-wrapper valgrind --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --num-callers=40 \
    "$bin" -p /drivers/idcard/sam-usb/unplug-and-replug-a-hundred-times >"$log.tap" 2>"$log"
rc=$?
if grep -q '^ok 1 /drivers/idcard/sam-usb/unplug-and-replug-a-hundred-times' "$log.tap"; then
    echo "ok 1 /drivers/idcard/sam-usb-valgrind/back-online-after-each-of-100-replugs"
else
    echo "not ok 1 /drivers/idcard/sam-usb-valgrind/back-online-after-each-of-100-replugs"
fi
if [ "$rc" -eq 0 ] && grep -q 'ERROR SUMMARY: 0 errors' "$log" &&
   grep -q 'definitely lost: 0 bytes' "$log"; then
    echo "ok 2 /drivers/idcard/sam-usb-valgrind/no-leak-and-no-invalid-access"
else
    echo "not ok 2 /drivers/idcard/sam-usb-valgrind/no-leak-and-no-invalid-access # valgrind exit $rc, see $log"
    grep -E 'definitely lost|indirectly lost|ERROR SUMMARY' "$log" | sed 's/^/# /'
fi
