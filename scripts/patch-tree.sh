#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Apply the patch series to a kernel tree, or check that it is in one.
#
# usage: patch-tree.sh apply|check TREE PATCH...
#   apply: skip the leading patches already in TREE, apply the others in
#          order; stop at the first that does not apply, naming it and its
#          failed hunks, with the tree unchanged by that patch.
#   check: exit 0 if every patch is already in TREE, else name the first
#          that is not.
# Exit status 2: patch(1) is not installed.
set -eu

mode=$1 tree=$2
shift 2

# Without patch(1) every patch would look as if it did not apply.
if ! command -v patch >/dev/null 2>&1; then
	echo "patches: patch(1) is not installed. Install it with:  sudo apt-get install -y patch" >&2
	exit 2
fi

# series_in_tree N PATCH...: are the first N patches, in order, all in the
# tree? A later patch may change what an earlier one touched, so undo them
# in reverse order on a scratch copy of the files they touch.
series_in_tree() {
	count=$1
	shift
	[ "$count" -eq 0 ] && return 0
	scratch=$(mktemp -d)
	i=0
	for first; do
		i=$((i + 1))
		if [ "$i" -le "$count" ]; then sed -n 's|^+++ b/||p' "$first"; fi
	done | sort -u | while IFS= read -r f; do
		if [ -e "$tree/$f" ]; then
			mkdir -p "$(dirname "$scratch/$f")"
			cp "$tree/$f" "$scratch/$f"
		fi
	done
	ok=0
	i=$count
	while [ "$i" -gt 0 ]; do
		eval "p=\${$i}"
		patch -d "$scratch" -p1 -R -f -s <"$p" >/dev/null 2>&1 || { ok=1; break; }
		i=$((i - 1))
	done
	rm -rf "$scratch"
	return $ok
}

# How many leading patches of the series the tree already has.
applied=$#
while ! series_in_tree "$applied" "$@"; do
	applied=$((applied - 1))
done

n=0
for p in "$@"; do
	n=$((n + 1))
	name=${p##*/}
	if [ "$n" -le "$applied" ]; then
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
		if [ -e "$tree/.appliance-unpacked" ]; then
			# make's own unpack of Debian's tree, patched by an earlier build
			echo "If a patch was changed, or added before one already applied, start afresh:" >&2
			echo "rm -rf $tree (your edits in it go too) and make unpacks and patches it again." >&2
			echo "Otherwise refresh the patch (git am, fix, git format-patch)." >&2
		else
			echo "Refresh it against this tree (git am, fix, git format-patch), or use" >&2
			echo "Debian's linux-source-6.12 by leaving KSRC unset." >&2
		fi
		exit 1
	fi
	echo "  PATCH   $name"
	patch -d "$tree" -p1 -N -f -s <"$p"
done
