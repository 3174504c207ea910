#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Path MTU through routers: nodes 1 and 2 on underlay segments of their own,
# 1500 bytes each, two routers apart, the link between the routers 1400
# bytes. The nodes' devices come up at 1450 (VXLAN) and 1480 (ipip) from
# their own links, more than the path carries. In both modes: with df
# inherit (the default), bulk TCP crosses both ways and each sender learns
# the path's MTU less the tunnel's overhead from the ICMP errors podnet
# sends once the routers' errors taught the outer route; with df unset the
# routers fragment the outer packets instead and no sender is told; with
# df set every outer packet carries DF, and with inherit it follows the
# inner one. Then the same over the routers' IPv6 underlay, for IPv6 and
# IPv4 pods alike: the routers' packet-too-big errors teach the outer
# IPv6 route, and the senders learn the path's MTU less 70 (VXLAN) or 40
# (ipip) bytes.

source "$(dirname "$0")/lib.sh"

TMP=$(mktemp -d)
PATH_MTU=1400
BYTES=$((4 * 1024 * 1024))

setup()
{
	local mode=$1 i n

	cleanup_all_ns
	pn_routed_underlay $PATH_MTU || return 1
	for i in 1 2; do
		if [ "$mode" = ipip ]; then
			pn_ipip_node "$i" || return 1
		else
			pn_podnet_node "$i" || return 1
		fi
	done
	pn_podnet_peers 1 2 && pn_podnet_peers 2 1 || return 1
	[ "$mode" = ipip ] && return 0
	for i in 1 2; do
		n=$(eval echo "\$N$i")
		pn_flannel_route "$n" pn0 $((3 - i)) "$(pn_mac $((3 - i)))" ||
			return 1
	done
}

# forget: every namespace forgets the path MTUs it learnt.
forget()
{
	local ns

	for ns in "$N1" "$N2" "$P1" "$P2"; do
		ip -n "$ns" route flush cache
		ip -n "$ns" -6 route flush cache
	done
}

# transfer FROM TO [ADDR]: BYTES of TCP from pod FROM to pod TO's ADDR
# (its IPv4 address by default), all of them.
transfer()
{
	local from to got addr=${3:-10.244.$2.2}

	from=$(eval echo "\$P$1")
	to=$(eval echo "\$P$2")
	rm -f "$TMP/ready" "$TMP/got"
	ns_exec "$to" timeout 60 python3 -c '
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
srv = socket.create_server((sys.argv[1], 5201), family=fam)
open(sys.argv[2], "w").write("ready")
conn, _ = srv.accept()
n = 0
while True:
    b = conn.recv(1 << 16)
    if not b:
        break
    n += len(b)
print(n)' "$addr" "$TMP/ready" >"$TMP/got" &
	wait_for_file "$TMP/ready"
	ns_exec "$from" timeout 60 python3 -c '
import socket, sys
conn = socket.create_connection((sys.argv[1], 5201))
left, chunk = int(sys.argv[2]), bytes(1 << 16)
while left > 0:
    conn.sendall(chunk[:left])
    left -= len(chunk)
conn.shutdown(socket.SHUT_WR)' "$addr" $BYTES
	check_err $? "sending from pod $1 to pod $2 ($addr) failed"
	wait $!
	check_err $? "receiving on pod $2 from pod $1 failed"
	got=$(cat "$TMP/got")
	[ "$got" = "$BYTES" ]
	check_err $? "pod $2 received ${got:-nothing} of $BYTES bytes from pod $1 at $addr"
}

# icmp_stat NS NAME: an Icmp counter of /proc/net/snmp in NS.
icmp_stat()
{
	ns_exec "$1" awk -v k="$2" '/^Icmp:/ && !h {h = 1; for (i = 1; i <= NF; i++) if ($i == k) c = i; next}
				    /^Icmp:/ {print $c}' /proc/net/snmp
}

# icmp6_stat NS NAME: an Icmp6 counter of /proc/net/snmp6 in NS.
icmp6_stat()
{
	ns_exec "$1" awk -v k="Icmp6$2" '$1 == k {print $2}' /proc/net/snmp6
}

# learnt_mtu FROM TO [ADDR]: the MTU pod FROM's route cache holds for pod
# TO's ADDR (its IPv4 address by default).
learnt_mtu()
{
	ns_exec "$(eval echo "\$P$1")" ip route get "${3:-10.244.$2.2}" |
		sed -n 's/.* mtu \([0-9]*\).*/\1/p'
}

# capture FILE FILTER: tcpdump -v on router 2's side of the link between
# the routers, into FILE, in the background ($CAPTURE).
capture()
{
	rm -f "$TMP/tcpdump.err"
	ns_exec "$R2" tcpdump -l -nn -v -i w0 "$2" >"$1" \
		2>"$TMP/tcpdump.err" &
	CAPTURE=$!
	wait_for_file "$TMP/tcpdump.err"
}

capture_end()
{
	sleep 0.5
	kill "$CAPTURE"
	wait "$CAPTURE" 2>/dev/null
}

# outer_flags FILE: the IPv4 flags of each captured outer packet.
outer_flags()
{
	sed -n 's/^[0-9][^[]*flags \[\([^]]*\)\].*/\1/p' "$1"
}

# Node 1's outer packets, and the fragments of them.
outer_filter()
{
	if [ "$1" = ipip ]; then
		echo "src 192.168.1.1 and ip proto 4"
	else
		echo "src 192.168.1.1 and udp dst port 8472"
	fi
}

fragments="src 192.168.1.1 and ip[6:2] & 0x3fff != 0"

test_device_mtu()
{
	local mode=$1 want=$2 out

	out=$(ip -n "$N1" link show pn0)
	expect_match "$out" " mtu $want " "pn0's MTU is not $want from the 1500-byte underlay"
	out=$(ns_exec "$N1" "$PODNET" link show pn0)
	expect_match "$out" " df inherit" "df is not inherit by default"
	out=$(ns_exec "$N1" "$PODNET" -j -d link show pn0)
	expect_match "$out" '"df":"inherit"' "df not in the JSON"
	log_test "$mode: pn0 at MTU $want over a $PATH_MTU-byte path, df inherit"
}

test_inherit()
{
	local mode=$1 want=$2 got errors unreach

	forget
	errors=$(icmp_stat "$N1" InErrors)
	unreach=$(icmp_stat "$N1" InDestUnreachs)
	if [ "$mode" = ipip ]; then
		# A more specific route to node 2 through another device: the
		# path MTU must be learnt for the route pn0 sends by, through
		# its underlay device e0.
		ip -n "$N1" link add d0 type dummy
		ip -n "$N1" link set d0 up
		ip -n "$N1" route add 192.168.2.1/32 dev d0
	fi
	transfer 1 2
	got=$(learnt_mtu 1 2)
	[ "$got" = "$want" ]
	check_err $? "pod 1 learnt MTU ${got:-none} for pod 2, expected $want"
	[ "$(icmp_stat "$N1" InDestUnreachs)" -gt "$unreach" ]
	check_err $? "node 1 got no ICMP error from the routers"
	# The routers' errors are the tunnel's, not errors nobody expected.
	[ "$(icmp_stat "$N1" InErrors)" = "$errors" ]
	check_err $? "node 1 counted the routers' ICMP errors as InErrors"
	# Or pod 1 would announce an MSS that fits, and pod 2 learn nothing.
	forget
	transfer 2 1
	got=$(learnt_mtu 2 1)
	[ "$got" = "$want" ]
	check_err $? "pod 2 learnt MTU ${got:-none} for pod 1, expected $want"
	log_test "$mode, df inherit: TCP both ways, the senders learn MTU $want"
}

test_unset()
{
	local mode=$1 want=$2 n got

	forget
	ns_exec "$N1" "$PODNET" link set pn0 df unset
	check_err $? "df unset refused"
	expect_match "$(ns_exec "$N1" "$PODNET" link show pn0)" " df unset" "df unset not shown"
	capture "$TMP/frags" "$fragments"
	transfer 1 2
	capture_end
	n=$(grep -c "offset [1-9]" "$TMP/frags")
	[ "$n" -gt 0 ]
	check_err $? "no fragment of an outer packet crossed the routers"
	got=$(learnt_mtu 1 2)
	[ "$got" != "$want" ]
	check_err $? "pod 1 was told MTU $want although the outer packets may be fragmented"
	ns_exec "$N1" "$PODNET" link set pn0 df inherit
	log_test "$mode, df unset: the routers fragment the outer packets ($n seen)"
}

# ping_flags MODE FILE PMTUDISC: one echo from pod 1 to pod 2 with ping's
# -M PMTUDISC; the flags of the outer packet, captured into FILE.
ping_flags()
{
	capture "$2" "$(outer_filter "$1") and greater 400"
	ns_exec "$P1" ping -c 1 -W 2 -s 400 -M "$3" 10.244.2.2 >/dev/null
	check_err $? "ping -M $3 from pod 1 to pod 2 failed"
	capture_end
	outer_flags "$2"
}

test_set()
{
	local mode=$1 out

	forget
	ns_exec "$N1" "$PODNET" link set pn0 df set
	expect_match "$(ns_exec "$N1" "$PODNET" -j link show pn0)" '"df":"set"' "df set not shown"
	out=$(ping_flags "$mode" "$TMP/set" dont)
	[ "$out" = DF ]
	check_err $? "df set, inner without DF: outer flags [$out], expected [DF]"
	ns_exec "$N1" "$PODNET" link set pn0 df inherit
	out=$(ping_flags "$mode" "$TMP/inherit-dont" dont)
	[ "$out" = none ]
	check_err $? "df inherit, inner without DF: outer flags [$out], expected [none]"
	out=$(ping_flags "$mode" "$TMP/inherit-do" "do")
	[ "$out" = DF ]
	check_err $? "df inherit, inner with DF: outer flags [$out], expected [DF]"
	log_test "$mode: df set puts DF on every outer packet, inherit copies it"
}

run_mode()
{
	local mode=$1 mtu=$2

	if ! setup "$mode"; then
		check_err 1 "topology setup failed"
		log_test "$mode: setup"
		return
	fi
	test_device_mtu "$mode" "$mtu"
	test_unset "$mode" $((PATH_MTU - 1500 + mtu))
	test_set "$mode"
	test_inherit "$mode" $((PATH_MTU - 1500 + mtu))
}

# setup6 MODE: the routed topology, nodes dual-stack on both segments,
# podnet reaching the other node at its IPv6 address only, for the IPv6
# and the IPv4 pod subnet alike.
setup6()
{
	local mode=$1 i n

	cleanup_all_ns
	pn_routed_underlay $PATH_MTU || return 1
	for i in 1 2; do
		if [ "$mode" = vxlan ]; then
			pn_podnet_node6 "$i" || return 1
			continue
		fi
		pn_node6 "$i" || return 1
		n=$(eval echo "\$N$i")
		ns_exec "$n" "$PODNET" link add pn0 mode ipip \
			local "$(pn_addr6 "$i")" dev e0 || return 1
		ip -n "$n" addr add "10.244.$i.0/32" dev pn0
		ip -n "$n" link set pn0 up
		ip -n "$n" route add 10.244.0.0/16 dev pn0
		ip -n "$n" -6 route add fd00:10:244::/48 dev pn0
	done
	for i in 1 2; do
		n=$(eval echo "\$N$i")
		ns_exec "$n" "$PODNET" subnet add "fd00:10:244:$((3 - i))::/64" \
			via "$(pn_addr6 $((3 - i)))" dev pn0 &&
		ns_exec "$n" "$PODNET" subnet add "10.244.$((3 - i)).0/24" \
			via "$(pn_addr6 $((3 - i)))" dev pn0 || return 1
	done
}

# test_inherit6 MODE WANT: TCP both ways between the pods, IPv6 and then
# IPv4, over the IPv6 path of PATH_MTU bytes: each sender learns WANT.
test_inherit6()
{
	local mode=$1 want=$2 i got errors toobig addr

	for i in 6 4; do
		forget
		errors=$(icmp6_stat "$N1" InErrors)
		toobig=$(icmp6_stat "$N1" InPktTooBigs)
		addr=fd00:10:244:2::2
		[ $i = 4 ] && addr=10.244.2.2
		transfer 1 2 $addr
		[ "$RET" -ne 0 ] && break	# a black hole: one wait is enough
		got=$(learnt_mtu 1 2 $addr)
		[ "$got" = "$want" ]
		check_err $? "IPv$i pod 1 learnt MTU ${got:-none} for pod 2, expected $want"
		[ "$(icmp6_stat "$N1" InPktTooBigs)" -gt "$toobig" ]
		check_err $? "node 1 got no packet-too-big from the routers (IPv$i pods)"
		[ "$(icmp6_stat "$N1" InErrors)" = "$errors" ]
		check_err $? "node 1 counted the routers' errors as Icmp6InErrors (IPv$i pods)"
		forget
		addr=fd00:10:244:1::2
		[ $i = 4 ] && addr=10.244.1.2
		transfer 2 1 $addr
		[ "$RET" -ne 0 ] && break
		got=$(learnt_mtu 2 1 $addr)
		[ "$got" = "$want" ]
		check_err $? "IPv$i pod 2 learnt MTU ${got:-none} for pod 1, expected $want"
	done
	log_test "$mode over IPv6: TCP both ways, IPv6 and IPv4 pods, the senders learn MTU $want"
}

run_mode6()
{
	local mode=$1 overhead=$2

	if ! setup6 "$mode"; then
		check_err 1 "topology setup failed"
		log_test "$mode over IPv6: setup"
		return
	fi
	test_inherit6 "$mode" $((PATH_MTU - overhead))
}

run_mode vxlan 1450
run_mode ipip 1480
run_mode6 vxlan 70
if pn_have_tunnel6; then
	run_mode6 ipip 40
else
	log_skip "ipip over a routed IPv6 underlay" "this kernel has no tunnel6"
fi

rm -rf "$TMP"
exit "$EXIT_STATUS"
