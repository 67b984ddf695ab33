#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Apply the patch series to a kernel tree, or check that it is in one.
#
# usage: patch-tree.sh apply|check TREE PATCH...
#   apply: apply each patch in order; stop at the first that does not
#          apply, naming it and its failed hunks, with the tree unchanged
#          by that patch.
#   check: exit 0 if every patch is already in TREE, else name the first
#          that is not.
set -eu

mode=$1 tree=$2
shift 2
for p in "$@"; do
	name=${p##*/}
	if patch -d "$tree" -p1 -R -f -s --dry-run <"$p" >/dev/null 2>&1; then
		[ "$mode" = apply ] && echo "  PATCH   $name (already applied)"
		continue
	fi
	if [ "$mode" = check ]; then
		echo "$name"
		exit 1
	fi
	if ! out=$(patch -d "$tree" -p1 -N -f --dry-run <"$p" 2>&1); then
		echo "$out" | grep -E 'FAILED|can.t find file|patching file|malformed' >&2 || echo "$out" >&2
		echo "patches: $name does not apply to $tree (failed hunks above)." >&2
		echo "Refresh it against this tree (git am, fix, git format-patch), or use" >&2
		echo "Debian's linux-source-6.12 by leaving KSRC unset." >&2
		exit 1
	fi
	echo "  PATCH   $name"
	patch -d "$tree" -p1 -N -f -s <"$p"
done
