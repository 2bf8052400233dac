#!/bin/bash
# make-deb.sh — `make deb`: build the haoban and haoban-platform-sim packages from the
# working tree as it is now (tracked and new files; not build/), with debhelper.
#   packaging/make-deb.sh OUT_DIR VERSION JOBS LINTIAN(1|0)
# VERSION other than packaging/debian/changelog's top entry adds an entry for it, so a
# second, newer package can be built for upgrade tests: make deb DEB_VERSION=0.1.1
# Output: OUT_DIR/haoban_VERSION_ARCH.deb, haoban-platform-sim_…deb, .changes, .buildinfo.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=$1; version=$2; jobs=${3:-2}; lintian=${4:-1}
case $out in /*) ;; *) out="$src/$out" ;; esac
[ -n "$version" ] || { echo "make deb: no version (packaging/debian/changelog unreadable?)" >&2; exit 1; }
case $version in *[!0-9A-Za-z.+~-]*|'') echo "make deb: bad version '$version'" >&2; exit 1 ;; esac
for tool in dpkg-buildpackage dh; do
    command -v "$tool" >/dev/null || { echo "make deb: $tool missing (make deps installs it)" >&2; exit 1; }
done

stage="$out/src"
tree="$stage/haoban-$version"
rm -rf "$stage"; mkdir -p "$tree"
cd "$src"
# The files of the tree, without build products.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do
            case $f in build/*) continue ;; esac
            [ -f "$f" ] && printf '%s\0' "$f"
        done | tar --null -T - -cf - | tar -xf - -C "$tree"
else
    tar --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$tree"
fi
cp -r packaging/debian "$tree/debian"

top=$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)
if [ "$version" != "$top" ]; then
    maint=$(dpkg-parsechangelog -l packaging/debian/changelog -S Maintainer)
    rev=$(git describe --always --dirty 2>/dev/null || echo unknown)
    {
        printf 'haoban (%s) bookworm; urgency=medium\n\n' "$version"
        printf '  * Build of the working tree at %s (make deb DEB_VERSION=%s).\n\n' "$rev" "$version"
        printf ' -- %s  %s\n\n' "$maint" "$(date -R)"
        cat packaging/debian/changelog
    } > "$tree/debian/changelog"
fi

echo "make deb: building haoban $version in $tree"
(cd "$tree" && dpkg-buildpackage -us -uc -b -J"$jobs") > "$out/build.log" 2>&1 || {
    tail -n 40 "$out/build.log" >&2
    echo "make deb: dpkg-buildpackage failed (whole log: $out/build.log)" >&2
    exit 1
}
arch=$(dpkg --print-architecture)
rm -f "$out"/haoban*_"$version"_*.deb "$out"/haoban_"$version"_"$arch".{changes,buildinfo}
mv "$stage"/*.deb "$stage"/*.changes "$stage"/*.buildinfo "$out"/
rm -rf "$stage"
ls -1 "$out"/*_"$version"_*.deb
if [ "$lintian" = 1 ]; then
    echo "make deb: lintian (errors fail; warnings are listed in docs/packaging.md)"
    lintian --fail-on error --info --tag-display-limit 0 "$out/haoban_${version}_${arch}.changes" \
        | tee "$out/lintian.log"
    # lintian's own exit status with --fail-on error is what the pipe cannot keep:
    ! grep -q '^E: ' "$out/lintian.log"
fi
