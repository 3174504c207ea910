#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A podnet device comes and goes cleanly: created with plain iproute2 and
# its defaults, deleted, moved between namespaces, removed with its
# namespace and with the module.

source "$(dirname "$0")/lib.sh"

pn() { ns_exec "$A" "$PODNET" "$@"; }

test_create_defaults()
{
	local out

	setup_ns A
	ip -n "$A" link add pn0 type podnet
	check_err $? "ip link add pn0 type podnet failed"

	out=$(ip -n "$A" -d link show pn0)
	expect_match "$out" "podnet" "ip -d link show does not name the kind"
	expect_match "$out" "mtu 1450 " "default MTU is not 1450"
	expect_match "$out" "link/ether" "not an Ethernet device"

	out=$(ip netns exec "$A" ethtool -i pn0)
	expect_match "$out" "^driver: podnet$" "ethtool -i driver"
	expect_match "$out" "^version: [0-9]+\.[0-9]+\.[0-9]+$" "ethtool -i version"

	out=$(ip netns exec "$A" ethtool -S pn0)
	expect_match "$out" "no_route: 0" "ethtool -S counters"

	ip -n "$A" link set pn0 up
	check_err $? "cannot set pn0 up"
	ip -n "$A" link set pn0 mtu 1400
	check_err $? "cannot lower the MTU"
	ip -n "$A" link set pn0 mtu 67 2>/dev/null
	check_fail $? "MTU 67 accepted"
	expect_match "$(ip -n "$A" link show pn0)" "mtu 1400 " "MTU changed by a rejected request"

	ip -n "$A" link del pn0
	check_err $? "ip link del pn0 failed"
	ip -n "$A" link show pn0 >/dev/null 2>&1
	check_fail $? "pn0 still exists after ip link del"

	log_test "create with defaults, show, ethtool, delete"
}

test_bad_address()
{
	setup_ns A
	ip -n "$A" link add pn0 address 01:00:5e:00:00:01 type podnet 2>/dev/null
	check_fail $? "a multicast MAC address was accepted"
	ip -n "$A" link show pn0 >/dev/null 2>&1
	check_fail $? "a device exists after a rejected create"
	log_test "bad MAC address rejected, nothing created"
}

# A MAC derived from the local address reads as set, not random, so that
# udev's MACAddressPolicy=persistent keeps it; when local changes, the MAC
# follows and the change is announced (a bridge it is a port of follows).
test_derived_mac()
{
	local out

	setup_ns A
	pn link add pn0 local 192.168.0.1 up
	check_err $? "podnet link add pn0 local 192.168.0.1 failed"
	expect_match "$(ip -n "$A" link show pn0)" "link/ether 0a:58:c0:a8:00:01 " "MAC not derived from the local address"
	out=$(ip netns exec "$A" cat /sys/class/net/pn0/addr_assign_type)
	[ "$out" = 3 ]
	check_err $? "a derived MAC has addr_assign_type $out, not 3 (set)"
	ip -n "$A" link add pn1 type podnet
	out=$(ip netns exec "$A" cat /sys/class/net/pn1/addr_assign_type)
	[ "$out" = 1 ]
	check_err $? "a device without local has addr_assign_type $out, not 1 (random)"

	# A bridge follows its ports' MAC changes from the announcement.
	ip -n "$A" link add br0 type bridge
	ip -n "$A" link set pn0 down
	ip -n "$A" link set pn0 master br0
	pn link set pn0 local 192.168.0.9
	check_err $? "cannot change local while down"
	expect_match "$(ip -n "$A" link show pn0)" "link/ether 0a:58:c0:a8:00:09 " "the MAC did not follow the local address"
	out=$(ip netns exec "$A" cat /sys/class/net/pn0/addr_assign_type)
	[ "$out" = 3 ]
	check_err $? "after a change of local, addr_assign_type $out, not 3"
	out=$(bridge -n "$A" fdb show dev pn0)
	expect_match "$out" "^0a:58:c0:a8:00:09 .*permanent" "the MAC change was not announced: the bridge kept $out"
	log_test "derived MAC: reads as set, follows local, its change announced"
}

# link replace: made when absent, set when present, the table kept; run
# twice it changes nothing; never applied to a device of another kind.
test_link_replace()
{
	local out

	setup_ns A
	pn link replace pn0 local 192.0.2.1 up
	check_err $? "link replace did not create pn0"
	pn subnet add 10.244.2.0/24 via 192.0.2.2 dev pn0
	pn link replace pn0 local 192.0.2.1 up
	check_err $? "link replace with the same words failed"
	pn link replace pn0 ttl 9
	check_err $? "link replace could not change the TTL"
	out=$(pn -d link show pn0)
	expect_match "$out" " local 192\.0\.2\.1 " "link replace lost the local address"
	expect_match "$out" " ttl 9 " "link replace did not set the TTL"
	expect_match "$(pn subnet show dev pn0)" "^10\.244\.2\.0/24 via 192\.0\.2\.2" \
		"link replace dropped the subnet table"
	expect_match "$(ip -n "$A" link show pn0)" "[<,]UP[,>]" "link replace took pn0 down"

	ip -n "$A" link add d0 type dummy
	out=$(pn link replace d0 ttl 9 2>&1)
	check_fail $? "link replace accepted a dummy device"
	expect_match "$out" '^podnet: "d0" is not a podnet device$' "link replace on a dummy"
	expect_match "$(ip -n "$A" -d link show d0)" "dummy" "the dummy device changed"
	cleanup_all_ns
	log_test "link replace: creates, sets, keeps the table, refuses other kinds"
}

test_netns_move()
{
	local before

	setup_ns A B
	ip -n "$A" link add pn0 type podnet
	ip -n "$A" link set pn0 netns "$B"
	check_err $? "ip link set pn0 netns failed"
	ip -n "$A" link show pn0 >/dev/null 2>&1
	check_fail $? "pn0 still in its first namespace"
	ip -n "$B" link set pn0 up
	check_err $? "pn0 cannot go up in its new namespace"
	expect_match "$(ip -n "$B" -d link show pn0)" "podnet" "pn0 not in its new namespace"

	# The device lives in B, its home is A: deleting B deletes it.
	before=$(pn_count_devs)
	ip netns del "$B"
	[ "$(pn_count_devs)" -eq $((before - 1)) ]
	check_err $? "device not removed with the namespace it lived in"

	# Created in C, moved to D: deleting C, its home, deletes it too.
	setup_ns C D
	ip -n "$C" link add pn1 type podnet
	ip -n "$C" link set pn1 netns "$D"
	ip netns del "$C"
	sleep 1
	ip -n "$D" link show pn1 >/dev/null 2>&1
	check_fail $? "device outlived the namespace it was created in"

	log_test "move to another namespace; removed with either namespace"
}

test_netns_delete()
{
	local i

	setup_ns A
	for i in 0 1 2 3; do
		ip -n "$A" link add "pn$i" type podnet
	done
	ip -n "$A" link set pn0 up
	ip netns del "$A"
	check_err $? "ip netns del failed"
	[ "$(pn_count_devs)" -eq 0 ]
	check_err $? "devices left after their namespace was deleted"
	log_test "deleting a namespace deletes its podnet devices"
}

test_module_unload()
{
	setup_ns A B
	ip -n "$A" link add pn0 type podnet
	ip -n "$A" link add pn1 type podnet
	ip -n "$B" link add pn0 type podnet
	ip -n "$A" link set pn0 up
	ip link add pn9 type podnet

	rmmod podnet
	check_err $? "rmmod with devices present failed"
	[ "$(pn_count_devs)" -eq 0 ]
	check_err $? "devices left after rmmod"
	ip -n "$A" link show pn0 >/dev/null 2>&1
	check_fail $? "pn0 survived rmmod"

	pn_load
	check_err $? "insmod after rmmod failed"
	ip -n "$A" link add pn0 type podnet
	check_err $? "cannot create a device after reloading"
	log_test "rmmod with devices present removes them; reload works"
}

# make check builds with DEBUG=1: the trie was checked at load.
test_selftest()
{
	if ! grep -qa "subnet table self-test" "$PODNET_KO"; then
		echo "SKIP: $PODNET_KO was built without DEBUG=1"
		return
	fi
	dmesg | grep -q "podnet: subnet table self-test: pass"
	check_err $? "the module's subnet table self-test did not run"
	! dmesg | grep -q "self-test: FAIL"
	check_err $? "the subnet table self-test failed"
	log_test "the subnet table self-test passed at load"
}

test_autoload_alias()
{
	modinfo "$PODNET_KO" | grep -q "alias:.*rtnl-link-podnet"
	check_err $? "no rtnl-link-podnet alias"
	log_test "module alias rtnl-link-podnet"
}

test_create_defaults
test_bad_address
test_derived_mac
test_link_replace
test_netns_move
test_netns_delete
test_module_unload
test_selftest
test_autoload_alias
exit $EXIT_STATUS
