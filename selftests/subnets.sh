#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The subnet table through the tool: longest-prefix match, add, replace,
# delete, flush, large dumps, -batch and sync, and the dump's consistency
# flag.

source "$(dirname "$0")/lib.sh"

TMP=$(mktemp -d)
trap 'cleanup_all_ns; rm -rf "$TMP"' EXIT

setup_ns A
ip -n "$A" link add pn0 type podnet
ip -n "$A" link add pn1 type podnet
pn() { ns_exec "$A" "$PODNET" "$@"; }

# via_of ADDR: the node the table sends ADDR to.
via_of()
{
	pn subnet get "$1" dev pn0 | sed -n 's/.* via \([0-9.]*\).*/\1/p'
}

test_lpm()
{
	pn subnet add 0.0.0.0/0 via 192.168.0.1 dev pn0 &&
	pn subnet add 10.0.0.0/8 via 192.168.0.8 dev pn0 &&
	pn subnet add 10.1.0.0/16 via 192.168.0.16 dev pn0 &&
	pn subnet add 10.1.2.0/24 via 192.168.0.24 dev pn0 &&
	pn subnet add 10.1.2.3/32 via 192.168.0.32 dev pn0 &&
	pn subnet add 10.1.2.128/25 via 192.168.0.25 dev pn0
	check_err $? "adding overlapping prefixes failed"

	[ "$(via_of 10.1.2.3)" = 192.168.0.32 ] &&
	[ "$(via_of 10.1.2.4)" = 192.168.0.24 ] &&
	[ "$(via_of 10.1.2.200)" = 192.168.0.25 ] &&
	[ "$(via_of 10.1.3.1)" = 192.168.0.16 ] &&
	[ "$(via_of 10.2.0.1)" = 192.168.0.8 ] &&
	[ "$(via_of 11.0.0.1)" = 192.168.0.1 ]
	check_err $? "a lookup did not pick the longest prefix"

	pn subnet del 10.1.2.0/24 dev pn0
	[ "$(via_of 10.1.2.4)" = 192.168.0.16 ] &&
	[ "$(via_of 10.1.2.3)" = 192.168.0.32 ]
	check_err $? "after deleting the /24, lookups are wrong"
	pn subnet del 0.0.0.0/0 dev pn0
	pn subnet get 11.0.0.1 dev pn0 >/dev/null 2>&1
	[ $? -eq 2 ]
	check_err $? "get of an uncovered address did not fail with 2"
	[ "$(pn subnet show dev pn1 | wc -l)" -eq 0 ]
	check_err $? "another device's table is not empty"
	log_test "longest prefix match with overlapping prefixes"
}

test_add_replace_del()
{
	local out

	pn subnet flush dev pn0
	pn subnet add 10.244.1.0/24 via 192.168.0.1 dev pn0
	out=$(pn subnet add 10.244.1.0/24 via 192.168.0.9 dev pn0 2>&1)
	[ $? -eq 2 ]
	check_err $? "adding an existing subnet did not exit 2"
	expect_match "$out" "exists" "no 'exists' in the error"
	[ "$(via_of 10.244.1.5)" = 192.168.0.1 ]
	check_err $? "a failed add changed the entry"

	pn subnet replace 10.244.1.0/24 via 192.168.0.9 lladdr 02:00:00:00:00:09 dev pn0
	check_err $? "replace failed"
	out=$(pn subnet show dev pn0)
	expect_match "$out" "^10\.244\.1\.0/24 via 192\.168\.0\.9 lladdr 02:00:00:00:00:09 dev pn0" "replace result"
	pn subnet replace 10.244.2.0/24 via 192.168.0.2 dev pn0
	check_err $? "replace of a new subnet did not create it"
	expect_match "$(pn subnet show dev pn0)" "^10\.244\.2\.0/24 via 192\.168\.0\.2 lladdr 0a:58:c0:a8:00:02 dev pn0" "derived lladdr"

	pn subnet del 10.244.1.0/24 dev pn0
	out=$(pn subnet del 10.244.1.0/24 dev pn0 2>&1)
	[ $? -eq 2 ]
	check_err $? "deleting a missing subnet did not exit 2"
	[ "$(pn subnet show dev pn0 | wc -l)" -eq 1 ]
	check_err $? "wrong number of subnets after delete"

	pn subnet flush dev pn0
	[ "$(pn subnet show dev pn0 | wc -l)" -eq 0 ]
	check_err $? "flush left subnets"
	log_test "add, exclusive add, replace, delete, flush"
}

# One request that moves a node's last subnet to another node and then
# gives the first node a new subnet: the node must outlive the move.
test_batch_node_handover()
{
	local out

	pn subnet flush dev pn0
	pn subnet add 10.244.1.0/24 via 192.168.0.1 dev pn0
	printf '%s\n' 'subnet replace 10.244.1.0/24 via 192.168.0.2 dev pn0' \
		'subnet replace 10.244.5.0/24 via 192.168.0.1 dev pn0' >"$TMP/handover"
	pn -batch "$TMP/handover"
	check_err $? "the handover batch failed"
	[ "$(via_of 10.244.1.1)/$(via_of 10.244.5.1)" = 192.168.0.2/192.168.0.1 ]
	check_err $? "after the handover: $(pn subnet show dev pn0 | tr '\n' ' ')"
	# Give the grace period time to pass, then use the node again and
	# drop it: a node freed by the move would be used and freed twice.
	sleep 1
	pn subnet add 10.244.6.0/24 via 192.168.0.1 dev pn0
	out=$(pn subnet show dev pn0 | sed -n 's/^\([0-9./]*\) via \([0-9.]*\).*/\1 \2/p' | tr '\n' ' ')
	[ "$out" = "10.244.1.0/24 192.168.0.2 10.244.5.0/24 192.168.0.1 10.244.6.0/24 192.168.0.1 " ]
	check_err $? "the table after the handover: $out"
	pn subnet del 10.244.5.0/24 dev pn0
	pn subnet del 10.244.6.0/24 dev pn0
	sleep 1
	pn subnet flush dev pn0
	log_test "one request moves a node's last subnet and names the node again"
}

# podnet -n NETNS, as ip -n: each command and each -batch line runs there.
test_netns_option()
{
	local out

	pn subnet flush dev pn0
	"$PODNET" -n "$A" subnet add 10.244.7.0/24 via 192.168.0.7 dev pn0
	check_err $? "podnet -n $A subnet add failed"
	[ "$(via_of 10.244.7.1)" = 192.168.0.7 ]
	check_err $? "the subnet added with -n is not in $A"
	printf 'subnet add 10.244.8.0/24 via 192.168.0.8 dev pn0\n' >"$TMP/netns"
	"$PODNET" -netns "$A" -batch "$TMP/netns"
	check_err $? "podnet -netns $A -batch failed"
	[ "$(via_of 10.244.8.1)" = 192.168.0.8 ]
	check_err $? "the -batch line did not run in $A"
	expect_match "$("$PODNET" -n "$A" -j link show pn0)" '"ifname":"pn0"' \
		"-n link show does not see pn0"
	out=$("$PODNET" -n nosuch-netns link show 2>&1)
	[ $? -eq 1 ]
	check_err $? "an unknown namespace did not exit 1"
	expect_match "$out" '"nosuch-netns"' "the error does not name the namespace"
	pn subnet flush dev pn0
	log_test "podnet -n NETNS runs commands and -batch there"
}

gen_batch()	# gen_batch VERB COUNT [NODE_OFFSET]
{
	local i

	for ((i = 0; i < $2; i++)); do
		if [ "$1" = del ]; then
			echo "subnet del 10.$((i / 256)).$((i % 256)).0/24 dev pn0"
		else
			echo "subnet $1 10.$((i / 256)).$((i % 256)).0/24 via 192.168.$(((i + ${3:-0}) / 250 % 250)).$(((i + ${3:-0}) % 250 + 1)) dev pn0"
		fi
	done
}

test_batch_10k()
{
	local out p

	gen_batch add 10000 >"$TMP/add"
	pn -batch "$TMP/add"
	check_err $? "-batch of 10,000 adds failed"
	pn subnet show dev pn0 >"$TMP/show"
	[ "$(wc -l <"$TMP/show")" -eq 10000 ]
	check_err $? "dump returned $(wc -l <"$TMP/show") lines, expected 10000"
	[ "$(cut -d' ' -f1 "$TMP/show" | sort -u | wc -l)" -eq 10000 ]
	check_err $? "dump returned duplicates"
	out=$(ns_exec "$A" python3 "$SELFTESTS/pnl.py" get dump ifname=str:pn0)
	expect_match "$(tail -n 1 <<<"$out")" "^ok ([2-9][0-9]|[0-9]{3,}) messages$" "a 10,000-entry dump was not split into many messages"
	[ "$(grep -c '^subnet=' <<<"$out")" -eq 10000 ]
	check_err $? "the raw dump holds $(grep -c '^subnet=' <<<"$out") PODNET_A_SUBNET, expected 10000"

	# A change between two messages of a dump is flagged.
	out=$(PNL_DURING="$PODNET subnet add 172.16.0.0/12 via 192.168.0.1 dev pn0" \
	      ns_exec "$A" python3 "$SELFTESTS/pnl.py" get dump,intr ifname=str:pn0)
	expect_match "$(tail -n 1 <<<"$out")" " intr$" "no NLM_F_DUMP_INTR after a change mid-dump"
	pn subnet del 172.16.0.0/12 dev pn0

	# A failing line stops the batch and names its line.
	printf 'subnet add 10.200.0.0/16 via 192.168.0.1 dev pn0\nsubnet add 10.201.0.0/33 via 192.168.0.1 dev pn0\n' >"$TMP/bad"
	out=$(pn -batch "$TMP/bad" 2>&1)
	check_fail $? "a batch with a bad line succeeded"
	expect_match "$out" ":2:" "the error does not name line 2"

	pn subnet del 10.200.0.0/16 dev pn0

	# Lines travel many to a request, yet the outcome is line by line:
	# the lines before a refused one apply, the error names its line,
	# and the lines after it apply only with -force.
	printf '%s\n' 'subnet add 10.210.0.0/16 via 192.168.0.1 dev pn0' \
		'subnet add 10.211.0.0/16 via 192.168.0.1 dev pn0' \
		'subnet add 10.210.0.0/16 via 192.168.0.2 dev pn0' \
		'subnet add 10.212.0.0/16 via 192.168.0.1 dev pn0' \
		'subnet show dev pn0' >"$TMP/dup"
	out=$(pn -batch "$TMP/dup" 2>&1 >/dev/null)
	[ $? -eq 2 ]
	check_err $? "a batch with a refused line did not exit 2"
	expect_match "$out" ":3: .*subnet exists" "the error does not name line 3: $out"
	out=$(pn subnet show dev pn0 | grep -c '^10\.21[0-2]\.')
	[ "$out" -eq 2 ]
	check_err $? "$out of lines 1, 2 applied, expected both and not line 4"
	pn -force -batch "$TMP/dup" >"$TMP/dup.out" 2>&1
	[ $? -eq 2 ]
	check_err $? "-force batch with refused lines did not exit 2"
	[ "$(grep -c 'subnet exists' "$TMP/dup.out")" -eq 3 ]
	check_err $? "-force: expected lines 1 to 3 refused: $(cat "$TMP/dup.out")"
	# The show on line 5 ran after line 4 was applied.
	grep -q '^10\.212\.0\.0/16 ' "$TMP/dup.out"
	check_err $? "-force: line 4 was not applied before line 5 ran"
	for p in 10.210 10.211 10.212; do
		pn subnet del "$p.0.0/16" dev pn0
	done

	gen_batch del 10000 >"$TMP/del"
	pn -batch "$TMP/del"
	check_err $? "-batch of 10,000 deletes failed"
	[ "$(pn subnet show dev pn0 | wc -l)" -eq 0 ]
	check_err $? "subnets left after deleting all"
	log_test "-batch: 10,000 adds, a 10,000-entry dump, 10,000 deletes"
}

test_sync()
{
	local out

	gen_batch add 10000 | sed 's/^subnet add //; s/ dev pn0$//' >"$TMP/s1"
	pn subnet sync dev pn0 "$TMP/s1"
	check_err $? "sync to 10,000 failed"
	[ "$(pn subnet show dev pn0 | wc -l)" -eq 10000 ]
	check_err $? "sync did not produce 10,000 subnets"

	# Half kept, a quarter moved to other nodes, a quarter new.
	{
		sed -n '1,5000p' "$TMP/s1"
		gen_batch add 7500 3 | sed -n '5001,7500p' |
			sed 's/^subnet add //; s/ dev pn0$//'
		for ((i = 0; i < 2500; i++)); do
			echo "10.100.$((i / 250)).$((i % 250))/32 via 192.168.9.9"
		done
	} >"$TMP/s2"
	out=$(pn -s subnet sync dev pn0 "$TMP/s2")
	check_err $? "second sync failed"
	expect_match "$out" "2500 added, 2500 replaced, 2500 deleted, 5000 unchanged" "sync did not make the fewest changes"
	diff <(pn subnet show dev pn0 | sed 's/ lladdr [^ ]*//; s/ dev pn0$//' | sort) \
	     <(sort "$TMP/s2") >/dev/null
	check_err $? "the table does not equal the file after sync"

	pn subnet show dev pn0 >"$TMP/before"
	cp "$TMP/s1" "$TMP/s3"
	echo "10.250.0.0/16 via 999.1.1.1" >>"$TMP/s3"
	out=$(pn subnet sync dev pn0 "$TMP/s3" 2>&1)
	[ $? -eq 1 ]
	check_err $? "sync of a file with a bad line did not exit 1"
	expect_match "$out" "s3:10001:.*999\.1\.1\.1" "error does not name the line and word"
	pn subnet show dev pn0 | diff -q - "$TMP/before" >/dev/null
	check_err $? "a failed sync changed the table"

	# A subnet via an IPv6 node, its MAC derived, is as the file says.
	pn link set pn1 local 2001:db8::1
	echo "fd00:10:244:7::/64 via 2001:db8::7" >"$TMP/s6"
	pn subnet sync dev pn1 "$TMP/s6"
	check_err $? "sync of an IPv6 node's subnet failed"
	out=$(pn -s subnet sync dev pn1 "$TMP/s6")
	expect_match "$out" "0 added, 0 replaced, 0 deleted, 1 unchanged" "a second sync of an IPv6 node's subnet changed it"
	pn subnet flush dev pn1
	log_test "sync: 10,000 entries, fewest changes, all or nothing"
}

test_monitor()
{
	local pid pidj

	pn subnet flush dev pn0
	ns_exec "$A" stdbuf -oL "$PODNET" monitor >"$TMP/mon" 2>&1 &
	pid=$!
	ns_exec "$A" stdbuf -oL "$PODNET" -j monitor dev pn1 >"$TMP/monj" 2>&1 &
	pidj=$!
	sleep 1
	pn subnet add 10.9.0.0/16 via 192.168.0.9 dev pn0
	pn subnet replace 10.9.0.0/16 via 192.168.0.10 dev pn0
	pn subnet replace 10.9.0.0/16 via 192.168.0.10 dev pn0	# no change
	pn subnet del 10.9.0.0/16 dev pn0
	pn subnet add 10.8.0.0/16 via 192.168.0.8 dev pn1
	pn subnet flush dev pn0
	sleep 1
	kill "$pid" "$pidj"
	wait "$pid" "$pidj" 2>/dev/null

	diff -u - "$TMP/mon" <<-EOF >&2
	add 10.9.0.0/16 via 192.168.0.9 lladdr 0a:58:c0:a8:00:09 dev pn0
	add 10.9.0.0/16 via 192.168.0.10 lladdr 0a:58:c0:a8:00:0a dev pn0
	del 10.9.0.0/16 via 192.168.0.10 lladdr 0a:58:c0:a8:00:0a dev pn0
	add 10.8.0.0/16 via 192.168.0.8 lladdr 0a:58:c0:a8:00:08 dev pn1
	flush dev pn0
	EOF
	check_err $? "monitor did not print exactly the changes"
	[ "$(wc -l <"$TMP/monj")" -eq 1 ] &&
		python3 -c 'import json, sys; e = json.loads(sys.stdin.read()); assert e["dst"] == "10.8.0.0/16" and e["dev"] == "pn1", e' <"$TMP/monj"
	check_err $? "monitor -j dev pn1 did not print one JSON event: $(cat "$TMP/monj")"
	pn subnet flush dev pn1
	log_test "monitor: one line per change, -j, filtered by device"
}

# IPv6 prefixes share the device's table with IPv4 ones: longest match in
# each family, the dump IPv4 first and resumed across message boundaries
# in both, and one request of both families.
test_lpm6()
{
	local out i

	pn subnet flush dev pn0
	pn subnet add ::/0 via 192.168.6.1 dev pn0 &&
	pn subnet add fd00::/8 via 192.168.6.8 dev pn0 &&
	pn subnet add fd00:10:244::/48 via 192.168.6.48 dev pn0 &&
	pn subnet add fd00:10:244:2::/64 via 192.168.6.64 dev pn0 &&
	pn subnet add fd00:10:244:2::8000:0/97 via 192.168.6.97 dev pn0 &&
	pn subnet add fd00:10:244:2::1/128 via 192.168.6.128 dev pn0 &&
	pn subnet add 10.0.0.0/8 via 192.168.4.8 dev pn0
	check_err $? "adding overlapping IPv6 prefixes failed"

	[ "$(via_of fd00:10:244:2::1)" = 192.168.6.128 ] &&
	[ "$(via_of fd00:10:244:2::2)" = 192.168.6.64 ] &&
	[ "$(via_of fd00:10:244:2::8000:5)" = 192.168.6.97 ] &&
	[ "$(via_of fd00:10:244:3::1)" = 192.168.6.48 ] &&
	[ "$(via_of fd00:1::1)" = 192.168.6.8 ] &&
	[ "$(via_of 2001:db8::1)" = 192.168.6.1 ] &&
	[ "$(via_of 10.1.2.3)" = 192.168.4.8 ]
	check_err $? "an IPv6 lookup did not pick the longest prefix"
	# ::/0 covers no IPv4 address, 0.0.0.0/0 no IPv6 one.
	pn subnet get 11.0.0.1 dev pn0 >/dev/null 2>&1
	[ $? -eq 2 ]
	check_err $? "an IPv6 default route covered an IPv4 address"

	out=$(pn subnet show dev pn0 | cut -d' ' -f1 | tr '\n' ' ')
	[ "$out" = "10.0.0.0/8 ::/0 fd00::/8 fd00:10:244::/48 fd00:10:244:2::/64 fd00:10:244:2::1/128 fd00:10:244:2::8000:0/97 " ]
	check_err $? "the dump is not IPv4 first, then by prefix and length: $out"

	pn subnet del fd00:10:244:2::/64 dev pn0
	[ "$(via_of fd00:10:244:2::2)" = 192.168.6.48 ] &&
	[ "$(via_of fd00:10:244:2::1)" = 192.168.6.128 ]
	check_err $? "after deleting the /64, IPv6 lookups are wrong"

	out=$(pn subnet add fd00:10:244:2::1/64 via 192.168.6.1 dev pn0 2>&1)
	[ $? -eq 1 ] && expect_match "$out" "host bits set" "IPv6 host bits"
	check_err $? "an IPv6 prefix with host bits set was not refused by the tool: $out"
	out=$(ns_exec "$A" python3 "$SELFTESTS/pnl.py" new ifname=str:pn0 \
		"subnet=nest[prefix6=ip6:fd00:10:244:2::1;plen=u8:64;node4=ip:192.168.6.1]" 2>&1)
	expect_match "$out" "^error EINVAL: prefix has host bits set" "the kernel took IPv6 host bits: $out"
	out=$(ns_exec "$A" python3 "$SELFTESTS/pnl.py" new ifname=str:pn0 \
		"subnet=nest[prefix6=ip6:fd00::;plen=u8:129;node4=ip:192.168.6.1]" 2>&1)
	expect_match "$out" "^error ERANGE: " "the kernel took an IPv6 /129: $out"
	out=$(ns_exec "$A" python3 "$SELFTESTS/pnl.py" new ifname=str:pn0 \
		"subnet=nest[prefix4=ip:10.9.0.0;prefix6=ip6:fd00::;plen=u8:16;node4=ip:192.168.6.1]" 2>&1)
	expect_match "$out" "^error EINVAL: a subnet has one prefix" "a subnet with two prefixes: $out"

	# 5,000 of each family, added in one batch, dumped over many
	# messages, deleted again.
	for ((i = 0; i < 5000; i++)); do
		echo "subnet add 10.$((i / 256)).$((i % 256)).0/24 via 192.168.7.$((i % 200 + 1)) dev pn0"
		echo "subnet add fd00:10:244:$(printf %x $((i + 1)))::/64 via 192.168.7.$((i % 200 + 1)) dev pn0"
	done >"$TMP/mixed"
	pn subnet flush dev pn0
	pn -batch "$TMP/mixed"
	check_err $? "-batch of 10,000 subnets of both families failed"
	pn subnet show dev pn0 >"$TMP/show6"
	[ "$(wc -l <"$TMP/show6")" -eq 10000 ] &&
	[ "$(grep -c '^fd00:' "$TMP/show6")" -eq 5000 ] &&
	[ "$(cut -d' ' -f1 "$TMP/show6" | sort -u | wc -l)" -eq 10000 ]
	check_err $? "the mixed dump is not 10,000 distinct subnets, half IPv6"
	diff <(sed 's/^subnet add //' "$TMP/mixed" | cut -d' ' -f1,3 | sort) \
	     <(cut -d' ' -f1,3 "$TMP/show6" | sort) >/dev/null
	check_err $? "the mixed dump differs from what was added"
	[ "$(via_of fd00:10:244:1387::42)" = 192.168.7.$((0x1386 % 200 + 1)) ]
	check_err $? "a lookup in the 5,000 IPv6 subnets is wrong"
	sed 's/^subnet add \([^ ]*\) .*/subnet del \1 dev pn0/' "$TMP/mixed" >"$TMP/mixed-del"
	pn -batch "$TMP/mixed-del"
	check_err $? "-batch of 10,000 deletes of both families failed"
	[ "$(pn subnet show dev pn0 | wc -l)" -eq 0 ]
	check_err $? "subnets left after deleting both families"

	# An IPv6 node needs the device's IPv6 underlay (see underlay6.sh).
	out=$(pn subnet add fd00:10:244:9::/64 via 2001:db8::9 dev pn0 2>&1)
	[ $? -eq 2 ]
	check_err $? "an IPv6 node on a device without an IPv6 local address did not exit 2"
	expect_match "$out" "an IPv6 node needs an IPv6 local address" "IPv6 node: $out"
	log_test "IPv6 prefixes: longest match, both families in one table and one dump"
}

test_lpm
test_lpm6
test_monitor
test_add_replace_del
test_batch_node_handover
test_netns_option
test_batch_10k
test_sync
exit $EXIT_STATUS
