#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pods attached by Debian's CNI plugins, called as a container runtime
# calls them: the bridge plugin (cni0, host-local IPAM over the node's pod
# subnet, as flannel's CNI configuration delegates to it) and loopback,
# on two podnet nodes. The pods talk across nodes over podnet, and DEL
# takes them apart and releases their addresses.

source "$(dirname "$0")/lib.sh"

CNI_BIN=/usr/lib/cni
for p in bridge host-local loopback; do
	if [ ! -x "$CNI_BIN/$p" ]; then
		echo "SKIP: no $CNI_BIN/$p (containernetworking-plugins)"
		exit $ksft_skip
	fi
done
TMP=$(mktemp -d)
trap 'cleanup_all_ns; rm -rf "$TMP"' EXIT

# The configuration flannel's CNI plugin hands to bridge on node I.
cni_conf()
{
	cat <<-EOF
	{
		"cniVersion": "0.4.0",
		"name": "cbr0",
		"type": "bridge",
		"bridge": "cni0",
		"isDefaultGateway": true,
		"hairpinMode": true,
		"ipMasq": false,
		"mtu": 1450,
		"ipam": {
			"type": "host-local",
			"subnet": "10.244.$1.0/24",
			"dataDir": "$TMP/ipam-$1",
			"routes": [ { "dst": "10.244.0.0/16" } ]
		}
	}
	EOF
}

# cni NODE COMMAND PLUGIN CONTAINER IFNAME [CONF]: run a plugin in the
# node's namespace for the pod's, the configuration on stdin.
cni()
{
	local node=$1 cmd=$2 plugin=$3 pod=$4 ifname=$5 conf=${6:-}

	[ -n "$conf" ] || conf='{"cniVersion": "0.4.0", "name": "lo", "type": "loopback"}'
	echo "$conf" | ip netns exec "$node" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		CNI_COMMAND="$cmd" CNI_CONTAINERID="$pod" \
		CNI_NETNS="/run/netns/$pod" CNI_IFNAME="$ifname" CNI_PATH="$CNI_BIN" \
		"$CNI_BIN/$plugin"
}

# The first address of a CNI ADD result.
cni_ip()
{
	python3 -c 'import json, sys; print(json.load(sys.stdin)["ips"][0]["address"].split("/")[0])'
}

pn_underlay
for i in 1 2; do
	setup_ns "N$i"
	n=$(eval echo "\$N$i")
	ip link add e0 netns "$n" type veth peer name "u$i" netns "$UL"
	ip -n "$n" addr add "$(pn_addr "$i")/24" dev e0
	ip -n "$n" link set e0 up
	ip -n "$UL" link set "u$i" master br0 up
	ip netns exec "$n" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$n" "$PODNET" link add pn0 local "$(pn_addr "$i")" dev e0
	ip -n "$n" addr add "10.244.$i.0/32" dev pn0
	ip -n "$n" link set pn0 up
	ip -n "$n" route add 10.244.0.0/16 via 169.254.1.1 dev pn0 onlink
	# A pod namespace as the runtime makes it: nothing up, not even lo.
	pod=pod$i-$(mktemp -u XXXXXX)
	ip netns add "$pod"
	NS_LIST+=("$pod")
	eval "POD$i=$pod"
done
pn_podnet_peers 1 2 && pn_podnet_peers 2 1
check_err $? "podnet peers"

for i in 1 2; do
	n=$(eval echo "\$N$i")
	pod=$(eval echo "\$POD$i")
	cni "$n" ADD loopback "$pod" lo >/dev/null
	check_err $? "loopback ADD on node $i"
	out=$(cni_conf "$i" | { conf=$(cat); cni "$n" ADD bridge "$pod" eth0 "$conf"; })
	check_err $? "bridge ADD on node $i: $out"
	eval "IP$i=$(echo "$out" | cni_ip)"
done
expect_match "$IP1/$IP2" '^10\.244\.1\.[0-9]+/10\.244\.2\.[0-9]+$' "addresses from host-local"
expect_match "$(ip -n "$POD1" -o link show lo)" "UP" "loopback did not bring lo up"
expect_match "$(ip -n "$N1" -o addr show dev cni0)" "10\.244\.1\.1/24" "cni0 is not the pods' gateway"
log_test "CNI bridge, host-local and loopback attach a pod on each node"

ns_exec "$POD1" ping -c 2 -i 0.3 -W 2 -q "$IP2" >/dev/null
check_err $? "pod 1 does not reach pod 2 ($IP2)"
ns_exec "$POD2" ping -c 2 -i 0.3 -W 2 -q "$IP1" >/dev/null
check_err $? "pod 2 does not reach pod 1 ($IP1)"
log_test "CNI pods on two nodes talk over podnet, both ways"

for i in 1 2; do
	n=$(eval echo "\$N$i")
	pod=$(eval echo "\$POD$i")
	cni_conf "$i" | { conf=$(cat); cni "$n" DEL bridge "$pod" eth0 "$conf"; }
	check_err $? "bridge DEL on node $i"
	cni "$n" DEL loopback "$pod" lo
	check_err $? "loopback DEL on node $i"
	! ip -n "$pod" link show eth0 >/dev/null 2>&1
	check_err $? "the pod on node $i still has eth0 after DEL"
	[ -z "$(ip -n "$n" -o link show master cni0)" ]
	check_err $? "a port is left on node $i's cni0 after DEL"
	! ls "$TMP/ipam-$i/cbr0/10.244.$i."* >/dev/null 2>&1
	check_err $? "host-local did not release node $i's address"
done
log_test "CNI DEL takes the pods apart and releases their addresses"
exit $EXIT_STATUS
