#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IP-in-IP mode end to end: three podnet nodes; the bytes on the wire; a
# node set up as Calico sets up tunl0, one as flannel's ipip backend, and
# IPv6 pods over protocol 41 with a node of sit tunnels;
# a point-to-point ipip tunnel beside podnet in both load orders; the
# source check and injected packets; peers coming and going with their
# subnets; vxlan and ipip devices side by side; the tool on ipip devices;
# module unload under traffic.

source "$(dirname "$0")/lib.sh"

TMP=$(mktemp -d)

setup_ipip_mesh()
{
	pn_underlay
	pn_ipip_node 1 && pn_ipip_node 2 && pn_ipip_node 3 || return 1
	pn_podnet_peers 1 2 3 && pn_podnet_peers 2 1 3 && pn_podnet_peers 3 1 2
}

# ping_all PODS...: every pod pings every other one.
ping_all()
{
	local i j

	for i in "$@"; do
		for j in "$@"; do
			[ "$i" = "$j" ] && continue
			ns_exec "$(eval echo "\$P$i")" ping -c 2 -W 2 -q \
				"10.244.$j.2" >/dev/null
			check_err $? "pod $i cannot ping pod $j"
		done
	done
}

# tcp_ok FROM TO: a 10 MB TCP transfer from pod FROM to pod TO.
tcp_ok()
{
	local out

	ns_exec "$(eval echo "\$P$2")" iperf3 -s -1 -D -B "10.244.$2.2" >/dev/null
	sleep 0.5
	out=$(ns_exec "$(eval echo "\$P$1")" iperf3 -c "10.244.$2.2" -n 10M -J 2>&1)
	check_err $? "iperf3 pod $1 -> pod $2 failed"
	expect_match "$out" '"bytes":[[:space:]]*1048576[0-9]' "iperf3 pod $1 -> pod $2 did not move 10 MB"
}

test_device()
{
	local out

	out=$(ip -n "$N1" -d link show pn0)
	expect_match "$out" "<NOARP,UP,LOWER_UP> mtu 1480 " "flags or MTU"
	expect_match "$out" "link/none" "link type"
	out=$(ns_exec "$N1" "$PODNET" -j -d link show pn0)
	expect_match "$out" '"mode":"ipip"' "mode in the tool's JSON"
	expect_match "$out" '"local":"192.168.0.1"' "local address in JSON"
	if grep -q '"vni"' <<<"$out"; then
		check_err 1 "an ipip device shows a VNI: $out"
	fi
	log_test "device: layer 3, NOARP, MTU 1480, mode ipip"
}

test_mesh()
{
	local pid

	ping_all 1 2 3
	log_test "ipip mesh: every pod pings every other pod"

	# GRO for IPIP is the core's: merged segments above the MTU reach pn0.
	ns_exec "$N2" ethtool -K e0 gro on
	ns_exec "$N2" timeout 30 tcpdump -l -c 200 -s 96 -nn -i pn0 \
		'tcp dst port 5201' >"$TMP/gro" 2>/dev/null &
	pid=$!
	sleep 1
	tcp_ok 1 2
	# 10 MB in merged segments may be fewer than 200 packets.
	sleep 0.5
	kill -INT $pid 2>/dev/null
	wait $pid
	grep -Eq "length ([2-9][0-9]{3}|[1-9][0-9]{4})$" "$TMP/gro"
	check_err $? "no GRO-merged segment above the MTU arrived on pn0"
	tcp_ok 3 1
	log_test "ipip mesh: TCP both ways, GRO on receive"
}

# The IPv4 packets of a pcap file, link-layer header stripped, in hex.
pcap_ip()
{
	python3 - "$1" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
link = struct.unpack("<I", d[20:24])[0]
skip = {1: 14, 12: 0, 101: 0, 113: 16}[link]
off = 24
while off < len(d):
    n = struct.unpack("<I", d[off + 8:off + 12])[0]
    print(d[off + 16 + skip:off + 16 + n].hex())
    off += 16 + n
PY
}

test_wire_format()
{
	local out wire inner

	ns_exec "$UL" timeout 15 tcpdump -c 1 -nn -i br0 -w "$TMP/wire.pcap" \
		'ip proto 4 and src host 192.168.0.1' 2>/dev/null &
	ns_exec "$N1" timeout 15 tcpdump -c 1 -nn -i pn0 -w "$TMP/pn0.pcap" \
		'icmp[icmptype] = icmp-echo' 2>/dev/null &
	sleep 1
	ns_exec "$P1" ping -c 1 -W 2 -q 10.244.2.2 >/dev/null
	wait
	out=$(tcpdump -nn -v -r "$TMP/wire.pcap" 2>/dev/null)
	expect_match "$out" "proto IPIP \(4\)" "outer protocol"
	expect_match "$out" "192\.168\.0\.1 > 192\.168\.0\.2: " "outer addresses"
	expect_match "$out" "10\.244\.1\.2 > 10\.244\.2\.2: ICMP echo request" "inner packet"
	out=$(tcpdump -nn -r "$TMP/pn0.pcap" 2>/dev/null)
	expect_match "$out" "^[0-9:.]+ IP 10\.244\.1\.2 > 10\.244\.2\.2: ICMP echo request" "tcpdump on pn0 shows plain IPv4"

	# The inner packet is the one pn0 was given, byte for byte.
	wire=$(pcap_ip "$TMP/wire.pcap")
	inner=$(pcap_ip "$TMP/pn0.pcap")
	[ -n "$inner" ] && [ "${wire:40}" = "$inner" ]
	check_err $? "inner packet differs: wire ${wire:40:80}... pn0 ${inner:0:80}..."
	log_test "wire: protocol 4 between the nodes, the inner packet unmodified"
}

# subnet_stats NS PREFIX: tx packets, tx bytes, rx packets, rx bytes.
subnet_stats()
{
	ns_exec "$1" "$PODNET" -j -s subnet show dev pn0 | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["dst"] == sys.argv[1]:
        s = e["stats"]
        print(s["tx_packets"], s["tx_bytes"], s["rx_packets"], s["rx_bytes"])
' "$2"
}

test_no_route()
{
	local out before

	before=$(pn_stat "$N1" no_route)
	out=$(ns_exec "$P1" ping -c 3 -i 0.2 -W 1 10.244.9.2 2>&1)
	check_fail $? "ping to an address in no subnet succeeded"
	expect_match "$out" "Destination Net Unreachable" "no ICMP unreachable"
	expect_stat "$N1" no_route $((before + 3))

	before=$(subnet_stats "$N1" 10.244.3.0/24)
	ns_exec "$P1" ping -c 5 -i 0.2 -W 2 -q 10.244.3.2 >/dev/null
	out=$(subnet_stats "$N1" 10.244.3.0/24)
	[ "$out" = "$(awk '{print $1 + 5, $2 + 420, $3 + 5, $4 + 420}' <<<"$before")" ]
	check_err $? "per-subnet counters went from $before to $out, expected +5 packets, +420 bytes each way"
	log_test "counters: no route counted with ICMP unreachable; per subnet"
}

test_pmtu()
{
	pn_check_pmtu 1380 mode ipip local 192.168.0.1
	log_test "PMTU: 20 bytes of overhead; too-big DF packets refused with ICMP"
}

# inject NS SRC INNER_SRC [LEN]: an IP-in-IP packet from SRC to node 1
# carrying an ICMP echo from INNER_SRC to pod 1; LEN cuts the inner packet
# short of what its header says.
inject()
{
	ns_exec "$1" python3 "$SELFTESTS/inject.py" ipip "$2" "$3" "${4:-0}"
}

# inject6 NS SRC INNER_SRC: IPv4 or IPv6 in IPv6 from SRC to node 1's
# 2001:db8::1, an echo to pod 1 from INNER_SRC.
inject6()
{
	ns_exec "$1" python3 "$SELFTESTS/inject.py" ipip6 "$2" "$3"
}

test_injection()
{
	local sc un bh pod_rx

	pn_stranger 192.168.0.99/24

	sc=$(pn_stat "$N1" src_check)
	un=$(pn_stat "$N1" unknown_node)
	bh=$(pn_stat "$N1" bad_header)
	pod_rx=$(pn_pod_echos "$P1")

	inject "$R" 192.168.0.99 10.244.2.2	# not a peer
	inject "$N3" 192.168.0.3 10.244.2.2	# a peer, not its subnet
	inject "$N2" 192.168.0.2 10.244.2.2 30	# truncated inner packet
	sleep 0.5

	expect_stat "$N1" unknown_node $((un + 1))
	expect_stat "$N1" src_check $((sc + 1))
	expect_stat "$N1" bad_header $((bh + 1))
	[ "$(pn_pod_echos "$P1")" -eq "$pod_rx" ]
	check_err $? "an injected packet reached the pod"

	# The same packet from the owning node passes: the check can pass.
	inject "$N2" 192.168.0.2 10.244.2.2
	sleep 0.5
	[ "$(pn_pod_echos "$P1")" -gt "$pod_rx" ]
	check_err $? "a well-formed packet from the owning node did not reach the pod"

	# Source check off: a peer's packet from another subnet passes; a
	# stranger's is still not podnet's.
	ns_exec "$N1" "$PODNET" link set pn0 srccheck off
	pod_rx=$(pn_pod_echos "$P1")
	inject "$N3" 192.168.0.3 10.244.2.2
	sleep 0.5
	[ "$(pn_pod_echos "$P1")" -gt "$pod_rx" ]
	check_err $? "srccheck off still dropped a peer's packet"
	pod_rx=$(pn_pod_echos "$P1")
	inject "$R" 192.168.0.99 10.244.2.2
	sleep 0.5
	[ "$(pn_pod_echos "$P1")" -eq "$pod_rx" ]
	check_err $? "srccheck off let a non-peer's packet in"
	ns_exec "$N1" "$PODNET" link set pn0 srccheck on
	log_test "injection: non-peer, foreign subnet, truncated dropped and counted"
}

# Packets are taken from the nodes that own a subnet: a node comes with its
# first subnet and goes with its last, by delete or by replace, and a
# request that is refused leaves no node behind.
test_peers()
{
	local un pod_rx b="$TMP/peers.batch"

	setup_ns Q
	ip link add e0 netns "$Q" type veth peer name u8 netns "$UL"
	ip -n "$UL" link set u8 master br0 up
	ip -n "$Q" addr add 192.168.0.98/24 dev e0
	ip -n "$Q" link set e0 up

	# One request: the new node's subnet sorts first, the existing
	# subnet after it is refused.
	printf '%s\n' "subnet add 10.244.2.0/24 via 192.168.0.2 dev pn0" \
		"subnet add 10.240.0.0/24 via 192.168.0.98 dev pn0" >"$b"
	ns_exec "$N1" "$PODNET" -batch "$b" 2>/dev/null
	check_fail $? "a batch adding an existing subnet succeeded"
	un=$(pn_stat "$N1" unknown_node)
	inject "$Q" 192.168.0.98 10.240.0.2
	sleep 0.5
	expect_stat "$N1" unknown_node $((un + 1))

	ns_exec "$N1" "$PODNET" subnet add 10.240.0.0/24 via 192.168.0.98 dev pn0 &&
	ns_exec "$N1" "$PODNET" subnet add 10.240.1.0/24 via 192.168.0.98 dev pn0 &&
	ns_exec "$N1" "$PODNET" subnet del 10.240.0.0/24 dev pn0
	check_err $? "cannot add and delete the new node's subnets"
	pod_rx=$(pn_pod_echos "$P1")
	inject "$Q" 192.168.0.98 10.240.1.2
	sleep 0.5
	[ "$(pn_pod_echos "$P1")" -gt "$pod_rx" ]
	check_err $? "a node with one subnet left is no peer"

	ns_exec "$N1" "$PODNET" subnet replace 10.240.1.0/24 via 192.168.0.3 dev pn0
	check_err $? "cannot move the subnet to node 3"
	un=$(pn_stat "$N1" unknown_node)
	inject "$Q" 192.168.0.98 10.240.1.2
	sleep 0.5
	expect_stat "$N1" unknown_node $((un + 1))
	pod_rx=$(pn_pod_echos "$P1")
	inject "$N3" 192.168.0.3 10.240.1.2
	sleep 0.5
	[ "$(pn_pod_echos "$P1")" -gt "$pod_rx" ]
	check_err $? "the subnet's new node is no peer"
	ns_exec "$N1" "$PODNET" subnet del 10.240.1.0/24 dev pn0
	log_test "peers: a node comes with its first subnet, goes with its last"
}

test_tool()
{
	local out rc

	out=$(ns_exec "$N1" "$PODNET" subnet add 10.244.7.0/24 via 192.168.0.7 \
		lladdr 02:00:00:00:00:07 dev pn0 2>&1)
	rc=$?
	[ $rc -ne 0 ]
	check_err $? "an lladdr on an ipip device was accepted"
	expect_match "$out" "lladdr" "the error does not name the lladdr"
	out=$(ns_exec "$N1" "$PODNET" link set pn0 mode vxlan 2>&1)
	check_fail $? "changing the mode was accepted"
	expect_match "$out" "mode is fixed" "mode change message"
	out=$(ns_exec "$N1" "$PODNET" link add pnx mode ipip vni 5 2>&1)
	check_fail $? "a VNI on an ipip device was accepted"
	expect_match "$out" "VXLAN settings" "vni on ipip message"
	ip -n "$N1" link show pnx >/dev/null 2>&1
	check_fail $? "a refused device was created"

	printf 'subnet add 10.244.7.0/24 via 192.168.0.7 dev pn0\nsubnet add 10.244.8.0/24 via 192.168.0.8 dev pn0\n' >"$TMP/batch"
	ns_exec "$N1" "$PODNET" -batch "$TMP/batch"
	check_err $? "batch on an ipip device failed"
	printf '10.244.2.0/24 via 192.168.0.2\n10.244.3.0/24 via 192.168.0.3\n10.244.8.0/24 via 192.168.0.8\n' >"$TMP/sync"
	ns_exec "$N1" "$PODNET" subnet sync dev pn0 "$TMP/sync"
	check_err $? "sync on an ipip device failed"
	out=$(ns_exec "$N1" "$PODNET" subnet show dev pn0)
	[ "$out" = "10.244.2.0/24 via 192.168.0.2 dev pn0
10.244.3.0/24 via 192.168.0.3 dev pn0
10.244.8.0/24 via 192.168.0.8 dev pn0" ]
	check_err $? "table after sync: $out"
	# A node that lost its last subnet is no peer any more.
	ns_exec "$N1" "$PODNET" subnet del 10.244.8.0/24 dev pn0
	out=$(ns_exec "$N1" "$PODNET" subnet get 10.244.8.5 dev pn0 2>&1)
	check_fail $? "a deleted subnet is still found"
	ping_all 1 2
	log_test "tool: lladdr, mode change, VNI refused; batch and sync work"
}

# A topology that cannot be built fails the test that needed it.
setup_failed()
{
	check_err 1 "topology setup failed"
	log_test "${FUNCNAME[1]}"
}

# The kernel's ipip tunnels, a module or built in.
ipip_load()
{
	modprobe ipip 2>/dev/null || [ -d /sys/module/ipip ]
}

ipip_builtin()
{
	[ -d /sys/module/ipip ] && [ ! -e /sys/module/ipip/initstate ]
}

# Node 3 as Calico sets it up, beside two podnet nodes.
test_calico_interop()
{
	cleanup_all_ns
	pn_underlay
	pn_ipip_node 1 && pn_ipip_node 2 ||
		{ setup_failed; return; }
	pn_calico_node 3 1 2 || { setup_failed; return; }
	pn_podnet_peers 1 2 3 && pn_podnet_peers 2 1 3
	ping_all 1 2 3
	tcp_ok 1 3
	tcp_ok 3 2
	log_test "Calico interop: tunl0 node and podnet nodes, both ways"
}

# IPv6 pods in ipip mode: protocol 41 between podnet nodes and to node 3,
# whose sit tunnels (one per peer, as an operator sets them up) carry the
# same bytes.
test_sit_interop()
{
	local out i j n

	cleanup_all_ns
	pn_underlay
	pn_ipip_node 1 && pn_ipip_node 2 && pn_node 3 ||
		{ setup_failed; return; }
	{ modprobe sit 2>/dev/null || [ -d /sys/module/sit ]; } ||
		{ setup_failed; return; }
	for i in 1 2 3; do
		pn_pod6 "$i"
	done
	for i in 1 2; do
		n=$(eval echo "\$N$i")
		ip -n "$n" -6 route add fd00:10:244::/48 dev pn0
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			ns_exec "$n" "$PODNET" subnet add "fd00:10:244:$j::/64" \
				via "$(pn_addr "$j")" dev pn0 ||
				{ setup_failed; return; }
		done
		ip -n "$N3" link add "sit$i" type sit local "$(pn_addr 3)" \
			remote "$(pn_addr "$i")" ttl 64
		ip -n "$N3" link set "sit$i" up
		ip -n "$N3" -6 route add "fd00:10:244:$i::/64" dev "sit$i"
	done

	ip netns exec "$UL" tcpdump -nn -U -i br0 -w "$TMP/sit.pcap" \
		ip proto 41 2>/dev/null &
	PCAP=$!
	sleep 1
	for i in 1 2 3; do
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			ns_exec "$(eval echo "\$P$i")" ping -6 -c 2 -i 0.2 -W 2 -q \
				"fd00:10:244:$j::2" >/dev/null
			check_err $? "pod $i cannot ping pod $j over IPv6"
		done
	done
	ns_exec "$P3" iperf3 -s -1 -D -B fd00:10:244:3::2 >/dev/null
	sleep 0.5
	out=$(ns_exec "$P1" iperf3 -6 -c fd00:10:244:3::2 -n 10M -J 2>&1)
	check_err $? "iperf3 over IPv6, podnet pod 1 -> sit pod 3, failed"
	ns_exec "$P1" iperf3 -s -1 -D -B fd00:10:244:1::2 >/dev/null
	sleep 0.5
	out=$(ns_exec "$P2" iperf3 -6 -c fd00:10:244:1::2 -n 10M -J 2>&1)
	check_err $? "iperf3 over IPv6 between the podnet pods failed"
	sleep 0.5
	kill "$PCAP"
	wait "$PCAP" 2>/dev/null
	out=$(tcpdump -nn -r "$TMP/sit.pcap" 2>/dev/null)
	expect_match "$out" "IP 192\.168\.0\.1 > 192\.168\.0\.3: IP6 fd00:10:244:1::2 > fd00:10:244:3::2: ICMP6, echo request" "no protocol 41 from podnet node 1 to the sit node"
	expect_match "$out" "IP 192\.168\.0\.3 > 192\.168\.0\.2: IP6 fd00:10:244:3::2 > fd00:10:244:2::2: ICMP6, echo request" "no protocol 41 from the sit node to podnet node 2"
	expect_match "$out" "IP 192\.168\.0\.2 > 192\.168\.0\.1: IP6 fd00:10:244:2::2 > fd00:10:244:1::2" "no protocol 41 between the podnet nodes"
	for i in 1 2; do
		n=$(eval echo "\$N$i")
		expect_stat "$n" src_check 0
		expect_stat "$n" unknown_node 0
	done
	log_test "IPv6 pods in ipip mode: protocol 41, podnet nodes and a sit node, both ways, TCP"
}

# IPv4 and IPv6 pods in ipip mode over an IPv6 underlay: next header 4
# and 41 between podnet nodes and to node 3, whose ip6tnl tunnels (mode
# any, the default encapsulation limit option) carry the same.
test_ip6tnl_interop()
{
	local out i j n un sc e4 e6

	cleanup_all_ns
	pn_underlay
	for i in 1 2 3; do
		pn_node "$i" && pn_pod6 "$i" || { setup_failed; return; }
		n=$(eval echo "\$N$i")
		ip -n "$n" addr add "2001:db8::$i/64" dev e0 nodad
	done
	# A kernel without tunnel6 cannot receive IPv4 or IPv6 in IPv6:
	# podnet says so when asked for it.
	if ! pn_have_tunnel6; then
		out=$(ns_exec "$N1" "$PODNET" link add pn0 mode ipip \
			local 2001:db8::1 dev e0 2>&1)
		if [ $? -eq 0 ]; then
			log_skip "ipip over an IPv6 underlay, against ip6tnl" \
				"this kernel has no ip6tnl to test against"
			return
		fi
		expect_match "$out" "this kernel has no IPv6 tunnel support \\(CONFIG_INET6_TUNNEL\\) for ipip over IPv6" \
			"an ipip device over IPv6 on a kernel without tunnel6: $out"
		ns_exec "$N1" "$PODNET" link show pn0 >/dev/null 2>&1
		check_fail $? "the refused device exists"
		log_test "ipip over an IPv6 underlay: refused on a kernel without tunnel6"
		return
	fi
	for i in 1 2; do
		n=$(eval echo "\$N$i")
		ns_exec "$n" "$PODNET" link add pn0 mode ipip \
			local "2001:db8::$i" dev e0 && ip -n "$n" link set pn0 up ||
			{ setup_failed; return; }
		ip -n "$n" addr add "10.244.$i.0/32" dev pn0
		ip -n "$n" route add 10.244.0.0/16 dev pn0
		ip -n "$n" -6 route add fd00:10:244::/48 dev pn0
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			ns_exec "$n" "$PODNET" subnet add "10.244.$j.0/24" \
				via "2001:db8::$j" dev pn0 &&
			ns_exec "$n" "$PODNET" subnet add "fd00:10:244:$j::/64" \
				via "2001:db8::$j" dev pn0 || { setup_failed; return; }
		done
		ip -n "$N3" link add "ip6tnl$i" type ip6tnl mode any \
			local 2001:db8::3 remote "2001:db8::$i" hoplimit 64
		ip -n "$N3" link set "ip6tnl$i" up
		ip -n "$N3" route add "10.244.$i.0/24" dev "ip6tnl$i"
		ip -n "$N3" -6 route add "fd00:10:244:$i::/64" dev "ip6tnl$i"
	done
	expect_match "$(ip -n "$N1" link show pn0)" " mtu 1460 " "pn0's MTU over an IPv6 underlay is not 1500 - 40"
	# Without an underlay device known, from the default 1500 too.
	ns_exec "$N1" "$PODNET" link add pnq mode ipip local 2001:db8::99
	expect_match "$(ip -n "$N1" link show pnq)" " mtu 1460 " "an ipip device with an IPv6 local address and no underlay known is not at 1460"
	ip -n "$N1" link del pnq

	ip netns exec "$UL" tcpdump -nn -U -i br0 -w "$TMP/ip6tnl.pcap" \
		ip6 2>/dev/null &
	PCAP=$!
	sleep 1
	for i in 1 2 3; do
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			ns_exec "$(eval echo "\$P$i")" ping -6 -c 2 -i 0.2 -W 2 -q \
				"fd00:10:244:$j::2" >/dev/null
			check_err $? "pod $i cannot ping pod $j over IPv6 in IPv6"
			ns_exec "$(eval echo "\$P$i")" ping -c 2 -i 0.2 -W 2 -q \
				"10.244.$j.2" >/dev/null
			check_err $? "pod $i cannot ping pod $j over IPv4 in IPv6"
		done
	done
	ns_exec "$P3" iperf3 -s -1 -D -B fd00:10:244:3::2 >/dev/null
	sleep 0.5
	out=$(ns_exec "$P1" iperf3 -6 -c fd00:10:244:3::2 -n 10M -J 2>&1)
	check_err $? "iperf3 over IPv6, podnet pod 1 -> ip6tnl pod 3, failed"
	ns_exec "$P1" iperf3 -s -1 -D -B 10.244.1.2 >/dev/null
	sleep 0.5
	out=$(ns_exec "$P2" iperf3 -c 10.244.1.2 -n 10M -J 2>&1)
	check_err $? "iperf3 over IPv4 in IPv6 between the podnet pods failed"
	sleep 0.5
	kill "$PCAP"
	wait "$PCAP" 2>/dev/null
	out=$(tcpdump -nn -r "$TMP/ip6tnl.pcap" 2>/dev/null)
	expect_match "$out" "IP6 2001:db8::1 > 2001:db8::3: IP6 fd00:10:244:1::2 > fd00:10:244:3::2: ICMP6, echo request" "no IPv6 in IPv6 from podnet node 1 to the ip6tnl node"
	expect_match "$out" "IP6 2001:db8::1 > 2001:db8::3: IP 10\.244\.1\.2 > 10\.244\.3\.2: ICMP echo request" "no IPv4 in IPv6 from podnet node 1 to the ip6tnl node"
	expect_match "$out" "IP6 2001:db8::3 > 2001:db8::2: DSTOPT (.*)?IP 10\.244\.3\.2 > 10\.244\.2\.2: ICMP echo request" "no IPv4 in IPv6 with the encapsulation limit option from the ip6tnl node"
	expect_match "$out" "IP6 2001:db8::2 > 2001:db8::1: IP 10\.244\.2\.2 > 10\.244\.1\.2" "no IPv4 in IPv6 between the podnet nodes"
	for i in 1 2; do
		n=$(eval echo "\$N$i")
		expect_stat "$n" src_check 0
	done
	log_test "ipip over an IPv6 underlay: next header 4 and 41, podnet nodes and an ip6tnl node, TCP"

	# What arrives over IPv6 is checked as over IPv4: from a stranger
	# it is no one's, from the ip6tnl node with another's inner source
	# it fails the source check, in both inner families.
	pn_stranger 2001:db8::99/64
	un=$(pn_stat "$N1" unknown_node)
	sc=$(pn_stat "$N1" src_check)
	e4=$(pn_pod_echos "$P1")
	e6=$(pn_pod_echos6 "$P1")
	inject6 "$R" 2001:db8::99 10.244.2.2
	inject6 "$R" 2001:db8::99 fd00:10:244:2::2
	inject6 "$N3" 2001:db8::3 10.244.2.2
	inject6 "$N3" 2001:db8::3 fd00:10:244:2::2
	sleep 0.5
	expect_stat "$N1" unknown_node $((un + 2))
	expect_stat "$N1" src_check $((sc + 2))
	[ "$(pn_pod_echos "$P1")" -eq "$e4" ] && [ "$(pn_pod_echos6 "$P1")" -eq "$e6" ]
	check_err $? "an injected packet reached the pod"
	inject6 "$N2" 2001:db8::2 10.244.2.2
	inject6 "$N2" 2001:db8::2 fd00:10:244:2::2
	sleep 0.5
	[ "$(pn_pod_echos "$P1")" -gt "$e4" ] && [ "$(pn_pod_echos6 "$P1")" -gt "$e6" ]
	check_err $? "an echo in IPv6 from the owning node did not reach the pod"
	log_test "injection over an IPv6 underlay: stranger, foreign inner source dropped and counted"
}

test_flannel_interop()
{
	local n3

	cleanup_all_ns
	pn_underlay
	pn_ipip_node 1 && pn_ipip_node 2 && pn_node 3 ||
		{ setup_failed; return; }
	n3=$N3
	ip -n "$n3" link add flannel.ipip type ipip local 192.168.0.3
	ip -n "$n3" addr add 10.244.3.0/32 dev flannel.ipip
	ip -n "$n3" link set flannel.ipip up
	ip -n "$n3" route add 10.244.1.0/24 via 192.168.0.1 dev flannel.ipip onlink
	ip -n "$n3" route add 10.244.2.0/24 via 192.168.0.2 dev flannel.ipip onlink
	pn_podnet_peers 1 2 3 && pn_podnet_peers 2 1 3
	ping_all 1 2 3
	tcp_ok 3 1
	log_test "flannel ipip interop: flannel.ipip node and podnet nodes"
}

# A point-to-point ipip tunnel between node 1 and a host that is no peer,
# beside podnet on node 1.
p2p_check()
{
	pn_stranger 192.168.0.99/24
	ip -n "$R" tunnel add t0 mode ipip remote 192.168.0.1 local 192.168.0.99
	ip -n "$N1" tunnel add t0 mode ipip remote 192.168.0.99 local 192.168.0.1
	ip -n "$R" addr add 172.16.0.2/30 dev t0
	ip -n "$N1" addr add 172.16.0.1/30 dev t0
	ip -n "$R" link set t0 up
	ip -n "$N1" link set t0 up
	ns_exec "$R" ping -c 2 -W 2 -q 172.16.0.1 >/dev/null
	check_err $? "$1: the point-to-point tunnel carries nothing"
	ping_all 1 2
	[ "$(pn_stat "$N1" unknown_node)" -eq 0 ]
	check_err $? "$1: podnet counted the tunnel's packets as its own"
}

test_coexistence()
{
	cleanup_all_ns
	pn_unload && { ipip_builtin || ! [ -d /sys/module/ipip ] || rmmod ipip; }
	check_err $? "cannot unload podnet and ipip"
	ipip_load && pn_load
	check_err $? "cannot load ipip, then podnet"
	pn_underlay
	pn_ipip_node 1 && pn_ipip_node 2 && pn_podnet_peers 1 2 &&
		pn_podnet_peers 2 1
	p2p_check "ipip, then podnet"

	if ipip_builtin; then
		# A kernel with ipip built in has only the one order.
		log_test "coexistence: point-to-point ipip tunnel, podnet loaded after the built-in ipip"
		return
	fi
	cleanup_all_ns
	pn_unload && rmmod ipip
	check_err $? "cannot unload podnet and ipip"
	pn_load && ipip_load
	check_err $? "cannot load podnet, then ipip"
	pn_underlay
	pn_ipip_node 1 && pn_ipip_node 2 && pn_podnet_peers 1 2 &&
		pn_podnet_peers 2 1
	p2p_check "podnet, then ipip"
	log_test "coexistence: point-to-point ipip tunnel, either load order"
}

# One node with a vxlan and an ipip device, each with its own table.
test_side_by_side()
{
	local out i n

	cleanup_all_ns
	pn_underlay
	pn_node 1 && pn_node 2 ||
		{ setup_failed; return; }
	for i in 1 2; do
		n=$(eval echo "\$N$i")
		ns_exec "$n" "$PODNET" link add pnv local "192.168.0.$i" dev e0
		ns_exec "$n" "$PODNET" link add pn0 mode ipip \
			local "192.168.0.$i" dev e0
		ip -n "$n" link set pnv up
		ip -n "$n" link set pn0 up
	done
	ip -n "$P2" addr add 10.244.2.200/24 dev eth0
	# Node 1 routes the upper half of node 2's block to ipip, the rest
	# to vxlan. Node 2 answers by vxlan, and knows node 1 on both devices.
	ns_exec "$N1" "$PODNET" subnet add 10.244.2.0/24 via 192.168.0.2 dev pnv
	ns_exec "$N1" "$PODNET" subnet add 10.244.2.128/25 via 192.168.0.2 dev pn0
	ip -n "$N1" route add 10.244.2.0/25 dev pnv
	ip -n "$N1" route add 10.244.2.128/25 dev pn0
	ns_exec "$N2" "$PODNET" subnet add 10.244.1.0/24 via 192.168.0.1 dev pnv
	ns_exec "$N2" "$PODNET" subnet add 10.244.1.0/24 via 192.168.0.1 dev pn0
	ip -n "$N2" route add 10.244.1.0/24 dev pnv

	ns_exec "$UL" timeout 15 tcpdump -c 4 -nn -i br0 -w "$TMP/both.pcap" \
		'src host 192.168.0.1 and (udp port 8472 or ip proto 4)' \
		2>/dev/null &
	sleep 1
	ns_exec "$P1" ping -c 2 -W 2 -q 10.244.2.2 >/dev/null
	check_err $? "pod 1 -> 10.244.2.2 (vxlan) failed"
	ns_exec "$P1" ping -c 2 -W 2 -q 10.244.2.200 >/dev/null
	check_err $? "pod 1 -> 10.244.2.200 (ipip) failed"
	wait
	out=$(tcpdump -nn -r "$TMP/both.pcap" 2>/dev/null)
	expect_match "$out" "192\.168\.0\.1\.[0-9]+ > 192\.168\.0\.2\.8472: " "vxlan packet on the wire"
	expect_match "$out" "^IP 10\.244\.1\.2 > 10\.244\.2\.2: ICMP echo request" "vxlan packet's inner packet"
	expect_match "$out" "192\.168\.0\.1 > 192\.168\.0\.2: IP 10\.244\.1\.2 > 10\.244\.2\.200: ICMP echo request" "ipip packet on the wire"
	out=$(ns_exec "$N1" "$PODNET" subnet show dev pn0)
	[ "$out" = "10.244.2.128/25 via 192.168.0.2 dev pn0" ]
	check_err $? "the ipip table holds more than its own entry: $out"
	out=$(ns_exec "$N1" "$PODNET" subnet show dev pnv)
	[ "$out" = "10.244.2.0/24 via 192.168.0.2 lladdr 0a:58:c0:a8:00:02 dev pnv" ]
	check_err $? "the vxlan table holds more than its own entry: $out"
	log_test "side by side: vxlan and ipip devices, separate tables"
}

test_unload_under_traffic()
{
	local pids

	cleanup_all_ns
	pn_underlay
	setup_ipip_mesh ||
		{ setup_failed; return; }
	ns_exec "$P2" iperf3 -s -1 -D -B 10.244.2.2 >/dev/null
	sleep 0.5
	ip netns exec "$P1" timeout 40 iperf3 -c 10.244.2.2 -t 20 \
		>/dev/null 2>&1 &
	pids=$!
	ip netns exec "$P3" ping -f -W 1 -w 20 10.244.1.2 >/dev/null 2>&1 &
	pids="$pids $!"
	sleep 3
	kill -0 $pids
	check_err $? "the traffic was over before rmmod"
	rmmod podnet
	check_err $? "rmmod podnet under traffic failed"
	# What was left of the traffic has nowhere to go.
	kill $pids 2>/dev/null
	wait
	pn_loaded
	check_fail $? "podnet is still loaded"
	cleanup_all_ns
	pn_load
	log_test "module unload while ipip traffic flows"
}

trap 'cleanup_all_ns; rm -rf "$TMP"' EXIT
setup_ipip_mesh || { echo "topology setup failed"; exit $ksft_fail; }
test_device
test_mesh
test_wire_format
test_no_route
test_injection
test_peers
test_pmtu
test_tool
test_calico_interop
test_flannel_interop
test_sit_interop
test_ip6tnl_interop
test_coexistence
test_side_by_side
test_unload_under_traffic
exit $EXIT_STATUS
