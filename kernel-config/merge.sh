#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Write KOBJ/.config from the fragments with the kernel's own
# merge_config.sh, and fail if any requested value did not survive.
#
# usage: merge.sh KSRC KOBJ FRAGMENT...
set -eu

ksrc=$1 kobj=$2
shift 2
mkdir -p "$kobj"
kobj=$(realpath "$kobj")
# merge_config.sh runs in the kernel tree: name the fragments absolutely,
# through the links given (a clone whose path has spaces is read through a
# link without them, and merge_config.sh splits its arguments at spaces).
for fragment; do
	shift
	set -- "$@" "$(realpath -s "$fragment")"
done
log=$kobj/merge_config.log
echo "  MERGE   $* -> $kobj/.config"
(cd "$ksrc" && ARCH=um scripts/kconfig/merge_config.sh -O "$kobj" "$@") >"$log" 2>&1 || {
	cat "$log" >&2
	echo "kernel-config: merge_config.sh failed (log: $log)" >&2
	exit 1
}
# merge_config.sh reports lost values but exits 0: make them fatal. A value
# requested off that is absent is off (Kconfig leaves out a symbol whose
# dependencies are unmet: MODULE_UNLOAD once coverage.config drops MODULES).
lost=$(awk '/^Value requested for/ { cfg = $4; getline req; getline act
	if (req !~ / is not set$/ || act !~ /^Actual value: *$/) print cfg }' "$log")
if [ -n "$lost" ]; then
	for cfg in $lost; do grep -A2 "^Value requested for $cfg " "$log"; done >&2
	echo "kernel-config: the options above were requested by a fragment in kernel-config/" >&2
	echo "but are not in the final .config, most likely an unmet dependency or a patch" >&2
	echo "from patches/ missing in the kernel tree. Fix the fragment (or the tree) and" >&2
	echo "run make again. Full log: $log" >&2
	rm -f "$kobj/.config"
	exit 1
fi
# Kconfig leaves an unchanged .config alone, and make would then merge
# again on every run once a fragment or this script is newer (a checkout).
touch "$kobj/.config"
