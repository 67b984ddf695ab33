#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Give a clone whose path has a space a place without one: make splits
# paths at spaces, and kbuild refuses such a source tree ("source directory
# cannot contain spaces or colons"). Prints a directory, one per clone,
# holding src (a link to the clone, which make reads through) and build
# (where everything is built); the clone's build is a link to that build.
#
# usage: spaceless.sh CLONE
set -eu

clone=$1
base=${XDG_CACHE_HOME:-${HOME:?}/.cache}/rcu-table-free-appliance
dir=$base/$(printf '%s' "$clone" | cksum | cut -d' ' -f1)
case $dir in
*[[:space:]:]*)
	echo "make: $clone has a space in its path, and so has $base, where its build would go." >&2
	echo "Set XDG_CACHE_HOME to a directory without spaces or colons, or clone into such a path." >&2
	exit 1
	;;
esac
mkdir -p "$dir/build"
ln -sfn "$clone" "$dir/src"
# A build directory left from before is kept; otherwise point to the new one.
if [ -L "$clone/build" ] || [ ! -e "$clone/build" ]; then
	ln -sfn "$dir/build" "$clone/build"
fi
echo "$dir"
