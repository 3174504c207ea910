#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Churn under load: while iperf3 carries TCP from pod 1 to pod 2 through
# the subnet 10.244.2.0/24, node 1 adds, replaces and deletes other subnets
# (podnet -batch and single commands), syncs its table from two alternating
# files, changes pn0's MTU, takes other podnet devices down and up,
# deletes and re-creates a second device and deletes namespaces that hold
# podnet devices. The TCP stream survives, every change succeeds and the
# table ends as the last sync left it. Then rmmod, with pings still
# flooding, removes every device.
#
# The churn goes on in rounds until CHURN_OPS (default 100000) subnet
# changes are made or iperf3's CHURN_SECONDS (default 60) are over; a
# round makes about CHURN_OPS / 7 changes.

source "$(dirname "$0")/lib.sh"

CHURN_OPS=${CHURN_OPS:-100000}
CHURN_SECONDS=${CHURN_SECONDS:-60}
# A -batch round adds, replaces and deletes BATCH subnets; the two sync
# files have SYNC entries each.
BATCH=$((CHURN_OPS / 40))
SYNC=$((CHURN_OPS / 25))
TMP=$(mktemp -d)
trap 'cleanup_all_ns; rm -rf "$TMP"' EXIT

n1() { ns_exec "$N1" "$PODNET" "$@"; }

# Nodes 1 and 2 with a pod each, joined by pn0; on both, pn2 (VNI 2) on
# the same UDP socket as pn0, which the churn takes down and up; on node
# 1, pn1 (VNI 3), which it deletes and makes again.
setup()
{
	local i j n

	pn_underlay && pn_podnet_node 1 && pn_podnet_node 2 || return 1
	for i in 1 2; do
		j=$((3 - i))
		n=$(eval echo "\$N$i")
		ns_exec "$n" "$PODNET" subnet add "10.244.$j.0/24" \
			via "192.168.0.$j" dev pn0 &&
		pn_flannel_route "$n" pn0 $j "$(pn_mac $j)" &&
		ns_exec "$n" "$PODNET" link add pn2 vni 2 local "192.168.0.$i" dev e0 &&
		ns_exec "$n" "$PODNET" subnet add 10.245.0.0/16 via "192.168.0.$j" dev pn2 &&
		ip -n "$n" link set pn2 up || return 1
	done
	n1 link add pn1 vni 3 local 192.168.0.1 dev e0 &&
	n1 subnet add 10.244.2.0/24 via 192.168.0.2 dev pn1 &&
	ip -n "$N1" link set pn1 up &&
	make_files
}

# hosts NET FROM TO [N]: the prefixes NET.<i / 250>.<i % 250>/32 for i
# from FROM up to TO, each via 192.168.N.<i % 250 + 1> when N is given.
hosts()
{
	local i

	for ((i = $2; i < $3; i++)); do
		echo "$1.$((i / 250)).$((i % 250))/32${4:+ via 192.168.$4.$((i % 250 + 1))}"
	done
}

# The files: one -batch round (add, replace and delete $BATCH subnets) and
# two tables to sync, sync.0 and sync.1, of $SYNC entries each: half of
# them the same, a quarter with another node and a quarter only in one.
# Both keep the peer subnet as it is.
make_files()
{
	local peer="10.244.2.0/24 via 192.168.0.2"

	{
		hosts 10.100 0 $BATCH 1 | sed 's/^/subnet add /; s/$/ dev pn0/'
		hosts 10.100 0 $BATCH 2 | sed 's/^/subnet replace /; s/$/ dev pn0/'
		hosts 10.100 0 $BATCH | sed 's/^/subnet del /; s/$/ dev pn0/'
	} >"$TMP/batch"
	{
		echo "$peer"
		hosts 10.200 0 $SYNC 3
	} >"$TMP/sync.0"
	{
		echo "$peer"
		hosts 10.200 0 $((SYNC / 2)) 3
		hosts 10.200 $((SYNC / 2)) $((SYNC * 3 / 4)) 4
		hosts 10.201 0 $((SYNC / 4)) 5
	} >"$TMP/sync.1"
}

# sync FILE: sync pn0 to FILE; the number of changes it made.
sync_table()
{
	local out

	out=$(n1 -s subnet sync dev pn0 "$1") || return 1
	awk '{ print $1 + $3 + $5 }' <<<"$out"
}

# A namespace with two podnet devices, up and with subnets, one of them
# created on node 1 and moved there, deleted again.
netns_with_devices()
{
	local ns=churn-$1

	ip netns add "$ns" &&
	ns_exec "$ns" "$PODNET" link add pn5 vni 5 &&
	ns_exec "$ns" "$PODNET" subnet add 10.5.0.0/16 via 192.168.0.5 dev pn5 &&
	ip -n "$ns" link set pn5 up &&
	n1 link add pn6 vni 6 local 192.168.0.1 &&
	n1 subnet add 10.6.0.0/16 via 192.168.0.2 dev pn6 &&
	ip -n "$N1" link set pn6 netns "$ns" &&
	ip -n "$ns" link set pn6 up &&
	ip netns del "$ns"
}

# One round of subnet changes on pn0: -batch, single commands and a sync
# to each of the two files; prints how many changes it made.
subnet_round()
{
	local a b

	n1 -batch "$TMP/batch" &&
	n1 subnet add 10.99.0.0/16 via 192.168.0.9 dev pn0 &&
	n1 subnet replace 10.99.0.0/16 via 192.168.0.8 dev pn0 &&
	n1 subnet change 10.99.0.0/16 via 192.168.0.7 lladdr 02:00:00:00:00:07 dev pn0 &&
	n1 subnet get 10.99.1.1 dev pn0 >/dev/null &&
	n1 subnet del 10.99.0.0/16 dev pn0 &&
	a=$(sync_table "$TMP/sync.0") &&
	b=$(sync_table "$TMP/sync.1") &&
	echo $((3 * BATCH + 4 + a + b))
}

# One round of device churn on node 1: pn0's MTU changes, pn2 goes down
# and up on both nodes, pn1 is deleted and made again, and a namespace
# with podnet devices is deleted.
device_round()
{
	local r=$1

	ip -n "$N1" link set pn0 mtu $((1450 - r % 4 * 50)) &&
	ip -n "$N1" link set pn2 down && ip -n "$N2" link set pn2 down &&
	ip -n "$N1" link set pn2 up && ip -n "$N2" link set pn2 up &&
	n1 link del pn1 &&
	n1 link add pn1 vni 3 local 192.168.0.1 dev e0 &&
	n1 subnet add 10.244.2.0/24 via 192.168.0.2 dev pn1 &&
	ip -n "$N1" link set pn1 up &&
	netns_with_devices "$r"
}

# device_churn: device rounds until $TMP/stop appears; the number of
# rounds in $TMP/device.rounds, the first error in $TMP/device.err.
device_churn()
{
	local r=0

	while [ ! -e "$TMP/stop" ]; do
		if ! device_round $r 2>"$TMP/device.err"; then
			echo "device round $r failed" >>"$TMP/device.err"
			break
		fi
		rm -f "$TMP/device.err"
		r=$((r + 1))
		echo $r >"$TMP/device.rounds"
	done
}

test_churn()
{
	local pid rc r=0 ops=0 n out bytes dev_pid dev_rounds

	ns_exec "$P2" iperf3 -s -1 -D -B 10.244.2.2 >/dev/null
	sleep 1
	ns_exec "$P1" iperf3 -c 10.244.2.2 -t "$CHURN_SECONDS" -J \
		>"$TMP/iperf.json" 2>&1 &
	pid=$!
	sleep 1
	device_churn &
	dev_pid=$!
	while kill -0 $pid 2>/dev/null && [ $ops -lt "$CHURN_OPS" ]; do
		if ! n=$(subnet_round 2>"$TMP/err"); then
			check_err 1 "subnet round $r failed: $(head -n 3 "$TMP/err")"
			break
		fi
		ops=$((ops + n))
		r=$((r + 1))
	done
	touch "$TMP/stop"
	wait $dev_pid
	dev_rounds=$(cat "$TMP/device.rounds" 2>/dev/null || echo 0)
	[ ! -e "$TMP/device.err" ]
	check_err $? "$(head -n 3 "$TMP/device.err" 2>/dev/null)"
	wait $pid
	rc=$?
	echo "    $ops subnet changes in $r rounds, $dev_rounds rounds of device churn"
	bytes=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["end"]["sum_received"]["bytes"])' \
		<"$TMP/iperf.json" 2>/dev/null)
	[ $rc -eq 0 ] && [ "${bytes:-0}" -gt 0 ]
	check_err $? "iperf3 exited $rc: $(grep -m1 '"error"' "$TMP/iperf.json")"
	echo "    iperf3: $((${bytes:-0} / 1000000)) MB in $CHURN_SECONDS s"
	[ $r -ge 2 ] && [ "$dev_rounds" -ge 2 ]
	check_err $? "only $r subnet and $dev_rounds device rounds while iperf3 ran"
	log_test "churn: a TCP stream survives $ops subnet changes and device churn"

	# The last sync decides the table: syncing to it again changes nothing.
	out=$(n1 -s subnet sync dev pn0 "$TMP/sync.1")
	expect_match "$out" "^0 added, 0 replaced, 0 deleted, [0-9]+ unchanged$" \
		"the table is not what the last sync left"
	[ "$(pn_count_devs)" -eq 5 ]
	check_err $? "$(pn_count_devs) podnet devices, expected 5"
	log_test "churn: the table and the devices are as the churn left them"
}

test_rmmod_under_traffic()
{
	local pid

	ns_exec "$P1" ping -f -w 30 -q 10.244.2.2 >/dev/null 2>&1 &
	pid=$!
	sleep 2
	kill -0 $pid
	check_err $? "the ping flood was over before rmmod"
	rmmod podnet
	check_err $? "rmmod with traffic offered failed"
	[ "$(pn_count_devs)" -eq 0 ]
	check_err $? "podnet devices left after rmmod"
	kill $pid 2>/dev/null
	wait $pid
	log_test "churn: rmmod while pods flood-ping removes every device"
}

setup || { echo "topology setup failed"; exit $ksft_fail; }
test_churn
test_rmmod_under_traffic
exit $EXIT_STATUS
