#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict over the given files. The script comes from an
# unpacked kernel source tree, or is unpacked from Debian's linux-source
# tarball into ~/.cache/podnet.

set -u

cache=${XDG_CACHE_HOME:-$HOME/.cache}/podnet
cp=
for f in /usr/src/linux-source-*/scripts/checkpatch.pl \
	 "$cache"/linux-source-*/scripts/checkpatch.pl; do
	[ -x "$f" ] && cp=$f
done
if [ -z "$cp" ]; then
	tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1)
	[ -n "$tarball" ] || { echo "checkpatch: no linux-source package" >&2; exit 2; }
	mkdir -p "$cache"
	tar -C "$cache" -xJf "$tarball" --wildcards '*/scripts/*' || exit 2
	cp=$(ls "$cache"/linux-source-*/scripts/checkpatch.pl | tail -n1)
fi

# compat.h is the one file whose job is to test kernel versions.
rc=0
for f in "$@"; do
	case $f in
	*.mod.c) continue ;;
	*/compat.h) ignore=LINUX_VERSION_CODE,CONSTANT_COMPARISON ;;
	*) ignore=none ;;
	esac
	"$cp" --strict --no-tree --show-types --terse -q --ignore "$ignore" \
		-f "$f" || rc=1
done
exit $rc
