#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input never half-applies: the kernel rejects malformed requests with
# an errno and an extack message, the tool rejects bad words with one line
# naming them and exit 1, and the table and device are as they were.
# Changes need CAP_NET_ADMIN over the namespace, reads do not.

source "$(dirname "$0")/lib.sh"

setup_ns A
ip -n "$A" link add pn0 type podnet
pn() { ns_exec "$A" "$PODNET" "$@"; }
pnl() { ns_exec "$A" python3 "$SELFTESTS/pnl.py" "$@"; }

# What the unprivileged user runs, copied where it can read it: the
# checkout may be in a directory that only root may enter.
TMP=$(mktemp -d)
trap 'cleanup_all_ns; rm -rf "$TMP"' EXIT
chmod 755 "$TMP"
cp "$SELFTESTS/pnl.py" "$PODNET" "$TMP/" || exit 1

pn subnet add 10.244.1.0/24 via 192.168.0.1 dev pn0
pn subnet add 10.244.2.0/24 via 192.168.0.2 dev pn0
BEFORE=$(pn subnet show dev pn0)

unchanged()
{
	[ "$(pn subnet show dev pn0)" = "$BEFORE" ]
	check_err $? "the table changed after: $1"
}

# raw ERRNO MESSAGE_PATTERN CMD ATTRS...: queue a raw request that must
# fail; raw_run sends those queued in one pnl.py and checks each answer,
# and that the table is as it was.
RAW_REQS=()
RAW_WANT=()
raw()
{
	local want="^error $1: .*$2"

	shift 2
	RAW_REQS+=("$(printf '%q ' "$@")")
	RAW_WANT+=("$want")
}

raw_run()
{
	local answers=() answer='' line i

	while IFS= read -r line; do
		if [ "$line" = -- ]; then
			answers+=("$answer")
			answer=
		else
			answer+="$line"$'\n'
		fi
	done < <(printf '%s\n' "${RAW_REQS[@]}" | pnl -batch 2>&1)
	[ "${#answers[@]}" -eq "${#RAW_REQS[@]}" ]
	check_err $? "${#RAW_REQS[@]} raw requests sent, ${#answers[@]} answered"
	for i in "${!RAW_REQS[@]}"; do
		expect_match "${answers[i]}" "${RAW_WANT[i]}" "request ${RAW_REQS[i]}"
	done
	unchanged "the requests: ${RAW_REQS[*]}"
	RAW_REQS=()
	RAW_WANT=()
}

P='prefix4=ip:10.244.9.0;plen=u8:24'
N='node4=ip:192.168.0.9'
GOOD="subnet=nest[$P;$N]"
# sub PREFIX/LEN [ATTR;...]: a subnet attribute.
sub() { echo "subnet=nest[prefix4=ip:${1%/*};plen=u8:${1#*/}${2:+;$2}]"; }

test_raw_netlink()
{
	local out subs

	raw EINVAL "exactly one" new "$GOOD"
	raw EINVAL "exactly one" new ifname=str:pn0 ifindex=u32:1 "$GOOD"
	raw ENODEV "no such device" new ifname=str:pn7 "$GOOD"
	raw EOPNOTSUPP "not a podnet device" new ifname=str:lo "$GOOD"
	raw ERANGE "" new ifindex=u32:0 "$GOOD"
	raw EINVAL "" new ifname=str:pn0
	raw EINVAL "" new ifname=str:pn0 "subnet=nest[plen=u8:24;$N]"
	raw EINVAL "host bits" new ifname=str:pn0 "subnet=nest[prefix6=ip6:fd00:1::1;plen=u8:64;$N]"
	raw EINVAL "one prefix" new ifname=str:pn0 "subnet=nest[prefix4=ip:10.244.9.0;prefix6=ip6:fd00:1::;plen=u8:24;$N]"
	raw ERANGE "" new ifname=str:pn0 "subnet=nest[prefix6=hex:fd0000000000000000000000000000;plen=u8:64;$N]"
	raw EINVAL "" new ifname=str:pn0 "subnet=nest[prefix4=hex:0af409;plen=u8:24;$N]"
	raw EINVAL "" new ifname=str:pn0 "subnet=nest[prefix4=hex:0af40900ff;plen=u8:24;$N]"
	raw EINVAL "0 to 32" new ifname=str:pn0 "$(sub 10.244.9.0/33 "$N")"
	raw ERANGE "" new ifname=str:pn0 "$(sub 10.244.9.0/129 "$N")"
	raw EINVAL "host bits" new ifname=str:pn0 "$(sub 10.244.9.1/24 "$N")"
	raw EINVAL "" new ifname=str:pn0 "subnet=nest[prefix4=ip:10.244.9.0;$N]"
	raw EINVAL "" new ifname=str:pn0 "subnet=nest[$P]"
	raw EADDRNOTAVAIL "needs an IPv6 local address" new ifname=str:pn0 "subnet=nest[$P;node6=ip6:2001:db8::1]"
	raw EINVAL "global unicast IPv6" new ifname=str:pn0 "subnet=nest[$P;node6=ip6:fe80::1]"
	raw EINVAL "one node address" new ifname=str:pn0 "subnet=nest[$P;$N;node6=ip6:2001:db8::1]"
	raw EINVAL "" new ifname=str:pn0 "subnet=nest[$P;node4=hex:c0a80009ff]"
	raw EINVAL "unicast" new ifname=str:pn0 "subnet=nest[$P;node4=ip:224.0.0.1]"
	raw ERANGE "" new ifname=str:pn0 "subnet=nest[$P;$N;lladdr=hex:0a5800000000aa]"
	raw EINVAL "unicast Ethernet" new ifname=str:pn0 "subnet=nest[$P;$N;lladdr=mac:01:00:5e:00:00:01]"
	raw EINVAL "" new ifname=str:pn0 "subnet=nest[$P;$N;flags=u32:0x80]"
	raw EINVAL "" new ifname=str:pn0 "subnet=nest[$P;$N;flags=u32:1;lladdr=mac:0a:58:c0:a8:00:08]"
	raw EINVAL "" new ifname=str:pn0 "subnet=nest[$P;$N;99=u32:1]"
	raw EINVAL "" new ifname=str:pn0 "subnet=nest[$P;$N;stats=u32:1]"
	raw EINVAL "" new ifname=str:pn0 "subnet=nest[$P;$N;stats=nest[tx_packets=u32:1]]"
	raw EINVAL "" new ifname=str:pn0 42=u32:1 "$GOOD"
	raw EINVAL "" new ifname=str:pn0 subnet=u32:5
	raw EEXIST "subnet exists" new ifname=str:pn0 "$(sub 10.244.1.0/24 "$N")"
	raw EEXIST "subnet exists" new ifname=str:pn0 "$(sub 10.244.1.0/24 node4=ip:192.168.0.1)"
	raw ENOENT "" change ifname=str:pn0 "$GOOD"
	raw ENOENT "no such subnet" del ifname=str:pn0 "subnet=nest[$P]"
	raw ENOENT "" del ifname=str:pn0 "$(sub 10.244.1.0/24 "$N")"
	raw ENOENT "" del ifname=str:pn0 "$(sub 10.244.1.0/24 lladdr=mac:02:00:00:00:00:01)"
	raw ENOENT "no subnet covers" get ifname=str:pn0 address4=ip:10.9.9.9
	raw ENOENT "no subnet covers" get ifname=str:pn0 address6=ip6:2001:db8::1
	raw EINVAL "exactly one" get ifname=str:pn0 address4=ip:10.9.9.9 address6=ip6:2001:db8::1
	raw EINVAL "" get ifname=str:pn0
	raw EINVAL "" get ifname=str:pn0 address4=hex:0a0909

	# Each request takes its own attributes, no other.
	raw EINVAL "" new ifname=str:pn0 address4=ip:10.244.9.1 "$GOOD"
	raw EINVAL "" del ifname=str:pn0 address6=ip6:2001:db8::1 "subnet=nest[$P]"
	raw EINVAL "" get ifname=str:pn0 "$(sub 10.244.1.0/24)"
	raw EINVAL "" flush ifname=str:pn0 "$(sub 10.244.1.0/24)"
	raw EINVAL "" get dump ifname=str:pn0 address4=ip:10.244.1.9
	raw EINVAL "" getdev dump ifname=str:pn0
	raw EINVAL "" new ifname=str:pn0 pad=hex:00000000 "$GOOD"

	# What add, replace and change are is the command's, not the flags':
	# route-style flags and a reserved header field are refused.
	raw EINVAL "" new create,excl ifname=str:pn0 "$GOOD"
	raw EINVAL "" new create ifname=str:pn0 "$GOOD"
	raw EINVAL "" replace create,replace ifname=str:pn0 "$(sub 10.244.1.0/24 "$N")"
	raw EINVAL "" change replace ifname=str:pn0 "$(sub 10.244.1.0/24 "$N")"
	raw EINVAL "" del append ifname=str:pn0 "$(sub 10.244.1.0/24)"
	raw EINVAL "" flush excl ifname=str:pn0
	raw EINVAL "" get replace ifname=str:pn0
	raw EINVAL "" new resv ifname=str:pn0 "$GOOD"

	# Version 1's layout: the family attribute, the indexed array of
	# subnets in PODNET_A_SUBNETS (3, now PODNET_A_IFNAME) or in one
	# subnet; and version 1's NEW_SUBNET (1) and DEL_SUBNET (2) as its
	# tool sent them.
	raw EINVAL "" new ifname=str:pn0 "subnet=nest[1=u16:2;$P;$N]"
	raw EINVAL "" new ifname=str:pn0 "subnet=nest[nest[$P;$N]]"
	raw EINVAL "" new ifname=str:pn0 "3=nest[nest[1=u16:2;2=ip:10.244.9.0;3=u8:24;4=ip:192.168.0.9]]"
	raw EINVAL "" 1 create,excl 2=str:pn0 "3=nest[nest[1=u16:2;2=ip:10.244.9.0;3=u8:24;4=ip:192.168.0.9]]"
	raw EINVAL "" 2 2=str:pn0 "3=nest[nest[1=u16:2;2=ip:10.244.1.0;3=u8:24]]"

	# Many entries, one bad: nothing at all is added.
	raw EINVAL "host bits" new ifname=str:pn0 "$GOOD" \
		"$(sub 10.244.10.0/24 "$N")" "$(sub 10.244.11.1/24 "$N")"
	raw EEXIST "subnet exists" new ifname=str:pn0 "$GOOD" "$(sub 10.244.2.0/24 "$N")"
	raw EINVAL "twice" new ifname=str:pn0 "$GOOD" "$GOOD"
	raw ENOENT "no such subnet" del ifname=str:pn0 "$(sub 10.244.1.0/24)" "subnet=nest[$P]"
	raw ENOENT "" change ifname=str:pn0 "$(sub 10.244.1.0/24 node4=ip:192.168.0.7)" "$GOOD"
	raw_run

	# ... and the good ones together do apply.
	out=$(pnl new ifname=str:pn0 "$GOOD" "$(sub 10.244.10.0/24 "$N")")
	[ "$out" = ok ] && [ "$(pn subnet show dev pn0 | wc -l)" -eq 4 ]
	check_err $? "a good two-entry request did not add both: $out"
	pnl del ifname=str:pn0 "subnet=nest[$P]" "$(sub 10.244.10.0/24)" >/dev/null
	unchanged "deleting the two again"

	# A dump's subnets, fed back unchanged (flags and counters too), are
	# taken by replace and change nothing.
	out=$(pnl get dump ifname=str:pn0)
	mapfile -t subs < <(grep '^subnet=' <<<"$out")
	[ "${#subs[@]}" -eq 2 ]
	check_err $? "the dump did not print the two subnets: $out"
	out=$(pnl replace ifname=str:pn0 "${subs[@]}")
	[ "$out" = ok ]
	check_err $? "replace refused a dump's subnets: $out"
	unchanged "replacing by a dump's subnets"
	log_test "raw netlink: each malformed request rejected, nothing applied"
}

# A change whose MTU its other settings cannot carry changes nothing: the
# core applies IFLA_MTU only after the driver applied the rest.
test_link_atomic()
{
	local before out

	ip -n "$A" link add e9 type dummy
	ip -n "$A" link set e9 mtu 1500 up
	pn link set pn0 dev e9 ttl 7
	before=$(pn -d link show pn0)
	out=$(pnl link pn0 set ttl=u8:9 mtu=u32:1480)
	expect_match "$out" "^error EINVAL: MTU is out of the range" "an MTU above the underlay's"
	[ "$(pn -d link show pn0)" = "$before" ]
	check_err $? "a refused change applied its TTL: $(pn -d link show pn0)"
	out=$(pnl link pn0 set ttl=u8:9 mtu=u32:60)
	expect_match "$out" "^error EINVAL" "an MTU below the minimum"
	[ "$(pn -d link show pn0)" = "$before" ]
	check_err $? "a refused change applied its TTL"
	out=$(pnl link pn0 set ttl=u8:9 mtu=u32:1400)
	expect_match "$out" "^ok" "a good TTL and MTU together"
	expect_match "$(pn -d link show pn0)" " ttl 9 .* mtu 1400 " "the good change"
	pnl link pn0 set link=u32:0 >/dev/null
	ip -n "$A" link del e9
	# The core sets an address after the driver applied the rest too,
	# and an ipip device has none to set.
	pn link add tun9 mode ipip ttl 7
	before=$(pn -d link show tun9)
	out=$(pnl link tun9 set ttl=u8:9 address=mac:02:00:00:00:00:09)
	expect_match "$out" "^error EINVAL: an ipip device has no link-layer address" "an address for an ipip device"
	[ "$(pn -d link show tun9)" = "$before" ]
	check_err $? "a refused address applied its TTL: $(pn -d link show tun9)"
	ip -n "$A" link del tun9
	log_test "a change with an MTU or address its settings cannot carry changes nothing"
}

# tool WORD ARGS...: a tool command that must exit 1 naming WORD.
tool()
{
	local word=$1 out rc

	shift
	out=$(pn "$@" 2>&1)
	rc=$?
	[ $rc -eq 1 ]
	check_err $? "'podnet $*' exited $rc, expected 1"
	[ "$(wc -l <<<"$out")" -eq 1 ]
	check_err $? "'podnet $*' printed more than one line: $out"
	expect_match "$out" "$word" "'podnet $*' does not name the bad word"
	unchanged "podnet $*"
}

test_tool_words()
{
	tool '10\.244\.3\.0/33' subnet add 10.244.3.0/33 via 192.168.0.3 dev pn0
	tool '10\.244\.3\.1/24' subnet add 10.244.3.1/24 via 192.168.0.3 dev pn0
	tool '10\.244\.300\.0' subnet add 10.244.300.0/24 via 192.168.0.3 dev pn0
	tool '192\.168\.0\.300' subnet add 10.244.3.0/24 via 192.168.0.300 dev pn0
	tool 'zz:00' subnet add 10.244.3.0/24 via 192.168.0.3 lladdr zz:00:00:00:00:00 dev pn0
	tool 'dev' subnet add 10.244.3.0/24 via 192.168.0.3
	tool 'via' subnet add 10.244.3.0/24 dev pn0
	tool 'bogus' subnet add 10.244.3.0/24 via 192.168.0.3 bogus dev pn0
	tool 'frobnicate' subnet frobnicate
	tool 'pn7' subnet add 10.244.3.0/24 via 192.168.0.3 dev pn7
	tool '16777216' link add pn5 vni 16777216
	tool 'vxlam' link add pn5 mode vxlam
	tool '70000' link add pn5 port 70000
	tool 'maybe' link set pn0 srccheck maybe
	tool 'sometimes' link set pn0 df sometimes
	ip -n "$A" link show pn5 >/dev/null 2>&1
	check_fail $? "a rejected link add created pn5"
	log_test "tool: each bad word named on one line, exit 1, nothing changed"
}

test_rtnetlink()
{
	local out

	# The kernel's own checks, past the tool's.
	out=$(pnl link pn5 port=be16:0)
	expect_match "$out" "^error EINVAL: UDP port must not be 0" "port 0"
	out=$(pnl link pn5 local=ip:224.0.0.5)
	expect_match "$out" "^error EINVAL: local address must be a unicast" "multicast local"
	out=$(pnl link pn5 vni=u32:16777216)
	expect_match "$out" "^error ERANGE: " "VNI 2^24"
	out=$(pnl link pn5 mode=u8:7)
	expect_match "$out" "^error ERANGE: " "unknown mode"
	out=$(pnl link pn5 srccheck=u8:2)
	expect_match "$out" "^error ERANGE: " "srccheck 2"
	out=$(pnl link pn5 df=u8:3)
	expect_match "$out" "^error ERANGE: " "df 3"
	out=$(pnl link pn5 link=u32:9999)
	expect_match "$out" "^error ENODEV: underlay device does not exist" "missing underlay"
	out=$(pnl link pn5 vni=u16:5)
	expect_match "$out" "^error ERANGE|^error EINVAL" "a 2-byte VNI"
	out=$(pnl link pn5 local6=ip6:ff02::1)
	expect_match "$out" "^error EINVAL: IPv6 local address must be a unicast" "a multicast IPv6 local address"
	out=$(pnl link pn5 gateway6=ip6:ff02::1)
	expect_match "$out" "^error EINVAL: IPv6 gateway must be a unicast" "a multicast IPv6 gateway"
	out=$(pnl link pn5 local6=ip:192.0.2.1)
	expect_match "$out" "^error ERANGE|^error EINVAL" "a 4-byte IPv6 local address"
	out=$(pn link add pn5 dev nosuchdev 2>&1)
	check_fail $? "a missing underlay device was accepted"
	ip -n "$A" link show pn5 >/dev/null 2>&1
	check_fail $? "a rejected link add created pn5"

	ip -n "$A" link set pn0 up
	out=$(pn link set pn0 port 4789 2>&1)
	[ $? -eq 2 ]
	check_err $? "changing the port of a running device did not fail"
	expect_match "$out" "while the device is down" "no extack message for EBUSY"
	out=$(pnl link pn0 set mode=u8:0)
	[ "$out" = ok ]
	check_err $? "restating the mode of a running device failed: $out"
	pn link set pn0 ttl 9
	check_err $? "changing the TTL of a running device failed"
	expect_match "$(pn -d link show pn0)" "ttl 9" "TTL not shown as changed"
	ip -n "$A" link set pn0 down
	pn link set pn0 port 4789
	check_err $? "changing the port of a stopped device failed"
	expect_match "$(pn link show pn0)" "port 4789" "port not shown as changed"
	log_test "rtnetlink: bad attributes rejected with extack, EBUSY while up"
}

# as WHO CMD...: run CMD in $A without CAP_NET_ADMIN over it, as WHO:
# nocap (root, the capability dropped from the bounding set), nobody (an
# unprivileged user) or userns (root of a user namespace that does not own
# $A).
as()
{
	local who=$1

	shift
	case $who in
	nocap) ns_exec "$A" setpriv --bounding-set=-net_admin "$@" ;;
	nobody) ns_exec "$A" setpriv --reuid=65534 --regid=65534 --clear-groups "$@" ;;
	userns) ns_exec "$A" unshare --map-root-user "$@" ;;
	esac
}

# denied WHO CMD ATTRS...: a raw request that must fail with EPERM.
denied()
{
	local who=$1 out

	shift
	out=$(as "$who" python3 "$TMP/pnl.py" "$@" 2>&1)
	expect_match "$out" "^error EPERM" "$who: $*"
}

# allowed WHO CMD ATTRS...: a raw read that must succeed.
allowed()
{
	local who=$1 out

	shift
	out=$(as "$who" python3 "$TMP/pnl.py" "$@" 2>&1)
	expect_match "$out" "^ok" "$who: $*"
}

test_permissions()
{
	local who out ttl

	ttl=$(pn -j link show pn0)
	for who in nocap nobody userns; do
		denied $who new ifname=str:pn0 "$GOOD"
		denied $who replace ifname=str:pn0 "$GOOD"
		denied $who del ifname=str:pn0 "$(sub 10.244.1.0/24)"
		denied $who flush ifname=str:pn0
		denied $who link pn5
		denied $who link pn0 set ttl=u8:3
		allowed $who get ifname=str:pn0 address4=ip:10.244.1.9
		allowed $who get dump ifname=str:pn0
		allowed $who getdev ifname=str:pn0
		allowed $who getdev dump
		out=$(as $who "$TMP/podnet" subnet add 10.244.5.0/24 via 192.168.0.5 dev pn0 2>&1)
		[ $? -eq 2 ]
		check_err $? "$who: podnet subnet add did not exit 2"
		expect_match "$out" "Operation not permitted" "$who: the tool's add"
		out=$(as $who "$TMP/podnet" subnet show dev pn0)
		[ "$out" = "$BEFORE" ]
		check_err $? "$who: podnet subnet show does not show the table"
		# The events tell the table too: only an administrator joins.
		out=$(as $who timeout 5 "$TMP/podnet" monitor 2>&1)
		[ $? -eq 2 ]
		check_err $? "$who: podnet monitor did not exit 2"
		expect_match "$out" "cannot join the events group: Operation not permitted" \
			"$who: podnet monitor"
	done
	unchanged "commands without CAP_NET_ADMIN"
	ip -n "$A" link show pn5 >/dev/null 2>&1
	check_fail $? "a link add without CAP_NET_ADMIN created pn5"
	[ "$(pn -j link show pn0)" = "$ttl" ]
	check_err $? "a link set without CAP_NET_ADMIN changed pn0"
	log_test "changes and events need CAP_NET_ADMIN over the namespace; reads do not"

	# CAP_NET_ADMIN in the user namespace that owns the network namespace
	# is enough, even without it in the initial one.
	out=$(ns_exec "$A" setpriv --bounding-set=-net_admin \
		unshare --map-root-user --net sh -c "
			'$PODNET' link add pn0 &&
			'$PODNET' subnet add 10.1.0.0/16 via 192.168.0.1 dev pn0 &&
			'$PODNET' subnet show dev pn0" 2>&1)
	check_err $? "root of an own user and network namespace failed: $out"
	expect_match "$out" "^10\.1\.0\.0/16 via 192\.168\.0\.1 " \
		"the table in an own user and network namespace"
	log_test "CAP_NET_ADMIN of the namespace's owning user namespace suffices"
}

test_raw_netlink
test_tool_words
test_link_atomic
test_rtnetlink
test_permissions
exit $EXIT_STATUS
