#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel build directory podnet builds against (or, with
# --release, that kernel's release): $KDIR if set, else the running kernel's when it has one,
# otherwise the newest installed Debian headers. Prints nothing and fails
# when neither exists.

run=/lib/modules/$(uname -r)/build
if [ -n "${KDIR:-}" ]; then
	kdir=$KDIR
elif [ -d "$run" ]; then
	kdir=$run
else
	kdir=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n1)
fi
[ -n "$kdir" ] || exit 1
if [ "${1:-}" = --release ]; then
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' \
		"$kdir/include/generated/utsrelease.h"
else
	echo "$kdir"
fi
