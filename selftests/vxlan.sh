#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VXLAN mode end to end: three nodes with pods, podnet on each, flannel's
# routing; the bytes on the wire; a node that runs flannel's own kernel
# vxlan setup; unreachable destinations; counters; the source check.

source "$(dirname "$0")/lib.sh"

TMP=$(mktemp -d)

# Full mesh of podnet nodes 1..3, flannel routing on each.
setup_podnet_mesh()
{
	local i j n

	pn_underlay
	for i in 1 2 3; do
		pn_podnet_node "$i" || return 1
	done
	for i in 1 2 3; do
		n=$(eval echo "\$N$i")
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			ns_exec "$n" "$PODNET" subnet add "10.244.$j.0/24" \
				via "192.168.0.$j" dev pn0 || return 1
			pn_flannel_route "$n" pn0 "$j" "$(pn_mac "$j")" || return 1
		done
	done
}

test_mesh()
{
	local i j p out

	for i in 1 2 3; do
		p=$(eval echo "\$P$i")
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			ns_exec "$p" ping -c 2 -W 2 -q "10.244.$j.2" >/dev/null
			check_err $? "pod $i cannot ping pod $j"
		done
	done
	log_test "podnet mesh: every pod pings every other pod"

	# GRO on the receiving node's underlay: the UDP tunnel GRO hooks must
	# hand pn0 merged segments larger than its MTU.
	ns_exec "$N2" ethtool -K e0 gro on
	ns_exec "$N2" timeout 30 tcpdump -c 200 -s 96 -nn -i pn0 \
		'tcp dst port 5201' >"$TMP/gro" 2>/dev/null &
	ns_exec "$P2" iperf3 -s -1 -D -B 10.244.2.2 >/dev/null
	sleep 1
	out=$(ns_exec "$P1" iperf3 -c 10.244.2.2 -n 20M -J 2>&1)
	check_err $? "iperf3 pod 1 -> pod 2 failed"
	expect_match "$out" '"bytes":[[:space:]]*2097152[0-9]' "iperf3 did not move 20 MB"
	wait
	grep -Eq "length ([2-9][0-9]{3}|[1-9][0-9]{4})$" "$TMP/gro"
	check_err $? "no GRO-merged segment above the MTU arrived on pn0"
	log_test "podnet mesh: TCP transfer of 20 MB pod to pod, GRO on receive"
}

test_wire_format()
{
	local out

	ns_exec "$UL" timeout 15 tcpdump -c 1 -nn -i br0 -w "$TMP/wire.pcap" \
		'udp dst port 8472 and src host 192.168.0.1' 2>/dev/null &
	sleep 1
	ns_exec "$P1" ping -c 1 -W 2 -q 10.244.2.2 >/dev/null
	wait
	out=$(tcpdump -nn -e -v -r "$TMP/wire.pcap" 2>/dev/null)
	expect_match "$out" "192\.168\.0\.1\.[0-9]+ > 192\.168\.0\.2\.8472: " "outer addresses or port"
	expect_match "$out" "flags \[I\] \(0x08\), overlay 0, instance 1$" "VXLAN flags or VNI"
	expect_match "$out" "0a:58:c0:a8:00:01 > 0a:58:c0:a8:00:02, ethertype IPv4" "inner MAC addresses"
	expect_match "$out" "10\.244\.1\.2 > 10\.244\.2\.2: ICMP echo request" "inner packet"
	# A zero UDP checksum, as flannel's vxlan device sends.
	expect_match "$(tcpdump -nn -x -r "$TMP/wire.pcap" 2>/dev/null |
		grep 0x0010:)" "0x0010:  c0a8 0002 [0-9a-f]{4} 2118 [0-9a-f]{4} 0000" "UDP checksum not zero"
	log_test "wire: UDP 8472, VNI 1, inner MACs from the table"
}

# link_stat NS rx|tx NAME: a counter of pn0 in NS, as ip -s link shows it.
link_stat()
{
	ns_exec "$1" ip -j -s link show pn0 | jq ".[0].stats64.$2.$3"
}

test_counters()
{
	local out before txd

	before=$(pn_stat "$N1" no_route)
	ns_exec "$N1" "$PODNET" subnet flush dev pn0 >/dev/null
	ns_exec "$N1" "$PODNET" subnet add 10.244.2.0/24 via 192.168.0.2 dev pn0
	ns_exec "$N2" "$PODNET" subnet flush dev pn0
	ns_exec "$N2" "$PODNET" subnet add 10.244.1.0/24 via 192.168.0.1 dev pn0
	ns_exec "$P1" ping -c 5 -i 0.2 -W 2 -q 10.244.2.2 >/dev/null
	check_err $? "ping for the counters failed"

	out=$(ns_exec "$N1" "$PODNET" -j -s subnet show dev pn0)
	expect_match "$out" '"tx_packets":5,' "sender's per-subnet tx packets"
	expect_match "$out" '"tx_bytes":420,' "sender's per-subnet tx bytes (5 x 84)"
	expect_match "$out" '"rx_packets":5,' "sender's per-subnet rx packets"
	out=$(ns_exec "$N2" "$PODNET" -j -s subnet show dev pn0)
	expect_match "$out" '"rx_packets":5,' "receiver's per-subnet rx packets"

	# A replace hands the counters on; a subnet that carried nothing,
	# whose counters are not made yet, shows zeros. Node 2 takes frames
	# to any MAC, so another lladdr makes a real replace that still
	# carries traffic.
	ns_exec "$N1" "$PODNET" subnet replace 10.244.2.0/24 via 192.168.0.2 \
		lladdr 0a:58:c0:a8:00:99 dev pn0
	ns_exec "$N1" "$PODNET" subnet add 10.244.7.0/24 via 192.168.0.7 dev pn0
	ns_exec "$P1" ping -c 2 -i 0.2 -W 2 -q 10.244.2.2 >/dev/null
	check_err $? "ping after the replace failed"
	out=$(ns_exec "$N1" "$PODNET" -j -s subnet get 10.244.2.2 dev pn0)
	expect_match "$out" '"lladdr":"0a:58:c0:a8:00:99"' "the replace did not happen"
	expect_match "$out" '"tx_packets":7,' "tx packets carried over a replace"
	ns_exec "$N1" "$PODNET" subnet replace 10.244.2.0/24 via 192.168.0.2 dev pn0
	out=$(ns_exec "$N1" "$PODNET" -j -s subnet get 10.244.7.7 dev pn0)
	expect_match "$out" '"tx_packets":0,"tx_bytes":0,"rx_packets":0,"rx_bytes":0' \
		"an idle subnet's counters"
	ns_exec "$N1" "$PODNET" subnet del 10.244.7.0/24 dev pn0

	# Unreachable: a pod address in no subnet, routed into pn0.
	ns_exec "$N1" ip route add 10.244.0.0/16 via 10.244.0.1 dev pn0 onlink
	ns_exec "$N1" ip neigh add 10.244.0.1 lladdr 0a:58:0a:f4:00:01 dev pn0 nud permanent
	txd=$(link_stat "$N1" tx dropped)
	out=$(ns_exec "$P1" ping -c 3 -i 0.2 -W 1 10.244.9.2 2>&1)
	check_fail $? "ping to an address in no subnet succeeded"
	expect_match "$out" "Destination Net Unreachable" "no ICMP unreachable"
	expect_stat "$N1" no_route $((before + 3))
	# The host's own IPv6 may be dropped meanwhile: at least these three.
	out=$(link_stat "$N1" tx dropped)
	[ "$out" -ge $((txd + 3)) ]
	check_err $? "ip -s link: tx dropped $out, expected at least $((txd + 3))"
	log_test "counters: per subnet exact; no route counted and ICMP sent"
}

test_pmtu()
{
	pn_check_pmtu 1350 local 192.168.0.1 vni 9
	log_test "PMTU: MTU from the underlay; too-big DF packets refused with ICMP"
}

# inject NS SRC VNI FLAGS INNER_SRC: from namespace NS, a VXLAN packet to
# node 1 from underlay address SRC with VNI and flags byte FLAGS, carrying
# an ICMP echo from INNER_SRC to pod 1.
inject()
{
	ns_exec "$1" python3 "$SELFTESTS/inject.py" vxlan "$2" "$3" "$4" "$5"
}

# inject_raw NS SRC HEX: any UDP payload from SRC to node 1's port 8472.
inject_raw()
{
	ns_exec "$1" python3 "$SELFTESTS/inject.py" raw "$2" "$3"
}

test_injection()
{
	local sc bv bh pod_rx rxd

	pn_stranger 192.168.0.99/24

	sc=$(pn_stat "$N1" src_check)
	bv=$(pn_stat "$N1" bad_vni)
	bh=$(pn_stat "$N1" bad_header)
	rxd=$(link_stat "$N1" rx dropped)
	pod_rx=$(pn_pod_echos "$P1")

	inject "$R" 192.168.0.99 1 0x08 10.244.2.2	# not a peer
	inject "$N3" 192.168.0.3 1 0x08 10.244.2.2	# a peer, not its subnet
	inject "$N2" 192.168.0.2 7 0x08 10.244.2.2	# another VNI
	inject "$N2" 192.168.0.2 1 0x0c 10.244.2.2	# unknown flag bit
	sleep 0.5

	expect_stat "$N1" src_check $((sc + 2))
	expect_stat "$N1" bad_vni $((bv + 1))
	expect_stat "$N1" bad_header $((bh + 1))
	[ "$(link_stat "$N1" rx dropped)" -eq $((rxd + 4)) ]
	check_err $? "ip -s link: rx dropped $(link_stat "$N1" rx dropped), expected $((rxd + 4))"
	[ "$(pn_pod_echos "$P1")" -eq "$pod_rx" ]
	check_err $? "an injected packet reached the pod"

	# The same packet from the right node passes: the check can pass.
	inject "$N2" 192.168.0.2 1 0x08 10.244.2.2
	sleep 0.5
	[ "$(pn_pod_echos "$P1")" -gt "$pod_rx" ]
	check_err $? "a well-formed packet from the owning node did not reach the pod"

	# With the source check off, the foreign node's packet passes too.
	ns_exec "$N1" "$PODNET" link set pn0 srccheck off
	pod_rx=$(pn_pod_echos "$P1")
	inject "$N3" 192.168.0.3 1 0x08 10.244.2.2
	sleep 0.5
	[ "$(pn_pod_echos "$P1")" -gt "$pod_rx" ]
	check_err $? "srccheck off still dropped the packet"
	ns_exec "$N1" "$PODNET" link set pn0 srccheck on
	log_test "injection: non-peer, foreign subnet, VNI, flags dropped and counted"

	# Malformed from the right node: a VXLAN header cut short, an inner
	# frame shorter than Ethernet, an inner IPv4 header cut short, an
	# inner IPv6 packet from no subnet (::), and an inner frame that is
	# neither IPv4 nor IPv6.
	local vx=0800000000000100 eth=0a58c0a800010a58c0a80002 ni sc
	bh=$(pn_stat "$N1" bad_header)
	ni=$(pn_stat "$N1" not_ip)
	sc=$(pn_stat "$N1" src_check)
	pod_rx=$(pn_pod_echos "$P1")
	inject_raw "$N2" 192.168.0.2 08000000
	inject_raw "$N2" 192.168.0.2 "${vx}0a58c0a80001"
	inject_raw "$N2" 192.168.0.2 "${vx}${eth}08004500003c"
	inject_raw "$N2" 192.168.0.2 "${vx}${eth}86dd6000000000003a40$(printf '%064d' 0)"
	inject_raw "$N2" 192.168.0.2 "${vx}${eth}88cc$(printf '%064d' 0)"
	sleep 0.5
	expect_stat "$N1" bad_header $((bh + 3))
	expect_stat "$N1" src_check $((sc + 1))
	[ "$(pn_stat "$N1" not_ip)" -ge $((ni + 1)) ]
	check_err $? "not_ip: $(pn_stat "$N1" not_ip), expected $((ni + 1))"
	[ "$(pn_pod_echos "$P1")" -eq "$pod_rx" ]
	check_err $? "a malformed packet reached the pod"
	log_test "injection: truncated VXLAN, Ethernet, IPv4; IPv6 from no subnet; not IP"
}

TRACE=/sys/kernel/tracing
TRACE_INST=$TRACE/instances/podnet-$$

# drops_start: record the kfree_skb event, which names each drop's reason,
# in a trace instance of this test's own. Fails when the kernel has no
# such event.
drops_start()
{
	[ -d $TRACE/events ] || mount -t tracefs tracefs $TRACE 2>/dev/null
	[ -d $TRACE/events/skb/kfree_skb ] || return 1
	mkdir $TRACE_INST && echo 1 >$TRACE_INST/events/skb/kfree_skb/enable
}

drops_stop()
{
	echo 0 >$TRACE_INST/events/skb/kfree_skb/enable
	rmdir $TRACE_INST
}

# drops REASON: how many packets were dropped for REASON since drops_start.
drops()
{
	grep -c "reason: $1\$" $TRACE_INST/trace
}

# reason NAME OLD: the drop reason NAME, or OLD on a kernel without NAME.
reason()
{
	if grep -q "\"$1\"" $TRACE/events/skb/kfree_skb/format; then
		echo "$1"
	else
		echo "$2"
	fi
}

# The kernel's drop reasons of three packets test_injection counts.
test_drop_reasons()
{
	local hdr vni

	if ! drops_start; then
		printf "TEST: %-60s [SKIP]\n" "drop reasons: no skb:kfree_skb event"
		return 0
	fi
	hdr=$(reason VXLAN_INVALID_HDR DEV_HDR)
	vni=$(reason VXLAN_VNI_NOT_FOUND NOT_SPECIFIED)
	inject "$R" 192.168.0.99 1 0x08 10.244.2.2	# not a peer
	inject "$N3" 192.168.0.3 1 0x08 10.244.2.2	# a peer, not its subnet
	inject "$N2" 192.168.0.2 1 0x0c 10.244.2.2	# unknown flag bit
	inject "$N2" 192.168.0.2 7 0x08 10.244.2.2	# another VNI
	sleep 0.5
	[ "$(drops IP_RPFILTER)" -eq 2 ]
	check_err $? "$(drops IP_RPFILTER) drops for IP_RPFILTER, expected 2"
	[ "$(drops "$hdr")" -eq 1 ]
	check_err $? "$(drops "$hdr") drops for $hdr, expected 1"
	# NOT_SPECIFIED is any kfree_skb(): only a named reason can be counted.
	if [ "$vni" != NOT_SPECIFIED ]; then
		[ "$(drops "$vni")" -eq 1 ]
		check_err $? "$(drops "$vni") drops for $vni, expected 1"
	fi
	drops_stop
	log_test "drop reasons: source check, VXLAN header, VNI"
}

# Node 3 as flanneld configures the kernel vxlan driver; nodes 1 and 2 on
# podnet. flannel.1 has its own MAC, which the podnet nodes are told.
test_flannel_interop()
{
	local fmac=02:fa:11:e1:00:03 i j n

	cleanup_all_ns
	pn_underlay
	pn_podnet_node 1 && pn_podnet_node 2 && pn_flannel_node 3 $fmac 1 2 ||
		return 1
	for i in 1 2; do
		n=$(eval echo "\$N$i")
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			if [ "$j" = 3 ]; then
				ns_exec "$n" "$PODNET" subnet add 10.244.3.0/24 \
					via 192.168.0.3 lladdr $fmac dev pn0
				pn_flannel_route "$n" pn0 3 $fmac
			else
				ns_exec "$n" "$PODNET" subnet add "10.244.$j.0/24" \
					via "192.168.0.$j" dev pn0
				pn_flannel_route "$n" pn0 "$j" "$(pn_mac "$j")"
			fi
		done
	done

	for i in 1 2; do
		ns_exec "$P3" ping -c 2 -W 2 -q "10.244.$i.2" >/dev/null
		check_err $? "flannel pod 3 cannot reach podnet pod $i"
		ns_exec "$(eval echo "\$P$i")" ping -c 2 -W 2 -q 10.244.3.2 >/dev/null
		check_err $? "podnet pod $i cannot reach flannel pod 3"
	done
	ns_exec "$P3" iperf3 -s -1 -D -B 10.244.3.2 >/dev/null
	sleep 0.5
	ns_exec "$P1" iperf3 -c 10.244.3.2 -n 10M >/dev/null 2>&1
	check_err $? "TCP from a podnet pod to the flannel pod failed"
	log_test "flannel interop: kernel vxlan node and podnet nodes, both ways"
}

trap 'cleanup_all_ns; rm -rf "$TMP"' EXIT
setup_podnet_mesh || { echo "topology setup failed"; exit $ksft_fail; }
test_mesh
test_wire_format
test_counters
test_injection
test_drop_reasons
test_pmtu
test_flannel_interop
exit $EXIT_STATUS
