#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Make sure the Debian packages a make target needs are installed: install
# the missing ones when running as root, else name them and stop.
#
# usage: need-packages.sh TARGET PKG:PATH... (PATH: a command on $PATH, or
# an absolute file that the package installs)
set -eu

target=$1
shift
missing=
for item in "$@"; do
	pkg=${item%%:*}
	path=${item#*:}
	case $path in
	/*) [ -e "$path" ] && continue ;;
	*) command -v "$path" >/dev/null 2>&1 && continue ;;
	esac
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "make $target: missing Debian packages:$missing" >&2
	echo "Install them with:  sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "make $target: installing missing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # one word a package
apt-get install -y -q $missing >/dev/null ||
	{ apt-get update -q >/dev/null && apt-get install -y -q $missing >/dev/null; } || {
	echo "make $target: apt-get could not install:$missing" >&2
	echo "Run as root:  apt-get update && apt-get install -y$missing" >&2
	exit 1
}
