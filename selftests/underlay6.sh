#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VXLAN over an IPv6 underlay, in the device that also speaks IPv4 to
# other nodes: IPv6 and IPv4 pods to IPv6 nodes, byte for byte what a
# flannel-v6.1 device sends (outer IPv6, UDP 8472, VNI 1, a UDP checksum),
# a dual-stack flannel node configured as flanneld configures it, Calico's
# vxlan-v6.calico, an IPv6-only cluster, the path
# MTU over IPv6, the local IPv6 address coming and going, and bad input.

source "$(dirname "$0")/lib.sh"

TMP=$(mktemp -d)
trap 'cleanup_all_ns; rm -rf "$TMP"' EXIT

# Node 3's flannel.1 and flannel-v6.1 MACs.
FL4_MAC=82:aa:bb:cc:dd:03
FL6_MAC=82:aa:bb:cc:dd:63

# pn_udp6_csums PCAP SRC TEST: the outer IPv6 UDP packets from SRC whose
# UDP checksum passes TEST ("== 0" or "!= 0").
pn_udp6_csums()
{
	tcpdump -nn -r "$1" "ip6 src $2 and ip6[6] == 17 and ip6[46:2] $3" 2>/dev/null |
		wc -l
}

# Node 4 as Calico's felix sets up IPv6 VXLAN: vxlan-v6.calico (VNI 4096,
# port 4789, its own MAC) holding the node's IPv6 tunnel address, and for
# the podnet peer node 1 a route to its block via its tunnel address
# onlink, a permanent neighbour and an FDB entry to its IPv6 address.
CAL_MAC=66:aa:bb:cc:dd:04
pn_calico_node6()
{
	local n

	pn_node6 4 || return 1
	n=$N4
	ip -n "$n" link add vxlan-v6.calico address "$CAL_MAC" type vxlan \
		id 4096 local "$(pn_addr6 4)" dev e0 nolearning dstport 4789 ||
		return 1
	ip -n "$n" addr add fd00:10:244:4::/128 dev vxlan-v6.calico nodad
	ip -n "$n" link set vxlan-v6.calico mtu 1430 up
	ip -n "$n" -6 neigh add fd00:10:244:1:: lladdr "$(ip -n "$N1" link show pnc | awk '/ether/ {print $2}')" \
		dev vxlan-v6.calico nud permanent &&
	ns_exec "$n" bridge fdb append "$(ip -n "$N1" link show pnc | awk '/ether/ {print $2}')" \
		dev vxlan-v6.calico dst "$(pn_addr6 1)" &&
	ip -n "$n" -6 route add fd00:10:244:1::/64 via fd00:10:244:1:: \
		dev vxlan-v6.calico onlink
}

# pn_v6only_node I: node I with no IPv4 at all: an IPv6 underlay address,
# an IPv6-only pod in fd00:10:244:I::/64, and pn0 with only an IPv6 local
# address.
pn_v6only_node()
{
	local i=$1 n p

	setup_ns "N$i" "P$i" || return 1
	n=$(eval echo "\$N$i")
	p=$(eval echo "\$P$i")
	ip link add e0 netns "$n" type veth peer name "u$i" netns "$UL"
	ip -n "$UL" link set "u$i" master br0 up
	ip -n "$n" addr add "$(pn_addr6 "$i")/64" dev e0 nodad
	ip -n "$n" link set e0 up
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip link add eth0 netns "$p" type veth peer name pod netns "$n"
	ip -n "$n" addr add "fd00:10:244:$i::1/64" dev pod nodad
	ip -n "$n" link set pod up
	ip -n "$p" addr add "fd00:10:244:$i::2/64" dev eth0 nodad
	ip -n "$p" link set eth0 up
	ip -n "$p" -6 route add default via "fd00:10:244:$i::1"
	ns_exec "$n" "$PODNET" link add pn0 local "$(pn_addr6 "$i")" dev e0 ||
		return 1
	ip -n "$n" link set pn0 up
	ip -n "$n" -6 route add fd00:10:244::/48 via fe80::1 dev pn0
}

setup()
{
	pn_underlay
	pn_podnet_node6 1 && pn_podnet_node6 2 &&
		pn_flannel_node6 3 "$FL4_MAC" "$FL6_MAC" 1 2 || return 1
	# Between the podnet nodes: IPv6 pods and IPv4 pods both over the
	# IPv6 underlay.
	ns_exec "$N1" "$PODNET" subnet add fd00:10:244:2::/64 via "$(pn_addr6 2)" dev pn0 &&
	ns_exec "$N1" "$PODNET" subnet add 10.244.2.0/24 via "$(pn_addr6 2)" dev pn0 &&
	ns_exec "$N2" "$PODNET" subnet add fd00:10:244:1::/64 via "$(pn_addr6 1)" dev pn0 &&
	ns_exec "$N2" "$PODNET" subnet add 10.244.1.0/24 via "$(pn_addr6 1)" dev pn0 || return 1
	# To the flannel node, as its leases say: IPv4 over IPv4 to
	# flannel.1, IPv6 over IPv6 to flannel-v6.1.
	for i in 1 2; do
		n=$(eval echo "\$N$i")
		ns_exec "$n" "$PODNET" subnet add 10.244.3.0/24 via "$(pn_addr 3)" \
			lladdr "$FL4_MAC" dev pn0 &&
		ns_exec "$n" "$PODNET" subnet add fd00:10:244:3::/64 \
			via "$(pn_addr6 3)" lladdr "$FL6_MAC" dev pn0 || return 1
	done
	sleep 1
}

test_link6()
{
	local out

	out=$(ns_exec "$N1" "$PODNET" link show pn0)
	expect_match "$out" " local 192\.168\.0\.1 local 2001:db8::1 " "link show does not give both local addresses: $out"
	out=$(ip -n "$N1" -d link show pn0)
	expect_match "$out" " mtu 1430 " "pn0's MTU over an IPv6 underlay is not 1500 - 70: $out"
	expect_match "$out" "link/ether $(pn_mac 1) " "pn0's MAC is not derived from its IPv4 local address: $out"
	out=$(ns_exec "$N1" "$PODNET" subnet show dev pn0)
	expect_match "$out" "fd00:10:244:2::/64 via 2001:db8::2 lladdr 0a:58:00:00:00:02" "an IPv6 node's derived lladdr is not 0a:58 and its last four bytes: $out"
	log_test "local of both families, MTU 1430, IPv6 nodes and their derived lladdr shown"
}

test_podnet6()
{
	local out i p

	ip netns exec "$UL" tcpdump -nn -U -i br0 -w "$TMP/ul.pcap" \
		udp port 8472 2>/dev/null &
	PCAP=$!
	sleep 1
	for i in 1 2; do
		p=$(eval echo "\$P$i")
		ns_exec "$p" ping -6 -c 3 -i 0.2 -W 2 -q "fd00:10:244:$((3 - i))::2" >/dev/null
		check_err $? "pod $i cannot ping pod $((3 - i)) over IPv6 over IPv6"
		ns_exec "$p" ping -c 3 -i 0.2 -W 2 -q "10.244.$((3 - i)).2" >/dev/null
		check_err $? "pod $i cannot ping pod $((3 - i)) over IPv4 over IPv6"
	done
	ns_exec "$P2" iperf3 -s -1 -D -B fd00:10:244:2::2 >/dev/null
	sleep 0.5
	out=$(ns_exec "$P1" iperf3 -6 -c fd00:10:244:2::2 -n 10M -J 2>&1)
	check_err $? "iperf3 over the IPv6 underlay, pod 1 -> pod 2, failed"
	expect_match "$out" '"bytes":[[:space:]]*1048576[0-9]' "iperf3 did not move 10 MB over the IPv6 underlay"
	ns_exec "$P1" iperf3 -s -1 -D -B 10.244.1.2 >/dev/null
	sleep 0.5
	out=$(ns_exec "$P2" iperf3 -c 10.244.1.2 -n 10M -J 2>&1)
	check_err $? "iperf3 IPv4 over the IPv6 underlay, pod 2 -> pod 1, failed"
	sleep 0.5
	kill "$PCAP"
	wait "$PCAP" 2>/dev/null

	out=$(tcpdump -nn -v -T vxlan -r "$TMP/ul.pcap" 2>/dev/null)
	expect_match "$out" "2001:db8::1\.[0-9]+ > 2001:db8::2\.8472: VXLAN, flags \[I\] \(0x08\), vni 1" "no outer IPv6 VXLAN from node 1 to node 2"
	# The UDP checksum, 6 bytes into the UDP header after a bare IPv6
	# header, is never zero.
	[ "$(pn_udp6_csums "$TMP/ul.pcap" 2001:db8::1 "== 0")" -eq 0 ] &&
	[ "$(pn_udp6_csums "$TMP/ul.pcap" 2001:db8::1 "!= 0")" -gt 10 ]
	check_err $? "node 1 sent outer IPv6 UDP without a checksum"
	expect_match "$out" "IP6 \(.*\) fd00:10:244:1::2 > fd00:10:244:2::2: \[icmp6 sum ok\] ICMP6, echo request" "no inner IPv6 echo request over the IPv6 underlay"
	expect_match "$out" "10\.244\.1\.2 > 10\.244\.2\.2: ICMP echo request" "no inner IPv4 echo request over the IPv6 underlay"
	grep -q "192\.168\.0\.[12]\.[0-9]* > 192\.168\.0\.[12]\.8472" <<<"$out"
	check_fail $? "traffic between the podnet nodes went over the IPv4 underlay"
	expect_stat "$N1" src_check 0
	expect_stat "$N2" src_check 0
	log_test "IPv6 and IPv4 pods over the IPv6 underlay: ping and TCP, outer IPv6 UDP 8472 VNI 1 with a checksum"
}

test_flannel6()
{
	local out i p

	ip netns exec "$UL" tcpdump -nn -U -i br0 -w "$TMP/fl.pcap" \
		udp port 8472 2>/dev/null &
	PCAP=$!
	sleep 1
	for i in 1 2; do
		p=$(eval echo "\$P$i")
		ns_exec "$p" ping -6 -c 2 -i 0.2 -W 2 -q fd00:10:244:3::2 >/dev/null
		check_err $? "podnet pod $i cannot ping the flannel pod over IPv6"
		ns_exec "$P3" ping -6 -c 2 -i 0.2 -W 2 -q "fd00:10:244:$i::2" >/dev/null
		check_err $? "the flannel pod cannot ping podnet pod $i over IPv6"
		ns_exec "$p" ping -c 2 -i 0.2 -W 2 -q 10.244.3.2 >/dev/null
		check_err $? "podnet pod $i cannot ping the flannel pod over IPv4"
		ns_exec "$P3" ping -c 2 -i 0.2 -W 2 -q "10.244.$i.2" >/dev/null
		check_err $? "the flannel pod cannot ping podnet pod $i over IPv4"
	done
	ns_exec "$P3" iperf3 -s -1 -D -B fd00:10:244:3::2 >/dev/null
	sleep 0.5
	out=$(ns_exec "$P1" iperf3 -6 -c fd00:10:244:3::2 -n 5M -J 2>&1)
	check_err $? "iperf3 over IPv6, podnet pod 1 -> flannel pod, failed"
	ns_exec "$P1" iperf3 -s -1 -D -B fd00:10:244:1::2 >/dev/null
	sleep 0.5
	out=$(ns_exec "$P3" iperf3 -6 -c fd00:10:244:1::2 -n 5M -J 2>&1)
	check_err $? "iperf3 over IPv6, flannel pod -> podnet pod 1, failed"
	sleep 0.5
	kill "$PCAP"
	wait "$PCAP" 2>/dev/null

	out=$(tcpdump -nn -v -T vxlan -r "$TMP/fl.pcap" 2>/dev/null)
	expect_match "$out" "2001:db8::1\.[0-9]+ > 2001:db8::3\.8472: VXLAN, flags \[I\] \(0x08\), vni 1" "no outer IPv6 VXLAN from podnet node 1 to the flannel node"
	expect_match "$out" "2001:db8::3\.[0-9]+ > 2001:db8::1\.8472: VXLAN, flags \[I\] \(0x08\), vni 1" "no outer IPv6 VXLAN from the flannel node to podnet node 1"
	expect_match "$out" "192\.168\.0\.1\.[0-9]+ > 192\.168\.0\.3\.8472: VXLAN" "IPv4 pods to the flannel node did not go over IPv4"
	for i in 1 2; do
		n=$(eval echo "\$N$i")
		expect_stat "$n" src_check 0
		expect_stat "$n" bad_vni 0
	done
	log_test "a dual-stack flannel node (flannel.1 and flannel-v6.1): both families both ways, TCP, IPv6 on the wire"
}

test_calico6()
{
	local out

	ns_exec "$N1" "$PODNET" link add pnc vni 4096 port 4789 \
		local "$(pn_addr6 1)" dev e0 &&
	ip -n "$N1" link set pnc up &&
	pn_calico_node6 &&
	ns_exec "$N1" "$PODNET" subnet add fd00:10:244:4::/64 \
		via "$(pn_addr6 4)" lladdr "$CAL_MAC" dev pnc &&
	ip -n "$N1" -6 route add fd00:10:244:4::/64 via fe80::1 dev pnc
	check_err $? "setting up the Calico node and pnc failed"
	ip netns exec "$UL" tcpdump -nn -U -i br0 -w "$TMP/cal.pcap" \
		udp port 4789 2>/dev/null &
	PCAP=$!
	sleep 1
	ns_exec "$P1" ping -6 -c 3 -i 0.2 -W 2 -q fd00:10:244:4::2 >/dev/null
	check_err $? "podnet pod 1 cannot ping the Calico pod over IPv6"
	ns_exec "$P4" ping -6 -c 3 -i 0.2 -W 2 -q fd00:10:244:1::2 >/dev/null
	check_err $? "the Calico pod cannot ping podnet pod 1 over IPv6"
	ns_exec "$P4" iperf3 -s -1 -D -B fd00:10:244:4::2 >/dev/null
	sleep 0.5
	out=$(ns_exec "$P1" iperf3 -6 -c fd00:10:244:4::2 -n 5M -J 2>&1)
	check_err $? "iperf3 over IPv6, podnet pod 1 -> Calico pod, failed"
	sleep 0.5
	kill "$PCAP"
	wait "$PCAP" 2>/dev/null
	out=$(tcpdump -nn -T vxlan -r "$TMP/cal.pcap" 2>/dev/null)
	expect_match "$out" "2001:db8::1\.[0-9]+ > 2001:db8::4\.4789: VXLAN, flags \[I\] \(0x08\), vni 4096" "no outer IPv6 VXLAN, port 4789, VNI 4096, to the Calico node"
	expect_match "$out" "2001:db8::4\.[0-9]+ > 2001:db8::1\.4789: VXLAN, flags \[I\] \(0x08\), vni 4096" "no outer IPv6 VXLAN from the Calico node"
	expect_stat "$N1" bad_vni 0
	log_test "Calico's vxlan-v6.calico (VNI 4096, port 4789) and a podnet device: ping both ways, TCP"
}

test_v6only()
{
	local out i p

	pn_v6only_node 5 && pn_v6only_node 6 &&
	ns_exec "$N5" "$PODNET" subnet add fd00:10:244:6::/64 via "$(pn_addr6 6)" dev pn0 &&
	ns_exec "$N6" "$PODNET" subnet add fd00:10:244:5::/64 via "$(pn_addr6 5)" dev pn0
	check_err $? "setting up the IPv6-only nodes failed"
	out=$(ip -n "$N5" -d link show pn0)
	expect_match "$out" "link/ether 0a:58:00:00:00:05 " "an IPv6-only device's MAC is not derived from its IPv6 local address: $out"
	[ -z "$(ip -n "$N5" -4 addr show dev e0)" ] &&
	[ -z "$(ip -n "$P5" -4 addr show dev eth0)" ]
	check_err $? "node 5 or its pod has an IPv4 address"
	ip netns exec "$UL" tcpdump -nn -U -i br0 -w "$TMP/v6.pcap" \
		host 2001:db8::5 2>/dev/null &
	PCAP=$!
	sleep 1
	for i in 5 6; do
		p=$(eval echo "\$P$i")
		ns_exec "$p" ping -6 -c 3 -i 0.2 -W 2 -q "fd00:10:244:$((11 - i))::2" >/dev/null
		check_err $? "IPv6-only pod $i cannot ping pod $((11 - i))"
	done
	ns_exec "$P6" iperf3 -s -1 -D -B fd00:10:244:6::2 >/dev/null
	sleep 0.5
	out=$(ns_exec "$P5" iperf3 -6 -c fd00:10:244:6::2 -n 5M -J 2>&1)
	check_err $? "iperf3 between the IPv6-only pods failed"
	sleep 0.5
	kill "$PCAP"
	wait "$PCAP" 2>/dev/null
	out=$(tcpdump -nn -T vxlan -r "$TMP/v6.pcap" 2>/dev/null)
	expect_match "$out" "2001:db8::5\.[0-9]+ > 2001:db8::6\.8472: VXLAN, flags \[I\] \(0x08\), vni 1" "no outer IPv6 VXLAN between the IPv6-only nodes"
	grep -q "neighbor solicitation, who has fd00" <<<"$out"
	check_fail $? "a neighbour solicitation for a pod crossed the underlay"
	log_test "an IPv6-only cluster: no IPv4 on the underlay or the pods, ping and TCP"
}

# inject6 NS SRC VNI FLAGS INNER_SRC: from namespace NS, VXLAN over IPv6
# to node 1 from SRC, carrying an echo to pod 1 from INNER_SRC.
inject6()
{
	ns_exec "$1" python3 "$SELFTESTS/inject.py" vxlan6 "$2" "$3" "$4" "$5"
}

# Packets over the IPv6 underlay are checked as over IPv4: the outer
# source must be a node of the table, the node that owns the inner source,
# of either family; the VNI and the flags must be the device's.
test_inject6()
{
	local sc bv bh e4 e6

	pn_stranger 2001:db8::99/64

	sc=$(pn_stat "$N1" src_check)
	bv=$(pn_stat "$N1" bad_vni)
	bh=$(pn_stat "$N1" bad_header)
	e4=$(pn_pod_echos "$P1")
	e6=$(pn_pod_echos6 "$P1")
	inject6 "$R" 2001:db8::99 1 0x08 fd00:10:244:2::2	# not a node
	inject6 "$N3" 2001:db8::3 1 0x08 fd00:10:244:2::2	# not its subnet
	inject6 "$N3" 2001:db8::3 1 0x08 10.244.2.2	# nor in IPv4
	inject6 "$N2" 2001:db8::2 7 0x08 fd00:10:244:2::2	# another VNI
	inject6 "$N2" 2001:db8::2 1 0x0c fd00:10:244:2::2	# unknown flag
	sleep 0.5
	expect_stat "$N1" src_check $((sc + 3))
	expect_stat "$N1" bad_vni $((bv + 1))
	expect_stat "$N1" bad_header $((bh + 1))
	[ "$(pn_pod_echos "$P1")" -eq "$e4" ] && [ "$(pn_pod_echos6 "$P1")" -eq "$e6" ]
	check_err $? "an injected packet reached the pod"

	# The same from the owning node passes, in both inner families.
	inject6 "$N2" 2001:db8::2 1 0x08 fd00:10:244:2::2
	inject6 "$N2" 2001:db8::2 1 0x08 10.244.2.2
	sleep 0.5
	[ "$(pn_pod_echos6 "$P1")" -gt "$e6" ]
	check_err $? "an IPv6 echo from the owning node did not reach the pod"
	[ "$(pn_pod_echos "$P1")" -gt "$e4" ]
	check_err $? "an IPv4 echo from the owning node did not reach the pod"
	log_test "injection over IPv6: non-node, foreign subnet, VNI, flags dropped and counted"
}

test_pmtu6()
{
	local out before

	# The outer IPv6 route to node 2 carries 1400 bytes: 1330 for the
	# inner packet, of either family.
	ip -n "$N1" -6 route add "$(pn_addr6 2)/128" dev e0 mtu 1400
	before=$(pn_stat "$N1" pmtu)
	out=$(ns_exec "$P1" ping -6 -c 1 -W 2 -M "do" -s 1350 fd00:10:244:2::2 2>&1)
	expect_match "$out" "mtu ?= ?1330" "pod 1 was not told the MTU is 1330 for IPv6: $out"
	out=$(ns_exec "$P1" ping -c 1 -W 2 -M "do" -s 1380 10.244.2.2 2>&1)
	expect_match "$out" "mtu ?= ?1330" "pod 1 was not told the MTU is 1330 for IPv4 with DF: $out"
	[ "$(pn_stat "$N1" pmtu)" -ge $((before + 2)) ]
	check_err $? "pmtu did not count both packets"
	# Without DF too: this node does not fragment an outer IPv6 packet
	# for the path, so the sender is told, and fragments the next ones.
	out=$(ns_exec "$P1" ping -c 3 -i 0.3 -W 2 -M dont -s 1390 10.244.2.3 2>&1)
	expect_match "$out" "mtu ?= ?1330" "pod 1 was not told the MTU is 1330 for IPv4 without DF: $out"
	out=$(ns_exec "$P1" ping -c 2 -i 0.3 -W 2 -M dont -s 1390 10.244.2.2 2>&1)
	check_err $? "an IPv4 packet without DF too big for the IPv6 path did not cross once the pod knew the MTU: $out"
	ns_exec "$P1" ping -6 -c 1 -W 2 -s 1250 fd00:10:244:2::2 >/dev/null
	check_err $? "a packet that fits the IPv6 path did not cross"
	# A path narrower than IPv6's minimum MTU and the overhead (1300 <
	# 1280 + 70): a 1280-byte IPv6 packet still crosses, as outer
	# fragments (the node sends nothing above the route's 1300 bytes),
	# since no sender may be told less than 1280.
	ip -n "$N1" -6 route replace "$(pn_addr6 2)/128" dev e0 mtu 1300
	out=$(ns_exec "$P1" ping -6 -c 2 -i 0.3 -W 2 -M "do" -s 1232 fd00:10:244:2::2 2>&1)
	check_err $? "a 1280-byte IPv6 packet did not cross a 1300-byte IPv6 path: $out"
	ip -n "$N1" -6 route del "$(pn_addr6 2)/128" dev e0
	log_test "too big for the outer IPv6 path: ICMP to the sender, DF or not; 1280 B fragmented"
}

test_local6_gone()
{
	local out

	ip -n "$N1" addr del "$(pn_addr6 1)/64" dev e0
	sleep 0.5
	out=$(ip -n "$N1" link show pn0)
	expect_match "$out" "NO-CARRIER" "pn0 kept its carrier with its IPv6 local address gone: $out"
	ip -n "$N1" addr add "$(pn_addr6 1)/64" dev e0 nodad
	sleep 0.5
	out=$(ip -n "$N1" link show pn0)
	expect_match "$out" "state UP" "pn0's carrier did not come back with the address: $out"
	ns_exec "$P1" ping -6 -c 2 -i 0.2 -W 2 -q fd00:10:244:2::2 >/dev/null
	check_err $? "traffic did not resume with the IPv6 local address back"
	log_test "the IPv6 local address removed and restored: carrier off and on again"
}

# A device whose underlay is found by its IPv6 local address alone takes
# the carrier once the address has passed duplicate address detection:
# no event comes when DAD completes.
test_local6_dad()
{
	local out i

	ip -n "$N1" addr add 2001:db8::77/64 dev e0
	out=$(ip -n "$N1" -6 addr show dev e0 to 2001:db8::77/128)
	expect_match "$out" "tentative" "2001:db8::77 skipped DAD: $out"
	ns_exec "$N1" "$PODNET" link add pn7 vni 7 port 4797 local 2001:db8::77
	ip -n "$N1" link set pn7 up
	for i in $(seq 50); do
		out=$(ip -n "$N1" -6 addr show dev e0 to 2001:db8::77/128)
		[[ $out != *tentative* ]] && break
		sleep 0.1
	done
	[[ $out != *tentative* ]]
	check_err $? "2001:db8::77 still tentative after 5 s: $out"
	out=$(ip -n "$N1" link show pn7)
	expect_match "$out" "LOWER_UP" "pn7 has no carrier with its local address through DAD: $out"
	expect_match "$out" "mtu 1430 " "pn7 does not take its MTU from e0: $out"
	ip -n "$N1" link del pn7
	ip -n "$N1" addr del 2001:db8::77/64 dev e0
	log_test "IPv6 local address through DAD: the carrier comes on after it"
}

test_bad6()
{
	local out rc before

	# A device without an IPv6 local address has no IPv6 underlay.
	ns_exec "$N1" "$PODNET" link add pnx vni 9 port 4790
	before=$(ns_exec "$N1" "$PODNET" subnet show dev pnx)
	out=$(ns_exec "$N1" "$PODNET" subnet add fd00:99::/64 via 2001:db8::9 dev pnx 2>&1)
	rc=$?
	[ $rc -eq 2 ] && expect_match "$out" "an IPv6 node needs an IPv6 local address on the device" "IPv6 node without local6"
	check_err $? "an IPv6 node on a device without an IPv6 local address: rc $rc: $out"
	[ "$(ns_exec "$N1" "$PODNET" subnet show dev pnx)" = "$before" ]
	check_err $? "the refused subnet changed the table"
	out=$(ns_exec "$N1" "$PODNET" subnet add fd00:99::/64 via fe80::9 dev pn0 2>&1)
	[ $? -eq 2 ] && expect_match "$out" "node address must be a global unicast IPv6 address" "link-local node"
	check_err $? "a link-local IPv6 node: $out"
	out=$(ns_exec "$N1" "$PODNET" subnet add fd00:99::/64 via 2001:db8::1 dev pn0 2>&1)
	[ $? -eq 2 ] && expect_match "$out" "node address is an address of this node" "own IPv6 address as node"
	check_err $? "the node's own IPv6 address as a node: $out"
	out=$(ns_exec "$N1" "$PODNET" link set pnx local ff02::1 2>&1)
	[ $? -eq 2 ] && expect_match "$out" "IPv6 local address must be a unicast IPv6 address" "multicast local6"
	check_err $? "a multicast IPv6 local address: $out"
	out=$(ns_exec "$N1" "$PODNET" link set pnx local 2001:db8::1 local 2001:db8::5 2>&1)
	[ $? -eq 1 ] && expect_match "$out" 'duplicate "local" for IPv6' "local6 twice"
	check_err $? "two IPv6 local addresses: $out"
	out=$(ns_exec "$N1" "$PODNET" link set pnx local 2001:db8::zz 2>&1)
	[ $? -eq 1 ] && expect_match "$out" 'invalid address "2001:db8::zz"' "bad local word"
	check_err $? "a malformed local address: $out"
	ip -n "$N1" link del pnx

	# The IPv6 local address cannot go while IPv6 nodes need it.
	ip -n "$N2" link set pn0 down
	out=$(ns_exec "$N2" "$PODNET" link set pn0 local :: 2>&1)
	[ $? -eq 2 ] && expect_match "$out" "the table has IPv6 nodes, which need the IPv6 local address" "local6 removed under IPv6 nodes"
	check_err $? "removing the IPv6 local address under IPv6 nodes: $out"
	expect_match "$(ns_exec "$N2" "$PODNET" link show pn0)" " local 2001:db8::2 " "the refused change removed the IPv6 local address"
	out=$(ns_exec "$N2" "$PODNET" link set pn0 local 2001:db8::7 2>&1)
	check_err $? "changing the IPv6 local address of a down device: $out"
	ns_exec "$N2" "$PODNET" link set pn0 local 2001:db8::2 up
	log_test "bad IPv6 underlay input refused with its reason, nothing changed"
}

setup || exit 1
test_link6
test_podnet6
test_flannel6
test_calico6
test_v6only
test_inject6
test_pmtu6
test_local6_gone
test_local6_dad
test_bad6
exit $EXIT_STATUS
