#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The guest memory size MEM in MiB, or the message that names the fix: the
# one place its form and range are checked (the Makefile, boot-guest.sh).
#
# usage: mem-mib.sh MEM   (like 256M or 1G; 64M to 16G)
# Exit status: 0 printed the MiB, 2 MEM is not such a size (said on stderr).
not_a_size() {
	echo "MEM=$1 is not a guest memory size like 256M or 1G (64M to 16G)" >&2
	exit 2
}

mem=$1
case $mem in [0-9]*[MG]) ;; *) not_a_size "$mem" ;; esac
num=${mem%[MG]}
case $num in *[!0-9]*) not_a_size "$mem" ;; esac
mib=$num
[ "${mem#"$num"}" = G ] && mib=$((num * 1024))
if [ "$mib" -lt 64 ] || [ "$mib" -gt 16384 ]; then
	echo "MEM=$mem is out of range: use 64M to 16G (default 256M)" >&2
	exit 2
fi
echo "$mib"
