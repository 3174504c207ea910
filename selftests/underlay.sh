#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# podnet follows its underlay: the MTU follows the underlay device's, the
# carrier goes off while the underlay device or the local address is gone
# or down and comes back with them, a re-created underlay device is taken
# up again by name, and what would loop or overflow the table is refused.

source "$(dirname "$0")/lib.sh"

# mtu_of NS DEV
mtu_of()
{
	ip -n "$1" -o link show "$2" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'
}

expect_mtu()
{
	local got

	got=$(mtu_of "$1" "$2")
	[ "$got" = "$3" ]
	check_err $? "$4: $2 has MTU ${got:-none}, expected $3"
}

# Two podnet nodes in VXLAN mode, peers of each other.
two_nodes()
{
	pn_underlay &&
	pn_podnet_node 1 && pn_podnet_node 2 &&
	pn_podnet_peers 1 2 && pn_podnet_peers 2 1 &&
	ip -n "$N1" route add 10.244.0.0/16 via 169.254.1.1 dev pn0 onlink &&
	ip -n "$N2" route add 10.244.0.0/16 via 169.254.1.1 dev pn0 onlink
}

pods_talk()
{
	ns_exec "$P1" ping -c 2 -i 0.3 -W 2 -q 10.244.2.2 >/dev/null
}

# Wait for pods to talk again after the underlay came back.
pods_talk_again()
{
	local i

	for ((i = 0; i < 20; i++)); do
		ns_exec "$P1" ping -c 1 -W 1 -q 10.244.2.2 >/dev/null && return 0
	done
	return 1
}

link_state()
{
	ip -n "$1" -o link show "$2"
}

# check_mtu_follow MODE OVERHEAD
check_mtu_follow()
{
	local mode=$1 oh=$2 out

	setup_ns A
	ip -n "$A" link add e0 type dummy
	ip -n "$A" addr add 192.0.2.1/24 dev e0
	ip -n "$A" link set e0 up
	ns_exec "$A" "$PODNET" link add pn0 mode "$mode" local 192.0.2.1 dev e0
	check_err $? "cannot create pn0"
	expect_mtu "$A" pn0 $((1500 - oh)) "derived from the underlay"

	ip -n "$A" link set e0 mtu 1400
	expect_mtu "$A" pn0 $((1400 - oh)) "underlay lowered to 1400"
	ns_exec "$A" "$PODNET" link set pn0 srccheck off
	check_err $? "a change of srccheck failed after the underlay's MTU fell"
	expect_match "$(ns_exec "$A" "$PODNET" link show pn0)" "srccheck off" "srccheck did not change"

	ip -n "$A" link set e0 mtu 9000
	expect_mtu "$A" pn0 $((9000 - oh)) "a derived MTU rises with the underlay"
	ip -n "$A" link set pn0 mtu 8000
	check_err $? "MTU 8000 refused over a 9000 underlay"
	out=$(ip -n "$A" link set pn0 mtu $((9000 - oh + 1)) 2>&1)
	check_fail $? "an MTU larger than the underlay allows was accepted"
	expect_match "$out" "mtu greater than device maximum|Invalid argument" "no reason for the refusal"
	expect_mtu "$A" pn0 8000 "a refused change kept"

	# A given MTU is lowered with the underlay, and not raised again.
	ip -n "$A" link set e0 mtu 1500
	expect_mtu "$A" pn0 $((1500 - oh)) "a given MTU too big for the new underlay MTU"
	ip -n "$A" link set e0 mtu 9000
	expect_mtu "$A" pn0 $((1500 - oh)) "a given MTU raised by the underlay"
	ip -n "$A" link set pn0 mtu $((9000 - oh))
	check_err $? "MTU $((9000 - oh)) refused over a 9000 underlay"

	out=$(ns_exec "$A" "$PODNET" link add pn1 mode "$mode" local 192.0.2.1 dev e0 mtu 9000 2>&1)
	check_fail $? "a device created with an MTU the underlay cannot carry"
	expect_match "$out" "larger than the underlay" "no reason for refusing the MTU"
	log_test "$mode: the MTU follows the underlay's"
}

test_mtu_follow()
{
	check_mtu_follow vxlan 50
	check_mtu_follow ipip 20
}

test_iflink()
{
	setup_ns A
	ip -n "$A" link add e0 type dummy
	ns_exec "$A" "$PODNET" link add pn0 dev e0
	expect_match "$(link_state "$A" pn0)" "pn0@e0:" "ip link does not show the underlay"
	ns_exec "$A" "$PODNET" link add pn1
	expect_match "$(link_state "$A" pn1)" "^[0-9]+: pn1:" "a device without underlay shows one"
	log_test "ip link shows pn0@e0"
}

test_underlay_down()
{
	local out

	two_nodes || { check_err 1 "topology"; log_test "underlay down"; return; }
	pods_talk
	check_err $? "pods do not talk"

	ip -n "$N1" link set e0 down
	out=$(link_state "$N1" pn0)
	expect_match "$out" "NO-CARRIER" "carrier stays on with the underlay down"
	expect_match "$out" "state LOWERLAYERDOWN" "operstate is not LOWERLAYERDOWN"
	pods_talk
	check_fail $? "pods talk with the underlay down"

	ip -n "$N1" link set e0 up
	pods_talk_again
	check_err $? "pods do not talk again once the underlay is up"
	expect_match "$(link_state "$N1" pn0)" "state UP" "pn0 is not UP again"
	log_test "underlay down: NO-CARRIER, LOWERLAYERDOWN, counted, back"
}

test_underlay_gone()
{
	local out before

	two_nodes || { check_err 1 "topology"; log_test "underlay deleted"; return; }
	pods_talk
	check_err $? "pods do not talk"

	ip -n "$N1" link del e0
	out=$(link_state "$N1" pn0)
	expect_match "$out" "NO-CARRIER" "carrier stays on with the underlay deleted"
	pods_talk
	check_fail $? "pods talk with the underlay deleted"

	# The underlay, re-created under the same name, is taken up again.
	ip link add e0 netns "$N1" type veth peer name u1 netns "$UL"
	ip -n "$UL" link set u1 master br0 up
	ip -n "$N1" addr add 192.168.0.1/24 dev e0
	ip -n "$N1" link set e0 up
	pods_talk_again
	check_err $? "pods do not talk over the re-created underlay"
	expect_match "$(link_state "$N1" pn0)" "pn0@e0:.*state UP" "pn0 did not take up the new e0"
	log_test "underlay deleted: NO-CARRIER, counted, re-created e0 taken up"
}

# The operator gives up the deleted underlay (IFLA_PODNET_LINK 0, which
# the tool does not send): the device forgets its name and takes the
# device that now holds the local address.
test_underlay_given_up()
{
	local out

	two_nodes || { check_err 1 "topology"; log_test "underlay given up"; return; }
	ip -n "$N1" link del e0
	ip link add e1 netns "$N1" type veth peer name u1 netns "$UL"
	ip -n "$UL" link set u1 master br0 up
	ip -n "$N1" addr add 192.168.0.1/24 dev e1
	ip -n "$N1" link set e1 up
	expect_match "$(link_state "$N1" pn0)" "NO-CARRIER" "pn0 took e1 while it waits for e0"
	out=$(ns_exec "$N1" python3 "$SELFTESTS/pnl.py" link pn0 set link=u32:0 2>&1)
	expect_match "$out" "^ok" "IFLA_PODNET_LINK 0 refused: $out"
	pods_talk_again
	check_err $? "pods do not talk over e1 once the underlay is given up"
	expect_match "$(link_state "$N1" pn0)" "LOWER_UP" "pn0 still waits for e0"
	log_test "underlay deleted, then link 0: the old name forgotten, e1 taken"
}

test_local_gone()
{
	local before

	two_nodes || { check_err 1 "topology"; log_test "local address removed"; return; }
	pods_talk
	check_err $? "pods do not talk"

	ip -n "$N1" addr del 192.168.0.1/24 dev e0
	expect_match "$(link_state "$N1" pn0)" "NO-CARRIER" "carrier stays on without the local address"
	pods_talk
	check_fail $? "pods talk without the local address"

	ip -n "$N1" addr add 192.168.0.1/24 dev e0
	pods_talk_again
	check_err $? "pods do not talk once the local address is back"
	log_test "local address removed: NO-CARRIER, counted, resumes"
}

test_self_node()
{
	local out

	two_nodes || { check_err 1 "topology"; log_test "self node"; return; }
	ip -n "$N1" addr add 198.51.100.1/32 dev e0
	for node in 192.168.0.1 198.51.100.1; do
		out=$(ns_exec "$N1" "$PODNET" subnet add 10.244.9.0/24 via $node dev pn0 2>&1)
		check_fail $? "a subnet via the node's own address $node was accepted"
		expect_match "$out" "address of this node" "no reason for refusing $node"
	done
	out=$(ns_exec "$N1" "$PODNET" subnet show dev pn0)
	expect_match "$out" "10.244.2.0/24" "the table lost its entry"
	! grep -q 10.244.9.0 <<<"$out"
	check_err $? "a refused subnet is in the table"
	log_test "a subnet via the node's own address is refused"
}

test_max_subnets()
{
	local out

	setup_ns A
	ns_exec "$A" "$PODNET" link add pn0 maxsubnets 2
	check_err $? "cannot create pn0 with maxsubnets 2"
	expect_match "$(ns_exec "$A" "$PODNET" -d link show pn0)" "maxsubnets 2( |$)" "maxsubnets not shown"
	ns_exec "$A" "$PODNET" subnet add 10.244.1.0/24 via 192.0.2.1 dev pn0 &&
	ns_exec "$A" "$PODNET" subnet add 10.244.2.0/24 via 192.0.2.2 dev pn0
	check_err $? "two subnets refused under a limit of 2"
	out=$(ns_exec "$A" "$PODNET" subnet add 10.244.3.0/24 via 192.0.2.3 dev pn0 2>&1)
	check_fail $? "a third subnet accepted under a limit of 2"
	expect_match "$out" "table is full" "no reason for refusing the third subnet"
	ns_exec "$A" "$PODNET" subnet replace 10.244.2.0/24 via 192.0.2.9 dev pn0
	check_err $? "a replace refused in a full table"
	[ "$(ns_exec "$A" "$PODNET" subnet show dev pn0 | wc -l)" = 2 ]
	check_err $? "the table does not hold exactly two subnets"
	ns_exec "$A" "$PODNET" link set pn0 maxsubnets 3000000
	check_err $? "root of the initial namespace cannot raise the limit"

	# A user namespace may lower its limit, not raise it past the default.
	out=$(unshare -Urn sh -c "ip link add pn0 type podnet &&
		'$PODNET' link set pn0 maxsubnets 1000 &&
		'$PODNET' link set pn0 maxsubnets 2000000" 2>&1)
	check_fail $? "a user namespace raised its limit above the default"
	expect_match "$out" "CAP_NET_ADMIN in the initial user namespace" "no reason for refusing the limit"
	log_test "maxsubnets: a full table refuses adds; raising it is privileged"
}

# pg_write FILE COMMAND: COMMAND to a pktgen control file; fails as the
# write does, as pktgen refuses a command.
pg_write()
{
	echo "$2" 2>/dev/null >"$1"
}

# pktgen's clone_skb sends one skb many times over; encapsulation rewrites
# it. pktgen drives Ethernet devices only; an ipip device is not one.
test_no_skb_sharing()
{
	local pg=/proc/net/pktgen builtin=1

	if [ ! -d $pg ]; then
		builtin=
		if ! modprobe pktgen 2>/dev/null; then
			log_skip "pktgen may not share skbs with pn0" "no pktgen in this kernel"
			return
		fi
	fi
	"$PODNET" link add pg0 up
	pg_write "$pg/kpktgend_0" "add_device pg0"
	check_err $? "pktgen does not take pg0"
	pg_write "$pg/pg0" "clone_skb 10"
	check_fail $? "pktgen clone_skb accepted on a podnet device"
	pg_write "$pg/pg0" "clone_skb 0"
	check_err $? "pktgen refuses pg0 altogether"
	echo "rem_device_all" >$pg/kpktgend_0
	"$PODNET" link del pg0
	[ -n "$builtin" ] || rmmod pktgen
	log_test "pktgen may not share skbs with a podnet device"
}

# ip_vti's protocol-4 handler and podnet's, in both load orders; only
# ip_vti first where it is built in.
test_vti_beside_ipip()
{
	local out builtin=

	if modinfo ip_vti >/dev/null 2>&1; then
		rmmod ip_vti 2>/dev/null
	elif ip link show ip_vti0 >/dev/null 2>&1; then
		# Built in: no module to load, but its device in every namespace.
		builtin=1
	else
		log_skip "ip_vti beside ipip, both load orders" "no ip_vti in this kernel"
		return
	fi
	if [ -z "$builtin" ]; then
		setup_ns A
		ns_exec "$A" "$PODNET" link add pn0 mode ipip
		ip -n "$A" link set pn0 up
		check_err $? "an ipip device does not come up"
		out=$(modprobe ip_vti 2>&1)
		check_err $? "ip_vti does not load after podnet's handlers: $out"
		ip netns del "$A"
	fi

	# And the other way round: ip_vti first, podnet's handlers after.
	pn_unload
	check_err $? "cannot unload podnet"
	pn_load
	check_err $? "cannot load podnet beside ip_vti"
	setup_ns B
	ns_exec "$B" "$PODNET" link add pn0 mode ipip
	out=$(ip -n "$B" link set pn0 up 2>&1)
	check_err $? "an ipip device does not come up beside ip_vti: $out"
	if [ -n "$builtin" ]; then
		log_test "ip_vti built in, podnet loaded after it"
	else
		log_test "ip_vti beside ipip, both load orders"
	fi

	# Traffic still crosses with both handlers there.
	pn_underlay && pn_ipip_node 1 && pn_ipip_node 2 &&
	pn_podnet_peers 1 2 && pn_podnet_peers 2 1
	check_err $? "topology"
	pods_talk
	check_err $? "ipip pods do not talk with ip_vti loaded"
	log_test "ipip pods talk with ip_vti loaded"
	cleanup_all_ns
	[ -n "$builtin" ] || rmmod ip_vti 2>/dev/null
}

test_mtu_follow
test_iflink
test_underlay_down
cleanup_all_ns
test_underlay_gone
cleanup_all_ns
test_underlay_given_up
cleanup_all_ns
test_local_gone
cleanup_all_ns
test_self_node
cleanup_all_ns
test_max_subnets
cleanup_all_ns
test_no_skb_sharing
cleanup_all_ns
test_vti_beside_ipip

exit $EXIT_STATUS
