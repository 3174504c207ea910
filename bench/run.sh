#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, inside the guest. One topology (two nodes on a bridged veth
# underlay, MTU 1500, a pod behind each), built for each data path:
#
#   plain     plain routing between the nodes: the ceiling
#   flannel   the kernel's vxlan as flannel sets it up (pn_flannel_node)
#   pnvxlan   podnet in vxlan mode, one route via its gateway
#   calico    the kernel's ipip as Calico sets it up (pn_calico_node)
#   pnipip    podnet in ipip mode, one route
#
# and direct routing between the two nodes, which share their segment:
#
#   flanneldr flannel with DirectRouting: flannel.1 as flanneld sets it
#             up, and the peer's subnet by a plain route via the node
#   pndirect  podnet in vxlan mode with direct on, one route
#
# and, for make profile only, the floor of any device in the path:
#
#   macvlan   plain routing, each peer's route through a macvlan device
#             on the underlay device instead of the underlay device itself
#
# and for each overlay twice more, where both nodes know 1,000 and 10,000
# peers (nodes that do not exist, at 10.1.x.y) besides the real one, added
# each control plane's own way: flannel's routes, neighbours and FDB
# entries (ip -batch, bridge -batch), Calico's routes (ip -batch), or
# "podnet -batch" and "podnet subnet sync". IPv6 pods, on dual-stack nodes
# with an IPv6 underlay too:
#
#   plain6    plain IPv6 routing between the nodes: the ceiling
#   flannel6  the kernel's vxlan as flanneld sets up flannel-v6.1 (outer
#             IPv6) beside flannel.1
#   pnvxlan6  podnet in vxlan mode, one device with both local addresses,
#             the IPv6 pods' subnets via the nodes' IPv6 addresses
#
# and podnet's dual-stack table once more, where both nodes know 100,000
# subnets besides the real ones, half IPv4 (10.x.y.0/24 via 10.1.x.y) and
# half IPv6 (fd00:200:x::/64 via 2001:db8:2::x), measured with IPv6 pods
# (pnvxlan6) and IPv4 pods (pnvxlan) alike.
#
# 1. Set up, two at a time, all nineteen topologies.
# 2. Time adding 10,000 peers each of those ways, one after another, to a
#    node that knows only its real peer, with the kernel memory it takes:
#    in the first round to the nodes of the topologies with 10,000 peers,
#    in later rounds to nodes of their own. Then, on dual-stack podnet
#    nodes of their own, 10,000 IPv6 subnets via IPv6 nodes, and the
#    100,000 mixed ones.
# 3. Run iperf3 pod to pod, client on CPU 0 and server on CPU 1 (when the
#    guest has two CPUs; make bench under TCG gives it one), in rounds
#    that measure every topology once, in a new random order each round:
#    TCP with 1 stream, UDP with 64-byte payloads (the rate is the
#    receiver's), and with 1 peer TCP with 8 streams too. A figure is the
#    best of its rounds.
#
# Raw results go to $OUT: records.jsonl, one JSON object per line, and
# iperf3's own JSON output under iperf/. bench/report.py reads them.
#
# Environment: OUT (default /tmp/out), QUICK=1 (see below),
# DURATION (seconds per iperf3 run), ROUNDS (rounds of each measurement).

source "$(dirname "$0")/../selftests/lib.sh"

set -u

OUT=${OUT:-/tmp/out}
QUICK=${QUICK:-0}
# QUICK: one round of 1 s runs, and 1,000 peers where a full run has
# 1,000 and 10,000 (10,000 mixed subnets for 100,000): a tenth of the
# peers is most of the time saved.
if [ "$QUICK" = 1 ]; then
	DURATION=${DURATION:-1}
	ROUNDS=${ROUNDS:-1}
	MANY=1000
	SOME=
	MIXED=10000
else
	DURATION=${DURATION:-3}
	ROUNDS=${ROUNDS:-3}
	MANY=10000
	SOME=1000
	MIXED=100000
fi
# On two CPUs or more, iperf3's client on CPU 0 and its server on CPU 1
# (see iperf below); on one, they share it.
PIN=()
[ "$(nproc)" -ge 2 ] && PIN=(-A "0,1")
ENCAPS="plain flannel pnvxlan calico pnipip"
ENCAPS6="plain6 flannel6 pnvxlan6"
ENCAPSD="flanneldr pndirect"
# Each way of adding peers: the data path, and how. The last two add to
# dual-stack nodes of their own in every round: IPv6 subnets via IPv6
# nodes, and the mixed table.
WAYS=("flannel flannel" "calico calico" "pnvxlan batch" "pnvxlan sync"
      "pnipip batch" "pnipip sync" "pnvxlan6 batch6" "pnvxlan6 mixed")
# The IPv6 topologies' namespaces have IPv6 (see main).
V6_SYSCTLS="net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0"
WORK=$(mktemp -d)
RECORDS=$OUT/records.jsonl

# The first pod of each data path with each number of peers, by
# "ENCAP-PEERS".
declare -A POD1

log() { printf 'bench: %4ds %s\n' "$SECONDS" "$*"; }

record() { printf '%s\n' "$1" >>"$RECORDS"; }

# node ENCAP I PEER...: node I reaching nodes PEER... through ENCAP.
node()
{
	local encap=$1 i=$2 j n

	shift 2
	case $encap in
	plain)
		pn_node "$i" || return 1
		n=$(eval echo "\$N$i")
		for j in "$@"; do
			ip -n "$n" route add "10.244.$j.0/24" via "192.168.0.$j" ||
				return 1
		done
		;;
	flannel)
		pn_flannel_node "$i" "$(pn_mac "$i")" "$@"
		;;
	pnvxlan)
		pn_podnet_node "$i" || return 1
		n=$(eval echo "\$N$i")
		ip -n "$n" route add 10.244.0.0/16 via 169.254.1.1 dev pn0 onlink &&
			pn_podnet_peers "$i" "$@"
		;;
	calico)
		pn_calico_node "$i" "$@"
		;;
	flanneldr)
		pn_flannel_node "$i" "$(pn_mac "$i")" || return 1
		n=$(eval echo "\$N$i")
		for j in "$@"; do
			ip -n "$n" route add "10.244.$j.0/24" via "192.168.0.$j" \
				dev e0 || return 1
		done
		;;
	pndirect)
		node pnvxlan "$i" "$@" || return 1
		n=$(eval echo "\$N$i")
		ns_exec "$n" "$PODNET" link set pn0 direct on
		;;
	macvlan)
		pn_node "$i" || return 1
		n=$(eval echo "\$N$i")
		ip -n "$n" link add mv0 link e0 type macvlan mode bridge &&
			ip -n "$n" link set mv0 up || return 1
		for j in "$@"; do
			ip -n "$n" route add "10.244.$j.0/24" \
				via "192.168.0.$j" dev mv0 onlink || return 1
		done
		;;
	pnipip)
		pn_ipip_node "$i" && pn_podnet_peers "$i" "$@"
		;;
	plain6)
		pn_node6 "$i" || return 1
		n=$(eval echo "\$N$i")
		for j in "$@"; do
			ip -n "$n" route add "10.244.$j.0/24" via "192.168.0.$j" &&
			ip -n "$n" -6 route add "fd00:10:244:$j::/64" \
				via "$(pn_addr6 "$j")" || return 1
		done
		;;
	flannel6)
		pn_flannel_node6 "$i" "$(pn_mac "$i")" "$(pn_mac "$i")" "$@"
		;;
	pnvxlan6)
		pn_podnet_node6 "$i" && pn_podnet_peers "$i" "$@" || return 1
		n=$(eval echo "\$N$i")
		for j in "$@"; do
			ns_exec "$n" "$PODNET" subnet add "fd00:10:244:$j::/64" \
				via "$(pn_addr6 "$j")" dev pn0 || return 1
		done
		;;
	esac
}

# The address of pod 2 that the iperf3 runs of ENCAP go to.
pod2()
{
	case $1 in
	*6) echo fd00:10:244:2::2 ;;
	*) echo 10.244.2.2 ;;
	esac
}

# Peer k (1 <= k <= MANY) has the subnet 10.<100 + k / 256>.<k % 256>.0/24
# on the node 10.1.<k / 200>.<k % 200 + 1>, which does not exist, with the
# VTEP MAC podnet derives from that address. IPv6 peer k has
# fd00:100:<k>::/64 on 2001:db8:1::<k> (in hex). One file per way of
# adding peers; the first N lines add the first N peers (2N lines of
# flannel.ip, a route and a neighbour each). The mixed table alternates
# the families: IPv4 subnet k is 10.<10 + k / 256>.<k % 256>.0/24 on
# 10.1.<k / 200>.<k % 200 + 1>, IPv6 subnet k fd00:200:<k>::/64 on
# 2001:db8:2::<k>, so that its first N lines are half of each.
make_peer_files()
{
	awk -v n=$((MIXED / 2)) -v d="$WORK" 'BEGIN {
		for (k = 1; k <= n; k++) {
			printf "subnet add 10.%d.%d.0/24 via 10.1.%d.%d dev pn0\n", 10 + int(k / 256), k % 256, int(k / 200), k % 200 + 1 >d "/mixed.batch"
			printf "subnet add fd00:200:%x::/64 via 2001:db8:2::%x dev pn0\n", k, k >d "/mixed.batch"
		}
	}'
	awk -v n=$MANY -v d="$WORK" 'BEGIN {
		for (k = 1; k <= n; k++) {
			net = sprintf("10.%d.%d", 100 + int(k / 256), k % 256)
			c = int(k / 200)
			h = k % 200 + 1
			node = sprintf("10.1.%d.%d", c, h)
			mac = sprintf("0a:58:0a:01:%02x:%02x", c, h)
			printf "route add %s.0/24 via %s.0 dev flannel.1 onlink\n", net, net >d "/flannel.ip"
			printf "neigh add %s.0 lladdr %s dev flannel.1 nud permanent\n", net, mac >d "/flannel.ip"
			printf "fdb append %s dev flannel.1 dst %s\n", mac, node >d "/flannel.fdb"
			printf "route add %s.0/24 via %s dev tunl0 onlink\n", net, node >d "/calico.ip"
			printf "subnet add %s.0/24 via %s dev pn0\n", net, node >d "/podnet.batch"
			printf "%s.0/24 via %s\n", net, node >d "/podnet.sync"
			printf "subnet add fd00:100:%x::/64 via 2001:db8:1::%x dev pn0\n", k, k >d "/podnet6.batch"
		}
	}'
}

# peer_files DIR ENCAP HOW COUNT J: into DIR, the files that add the first
# COUNT peers to a node whose real peer is node J. A sync file lists the
# real peer too, or sync would remove it.
peer_files()
{
	local d=$1 encap=$2 how=$3 count=$4 j=$5

	case $how in
	flannel)
		head -n $((2 * count)) "$WORK/flannel.ip" >"$d/ip"
		head -n "$count" "$WORK/flannel.fdb" >"$d/fdb"
		;;
	calico)
		head -n "$count" "$WORK/calico.ip" >"$d/ip"
		;;
	batch)
		head -n "$count" "$WORK/podnet.batch" >"$d/pn"
		;;
	batch6)
		head -n "$count" "$WORK/podnet6.batch" >"$d/pn"
		;;
	mixed)
		head -n "$count" "$WORK/mixed.batch" >"$d/pn"
		;;
	sync)
		{
			echo "10.244.$j.0/24 via 192.168.0.$j"
			head -n "$count" "$WORK/podnet.sync"
		} >"$d/pn"
		;;
	esac
}

# add_peers DIR HOW NS: add to node NS the peers of DIR's files.
add_peers()
{
	local d=$1 how=$2 ns=$3

	case $how in
	flannel)
		ip -n "$ns" -batch "$d/ip" &&
			ns_exec "$ns" bridge -batch "$d/fdb"
		;;
	calico)
		ip -n "$ns" -batch "$d/ip"
		;;
	batch | batch6 | mixed)
		ns_exec "$ns" "$PODNET" -batch "$d/pn"
		;;
	sync)
		ns_exec "$ns" "$PODNET" subnet sync dev pn0 "$d/pn"
		;;
	esac
}

# peers ENCAP HOW NS J COUNT: node NS, whose real peer is node J, gets
# COUNT more.
peers()
{
	local d rc

	d=$(mktemp -d -p "$WORK") || return 1
	peer_files "$d" "$1" "$2" "$5" "$4" &&
		add_peers "$d" "$2" "$3" >/dev/null
	rc=$?
	rm -rf "$d"
	return $rc
}

# Kernel memory in kB as JSON members: unreclaimable slab and per-CPU
# memory, which hold routes, neighbours, FDB entries and subnets, and
# vmalloc. Reclaimable slab (dentries, inodes) moves with every program the
# shell starts; it is left out.
kmem()
{
	awk '/^(SUnreclaim|Percpu|VmallocUsed):/ {
		printf "%s\"%s\":%d", (n++ ? "," : ""), substr($1, 1, length($1) - 1), $2
	}' /proc/meminfo
}

slab_bytes()
{
	awk 'NR > 2 { print $1, $2 * $4 }' /proc/slabinfo
}

# The five slab caches that grew most between two slab_bytes snapshots, as
# JSON [name, bytes] pairs.
slab_growth()
{
	awk 'NR == FNR { b[$1] = $2; next } $2 > b[$1] { print $2 - b[$1], $1 }' \
		"$1" "$2" | sort -rn | head -n 5 |
		awk '{ printf "%s[\"%s\",%d]", (NR > 1 ? "," : ""), $2, $1 }'
}

# grow ENCAP HOW NS J ROUND: node NS, which knows only its real peer J, gets
# MANY more by HOW (MIXED for the mixed table), timed, with the kernel
# memory that takes.
grow()
{
	local encap=$1 how=$2 ns=$3 j=$4 round=$5 count=$MANY d t0 t1 m0 m1 rc

	[ "$how" = mixed ] && count=$MIXED
	d=$(mktemp -d -p "$WORK") || return 1
	peer_files "$d" "$encap" "$how" "$count" "$j"
	sleep 1
	slab_bytes >"$d/slab0"
	m0=$(kmem)
	t0=$EPOCHREALTIME
	add_peers "$d" "$how" "$ns" >/dev/null
	rc=$?
	t1=$EPOCHREALTIME
	sleep 1
	m1=$(kmem)
	slab_bytes >"$d/slab1"
	log "$encap: $count peers by $how, round $round: exit $rc, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
	record "{\"type\":\"program\",\"encap\":\"$encap\",\"method\":\"$how\",\"round\":$round,\"peers\":$count,\"rc\":$rc,\"start\":$t0,\"end\":$t1,\"kmem_kb_before\":{$m0},\"kmem_kb_after\":{$m1},\"slab_growth\":[$(slab_growth "$d/slab0" "$d/slab1")]}"
	rm -rf "$d"
	return $rc
}

# topology ENCAP PEERS: nodes 1 and 2 through ENCAP, an iperf3 server in
# pod 2, and with PEERS above 1 that many more peers on each node, except
# those that grow times later: with MANY peers, node 1 (and node 2 of
# podnet, which grows by sync). Run in the background, it leaves its
# namespaces in $WORK/topo/ENCAP-PEERS.ns, and node 1, node 2 and pod 1 in
# $WORK/topo/ENCAP-PEERS.
topology()
{
	local encap=$1 count=$2 key=$1-$2 how=$1 bind=(-B 10.244.2.2) rc
	local PN_NS_SYSCTLS=''

	[ "${encap#pn}" != "$encap" ] && how="batch"
	# An IPv6 topology's server listens on both families: the mixed
	# table's carries IPv4 pods too.
	[ "${encap%6}" != "$encap" ] && PN_NS_SYSCTLS=$V6_SYSCTLS bind=()
	pn_underlay && node "$encap" 1 2 && node "$encap" 2 1 &&
	if [ "$count" = "$MIXED" ]; then
		peers "$encap" mixed "$N1" 2 "$count" &&
			peers "$encap" mixed "$N2" 1 "$count"
	elif [ "$count" = "$SOME" ]; then
		peers "$encap" "$how" "$N1" 2 "$count" &&
			peers "$encap" "${how/batch/sync}" "$N2" 1 "$count"
	elif [ "$count" = "$MANY" ] && [ "$how" != batch ]; then
		peers "$encap" "$how" "$N2" 1 "$count"
	fi &&
	ns_exec "$P2" iperf3 -s -D "${bind[@]}" \
		--pidfile "$WORK/iperf3-$key.pid" &&
	ping_ok "$P1" "$(pod2 "$encap")" &&
	if [ "$count" = "$MIXED" ]; then
		ping_ok "$P1" "$(pod2 pnvxlan)"
	fi
	rc=$?
	echo "${NS_LIST[*]}" >"$WORK/topo/$key.ns"
	[ $rc = 0 ] && echo "$N1 $N2 $P1" >"$WORK/topo/$key"
}

# The topologies set up: "ENCAP PEERS" each, every data path with 1 peer
# and, but for no encapsulation, with MANY and SOME; the IPv6 ones with 1,
# and podnet's with the MIXED table.
topologies()
{
	local peers encap

	for peers in 1 $MANY $SOME; do
		for encap in $ENCAPS; do
			[ "$peers" = 1 ] || [ "$encap" != plain ] || continue
			echo "$encap $peers"
		done
	done
	for encap in $ENCAPS6 $ENCAPSD; do
		echo "$encap 1"
	done
	echo "pnvxlan6 $MIXED"
}

# ping_ok POD ADDR: packets from POD get through to ADDR, within three
# tries (an IPv6 node's pn0 may still be checking its link-local address).
ping_ok()
{
	local i

	for i in 1 2 3; do
		ns_exec "$1" ping -c 3 -i 0.2 -W 2 -q "$2" >/dev/null && return 0
		sleep 1
	done
	return 1
}

# scratch ENCAP HOW ROUND: a node of its own for a round of grow.
scratch()
{
	local key=$1-$2-$3 PN_NS_SYSCTLS='' rc

	[ "${1%6}" != "$1" ] && PN_NS_SYSCTLS=$V6_SYSCTLS
	pn_underlay && node "$1" 1 2
	rc=$?
	echo "${NS_LIST[*]}" >"$WORK/topo/$key.ns"
	[ $rc = 0 ] && echo "$N1" >"$WORK/topo/$key"
}

# background FUNCTION ARG...: run two at a time: setting up is mostly
# waiting for ip(8) to start, and the guest has two CPUs.
RUNNING=0
background()
{
	"$@" &
	RUNNING=$((RUNNING + 1))
	if [ $RUNNING -ge 2 ]; then
		wait -n
		RUNNING=$((RUNNING - 1))
	fi
}

# 1. Every topology, and the nodes of their own that the rounds of grow
# after the first need. Their namespaces are removed on exit.
setup()
{
	local encap peers way round f names

	mkdir -p "$WORK/topo"
	while read -r encap peers; do
		log "$encap with $peers peers: setting up"
		background topology "$encap" "$peers"
	done < <(topologies)
	for round in $(seq "$ROUNDS"); do
		for way in "${WAYS[@]}"; do
			# The first round of a way with a topology of MANY peers
			# grows that.
			[ "$round" = 1 ] && [ "${way%6 *}" = "$way" ] && continue
			# shellcheck disable=SC2086
			background scratch $way "$round"
		done
	done
	wait
	for f in "$WORK"/topo/*.ns; do
		read -r -a names <"$f" && NS_LIST+=("${names[@]}")
	done
}

# 2. MANY peers each way, timed, in ROUNDS rounds.
programming()
{
	local encap how way round n1 n2 p1

	for round in $(seq "$ROUNDS"); do
		for way in "${WAYS[@]}"; do
			read -r encap how <<<"$way"
			if [ "$round" = 1 ] && [ "${encap%6}" = "$encap" ]; then
				read -r n1 n2 p1 <"$WORK/topo/$encap-$MANY" ||
					continue
				if [ "$how" = sync ]; then
					grow "$encap" "$how" "$n2" 1 1
				else
					grow "$encap" "$how" "$n1" 2 1
				fi || rm -f "$WORK/topo/$encap-$MANY"
			else
				read -r n1 <"$WORK/topo/$encap-$how-$round" &&
					grow "$encap" "$how" "$n1" 2 "$round"
			fi
		done
	done
}

# iperf KEY TEST ROUND: one iperf3 run from pod 1 to pod 2 of KEY, a data
# path with a number of peers. The client runs on CPU 0, where the whole
# data path runs too (veth hands packets on in the sender's softirq), the
# server on CPU 1: left to the scheduler, the same run varied fourfold
# with where it put them.
iperf()
{
	local key=$1 test=$2 round=$3 file args=()

	file=iperf/$key-$test-$round.json
	case $test in
	tcp8) args=(-P 8) ;;
	udp64) args=(-u -l 64 -b 0) ;;
	esac
	log "round $round/$ROUNDS: $key $test"
	ns_exec "${POD1[$key]}" timeout $((DURATION + 30)) iperf3 \
		-c "$(pod2 "${key%-*}")" "${PIN[@]}" -t "$DURATION" -J "${args[@]}" \
		</dev/null >"$OUT/$file" 2>&1
	record "{\"type\":\"iperf\",\"encap\":\"${key%-*}\",\"peers\":${key##*-},\"test\":\"$test\",\"round\":$round,\"rc\":$?,\"file\":\"$file\"}"
}

# 3. ROUNDS rounds, each of every test on every topology that is up, in a
# new random order.
rounds()
{
	local round key test encap peers n1 n2 p1

	while read -r encap peers; do
		key=$encap-$peers
		if read -r n1 n2 p1 <"$WORK/topo/$key" 2>/dev/null; then
			POD1[$key]=$p1
		else
			log "$key: cannot set up; left out"
		fi
	done < <(topologies)
	# The mixed table carries IPv4 pods as well.
	[ -n "${POD1[pnvxlan6-$MIXED]:-}" ] &&
		POD1[pnvxlan-$MIXED]=${POD1[pnvxlan6-$MIXED]}
	for round in $(seq "$ROUNDS"); do
		for key in "${!POD1[@]}"; do
			echo "$key tcp1"
			echo "$key udp64"
			[ "${key##*-}" = 1 ] && echo "$key tcp8"
		done | shuf >"$WORK/order"
		while read -r key test; do
			iperf "$key" "$test" "$round"
		done <"$WORK/order"
	done
}

stop()
{
	local f

	for f in "$WORK"/iperf3-*.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	cleanup_all_ns
	rm -rf "$WORK"
}

env_record()
{
	local cpu

	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo |
		tr -d '"\\')
	record "{\"type\":\"env\",\"mixed\":$MIXED,\"kernel\":\"$(uname -r)\",\"cpu\":\"$cpu\",\"cpus\":$(nproc),\"mem_kb\":$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo),\"iperf3\":\"$(iperf3 --version | awk 'NR == 1 { print $2 }')\",\"duration\":$DURATION,\"rounds\":$ROUNDS,\"quick\":$QUICK,\"many\":$MANY,\"some\":${SOME:-0}}"
}

main()
{
	local encap peers failed

	trap stop EXIT
	rm -rf "$RECORDS" "$OUT/iperf"
	mkdir -p "$OUT/iperf"
	env_record
	make_peer_files
	# IPv6 autoconfiguration on every new device would be work and
	# traffic that measures nothing: new namespaces have no IPv6, but for
	# those of the IPv6 topologies (V6_SYSCTLS), whose addresses are
	# given without duplicate address detection.
	sysctl -qw net.core.devconf_inherit_init_net=1 \
		net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	modprobe ipip

	setup
	programming
	rounds
	log "done"
	# A figure missing from the report is a failure, not a quiet "n/a".
	failed=
	while read -r encap peers; do
		[ -f "$WORK/topo/$encap-$peers" ] || failed="$failed $encap-$peers"
	done < <(topologies)
	if [ -n "$failed" ]; then
		log "could not set up or measure:$failed"
		return 1
	fi
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
