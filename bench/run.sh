#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, inside the guest. One topology (two nodes on a bridged veth
# underlay, MTU 1500, a pod behind each), built once for each data path:
#
#   plain     plain routing between the nodes: the ceiling
#   flannel   the kernel's vxlan as flannel sets it up (pn_flannel_node)
#   pnvxlan   podnet in vxlan mode, one route via its gateway
#   calico    the kernel's ipip as Calico sets it up (pn_calico_node)
#   pnipip    podnet in ipip mode, one route
#
# All five exist at once. iperf3 runs pod to pod: TCP with 1 and with 8
# streams, and UDP with 64-byte payloads, every data path once a round, in
# a new random order each round; a figure is the best of its rounds.
#
# Then both nodes of each overlay get 10,000 more peers (nodes that do not
# exist, at 10.1.x.y), each control plane its own way, timed, with the
# kernel memory it takes: node 1 by flannel's routes, neighbours and FDB
# entries (ip -batch, bridge -batch), by Calico's routes, or by
# "podnet -batch"; node 2 the same, but podnet by "podnet subnet sync". The
# rounds are run again with 10,000 peers, and again after cutting them to
# 1,000; plain routing runs in these rounds too, as a control for how much
# the machine itself changed in between.
#
# Raw results go to $OUT: records.jsonl, one JSON object per line, and
# iperf3's own JSON output under iperf/. bench/report.py reads them.
#
# Environment: OUT (default /tmp/out), QUICK=1 (one round of 2 s runs),
# DURATION (seconds per iperf3 run), ROUNDS (runs of each figure).

source "$(dirname "$0")/../selftests/lib.sh"

set -u

OUT=${OUT:-/tmp/out}
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
	DURATION=${DURATION:-2}
	ROUNDS=${ROUNDS:-1}
else
	DURATION=${DURATION:-5}
	ROUNDS=${ROUNDS:-3}
fi
MANY=10000
SOME=1000
ENCAPS="plain flannel pnvxlan calico pnipip"
OVERLAYS="flannel pnvxlan calico pnipip"
WORK=$(mktemp -d)
RECORDS=$OUT/records.jsonl

# The namespaces of each data path's nodes and pods.
declare -A NODE1 NODE2 POD1

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
	pnipip)
		pn_ipip_node "$i" && pn_podnet_peers "$i" "$@"
		;;
	esac
}

# topology ENCAP: nodes 1 and 2 through ENCAP, an iperf3 server in pod 2.
topology()
{
	local encap=$1

	pn_underlay && node "$encap" 1 2 && node "$encap" 2 1 || return 1
	ns_exec "$P2" iperf3 -s -D -B 10.244.2.2 \
		--pidfile "$WORK/iperf3-$encap.pid" || return 1
	ns_exec "$P1" ping -c 3 -i 0.2 -W 2 -q 10.244.2.2 >/dev/null ||
		return 1
	NODE1[$encap]=$N1
	NODE2[$encap]=$N2
	POD1[$encap]=$P1
}

# Peer k (1 <= k <= MANY) has the subnet 10.<100 + k / 256>.<k % 256>.0/24
# on the node 10.1.<k / 200>.<k % 200 + 1>, which does not exist, with the
# VTEP MAC podnet derives from that address. One file per way of adding
# peers; the first N lines add the first N peers (2N lines of flannel.ip,
# a route and a neighbour each).
make_peer_files()
{
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
		}
	}'
}

# The files with which node I (peer J) gets the first COUNT peers: in
# $WORK/add.ip and add.fdb, or add.pn for podnet. A sync file lists the
# real peer too, or sync would remove it.
peer_files()
{
	local encap=$1 how=$2 count=$3 j=$4

	rm -f "$WORK"/add.*
	case $encap in
	flannel)
		head -n $((2 * count)) "$WORK/flannel.ip" >"$WORK/add.ip"
		head -n "$count" "$WORK/flannel.fdb" >"$WORK/add.fdb"
		;;
	calico)
		head -n "$count" "$WORK/calico.ip" >"$WORK/add.ip"
		;;
	*)
		if [ "$how" = sync ]; then
			{
				echo "10.244.$j.0/24 via 192.168.0.$j"
				head -n "$count" "$WORK/podnet.sync"
			} >"$WORK/add.pn"
		else
			head -n "$count" "$WORK/podnet.batch" >"$WORK/add.pn"
		fi
		;;
	esac
}

# add_peers ENCAP HOW NS: run what peer_files prepared, HOW being batch or
# sync for podnet.
add_peers()
{
	local encap=$1 how=$2 ns=$3

	case $encap in
	flannel)
		ip -n "$ns" -batch "$WORK/add.ip" &&
			ns_exec "$ns" bridge -batch "$WORK/add.fdb"
		;;
	calico)
		ip -n "$ns" -batch "$WORK/add.ip"
		;;
	*)
		if [ "$how" = sync ]; then
			ns_exec "$ns" "$PODNET" subnet sync dev pn0 "$WORK/add.pn"
		else
			ns_exec "$ns" "$PODNET" -batch "$WORK/add.pn"
		fi
		;;
	esac
}

# Kernel memory in kB: unreclaimable slab, per-CPU and vmalloc memory, which
# hold routes, neighbours, FDB entries and subnets. Reclaimable slab
# (dentries, inodes) moves with every program the shell starts; it is left
# out.
kmem()
{
	awk '/^(SUnreclaim|Percpu|VmallocUsed):/ { printf "\"%s\":%d,", $1, $2 }' \
		/proc/meminfo | sed 's/:"/"/g; s/,$//'
}

slab_bytes()
{
	awk 'NR > 2 { print $1, $2 * $4 }' /proc/slabinfo
}

# The five slab caches that grew most between two slab_bytes snapshots, as
# a JSON list of [name, bytes].
slab_growth()
{
	awk 'NR == FNR { b[$1] = $2; next } $2 > b[$1] { print $2 - b[$1], $1 }' \
		"$1" "$2" | sort -rn | head -n 5 |
		awk '{ printf "%s[\"%s\",%d]", (NR > 1 ? "," : ""), $2, $1 }'
}

# grow ENCAP NODE HOW J: node NODE (whose real peer is node J) gets MANY
# peers by HOW, timed, on a table that holds only its real peer; the
# kernel memory that took is recorded too.
grow()
{
	local encap=$1 ns=$2 how=$3 j=$4 t0 t1 m0 m1 rc

	peer_files "$encap" "$how" $MANY "$j"
	sleep 1
	slab_bytes >"$WORK/slab0"
	m0=$(kmem)
	t0=$EPOCHREALTIME
	add_peers "$encap" "$how" "$ns" >/dev/null
	rc=$?
	t1=$EPOCHREALTIME
	sleep 1
	m1=$(kmem)
	slab_bytes >"$WORK/slab1"
	log "$encap: $MANY peers by $how: exit $rc, $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"
	record "{\"type\":\"program\",\"encap\":\"$encap\",\"method\":\"$how\",\"peers\":$MANY,\"rc\":$rc,\"start\":$t0,\"end\":$t1,\"kmem_kb_before\":{$m0},\"kmem_kb_after\":{$m1},\"slab_growth\":[$(slab_growth "$WORK/slab0" "$WORK/slab1")]}"
	return $rc
}

# shrink ENCAP NODE J: from MANY peers down to the first SOME, and the real
# peer J.
shrink()
{
	local encap=$1 ns=$2 j=$3

	peer_files "$encap" sync $SOME "$j"
	case $encap in
	flannel)
		tail -n +$((SOME + 1)) "$WORK/flannel.fdb" |
			sed 's/^fdb append/fdb del/; s/ dst .*//' >"$WORK/del.fdb"
		ip -n "$ns" route flush dev flannel.1 &&
		ip -n "$ns" neigh flush dev flannel.1 nud permanent &&
		ns_exec "$ns" bridge -batch "$WORK/del.fdb" &&
		pn_flannel_route "$ns" flannel.1 "$j" "$(pn_mac "$j")" &&
		ip -n "$ns" -batch "$WORK/add.ip"
		;;
	calico)
		ip -n "$ns" route flush dev tunl0 &&
		pn_calico_route "$ns" "$j" &&
		ip -n "$ns" -batch "$WORK/add.ip"
		;;
	*)
		add_peers "$encap" sync "$ns"
		;;
	esac
}

# iperf ENCAP PEERS TEST ROUND: one iperf3 run from ENCAP's pod 1 to its
# pod 2.
iperf()
{
	local encap=$1 peers=$2 test=$3 round=$4 file args=()

	file=iperf/$encap-$peers-$test-$round.json
	case $test in
	tcp8) args=(-P 8) ;;
	udp64) args=(-u -l 64 -b 0) ;;
	esac
	log "$peers peers, round $round/$ROUNDS: $encap $test"
	ns_exec "${POD1[$encap]}" timeout $((DURATION + 30)) iperf3 \
		-c 10.244.2.2 -t "$DURATION" -J "${args[@]}" \
		</dev/null >"$OUT/$file" 2>&1
	record "{\"type\":\"iperf\",\"encap\":\"$encap\",\"peers\":$peers,\"test\":\"$test\",\"round\":$round,\"rc\":$?,\"file\":\"$file\"}"
}

# rounds PEERS TEST...: ROUNDS rounds of TESTS on every data path that is
# up, each round in a new random order.
rounds()
{
	local peers=$1 round encap test

	shift
	for round in $(seq "$ROUNDS"); do
		for encap in "${!POD1[@]}"; do
			for test in "$@"; do
				echo "$encap $test"
			done
		done | shuf >"$WORK/order"
		while read -r encap test; do
			iperf "$encap" "$peers" "$test" "$round"
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
	record "{\"type\":\"env\",\"kernel\":\"$(uname -r)\",\"cpu\":\"$cpu\",\"cpus\":$(nproc),\"mem_kb\":$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo),\"iperf3\":\"$(iperf3 --version | awk 'NR == 1 { print $2 }')\",\"duration\":$DURATION,\"rounds\":$ROUNDS,\"quick\":$QUICK,\"many\":$MANY,\"some\":$SOME}"
}

main()
{
	local encap how

	trap stop EXIT
	rm -rf "$RECORDS" "$OUT/iperf"
	mkdir -p "$OUT/iperf"
	env_record
	make_peer_files
	# podnet carries IPv4 only; IPv6 autoconfiguration on every new
	# device would be work and traffic that measures nothing.
	sysctl -qw net.core.devconf_inherit_init_net=1 \
		net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	modprobe ipip

	for encap in $ENCAPS; do
		log "$encap: setting up"
		topology "$encap" || log "$encap: cannot set up; left out"
	done
	rounds 1 tcp1 tcp8 udp64

	# Node 1 by the tool a control plane adds peers with; node 2 by the
	# same, or, for podnet, by the one that makes a table equal a list.
	for encap in $OVERLAYS; do
		[ -n "${POD1[$encap]:-}" ] || continue
		how=$encap
		[ "${encap#pn}" != "$encap" ] && how=batch
		if ! grow "$encap" "${NODE1[$encap]}" "$how" 2 ||
		   ! grow "$encap" "${NODE2[$encap]}" "${how/batch/sync}" 1; then
			log "$encap: cannot add peers; left out"
			unset "POD1[$encap]"
		fi
	done
	rounds $MANY tcp1 udp64

	for encap in $OVERLAYS; do
		[ -n "${POD1[$encap]:-}" ] || continue
		log "$encap: down to $SOME peers"
		if ! shrink "$encap" "${NODE1[$encap]}" 2 >/dev/null ||
		   ! shrink "$encap" "${NODE2[$encap]}" 1 >/dev/null; then
			log "$encap: cannot remove peers; left out"
			unset "POD1[$encap]"
		fi
	done
	rounds $SOME tcp1 udp64
	log "done"
}

[ "${BASH_SOURCE[0]}" = "$0" ] && main
