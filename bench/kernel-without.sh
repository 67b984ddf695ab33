#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build the appliance kernel without one patch of the series, as the peer
# that shows what that patch changes: a copy of KTREE kept in step with it
# (rsync keeps mtimes, so kbuild rebuilds only what changed), the patch
# reverted in the copy, and an O= build of its own.
#
# usage: kernel-without.sh PATCH TREE KOBJ   (environment: KTREE FRAGMENTS)
set -eu

patch=$1 tree=$2 kobj=$3
jobs=2
files=$(sed -n 's|^+++ b/||p' "$patch")
[ -n "$files" ] || { echo "bench: $patch names no file: is it a patch?" >&2; exit 1; }
mkdir -p "$tree" "$kobj"
# make -C would read a relative O= from inside the tree.
tree=$(cd "$tree" && pwd) kobj=$(cd "$kobj" && pwd)

# The files the patch touches are not synced but reverted apart, and
# replaced only when the reverted text changes: their mtimes stay put too.
set --
for f in $files; do set -- "$@" --exclude="/$f"; done
echo "  SYNC    rsync -a --delete $* $KTREE/ $tree/" >&2
rsync -a --delete "$@" "$KTREE/" "$tree/"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for f in $files; do
	mkdir -p "$scratch/$(dirname "$f")"
	cp "$KTREE/$f" "$scratch/$f"
done
echo "  PATCH   -R ${patch##*/} -> $tree" >&2
patch -d "$scratch" -p1 -R -f -s <"$patch" || {
	echo "bench: ${patch##*/} does not revert from $KTREE: is the series applied there?" >&2
	exit 1
}
for f in $files; do
	cmp -s "$scratch/$f" "$tree/$f" || cp "$scratch/$f" "$tree/$f"
done

# Merged again only when a fragment changed, or the list of them (KASAN=1
# adds one), as the Makefile does: a new .config would make kbuild
# rebuild more than it needs to.
# shellcheck disable=SC2086 # one word a fragment
if [ ! -e "$kobj/.config" ] || [ "$(cat "$kobj/fragments" 2>/dev/null)" != "$FRAGMENTS" ] ||
	[ -n "$(find $FRAGMENTS -newer "$kobj/.config")" ]; then
	"$(dirname "$0")/../kernel-config/merge.sh" "$tree" "$kobj" $FRAGMENTS >&2
	echo "$FRAGMENTS" >"$kobj/fragments"
fi
echo "  KBUILD  make -C $tree O=$kobj ARCH=um -j$jobs all" >&2
make -C "$tree" O="$kobj" ARCH=um -j"$jobs" all >"$kobj/build.log" 2>&1 || {
	tail -n 40 "$kobj/build.log" >&2
	echo "bench: the kernel without ${patch##*/} did not build; whole log: $kobj/build.log" >&2
	exit 1
}
