#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Direct routing: nodes 1 and 2 share an underlay segment, node 3 sits
# behind a router on a segment of its own. With direct on, in both modes
# and both families, pod traffic between nodes 1 and 2 is plain IP on the
# wire and traffic to node 3 is encapsulated; a subnet whose node address
# is of the other family stays encapsulated; a route that puts node 2
# behind the router switches its subnet to encapsulation while a ping
# runs, and its removal switches it back. Then flannel with DirectRouting
# (both families) and Calico with CrossSubnet as peers, and the source
# check of encapsulated packets with direct on.

source "$(dirname "$0")/lib.sh"

TMP=$(mktemp -d)
PCAP=$TMP/wire.pcap

# The receiving side's needs, as a node with Debian's defaults has them:
# forwarding, and rp_filter loose.
PN_NS_SYSCTLS="net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.default.rp_filter=2"

setup_failed()
{
	check_err 1 "topology setup failed"
	log_test "${FUNCNAME[1]}"
}

# setup MODE: the three nodes, dual-stack, each with pn0 in MODE with
# direct on, knowing the other two by their address of the subnet's
# family.
setup()
{
	local mode=$1 i j n

	cleanup_all_ns
	pn_far_underlay 3 || return 1
	# The router forwards node 1's packets back onto their own segment
	# when told to; it must not redirect node 1 past itself.
	ip netns exec "$RT" sysctl -qw net.ipv4.conf.all.send_redirects=0 \
		net.ipv4.conf.r0.send_redirects=0 || return 1
	for i in 1 2 3; do
		pn_node6 "$i" || return 1
		n=$(eval echo "\$N$i")
		ns_exec "$n" "$PODNET" link add pn0 mode "$mode" \
			local "$(pn_addr "$i")" local "$(pn_addr6 "$i")" dev e0 \
			direct on || return 1
		ip -n "$n" addr add "10.244.$i.0/32" dev pn0
		ip -n "$n" link set pn0 up
		if [ "$mode" = ipip ]; then
			ip -n "$n" route add 10.244.0.0/16 dev pn0
			ip -n "$n" -6 route add fd00:10:244::/48 dev pn0
		else
			ip -n "$n" route add 10.244.0.0/16 via 169.254.1.1 \
				dev pn0 onlink
			ip -n "$n" -6 route add fd00:10:244::/48 via fe80::1 dev pn0
		fi
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			ns_exec "$n" "$PODNET" subnet add "10.244.$j.0/24" \
				via "$(pn_addr "$j")" dev pn0 &&
			ns_exec "$n" "$PODNET" subnet add "fd00:10:244:$j::/64" \
				via "$(pn_addr6 "$j")" dev pn0 || return 1
		done
	done
}

# capture_start: record what node 1 sends on its underlay link.
capture_start()
{
	rm -f "$PCAP"
	ns_exec "$N1" timeout 60 tcpdump -U -nn -i e0 -w "$PCAP" \
		'not arp and not (icmp6 and ip6[40] >= 133 and ip6[40] <= 137)' \
		2>/dev/null &
	CAPTURE=$!
	wait_for_file "$PCAP"
	sleep 1
}

capture_stop()
{
	sleep 0.5
	kill "$CAPTURE" 2>/dev/null
	wait "$CAPTURE" 2>/dev/null
}

# wire FILTER: how many of the captured packets FILTER matches.
wire()
{
	tcpdump -nn -r "$PCAP" "$1" 2>/dev/null | wc -l
}

# expect_wire FILTER WHAT: at least one captured packet matches FILTER.
expect_wire()
{
	[ "$(wire "$1")" -gt 0 ]
	check_err $? "$2: no packet on node 1's underlay link matches '$1'"
}

# expect_no_wire FILTER WHAT: no captured packet matches FILTER.
expect_no_wire()
{
	local got

	got=$(wire "$1")
	[ "$got" -eq 0 ]
	check_err $? "$2: $got packets on node 1's underlay link match '$1'"
}

# encap MODE FAMILY DST: a filter for encapsulated packets to node
# address DST of FAMILY (4 or 6).
encap()
{
	if [ "$1" = vxlan ]; then
		echo "udp port 8472 and dst host $3"
	elif [ "$2" = 4 ]; then
		echo "(ip proto 4 or ip proto 41) and dst host $3"
	else
		echo "ip6 and dst host $3 and (ip6[6] == 4 or ip6[6] == 41)"
	fi
}

# ping_pod FROM TO FAMILY: pod FROM reaches pod TO over FAMILY.
ping_pod()
{
	local p addr

	p=$(eval echo "\$P$1")
	if [ "$3" = 6 ]; then
		addr=fd00:10:244:$2::2
	else
		addr=10.244.$2.2
	fi
	ns_exec "$p" ping "-$3" -c 2 -i 0.3 -W 2 -q "$addr" >/dev/null
	check_err $? "pod $1 -> pod $2 ($addr) failed"
}

# cross A B NODE4 NODE6: node A knows node B's IPv4 subnet by NODE4 and
# its IPv6 subnet by NODE6.
cross()
{
	local n

	n=$(eval echo "\$N$1")
	ns_exec "$n" "$PODNET" subnet replace "10.244.$2.0/24" via "$3" dev pn0 &&
	ns_exec "$n" "$PODNET" subnet replace "fd00:10:244:$2::/64" via "$4" \
		dev pn0
	check_err $? "subnet replace on node $1 failed"
}

# subnet_json NS PREFIX: the -s -j subnet show entry of PREFIX on pn0.
subnet_json()
{
	ns_exec "$1" "$PODNET" -s -j subnet show dev pn0 |
		python3 -c 'import json, sys
for e in json.load(sys.stdin):
    if e["dst"] == sys.argv[1]:
        print(e.get("direct", False), e["stats"]["tx_packets"])' "$2"
}

# expect_direct NS PREFIX WANT: podnet says PREFIX goes direct (True) or
# not (False), in the JSON and in the text output.
expect_direct()
{
	local got text

	got=$(subnet_json "$1" "$2")
	[ "${got% *}" = "$3" ]
	check_err $? "podnet -j subnet show: $2 direct is ${got% *}, expected $3"
	text=$(ns_exec "$1" "$PODNET" -s subnet show dev pn0 | grep "^$2 ")
	if [ "$3" = True ]; then
		expect_match "$text" " direct$" "podnet -s subnet show: $text"
	else
		! grep -q ' direct$' <<<"$text"
		check_err $? "podnet -s subnet show marks $2 direct: $text"
	fi
}

test_paths()
{
	local mode=$1 fam tx4 tx6 tx_far

	if ! setup "$mode"; then
		setup_failed
		return
	fi
	tx4=$(subnet_json "$N1" 10.244.2.0/24)
	tx6=$(subnet_json "$N1" fd00:10:244:2::/64)
	tx_far=$(subnet_json "$N1" 10.244.3.0/24)
	capture_start
	for fam in 4 6; do
		ping_pod 1 2 $fam
		ping_pod 2 1 $fam
		ping_pod 1 3 $fam
		ping_pod 3 1 $fam
	done
	capture_stop

	expect_wire "icmp and src 10.244.1.2 and dst 10.244.2.2" \
		"IPv4 pod 1 -> pod 2 unencapsulated"
	expect_wire "icmp6 and src fd00:10:244:1::2 and dst fd00:10:244:2::2" \
		"IPv6 pod 1 -> pod 2 unencapsulated"
	expect_no_wire "$(encap "$mode" 4 192.168.0.2) or $(encap "$mode" 6 2001:db8::2)" \
		"node 1 -> node 2 encapsulated"
	expect_wire "$(encap "$mode" 4 192.168.3.1)" "IPv4 pod 1 -> pod 3 encapsulated"
	expect_wire "$(encap "$mode" 6 2001:db8:3::1)" "IPv6 pod 1 -> pod 3 encapsulated"
	expect_no_wire "icmp and dst 10.244.3.2" "IPv4 pod 1 -> pod 3 unencapsulated"
	expect_no_wire "icmp6 and dst fd00:10:244:3::2" "IPv6 pod 1 -> pod 3 unencapsulated"

	expect_direct "$N1" 10.244.2.0/24 True
	expect_direct "$N1" fd00:10:244:2::/64 True
	expect_direct "$N1" 10.244.3.0/24 False
	expect_direct "$N1" fd00:10:244:3::/64 False
	# Direct packets are counted per subnet as encapsulated ones are.
	[ "$(subnet_json "$N1" 10.244.2.0/24 | cut -d' ' -f2)" -ge $((${tx4#* } + 4)) ]
	check_err $? "10.244.2.0/24 tx_packets: $(subnet_json "$N1" 10.244.2.0/24), before $tx4"
	[ "$(subnet_json "$N1" fd00:10:244:2::/64 | cut -d' ' -f2)" -ge $((${tx6#* } + 4)) ]
	check_err $? "fd00:10:244:2::/64 tx_packets: $(subnet_json "$N1" fd00:10:244:2::/64), before $tx6"
	[ "$(subnet_json "$N1" 10.244.3.0/24 | cut -d' ' -f2)" -ge $((${tx_far#* } + 4)) ]
	check_err $? "10.244.3.0/24 tx_packets: $(subnet_json "$N1" 10.244.3.0/24), before $tx_far"
	log_test "$mode direct on: same segment plain IP, behind a router encapsulated"

	# An IPv6 subnet whose node is given by its IPv4 address, and the
	# other way round: encapsulated, though the node is on-link.
	if [ "$mode" = vxlan ] || pn_have_tunnel6; then
		cross 1 2 2001:db8::2 192.168.0.2
		cross 2 1 2001:db8::1 192.168.0.1
		capture_start
		ping_pod 1 2 4
		ping_pod 1 2 6
		capture_stop
		expect_wire "$(encap "$mode" 4 192.168.0.2)" "IPv6 via an IPv4 node"
		expect_wire "$(encap "$mode" 6 2001:db8::2)" "IPv4 via an IPv6 node"
		expect_no_wire "(icmp and src host 10.244.1.2) or (icmp6 and src host fd00:10:244:1::2)" \
			"a pod packet unencapsulated to a node of the other family"
		expect_direct "$N1" 10.244.2.0/24 False
		expect_direct "$N1" fd00:10:244:2::/64 False
		log_test "$mode direct on: a node of the other family, encapsulated"
		cross 1 2 192.168.0.2 2001:db8::2
		cross 2 1 192.168.0.1 2001:db8::1
	fi

	# Off: everything encapsulated again.
	ns_exec "$N1" "$PODNET" link set pn0 direct off
	capture_start
	ping_pod 1 2 4
	capture_stop
	expect_wire "$(encap "$mode" 4 192.168.0.2)" "direct off"
	expect_no_wire "icmp and src 10.244.1.2" "direct off, unencapsulated"
	expect_match "$(ns_exec "$N1" "$PODNET" -j link show pn0)" '"direct": ?false' \
		"podnet -j link show after direct off"
	log_test "$mode direct off: a same-segment node encapsulated"
}

# ping_start NS ADDR FAMILY: start 60 pings, one every 0.2 s, from NS.
ping_start()
{
	ns_exec "$1" ping "-$3" -c 60 -i 0.2 -W 1 "$2" >"$TMP/ping" 2>&1 &
	PING=$!
}

# ping_lost: LOST, how many of ping_start's pings went unanswered, once
# they are done (not in a subshell, which could not wait for them).
ping_lost()
{
	wait "$PING"
	LOST=$(awk '/packets transmitted/ { print $1 - $4 }' "$TMP/ping")
}

test_route_change()
{
	local mode=$1 fam=$2 node gw pod prefix sw=ip

	if [ "$fam" = 6 ]; then
		node=2001:db8::2 gw=2001:db8::254 pod=fd00:10:244:2::2
		prefix=fd00:10:244:2::/64 sw="ip -6"
	else
		node=192.168.0.2 gw=192.168.0.254 pod=10.244.2.2
		prefix=10.244.2.0/24
	fi
	if ! setup "$mode"; then
		setup_failed
		return
	fi
	ping_pod 1 2 "$fam"
	ping_start "$P1" "$pod" "$fam"
	sleep 2
	capture_start
	# shellcheck disable=SC2086 # "ip -6" is two words
	$sw -n "$N1" route add "$node" via "$gw" dev e0
	check_err $? "route add $node via $gw failed"
	sleep 2
	capture_stop
	expect_wire "$(encap "$mode" "$fam" "$node")" \
		"behind a gateway, encapsulated"
	expect_direct "$N1" "$prefix" False
	# shellcheck disable=SC2086
	$sw -n "$N1" route del "$node" via "$gw" dev e0
	capture_start
	sleep 2
	capture_stop
	expect_direct "$N1" "$prefix" True
	expect_no_wire "$(encap "$mode" "$fam" "$node")" \
		"encapsulation after the gateway route was removed"
	expect_wire "(icmp or icmp6) and dst host $pod" "gateway removed, unencapsulated"
	ping_lost
	[ -n "$LOST" ] && [ "$LOST" -le 2 ]
	check_err $? "the ping lost ${LOST:-all} packets across the changes: $(tail -2 "$TMP/ping")"
	log_test "$mode IPv$fam: a gateway route switches to encapsulation and back"
}

# Node 2 as flanneld with DirectRouting sets up a dual-stack node: the
# same-segment node 1 by a plain route via its address of each family,
# node 3 by the vxlan triple of flannel.1 and flannel-v6.1.
FL6_MAC=82:aa:bb:cc:dd:62
test_flannel_direct()
{
	local i j n

	cleanup_all_ns
	pn_far_underlay 3 || { setup_failed; return; }
	for i in 1 3; do
		pn_podnet_node6 "$i" || { setup_failed; return; }
		n=$(eval echo "\$N$i")
		ns_exec "$n" "$PODNET" link set pn0 direct on
		for j in 2 "$((4 - i))"; do
			ns_exec "$n" "$PODNET" subnet add "10.244.$j.0/24" \
				via "$(pn_addr "$j")" dev pn0 || { setup_failed; return; }
		done
		if ! ns_exec "$n" "$PODNET" subnet add fd00:10:244:2::/64 \
			via "$(pn_addr6 2)" lladdr "$FL6_MAC" dev pn0 ||
		   ! ns_exec "$n" "$PODNET" subnet add \
			"fd00:10:244:$((4 - i))::/64" \
			via "$(pn_addr6 "$((4 - i))")" dev pn0; then
			setup_failed
			return
		fi
	done
	if ! pn_flannel_node6 2 "$(pn_mac 2)" "$FL6_MAC" 3 ||
	   ! ip -n "$N2" route add 10.244.1.0/24 via 192.168.0.1 ||
	   ! ip -n "$N2" -6 route add fd00:10:244:1::/64 via 2001:db8::1; then
		setup_failed
		return
	fi
	capture_start
	for i in 4 6; do
		ping_pod 1 2 "$i"
		ping_pod 2 1 "$i"
		ping_pod 2 3 "$i"
		ping_pod 3 2 "$i"
	done
	capture_stop
	expect_wire "icmp and src 10.244.1.2 and dst 10.244.2.2" "podnet -> flannel, plain"
	expect_wire "icmp and src 10.244.2.2 and dst 10.244.1.2" "flannel -> podnet, plain"
	expect_wire "icmp6 and src fd00:10:244:1::2 and dst fd00:10:244:2::2" \
		"podnet -> flannel over IPv6, plain"
	expect_wire "icmp6 and src fd00:10:244:2::2 and dst fd00:10:244:1::2" \
		"flannel -> podnet over IPv6, plain"
	expect_no_wire "udp port 8472" "node 1 and the flannel node, encapsulated"
	log_test "flannel DirectRouting peer, both families: plain on the segment, vxlan beyond"
}

# Node 2 as Calico with CrossSubnet sets up a node: the same-segment
# block via node 1 on the underlay device, node 3's through tunl0.
test_calico_crosssubnet()
{
	local i n

	cleanup_all_ns
	pn_far_underlay 3 || { setup_failed; return; }
	for i in 1 3; do
		pn_ipip_node "$i" || { setup_failed; return; }
		n=$(eval echo "\$N$i")
		ns_exec "$n" "$PODNET" link set pn0 direct on
		pn_podnet_peers "$i" 2 "$((4 - i))" || { setup_failed; return; }
	done
	if ! pn_calico_node 2 3; then
		log_skip "Calico CrossSubnet peer" "this kernel has no ipip module"
		return
	fi
	ip -n "$N2" route add 10.244.1.0/24 via 192.168.0.1 dev e0 onlink ||
		{ setup_failed; return; }
	capture_start
	ping_pod 1 2 4
	ping_pod 2 1 4
	ping_pod 2 3 4
	ping_pod 3 2 4
	capture_stop
	expect_wire "icmp and src 10.244.1.2 and dst 10.244.2.2" "podnet -> Calico, plain"
	expect_wire "icmp and src 10.244.2.2 and dst 10.244.1.2" "Calico -> podnet, plain"
	expect_no_wire "ip proto 4" "node 1 and the Calico node, encapsulated"
	log_test "Calico CrossSubnet peer: plain on the segment, ipip beyond"
}

# With direct on, what arrives encapsulated is checked as before: node 2,
# whose own traffic comes plain, cannot pass off node 3's pod's packet.
test_injection()
{
	local sc pod_rx

	if ! setup vxlan; then
		setup_failed
		return
	fi
	sc=$(pn_stat "$N1" src_check)
	pod_rx=$(pn_pod_echos "$P1")
	ns_exec "$N2" python3 "$SELFTESTS/inject.py" vxlan 192.168.0.2 1 0x08 \
		10.244.3.2
	sleep 0.5
	expect_stat "$N1" src_check $((sc + 1))
	[ "$(pn_pod_echos "$P1")" -eq "$pod_rx" ]
	check_err $? "a spoofed encapsulated packet reached the pod"
	ns_exec "$N2" python3 "$SELFTESTS/inject.py" vxlan 192.168.0.2 1 0x08 \
		10.244.2.2
	sleep 0.5
	[ "$(pn_pod_echos "$P1")" -gt "$pod_rx" ]
	check_err $? "node 2's own encapsulated packet did not reach the pod"
	log_test "direct on: encapsulated packets still source-checked"
}

test_paths vxlan
if pn_have_tunnel6; then
	test_paths ipip
else
	# Without tunnel6 an ipip device cannot have an IPv6 underlay.
	log_skip "ipip direct on, both families" "this kernel has no tunnel6"
fi
test_route_change vxlan 4
test_route_change vxlan 6
if pn_have_tunnel6; then
	test_route_change ipip 4
else
	log_skip "ipip IPv4: a gateway route switches to encapsulation" \
		"this kernel has no tunnel6"
fi
test_flannel_direct
test_calico_crosssubnet
test_injection

cleanup_all_ns
rm -rf "$TMP"
exit "$EXIT_STATUS"
