#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ARP suppression and one-route operation: no ARP and no broadcast crosses
# the underlay, one aggregate route (or one gateway) serves the cluster,
# replaced entries take effect at once, misses are announced.

source "$(dirname "$0")/lib.sh"

TMP=$(mktemp -d)
trap 'cleanup_all_ns; rm -rf "$TMP"' EXIT

# Podnet nodes 1..3 that know each other's subnets, with ROUTE (an ip
# route spec for 10.244.0.0/16) as their only overlay route.
setup_cluster()
{
	local route=$1 i j n

	cleanup_all_ns
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
		done
		ns_exec "$n" ip route add 10.244.0.0/16 $route || return 1
	done
}

ping_all()
{
	local i j

	for i in 1 2 3; do
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			ns_exec "$(eval echo "\$P$i")" ping -c 2 -W 2 -q \
				"10.244.$j.2" >/dev/null || return 1
		done
	done
}

test_aggregate_route()
{
	local i n entries replies out tpid

	setup_cluster "dev pn0" || return 1
	ip netns exec "$UL" tcpdump -nn -i br0 -w "$TMP/ul.pcap" \
		udp port 8472 2>/dev/null &
	tpid=$!
	sleep 1
	ping_all
	check_err $? "pods cannot reach each other with one aggregate route"
	ns_exec "$P3" iperf3 -s -1 -D -B 10.244.3.2 >/dev/null
	sleep 0.5
	ns_exec "$P1" iperf3 -c 10.244.3.2 -n 5M >/dev/null 2>&1
	check_err $? "TCP over the aggregate route failed"

	for i in 1 2 3; do
		n=$(eval echo "\$N$i")
		entries=$(ns_exec "$n" ip neigh show dev pn0 | grep -c lladdr)
		replies=$(pn_stat "$n" arp_reply)
		[ "$entries" -gt 0 ] && [ "$entries" -eq "$replies" ]
		check_err $? "node $i: $entries neighbour entries, $replies ARP replies"
	done
	out=$(ns_exec "$N1" ip neigh show 10.244.2.2 dev pn0)
	expect_match "$out" "lladdr 0a:58:c0:a8:00:02 (REACHABLE|STALE|DELAY)" "neighbour entry has not the VTEP MAC"

	sleep 1
	kill "$tpid"
	wait "$tpid"
	out=$(tcpdump -nn -e -r "$TMP/ul.pcap" 2>/dev/null)
	[ -n "$out" ]
	check_err $? "nothing was captured on the underlay"
	! grep -qiE "ARP|ff:ff:ff:ff:ff:ff|> (01:00:5e|33:33)" <<<"$out"
	check_err $? "ARP or broadcast inside VXLAN on the underlay"
	log_test "aggregate route: all pods reachable, no ARP on the underlay"
}

test_gateway()
{
	local i n

	setup_cluster "via 169.254.1.1 dev pn0 onlink" || return 1
	ping_all
	check_err $? "pods cannot reach each other through the gateway"
	for i in 1 2 3; do
		n=$(eval echo "\$N$i")
		[ "$(ns_exec "$n" ip neigh show dev pn0 | grep -c lladdr)" -eq 1 ]
		check_err $? "node $i: not exactly one neighbour entry"
		expect_match "$(ns_exec "$n" ip neigh show dev pn0)" \
			"^169\.254\.1\.1 lladdr $(pn_mac "$i") " "gateway not answered with the device's MAC"
		[ "$(ns_exec "$n" ip route show dev pn0 | wc -l)" -eq 1 ]
		check_err $? "node $i: not exactly one route"
	done
	log_test "one gateway: one route and one neighbour entry per node"
}

test_miss()
{
	local out mpid

	ip netns exec "$N1" stdbuf -oL "$PODNET" monitor dev pn0 \
		>"$TMP/mon" 2>&1 &
	mpid=$!
	sleep 1
	out=$(ns_exec "$P1" ping -c 3 -i 0.2 -W 1 10.244.9.2 2>&1)
	expect_match "$out" "Destination Net Unreachable" "no ICMP unreachable for a miss"
	ns_exec "$N1" ip route add 10.245.0.0/16 dev pn0
	ns_exec "$P1" ping -c 1 -W 1 10.245.0.7 >/dev/null 2>&1
	sleep 1
	kill "$mpid"
	wait "$mpid"
	[ "$(grep -c "^miss ip 10\.244\.9\.2 dev pn0$" "$TMP/mon")" -eq 1 ]
	check_err $? "not exactly one IP miss event for 3 pings: $(cat "$TMP/mon")"
	grep -q "^miss arp 10\.245\.0\.7 dev pn0$" "$TMP/mon"
	check_err $? "no ARP miss event: $(cat "$TMP/mon")"
	[ "$(pn_stat "$N1" arp_miss)" -gt 0 ]
	check_err $? "arp_miss counter did not move"
	log_test "misses: ICMP unreachable, one event per window, ARP misses"
}

# podnet's lines in the kernel log that say a rate limit hid some calls.
pn_suppressed()
{
	dmesg | grep -cE "pn_[a-z0-9_]+: [0-9]+ callbacks suppressed"
}

# A burst of misses for 200 addresses: some are announced, not all, and
# the budget that holds the rest back writes nothing to the kernel log.
# A miss after the budget's window has passed is announced again.
test_miss_burst()
{
	local before out mpid n

	before=$(pn_suppressed)
	ip netns exec "$N1" stdbuf -oL "$PODNET" monitor dev pn0 \
		>"$TMP/burst" 2>&1 &
	mpid=$!
	sleep 1
	ns_exec "$P1" python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(1, 201):
    s.sendto(b"x", ("10.244.10.%d" % i, 9))
PY
	# The budget is ten a second; the next second has room again.
	sleep 1.5
	ns_exec "$P1" ping -c 1 -W 1 10.244.11.1 >/dev/null 2>&1
	sleep 1
	kill "$mpid"
	wait "$mpid"
	n=$(grep -c "^miss ip 10\.244\.10\." "$TMP/burst")
	[ "$n" -gt 0 ] && [ "$n" -lt 200 ]
	check_err $? "$n miss events for a burst of 200 addresses"
	grep -q "^miss ip 10\.244\.11\.1 dev pn0$" "$TMP/burst"
	check_err $? "no miss event after the burst: $(tail -3 "$TMP/burst")"
	out=$(pn_suppressed)
	[ "$out" -eq "$before" ]
	check_err $? "the kernel log gained $((out - before)) \"callbacks suppressed\" lines: $(dmesg | grep "callbacks suppressed" | tail -2)"
	log_test "miss burst: some events, then more, and nothing in the kernel log"
}

test_broadcast_dropped()
{
	local before out

	before=$(pn_stat "$N1" bcast)
	# A gratuitous ARP and a broadcast IPv4 frame, written onto pn0.
	ns_exec "$N1" python3 - <<'PY'
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("pn0", 0))
mac = bytes.fromhex("0a58c0a80001")
bc = b"\xff" * 6
ip = socket.inet_aton("10.244.1.0")
garp = bc + mac + b"\x08\x06" + bytes.fromhex("0001080006040001") + mac + ip + b"\0" * 6 + ip
s.send(garp)
udp = bytes.fromhex("4500001c000000004011") + b"\0\0" + ip + socket.inet_aton("10.244.255.255") + bytes.fromhex("0035003500080000")
s.send(bc + mac + b"\x08\x00" + udp)
# The host's reply to a peer's probe, which goes to 0.0.0.0, and a request
# for 0.0.0.0.
peer = bytes.fromhex("0a58c0a80002")
zero = b"\0" * 4
s.send(peer + mac + b"\x08\x06" + bytes.fromhex("0001080006040002") + mac + ip + peer + zero)
s.send(bc + mac + b"\x08\x06" + bytes.fromhex("0001080006040001") + mac + ip + b"\0" * 6 + zero)
PY
	out=$(pn_stat "$N1" bcast)
	[ "$out" -eq $((before + 4)) ]
	check_err $? "bcast counter is $out, expected $((before + 4))"
	expect_match "$(ns_exec "$N1" "$PODNET" -s link show pn0)" "bcast $out" "podnet -s link show does not show the counter"
	log_test "gratuitous ARP, ARP for 0.0.0.0 and broadcast frames dropped and counted"
}

# Node 2 moves to a new underlay address (so a new VTEP MAC); node 1 is
# told with one replace while it pings.
test_replace_follows()
{
	local out ppid

	ns_exec "$P1" ping -c 1 -W 2 10.244.2.2 >/dev/null
	ns_exec "$N2" ip addr add 192.168.0.22/24 dev e0
	ns_exec "$N2" ip link set pn0 down
	ns_exec "$N2" "$PODNET" link set pn0 local 192.168.0.22 up
	ns_exec "$N2" ip route add 10.244.0.0/16 via 169.254.1.1 dev pn0 onlink
	ns_exec "$P1" ping -c 1 -W 1 10.244.2.2 >/dev/null 2>&1
	check_fail $? "node 2's new address was accepted before the replace"

	# An operator's permanent entry, which a replace leaves alone, and a
	# learnt one of another subnet, which keeps its lladdr and state.
	ns_exec "$N1" ip neigh add 10.244.3.77 lladdr 0a:58:c0:a8:00:03 \
		dev pn0 nud permanent
	ns_exec "$N1" ip route add 10.244.3.9/32 dev pn0
	ns_exec "$N1" ping -c 1 -W 1 10.244.3.9 >/dev/null 2>&1
	expect_match "$(ns_exec "$N1" ip neigh show 10.244.3.9 dev pn0)" "lladdr 0a:58:c0:a8:00:03 (REACHABLE|STALE|DELAY)" "10.244.3.9 was not learnt"
	ip netns exec "$P1" ping -i 0.1 -c 30 -W 1 10.244.2.2 >"$TMP/ping" 2>&1 &
	ppid=$!
	sleep 0.5
	ns_exec "$N1" "$PODNET" subnet replace 10.244.2.0/24 via 192.168.0.22 dev pn0
	wait "$ppid"
	out=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TMP/ping")
	[ "${out:-0}" -ge 18 ]
	check_err $? "only ${out:-0} of 30 pings (every 0.1 s) answered around the replace"
	! ns_exec "$N1" ip neigh show dev pn0 | grep -q "0a:58:c0:a8:00:02"
	check_err $? "a neighbour entry still shows the old MAC"
	ns_exec "$N1" ip neigh show 10.244.3.77 dev pn0 | grep -q PERMANENT
	check_err $? "the replace removed a permanent neighbour entry"
	expect_match "$(ns_exec "$N1" ip neigh show 10.244.3.9 dev pn0)" "lladdr 0a:58:c0:a8:00:03 (REACHABLE|STALE|DELAY)" "a replace of node 2's subnet made node 3's entry resolve again"
	ns_exec "$N1" ip route del 10.244.3.9/32 dev pn0
	ns_exec "$N1" ip neigh del 10.244.3.77 dev pn0
	log_test "replace: traffic follows at once, no stale entry, others kept"
}

test_arpsuppress_off()
{
	local out tpid

	setup_cluster "dev pn0" || return 1
	ns_exec "$N1" "$PODNET" link set pn0 arpsuppress off
	expect_match "$(ns_exec "$N1" "$PODNET" link show pn0)" "arpsuppress off" "arpsuppress not shown as off"
	ip netns exec "$UL" timeout 20 tcpdump -c 2 -nn -e -i br0 \
		-w "$TMP/arp.pcap" 'udp port 8472 and udp[28:2] = 0x0806' \
		2>/dev/null &
	tpid=$!
	sleep 1
	ns_exec "$N1" ping -c 1 -W 2 10.244.2.0 >/dev/null
	check_err $? "with suppression off, node 2's own address did not answer"
	wait "$tpid"
	out=$(tcpdump -nn -e -r "$TMP/arp.pcap" 2>/dev/null)
	expect_match "$out" "192\.168\.0\.1\.[0-9]+ > 192\.168\.0\.2\.8472" "ARP not sent unicast to node 2"
	expect_match "$out" "0a:58:c0:a8:00:01 > 0a:58:c0:a8:00:02, ethertype ARP" "ARP not addressed to node 2's VTEP MAC"
	! grep -q "ff:ff:ff:ff:ff:ff" <<<"$out"
	check_err $? "an ARP request was broadcast"
	log_test "arpsuppress off: ARP goes unicast to the owning node"
}

# A flannel node (kernel vxlan, static neighbours and FDB entries) among
# podnet nodes that have nothing but the aggregate route.
test_mixed_flannel()
{
	local fmac=02:fa:11:e1:00:03 i j n

	cleanup_all_ns
	pn_underlay
	pn_podnet_node 1 && pn_podnet_node 2 && pn_flannel_node 3 $fmac 1 2 ||
		return 1
	for i in 1 2; do
		n=$(eval echo "\$N$i")
		j=$((3 - i))
		ns_exec "$n" "$PODNET" subnet add "10.244.$j.0/24" \
			via "192.168.0.$j" dev pn0
		ns_exec "$n" "$PODNET" subnet add 10.244.3.0/24 \
			via 192.168.0.3 lladdr $fmac dev pn0
		ns_exec "$n" ip route add 10.244.0.0/16 dev pn0
	done
	for i in 1 2; do
		ns_exec "$P3" ping -c 2 -W 2 -q "10.244.$i.2" >/dev/null
		check_err $? "flannel pod 3 cannot reach podnet pod $i"
		ns_exec "$(eval echo "\$P$i")" ping -c 2 -W 2 -q 10.244.3.2 >/dev/null
		check_err $? "podnet pod $i cannot reach flannel pod 3"
	done
	expect_match "$(ns_exec "$N1" ip neigh show 10.244.3.2 dev pn0)" "lladdr $fmac" "flannel pod not answered with flannel.1's MAC"
	log_test "mixed: flannel node and podnet nodes on one aggregate route"
}

# 2,000 destinations behind one aggregate route, more than gc_thresh3.
test_many_neighbours()
{
	local out

	setup_cluster "dev pn0" || return 1
	ns_exec "$N1" "$PODNET" subnet add 10.250.0.0/16 via 192.168.0.2 dev pn0
	ns_exec "$N2" "$PODNET" subnet replace 10.244.1.0/24 via 192.168.0.1 dev pn0
	ns_exec "$N1" ip route add 10.250.0.0/16 dev pn0
	ns_exec "$N2" ip route add local 10.250.0.0/16 dev lo
	out=$(ns_exec "$N1" python3 - <<'PY'
import socket, struct, sys, time, select
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.setblocking(False)
def csum(b):
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    t = (t >> 16) + (t & 0xffff); t += t >> 16
    return ~t & 0xffff
want = {f"10.250.{i // 250}.{i % 250 + 1}" for i in range(2000)}
got = set()
def drain():
    while select.select([s], [], [], 0)[0]:
        d, a = s.recvfrom(2048)
        if d[20] == 0:
            got.add(a[0])
# A destination whose neighbour could not be created is sent to again, as
# a retransmitting sender would. The forced garbage collection frees only
# entries with no timer that have not changed for 5 s: an answered entry
# stays REACHABLE, its timer running, for the device's reachable time (15
# to 45 s, drawn once per device), then STALE, so room may come 50 s
# after the first answers. Rounds go on, each 5 s after the last, until
# every destination has answered or 120 s have passed.
start = time.time()
pending = sorted(want)
rnd = 0
while True:
    rnd += 1
    for i, dst in enumerate(pending):
        p = struct.pack("!BBHHH", 8, 0, 0, 7, i) + b"podnet"
        p = p[:2] + struct.pack("!H", csum(p)) + p[4:]
        try:
            s.sendto(p, (dst, 0))
        except OSError:
            pass
        # At most ~500 new neighbours per 5 s: the kernel's forced
        # garbage collection frees only entries older than that.
        if i % 10 == 9:
            time.sleep(0.1)
            drain()
    end = time.time() + 5
    while time.time() < end:
        drain(); time.sleep(0.05)
    left = sorted(want - got)
    print(f"round {rnd} at {time.time() - start:.0f} s: "
          f"{len(pending) - len(left)} of {len(pending)} answered",
          file=sys.stderr)
    if not left or time.time() - start > 120:
        break
    pending = left
print(len(got))
PY
)
	[ "$out" = 2000 ]
	check_err $? "only $out of 2000 destinations answered"
	log_test "2,000 destinations on one aggregate route, default gc_thresh"
}

# After test_many_neighbours: a replace while traffic keeps resolving the
# entries again renews every one of them and comes back.
test_replace_busy()
{
	local out tpid

	ns_exec "$N1" python3 - <<'PY' &
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.setblocking(False)
p = struct.pack("!BBHHH", 8, 0, 0, 7, 0) + b"podnet"  # no answer needed
end = time.time() + 12
while time.time() < end:
    for i in range(300):
        try:
            s.sendto(p, (f"10.250.{i // 250}.{i % 250 + 1}", 0))
        except OSError:
            pass
    time.sleep(0.05)
PY
	tpid=$!
	sleep 4
	timeout 60 ip netns exec "$N1" "$PODNET" subnet replace 10.250.0.0/16 \
		via 192.168.0.2 lladdr 02:00:00:00:02:50 dev pn0
	check_err $? "the replace under traffic failed or did not come back"
	wait "$tpid"
	out=$(ns_exec "$N1" ip neigh show dev pn0 | grep -c "^10\.250\..* lladdr 02:00:00:00:02:50")
	[ "$out" -ge 250 ]
	check_err $? "only $out of 300 busy entries resolved to the new MAC"
	out=$(ns_exec "$N1" ip neigh show dev pn0 | grep "^10\.250\..* lladdr 0a:58:c0:a8:00:02")
	[ -z "$out" ]
	check_err $? "entries kept the old MAC: $(wc -l <<<"$out"), such as $(head -1 <<<"$out")"
	ns_exec "$N1" "$PODNET" subnet replace 10.250.0.0/16 via 192.168.0.2 dev pn0
	log_test "replace under traffic: every learnt entry renewed"
}

test_aggregate_route
test_gateway
test_miss
test_miss_burst
test_broadcast_dropped
test_replace_follows
test_arpsuppress_off
test_mixed_flannel
test_many_neighbours
test_replace_busy
exit $EXIT_STATUS
