#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In the guest, after the packages were installed on the host: podnet as
# an operator gets it, modprobe'd from what DKMS installed and driven by
# the packaged tool, carries a ping between the pods of two nodes.

KVER=$(uname -r)
mod=$(modinfo -n podnet 2>/dev/null)
case $mod in
/lib/modules/$KVER/updates/dkms/podnet.ko*) ;;
*)	echo "not ok: modprobe would not load DKMS's podnet (modinfo -n: ${mod:-none})"
	exit 1 ;;
esac
if ! out=$(modprobe podnet 2>&1); then
	echo "not ok: modprobe podnet: $out"
	exit 1
fi
for m in podnet tunnel4 udp_tunnel; do
	[ -d /sys/module/$m ] || { echo "not ok: modprobe podnet did not load $m"; exit 1; }
done

# lib.sh finds the module loaded and leaves it; the tool is the packaged one.
PODNET=/usr/sbin/podnet
source "$(dirname "$0")/../lib.sh"

pn_underlay && pn_podnet_node 1 && pn_podnet_node 2 &&
	pn_podnet_peers 1 2 && pn_podnet_peers 2 1 &&
	ip -n "$N1" route add 10.244.0.0/16 via 169.254.1.1 dev pn0 onlink &&
	ip -n "$N2" route add 10.244.0.0/16 via 169.254.1.1 dev pn0 onlink
check_err $? "cannot build two nodes with $PODNET"
ns_exec "$P1" ping -c 3 -i 0.3 -W 2 -q 10.244.2.2 >/dev/null
check_err $? "the pods do not ping each other"
log_test "packages: modprobe podnet, the packaged tool, two nodes ping"
cleanup_all_ns
rmmod podnet
exit $EXIT_STATUS
