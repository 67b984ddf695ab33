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

# Debian's linux-source-6.12 is the default tree; elsewhere the user names
# one. Say so once, in place of the package that host does not have.
ksrc_hint() {
	echo "make $target: this host has no linux-source-6.12 package: give make a Linux 6.12 tree," >&2
	echo "  e.g.  make $target KSRC=/path/to/linux-6.12 APPLY_PATCHES=1  (the series is applied to it)" >&2
}
case " $missing " in *" linux-source-6.12 "*) need_ksrc=1 ;; *) need_ksrc= ;; esac
without_source=$(echo "$missing" | sed 's/ linux-source-6\.12//')

# On a host without apt, name the packages in its own package manager's words.
if ! command -v apt-get >/dev/null 2>&1; then
	if command -v dnf >/dev/null 2>&1; then
		# Debian's name -> Fedora's (the static glibc the storms link)
		names=$(echo "$without_source" | sed -e 's/busybox-static/busybox/' \
			-e 's/xz-utils/xz/' -e 's/libc6-dev/glibc-devel glibc-static/' \
			-e 's/procps/procps-ng/' -e 's/libxml2-utils/libxml2/' \
			-e 's/shellcheck/ShellCheck/' -e 's/user-mode-linux//')
		[ -n "$(echo "$names" | tr -d ' ')" ] &&
			echo "make $target: missing packages. Install them with:  sudo dnf install -y$names" >&2
	else
		echo "make $target: missing (Debian's names):$without_source; install their equivalents" >&2
	fi
	[ -n "$need_ksrc" ] && ksrc_hint
	exit 1
fi
# apt without Debian's 6.12 source (Ubuntu 24.04, say)
if [ -n "$need_ksrc" ] && ! apt-cache show linux-source-6.12 >/dev/null 2>&1; then
	[ -n "$(echo "$without_source" | tr -d ' ')" ] &&
		echo "make $target: missing packages. Install them with:  sudo apt-get install -y$without_source" >&2
	ksrc_hint
	exit 1
fi

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
