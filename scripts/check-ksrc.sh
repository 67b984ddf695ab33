#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Check a kernel tree the user named with KSRC=: that it is a Linux tree
# with UML in it, and that the patch series is in it (or apply it, only
# when asked to with APPLY_PATCHES=1).
#
# usage: check-ksrc.sh TREE check|apply PATCH...
set -eu

tree=$1 mode=$2
shift 2
here=$(dirname "$0")

if [ ! -d "$tree" ]; then
	echo "make: KSRC=$tree does not exist. Set KSRC to a Linux source tree or leave it unset to use Debian's linux-source-6.12." >&2
	exit 1
fi
if ! grep -qs '^VERSION = ' "$tree/Makefile" || [ ! -d "$tree/arch/um" ]; then
	echo "make: KSRC=$tree is not a kernel tree (no Makefile with VERSION = and no arch/um). Set KSRC to a Linux source tree or leave it unset to use Debian's linux-source-6.12." >&2
	exit 1
fi
# kbuild refuses an O= build from a tree built in place, with these very
# tests ("The source tree is not clean"); say so before anything is built.
for f in .config include/config arch/um/include/generated; do
	[ -e "$tree/$f" ] || continue
	echo "make: KSRC=$tree was built in place (it has $f), and kbuild refuses to build such a tree out of tree (O=)." >&2
	echo "Clean it with  make -C $tree ARCH=um mrproper  (this deletes $tree/.config: copy it first if you need it)," >&2
	echo "or point KSRC at a clean tree." >&2
	exit 1
done
status=0
missing=$("$here/patch-tree.sh" check "$tree" "$@") || status=$?
case $status in
0) exit 0 ;;
1) ;;
*) exit "$status" ;; # patch-tree.sh said why
esac
if [ "$mode" = apply ]; then
	exec "$here/patch-tree.sh" apply "$tree" "$@"
fi
echo "make: KSRC=$tree lacks the appliance's patch series (first missing: $missing)." >&2
echo "The appliance never modifies your tree on its own. Apply the series with" >&2
echo "    cd $tree && git am $(cd "$here/.." && pwd)/patches/[0-9]*.patch" >&2
echo "or let make apply it:  make ... KSRC=$tree APPLY_PATCHES=1" >&2
exit 1
