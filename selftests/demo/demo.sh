#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: two nodes on one underlay, a pod behind each attached by
# Debian's CNI plugins as a container runtime attaches it, podnet between
# them, set up with the tool exactly as an operator would. Runs in the
# test guest.

source "$(dirname "$0")/../lib.sh"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '%s$ %s\n' "$1" "${*:2}"; ns_exec "$@"; }

PN_CNI_DIR=$(mktemp -d)
pn_underlay || exit 1
say "a pod on each node, attached by the CNI bridge and host-local plugins"
pn_cni_conf 1
for i in 1 2; do
	pn_bare_node "$i" || exit 1
	pn_cni_pod "$i" || exit 1
	p=$(eval echo "\$P$i")
	run "$p" ip -br addr show eth0
done

say "podnet on each node: one device, one subnet per peer, one route"
for i in 1 2; do
	n=$(eval echo "\$N$i")
	j=$((3 - i))
	run "$n" "$PODNET" link add pn0 local "192.168.0.$i" dev e0
	run "$n" ip addr add "10.244.$i.0/32" dev pn0
	run "$n" ip link set pn0 up
	run "$n" "$PODNET" subnet add "10.244.$j.0/24" via "192.168.0.$j" dev pn0
	run "$n" ip route add "10.244.$j.0/24" via "10.244.$j.0" dev pn0 onlink
	run "$n" ip neigh add "10.244.$j.0" lladdr "$(pn_mac "$j")" dev pn0 nud permanent
done
run "$N1" "$PODNET" -d link show

say "pod 1 (10.244.1.2) pings pod 2 (10.244.2.2), while the underlay is watched"
ns_exec "$UL" timeout 15 tcpdump -c 1 -nn -e -i br0 -w /tmp/demo.pcap \
	udp dst port 8472 2>/dev/null &
sleep 1
run "$P1" ping -c 3 10.244.2.2 || exit 1
wait

say "one packet on the underlay: VXLAN to UDP 8472, VNI 1, inner MACs from the table"
tcpdump -nn -e -r /tmp/demo.pcap 2>/dev/null

say "a short TCP transfer, pod to pod"
ns_exec "$P2" iperf3 -s -1 -D -B 10.244.2.2 >/dev/null
sleep 0.5
run "$P1" iperf3 -c 10.244.2.2 -t 3 || exit 1

say "the table, with per-subnet counters"
run "$N1" "$PODNET" -s subnet show
run "$N1" "$PODNET" -s link show pn0
