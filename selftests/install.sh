#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install puts the module where modprobe finds it and indexes it, so
# that "modprobe podnet" loads the tunnel modules podnet needs first, and
# installs the tool and its manual page. make install runs in a mount
# namespace of its own, over copy-on-write views of the checkout and of
# the kernel's module directory, so that nothing else sees what it writes.

source "$(dirname "$0")/lib.sh"

KVER=$(uname -r)
MODDIR=/lib/modules/$KVER
DEPS="tunnel4 udp_tunnel ip6_udp_tunnel"
TMP=$(mktemp -d)
trap 'cleanup_all_ns; rm -rf "$TMP"' EXIT

if [ "$(KDIR='' "$SELFTESTS/vm/kdir.sh" --release)" != "$KVER" ]; then
	echo "SKIP: make install builds for another kernel than the guest's"
	exit $ksft_skip
fi

# Unload podnet and what it needs (a dependency that something else holds
# stays loaded), run make install in a mount namespace of its own, and keep
# what modprobe says there in $TMP.
pn_unload
modprobe -r -q $DEPS
unshare -m bash -c '
	top=$1 moddir=$2 tmp=$3
	mkdir -p "$tmp"/top/u "$tmp"/top/w "$tmp"/mod/u "$tmp"/mod/w
	mount -t overlay overlay -o "lowerdir=$top,upperdir=$tmp/top/u,workdir=$tmp/top/w" "$top" &&
	mount -t overlay overlay -o "lowerdir=$moddir,upperdir=$tmp/mod/u,workdir=$tmp/mod/w" "$moddir" ||
		exit 1
	# The guest has a /var of its own: dpkg there knows no packages.
	make -s -C "$top" install DEBUG=1 DEPS=true PREFIX="$tmp/usr" \
		>"$tmp/make.log" 2>&1
	echo $? >"$tmp/make.rc"
	modprobe --show-depends podnet >"$tmp/deps" 2>&1
	modprobe podnet >"$tmp/modprobe" 2>&1
	echo $? >"$tmp/modprobe.rc"
	"$tmp/usr/sbin/podnet" help >/dev/null 2>&1
	echo $? >"$tmp/tool.rc"
	ls "$tmp/usr/share/man/man8/podnet.8" \
		"$tmp/usr/share/bash-completion/completions/podnet" \
		"$tmp/usr/sbin/podnet-flannel" \
		"$tmp/usr/share/man/man8/podnet-flannel.8" \
		>"$tmp/installed" 2>/dev/null
	# And make uninstall takes it all away again.
	make -s -C "$top" uninstall DEPS=true PREFIX="$tmp/usr" \
		>"$tmp/uninstall.log" 2>&1
	echo $? >"$tmp/uninstall.rc"
	modinfo -n podnet >"$tmp/after" 2>&1
	ls "$moddir/extra/kmod/podnet.ko" "$tmp/usr/sbin/podnet" \
		"$tmp/usr/share/man/man8/podnet.8" \
		"$tmp/usr/share/bash-completion/completions/podnet" \
		"$tmp/usr/sbin/podnet-flannel" \
		>>"$tmp/after" 2>/dev/null
	exit 0' install "$TOP" "$MODDIR" "$TMP"
check_err $? "cannot lay an overlay over $TOP and $MODDIR"
[ "$(cat "$TMP/make.rc" 2>/dev/null)" = 0 ]
check_err $? "make install failed: $(tail -n 5 "$TMP/make.log" 2>/dev/null)"
out=$(cat "$TMP/deps" 2>/dev/null)
expect_match "$out" "^insmod $MODDIR/extra/kmod/podnet\.ko" \
	"modprobe --show-depends podnet"
for dep in $DEPS; do
	expect_match "$out" "/$dep\.ko" "modprobe does not know podnet needs $dep"
done
[ "$(cat "$TMP/tool.rc" 2>/dev/null)" = 0 ]
check_err $? "the installed tool does not run"
grep -q "man8/podnet\.8$" "$TMP/installed"
check_err $? "no podnet.8 under $TMP/usr/share/man/man8"
grep -q "completions/podnet$" "$TMP/installed"
check_err $? "no bash completion under $TMP/usr/share/bash-completion"
grep -q "sbin/podnet-flannel$" "$TMP/installed" &&
	grep -q "man8/podnet-flannel\.8$" "$TMP/installed"
check_err $? "no podnet-flannel or its man page under $TMP/usr"
log_test "make install: modprobe finds podnet and what it needs"

[ "$(cat "$TMP/modprobe.rc" 2>/dev/null)" = 0 ]
check_err $? "modprobe podnet failed: $(cat "$TMP/modprobe" 2>/dev/null)"
for dep in $DEPS podnet; do
	[ -d "/sys/module/$dep" ]
	check_err $? "$dep not loaded by modprobe podnet"
done
pn_unload
pn_load
check_err $? "loading the build tree's module again failed"
log_test "make install: modprobe podnet loads it with what it needs"

[ "$(cat "$TMP/uninstall.rc" 2>/dev/null)" = 0 ]
check_err $? "make uninstall failed: $(tail -n 5 "$TMP/uninstall.log" 2>/dev/null)"
out=$(cat "$TMP/after" 2>/dev/null)
expect_match "$out" "^modinfo: ERROR: Module podnet not found" \
	"modprobe still finds podnet after make uninstall"
[ "$(echo "$out" | wc -l)" -eq 1 ]
check_err $? "make uninstall left: $out"
log_test "make uninstall: the module, its index entry and the tool are gone"

exit $EXIT_STATUS
