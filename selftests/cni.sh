#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pods attached by Debian's CNI plugins, called as a container runtime
# calls them: the bridge plugin (cni0, host-local IPAM over the node's pod
# subnet, as flannel's CNI configuration delegates to it) and loopback,
# on two podnet nodes. The pods talk across nodes over podnet, and DEL
# takes them apart and releases their addresses.

source "$(dirname "$0")/lib.sh"

for p in bridge host-local loopback; do
	if [ ! -x "$CNI_BIN/$p" ]; then
		echo "SKIP: no $CNI_BIN/$p (containernetworking-plugins)"
		exit $ksft_skip
	fi
done
TMP=$(mktemp -d)
PN_CNI_DIR=$TMP
trap 'cleanup_all_ns; rm -rf "$TMP"' EXIT

# The first address of a CNI ADD result.
cni_ip()
{
	python3 -c 'import json, sys; print(json.load(sys.stdin)["ips"][0]["address"].split("/")[0])'
}

pn_underlay
for i in 1 2; do
	pn_bare_node "$i"
	n=$(eval echo "\$N$i")
	ip netns exec "$n" "$PODNET" link add pn0 local "$(pn_addr "$i")" dev e0
	ip -n "$n" addr add "10.244.$i.0/32" dev pn0
	ip -n "$n" link set pn0 up
	ip -n "$n" route add 10.244.0.0/16 via 169.254.1.1 dev pn0 onlink
	pn_cni_pod "$i"
	check_err $? "CNI ADD on node $i: $PN_CNI_RESULT"
	eval "IP$i=$(echo "$PN_CNI_RESULT" | cni_ip)"
done
pn_podnet_peers 1 2 && pn_podnet_peers 2 1
check_err $? "podnet peers"
expect_match "$IP1/$IP2" '^10\.244\.1\.[0-9]+/10\.244\.2\.[0-9]+$' "addresses from host-local"
expect_match "$(ip -n "$P1" -o link show lo)" "UP" "loopback did not bring lo up"
expect_match "$(ip -n "$N1" -o addr show dev cni0)" "10\.244\.1\.1/24" "cni0 is not the pods' gateway"
log_test "CNI bridge, host-local and loopback attach a pod on each node"

ns_exec "$P1" ping -c 2 -i 0.3 -W 2 -q "$IP2" >/dev/null
check_err $? "pod 1 does not reach pod 2 ($IP2)"
ns_exec "$P2" ping -c 2 -i 0.3 -W 2 -q "$IP1" >/dev/null
check_err $? "pod 2 does not reach pod 1 ($IP1)"
log_test "CNI pods on two nodes talk over podnet, both ways"

for i in 1 2; do
	n=$(eval echo "\$N$i")
	p=$(eval echo "\$P$i")
	pn_cni_del "$i"
	check_err $? "CNI DEL on node $i"
	! ip -n "$p" link show eth0 >/dev/null 2>&1
	check_err $? "the pod on node $i still has eth0 after DEL"
	[ -z "$(ip -n "$n" -o link show master cni0)" ]
	check_err $? "a port is left on node $i's cni0 after DEL"
	! ls "$TMP/ipam-$i/cbr0/10.244.$i."* >/dev/null 2>&1
	check_err $? "host-local did not release node $i's address"
done
log_test "CNI DEL takes the pods apart and releases their addresses"
exit $EXIT_STATUS
