#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 pods over an IPv4 underlay, VXLAN mode, in the one device that
# carries the IPv4 pods: the one-route setup via the virtual IPv6 gateway,
# neighbour discovery answered by the device and never on the wire, ping
# and TCP both ways, no route and packet too big told to the sender, the
# source check, and what the host's IPv6 stack sends to all links counted.

source "$(dirname "$0")/lib.sh"

TMP=$(mktemp -d)
trap 'cleanup_all_ns; rm -rf "$TMP"' EXIT

# pn_dual_node I: node I with pn0 carrying both families, its pod
# addressed in 10.244.I.0/24 and fd00:10:244:I::/64.
pn_dual_node()
{
	local i=$1 n

	pn_podnet_node "$i" && pn_pod6 "$i" || return 1
	n=$(eval echo "\$N$i")
	ip -n "$n" -6 route add fd00:10:244::/48 via fe80::1 dev pn0
	ip -n "$n" route add 10.244.0.0/16 via 169.254.1.1 dev pn0 onlink
}

setup()
{
	local i j n

	pn_underlay
	for i in 1 2; do
		pn_dual_node "$i" || return 1
	done
	for i in 1 2; do
		n=$(eval echo "\$N$i")
		j=$((3 - i))
		ns_exec "$n" "$PODNET" subnet add "10.244.$j.0/24" \
			via "$(pn_addr "$j")" dev pn0 &&
		ns_exec "$n" "$PODNET" subnet add "fd00:10:244:$j::/64" \
			via "$(pn_addr "$j")" dev pn0 || return 1
	done
	# pn0's own link-local address passes duplicate address detection.
	sleep 2
}

test_ping6()
{
	local out i p

	ip netns exec "$UL" tcpdump -nn -v -U -i br0 -w "$TMP/ul.pcap" \
		udp port 8472 2>/dev/null &
	PCAP=$!
	sleep 1
	for i in 1 2; do
		p=$(eval echo "\$P$i")
		ns_exec "$p" ping -6 -c 3 -i 0.2 -W 2 -q "fd00:10:244:$((3 - i))::2" >/dev/null
		check_err $? "pod $i cannot ping pod $((3 - i)) over IPv6"
		ns_exec "$p" ping -c 2 -W 2 -q "10.244.$((3 - i)).2" >/dev/null
		check_err $? "pod $i cannot ping pod $((3 - i)) over IPv4 beside IPv6"
	done
	ns_exec "$P2" iperf3 -s -1 -D -B fd00:10:244:2::2 >/dev/null
	sleep 0.5
	out=$(ns_exec "$P1" iperf3 -6 -c fd00:10:244:2::2 -n 10M -J 2>&1)
	check_err $? "iperf3 over IPv6, pod 1 -> pod 2, failed"
	expect_match "$out" '"bytes":[[:space:]]*1048576[0-9]' "iperf3 did not move 10 MB over IPv6"
	ns_exec "$P1" iperf3 -s -1 -D -B fd00:10:244:1::2 >/dev/null
	sleep 0.5
	out=$(ns_exec "$P2" iperf3 -6 -c fd00:10:244:1::2 -n 10M -J 2>&1)
	check_err $? "iperf3 over IPv6, pod 2 -> pod 1, failed"
	sleep 0.5
	kill "$PCAP"
	wait "$PCAP" 2>/dev/null

	out=$(tcpdump -nn -T vxlan -r "$TMP/ul.pcap" 2>/dev/null)
	expect_match "$out" "IP 192\.168\.0\.1\.[0-9]+ > 192\.168\.0\.2\.8472: VXLAN, flags \[I\] \(0x08\), vni 1" "no outer IPv4 VXLAN from node 1 to node 2"
	expect_match "$out" "IP6 fd00:10:244:1::2 > fd00:10:244:2::2: ICMP6, echo request" "no inner IPv6 echo request on the wire"
	grep -q "neighbor solicitation\|neighbor advertisement" <<<"$out"
	check_fail $? "neighbour discovery crossed the underlay"

	for i in 1 2; do
		n=$(eval echo "\$N$i")
		out=$(ip -n "$n" -6 neigh show dev pn0)
		[ "$(wc -l <<<"$out")" -eq 1 ]
		check_err $? "node $i: pn0 holds $(wc -l <<<"$out") IPv6 neighbours, expected the gateway only: $out"
		expect_match "$out" "^fe80::1 lladdr $(ip -n "$n" link show pn0 | awk '/ether/ {print $2}') router" "node $i: the gateway is not pn0's own MAC, a router"
		[ "$(pn_stat "$n" nd_reply)" -ge 1 ]
		check_err $? "node $i: nd_reply $(pn_stat "$n" nd_reply)"
		[ "$(pn_stat "$n" dad)" -ge 1 ] && [ "$(pn_stat "$n" mld)" -ge 1 ]
		check_err $? "node $i: dad $(pn_stat "$n" dad), mld $(pn_stat "$n" mld), expected both counted"
		expect_stat "$n" not_ip 0
		expect_stat "$n" bcast 0
	done
	log_test "IPv6 pods over IPv4: ping and TCP both ways, one gateway neighbour, no ND on the wire"
}

test_nd()
{
	local out before

	# A solicitation for an address in a subnet is answered with the
	# VTEP MAC of its node; one for no subnet is counted.
	ip -n "$N1" -6 route add fd00:10:244:2::7/128 dev pn0
	ns_exec "$N1" ping -6 -c 1 -W 1 fd00:10:244:2::7 >/dev/null 2>&1
	out=$(ip -n "$N1" -6 neigh show fd00:10:244:2::7 dev pn0)
	expect_match "$out" "lladdr $(pn_mac 2) (REACHABLE|STALE|DELAY|PROBE)" "a pod address resolved to something else than node 2's VTEP MAC: $out"
	# A replace renews the learnt IPv6 entries as it does the ARP ones.
	ns_exec "$N1" "$PODNET" subnet replace fd00:10:244:2::/64 \
		via "$(pn_addr 2)" lladdr 02:00:00:00:02:77 dev pn0
	out=$(ip -n "$N1" -6 neigh show fd00:10:244:2::7 dev pn0)
	! grep -q "lladdr $(pn_mac 2)" <<<"$out"
	check_err $? "after a replace, the entry still shows the old MAC: $out"
	ns_exec "$N1" ping -6 -c 1 -W 1 fd00:10:244:2::7 >/dev/null 2>&1
	out=$(ip -n "$N1" -6 neigh show fd00:10:244:2::7 dev pn0)
	expect_match "$out" "lladdr 02:00:00:00:02:77 " "after a replace, the entry did not resolve to the new MAC: $out"
	ns_exec "$N1" "$PODNET" subnet replace fd00:10:244:2::/64 \
		via "$(pn_addr 2)" dev pn0
	before=$(pn_stat "$N1" nd_miss)
	ip -n "$N1" -6 route add fd00:10:244:9::7/128 dev pn0
	ns_exec "$N1" ping -6 -c 1 -W 2 fd00:10:244:9::7 >/dev/null 2>&1
	[ "$(pn_stat "$N1" nd_miss)" -gt "$before" ]
	check_err $? "a solicitation for an address in no subnet was not counted in nd_miss"
	ip -n "$N1" -6 route del fd00:10:244:2::7/128 dev pn0
	ip -n "$N1" -6 route del fd00:10:244:9::7/128 dev pn0
	log_test "neighbour discovery: pod addresses get the VTEP MAC, a replace renews them, misses are counted"
}

test_unreachable6()
{
	local out before

	before=$(pn_stat "$N1" no_route)
	out=$(ns_exec "$P1" ping -6 -c 1 -W 2 fd00:10:244:9::2 2>&1)
	expect_match "$out" "(Destination unreachable: No route|No route to host)" "pod 1 was not told there is no route: $out"
	[ "$(pn_stat "$N1" no_route)" -gt "$before" ]
	check_err $? "no_route did not count the IPv6 packet"
	log_test "IPv6 to no subnet: ICMPv6 no route, counted"
}

# Miss events name each IPv6 address: two in the same second are both
# announced, and a repeat of one is not. The two addresses fold to the
# same 32 bits (their second and fourth words swapped), so an event
# keyed by a hash of the address would hide the second.
test_miss6()
{
	local mpid a=fd00:10:244:a::b b=fd00:10:244:b::a

	ip netns exec "$N1" stdbuf -oL "$PODNET" monitor dev pn0 \
		>"$TMP/mon6" 2>&1 &
	mpid=$!
	sleep 1
	ns_exec "$P1" ping -6 -c 3 -i 0.2 -W 1 "$a" >/dev/null 2>&1
	ns_exec "$P1" ping -6 -c 1 -W 1 "$b" >/dev/null 2>&1
	sleep 1
	kill "$mpid"
	wait "$mpid"
	[ "$(grep -c "^miss ip $a dev pn0$" "$TMP/mon6")" -eq 1 ]
	check_err $? "not exactly one miss event for 3 pings to $a: $(cat "$TMP/mon6")"
	grep -q "^miss ip $b dev pn0$" "$TMP/mon6"
	check_err $? "no miss event for $b after one for $a: $(cat "$TMP/mon6")"
	log_test "IPv6 misses: one event per address and window, each address its own"
}

test_pmtu6()
{
	local out before

	# The outer route to node 2 learns 1400 bytes: 1350 for the inner
	# IPv6 packet.
	ip -n "$N1" route add 192.168.0.2/32 dev e0 mtu 1400
	before=$(pn_stat "$N1" pmtu)
	out=$(ns_exec "$P1" ping -6 -c 1 -W 2 -M "do" -s 1400 fd00:10:244:2::2 2>&1)
	expect_match "$out" "mtu ?= ?1350" "pod 1 was not told the MTU is 1350: $out"
	[ "$(pn_stat "$N1" pmtu)" -gt "$before" ]
	check_err $? "pmtu did not count the IPv6 packet"
	out=$(ns_exec "$P1" ip -6 route get fd00:10:244:2::2)
	expect_match "$out" "mtu 1350" "pod 1's route did not learn 1350: $out"
	ns_exec "$P1" ping -6 -c 1 -W 2 -s 1300 fd00:10:244:2::2 >/dev/null
	check_err $? "a packet that fits the path did not cross"
	ip -n "$N1" route del 192.168.0.2/32 dev e0 mtu 1400
	log_test "IPv6 too big for the outer path: ICMPv6 packet too big, the pod learns 1350"
}

test_srccheck6()
{
	local before

	# Pod 2 takes an address of node 1's IPv6 subnet: node 1 must drop
	# what comes from it, since node 2 does not own the subnet.
	ip -n "$P2" addr add fd00:10:244:1::99/128 dev eth0 nodad
	before=$(pn_stat "$N1" src_check)
	ns_exec "$P2" ping -6 -c 2 -i 0.2 -W 1 -I fd00:10:244:1::99 fd00:10:244:1::2 >/dev/null 2>&1
	check_fail $? "a spoofed IPv6 source crossed"
	[ "$(pn_stat "$N1" src_check)" -gt "$before" ]
	check_err $? "src_check did not count the spoofed IPv6 source"
	ip -n "$P2" addr del fd00:10:244:1::99/128 dev eth0
	log_test "the source check holds for IPv6 inner sources"
}

test_gateway6()
{
	local out

	out=$(ns_exec "$N1" "$PODNET" link show pn0)
	expect_match "$out" " gateway6 fe80::1( |$)" "link show does not give the default IPv6 gateway: $out"
	out=$(ns_exec "$N1" "$PODNET" link set pn0 gateway6 ff02::1 2>&1)
	[ $? -eq 2 ]
	check_err $? "a multicast IPv6 gateway did not exit 2"
	expect_match "$out" "IPv6 gateway must be a unicast IPv6 address" "multicast gateway6: $out"
	out=$(ns_exec "$N1" "$PODNET" link set pn0 gateway6 fe80::zz 2>&1)
	[ $? -eq 1 ] && expect_match "$out" 'invalid IPv6 address "fe80::zz"' "bad gateway6 word"
	check_err $? "a malformed IPv6 gateway: $out"

	# Without the gateway, the route via fe80::1 cannot resolve.
	ns_exec "$N1" "$PODNET" link set pn0 gateway6 none
	ip -n "$N1" -6 neigh flush dev pn0
	expect_match "$(ns_exec "$N1" "$PODNET" link show pn0)" " gateway6 none" "gateway6 none not shown"
	ns_exec "$P1" ping -6 -c 1 -W 2 -q fd00:10:244:2::2 >/dev/null 2>&1
	check_fail $? "pods reached each other with the IPv6 gateway turned off"
	ns_exec "$N1" "$PODNET" link set pn0 gateway6 fe80::1
	ns_exec "$P1" ping -6 -c 2 -W 2 -q fd00:10:244:2::2 >/dev/null 2>&1
	check_err $? "pods do not reach each other once the IPv6 gateway is back"
	log_test "gateway6: shown, settable, none turns it off, bad words refused"
}

setup || exit 1
test_ping6
test_nd
test_unreachable6
test_miss6
test_pmtu6
test_srccheck6
test_gateway6
exit $EXIT_STATUS
