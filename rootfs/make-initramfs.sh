#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Pack the guest's initramfs without root: write a file list for the
# kernel's usr/gen_init_cpio (device nodes and owners are declared, not
# created) and let it write the newc archive.
#
# usage: make-initramfs.sh OUT.cpio GEN_INIT_CPIO BUSYBOX OVERLAY_DIR BIN_DIR [MODULE.ko]
set -eu

out=$1 gen_init_cpio=$2 busybox=$3 overlay=$4 bindir=$5 module=${6:-}
list=$out.list

emit_skeleton() {
	for d in /bin /sbin /usr /usr/bin /usr/sbin /etc /etc/init.d /dev /proc \
		/sys /tmp /root /lib /lib/modules; do
		echo "dir $d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
}

emit_busybox() {
	echo "file /bin/busybox $busybox 0755 0 0"
	echo "slink /init /bin/busybox 0777 0 0"
	"$busybox" --list-full | while read -r applet; do
		[ "$applet" = bin/busybox ] || [ "$applet" = linuxrc ] && continue
		echo "slink /$applet /bin/busybox 0777 0 0"
	done
}

emit_overlay() {
	(cd "$overlay" && find etc sbin -type f) | sort | while read -r f; do
		mode=0644
		[ -x "$overlay/$f" ] && mode=0755
		echo "file /$f $overlay/$f $mode 0 0"
	done
}

emit_programs() {
	for f in "$bindir"/*; do
		[ -f "$f" ] && [ -x "$f" ] && echo "file /usr/bin/${f##*/} $f 0755 0 0"
	done
	[ -n "$module" ] && echo "file /lib/modules/${module##*/} $module 0644 0 0"
	return 0
}

{
	emit_skeleton
	emit_busybox
	emit_overlay
	emit_programs
} >"$list.tmp"
mv "$list.tmp" "$list"
"$gen_init_cpio" "$list" >"$out.tmp"
mv "$out.tmp" "$out"
echo "  CPIO    $out ($(wc -l <"$list") entries, list in $list)"
