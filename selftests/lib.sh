#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the podnet selftests, in the manner of the kernel's
# tools/testing/selftests/net/lib.sh. A test sources this file, builds its
# topology with setup_ns, checks with check_err/check_fail, reports each
# case with log_test and exits with $EXIT_STATUS.

ksft_fail=1
ksft_skip=4

SELFTESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(dirname "$SELFTESTS")
PODNET_KO=${PODNET_KO:-$TOP/kmod/podnet.ko}
PODNET=${PODNET:-$TOP/userspace/podnet}

EXIT_STATUS=0
RET=0
RET_MSG=
NS_LIST=()
# Set by pn_routed_underlay: nodes sit on segments of their own.
PN_ROUTED=

# check_err STATUS MSG: note a failure when STATUS is not 0.
check_err()
{
	if [ "$RET" -eq 0 ] && [ "$1" -ne 0 ]; then
		RET=$1
		RET_MSG=$2
	fi
}

# check_fail STATUS MSG: note a failure when STATUS is 0.
check_fail()
{
	if [ "$RET" -eq 0 ] && [ "$1" -eq 0 ]; then
		RET=1
		RET_MSG=$2
	fi
}

# log_test NAME: report the checks since the last log_test as one case.
log_test()
{
	if [ "$RET" -ne 0 ]; then
		EXIT_STATUS=$ksft_fail
		printf "TEST: %-60s [FAIL]\n" "$1"
		[ -n "$RET_MSG" ] && printf "\t%s\n" "$RET_MSG"
	else
		printf "TEST: %-60s [ OK ]\n" "$1"
	fi
	RET=0
	RET_MSG=
}

# log_skip NAME REASON: a check this kernel cannot make, said so.
log_skip()
{
	printf "TEST: %-60s [SKIP]\n\t%s\n" "$1" "$2"
	RET=0
	RET_MSG=
}

# setup_ns VAR...: create one namespace per name, named uniquely, stored in
# the variable of that name, removed again on exit. PN_NS_SYSCTLS, if set,
# holds sysctl settings (name=value words) made in each before anything
# else.
setup_ns()
{
	local var ns

	for var in "$@"; do
		ns="$var-$(mktemp -u XXXXXX)"
		ip netns add "$ns" || return 1
		if [ -n "${PN_NS_SYSCTLS:-}" ]; then
			# shellcheck disable=SC2086 # one word per setting
			ip netns exec "$ns" sysctl -qw $PN_NS_SYSCTLS || return 1
		fi
		ip -n "$ns" link set lo up
		NS_LIST+=("$ns")
		eval "$var=$ns"
	done
}

cleanup_all_ns()
{
	local ns

	for ns in "${NS_LIST[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	NS_LIST=()
}

# The module, loaded from the build tree.
pn_loaded()
{
	[ -d /sys/module/podnet ]
}

# insmod does not resolve dependencies the way modprobe does.
pn_load()
{
	local dep

	pn_loaded && return 0
	for dep in $(modinfo -F depends "$PODNET_KO" | tr , ' '); do
		modprobe "$dep" || return 1
	done
	insmod "$PODNET_KO"
}

pn_unload()
{
	! pn_loaded || rmmod podnet
}

# pn_count_devs: how many podnet devices exist in all namespaces.
pn_count_devs()
{
	local n=0 ns

	for ns in "" $(ip netns list | cut -d' ' -f1); do
		n=$((n + $(ip ${ns:+-n "$ns"} -d -o link show type podnet 2>/dev/null |
			   wc -l)))
	done
	echo $n
}

# Exact text search with a readable failure: expect_match TEXT PATTERN MSG.
expect_match()
{
	if ! grep -qE -- "$2" <<<"$1"; then
		check_err 1 "$3: expected /$2/ in: $(head -c 300 <<<"$1")"
	fi
}

# A misspelt helper or a missing tool fails the test instead of passing
# unnoticed.
command_not_found_handle()
{
	echo "$1: command not found" >&2
	# shellcheck disable=SC2034 # the test's exit status
	EXIT_STATUS=$ksft_fail
	return 127
}

trap cleanup_all_ns EXIT

# pn_userspace_test: a test of the tool alone, which make check runs on the
# default kernel and, with USERSPACE_TESTS=1, on the others.
pn_userspace_test()
{
	[ "${USERSPACE_TESTS:-1}" != 0 ] && return 0
	echo "SKIP: a test of the tool alone (USERSPACE_TESTS=1 runs it on this kernel)"
	exit $ksft_skip
}

pn_load || { echo "cannot load $PODNET_KO"; exit $ksft_fail; }

# The cluster topology: an underlay namespace $UL with a bridge, nodes
# $N1, $N2, ... on it at 192.168.0.<i>/24 (interface e0), and behind node i
# a pod namespace $P<i> at 10.244.<i>.2/24 routed through 10.244.<i>.1.
# After pn_routed_underlay instead, node i is alone on segment i.

pn_underlay()
{
	setup_ns UL || return 1
	ip -n "$UL" link add br0 type bridge
	ip -n "$UL" link set br0 up
}

# pn_routed_underlay MTU: segments 1 and 2, bridges br1 and br2 in $UL,
# 192.168.<i>.0/24 with router $R<i> at 192.168.<i>.254, the two routers
# joined by a link of MTU MTU (192.168.12.0/24). Nodes made after this sit
# at 192.168.<i>.1 on segment i, all 1500 bytes, and route the underlay
# through their segment's router: the path between nodes 1 and 2 is two
# routers long and carries at most MTU bytes, and each router tells a
# sender so, with ICMP, in the direction it sends to the other. The same
# in IPv6: 2001:db8:<i>::/64, the router at 2001:db8:<i>::254, the link
# 2001:db8:12::/64 (pn_node6's nodes sit at 2001:db8:<i>::1).
pn_routed_underlay()
{
	local i r

	PN_ROUTED=1
	setup_ns UL R1 R2 || return 1
	ip link add w0 netns "$R1" mtu "$1" type veth peer name w0 \
		netns "$R2" mtu "$1"
	for i in 1 2; do
		r=$(eval echo "\$R$i")
		ip -n "$UL" link add "br$i" type bridge
		ip -n "$UL" link set "br$i" up
		ip link add r0 netns "$r" type veth peer name "r$i" netns "$UL"
		ip -n "$UL" link set "r$i" master "br$i" up
		ip -n "$r" addr add "192.168.$i.254/24" dev r0
		ip -n "$r" addr add "192.168.12.$i/24" dev w0
		ip -n "$r" link set r0 up
		ip -n "$r" link set w0 up
		ip -n "$r" route add "192.168.$((3 - i)).0/24" \
			via "192.168.12.$((3 - i))"
		ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
		ip -n "$r" addr add "2001:db8:$i::254/64" dev r0 nodad
		ip -n "$r" addr add "2001:db8:12::$i/64" dev w0 nodad
		ip -n "$r" route add "2001:db8:$((3 - i))::/64" \
			via "2001:db8:12::$((3 - i))"
		ip netns exec "$r" sysctl -qw net.ipv6.conf.all.forwarding=1
	done
}

# pn_far_underlay I...: the underlay of pn_underlay, whose segment
# 192.168.0.0/24 (2001:db8::/64) has a router $RT at .254 (::254), and
# behind it, for each far node I, a segment of its own (br<i>) where node I
# sits at 192.168.<i>.1 (2001:db8:<i>::1), the router at .254 (::254).
# Every node routes the rest of 192.168.0.0/16 (2001:db8::/32) through
# its segment's router: the nodes on br0 reach each other on-link, and
# the far ones through the router.
pn_far_underlay()
{
	local i

	pn_underlay && setup_ns RT || return 1
	PN_FAR=" $* "
	ip link add r0 netns "$RT" type veth peer name r0 netns "$UL"
	ip -n "$UL" link set r0 master br0 up
	ip -n "$RT" addr add 192.168.0.254/24 dev r0
	ip -n "$RT" addr add 2001:db8::254/64 dev r0 nodad
	ip -n "$RT" link set r0 up
	for i in "$@"; do
		ip -n "$UL" link add "br$i" type bridge
		ip -n "$UL" link set "br$i" up
		ip link add "r$i" netns "$RT" type veth peer name "r$i" \
			netns "$UL"
		ip -n "$UL" link set "r$i" master "br$i" up
		ip -n "$RT" addr add "192.168.$i.254/24" dev "r$i"
		ip -n "$RT" addr add "2001:db8:$i::254/64" dev "r$i" nodad
		ip -n "$RT" link set "r$i" up
	done
	ip netns exec "$RT" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1
}

# pn_far I: whether node I sits behind pn_far_underlay's router.
pn_far()
{
	[[ ${PN_FAR:-} == *" $1 "* ]]
}

# pn_addr I: node I's underlay address.
pn_addr()
{
	if [ -n "$PN_ROUTED" ] || pn_far "$1"; then
		echo "192.168.$1.1"
	else
		echo "192.168.0.$1"
	fi
}

# pn_bare_node I: node I on the underlay, no pod and no overlay yet.
pn_bare_node()
{
	local i=$1 n

	setup_ns "N$i" || return 1
	n=$(eval echo "\$N$i")
	ip link add e0 netns "$n" type veth peer name "u$i" netns "$UL"
	ip -n "$n" addr add "$(pn_addr "$i")/24" dev e0
	ip -n "$n" link set e0 up
	if [ -n "$PN_ROUTED" ] || pn_far "$i"; then
		ip -n "$UL" link set "u$i" master "br$i" up
		ip -n "$n" route add 192.168.0.0/16 via "192.168.$i.254"
	else
		ip -n "$UL" link set "u$i" master br0 up
		[ -n "${PN_FAR:-}" ] &&
			ip -n "$n" route add 192.168.0.0/16 via 192.168.0.254
	fi
	ip netns exec "$n" sysctl -qw net.ipv4.ip_forward=1
}

# pn_stranger CIDR: a namespace $R on the underlay bridge at CIDR (no
# duplicate address detection for IPv6), a host that is no node.
pn_stranger()
{
	local nodad=()

	[[ $1 == *:* ]] && nodad=(nodad)
	setup_ns R || return 1
	ip link add e0 netns "$R" type veth peer name u9 netns "$UL"
	ip -n "$UL" link set u9 master br0 up
	ip -n "$R" addr add "$1" dev e0 "${nodad[@]}"
	ip -n "$R" link set e0 up
}

# pn_node I: node I and its pod, no overlay yet.
pn_node()
{
	local i=$1 n p

	pn_bare_node "$i" && setup_ns "P$i" || return 1
	n=$(eval echo "\$N$i")
	p=$(eval echo "\$P$i")
	ip link add eth0 netns "$p" type veth peer name pod netns "$n"
	ip -n "$n" addr add "10.244.$i.1/24" dev pod
	ip -n "$n" link set pod up
	ip -n "$p" addr add "10.244.$i.2/24" dev eth0
	ip -n "$p" link set eth0 up
	ip -n "$p" route add default via "10.244.$i.1"
}

# pn_addr6 I: node I's IPv6 underlay address.
pn_addr6()
{
	if [ -n "$PN_ROUTED" ] || pn_far "$1"; then
		echo "2001:db8:$1::1"
	else
		echo "2001:db8::$1"
	fi
}

# pn_have_tunnel6: whether this kernel has tunnel6, which podnet needs
# for ipip over IPv6 (tested by ip6_tunnel, which needs it too).
pn_have_tunnel6()
{
	modprobe ip6_tunnel 2>/dev/null || [ -d /sys/module/ip6_tunnel ]
}

# pn_pod6 I: node I's pod gets fd00:10:244:I::2/64 beside its IPv4
# address, routed through fd00:10:244:I::1 on the node.
pn_pod6()
{
	local n p

	n=$(eval echo "\$N$1")
	p=$(eval echo "\$P$1")
	ip netns exec "$n" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$n" addr add "fd00:10:244:$1::1/64" dev pod nodad
	ip -n "$p" addr add "fd00:10:244:$1::2/64" dev eth0 nodad
	ip -n "$p" -6 route add default via "fd00:10:244:$1::1"
}

# pn_node6 I: node I as pn_node, with the IPv6 underlay address
# pn_addr6 I as well, and its pod in fd00:10:244:I::/64 too.
pn_node6()
{
	local n

	pn_node "$1" || return 1
	n=$(eval echo "\$N$1")
	ip -n "$n" addr add "$(pn_addr6 "$1")/64" dev e0 nodad
	if [ -n "$PN_ROUTED" ] || pn_far "$1"; then
		ip -n "$n" route add 2001:db8::/32 via "2001:db8:$1::254"
	elif [ -n "${PN_FAR:-}" ]; then
		ip -n "$n" route add 2001:db8::/32 via 2001:db8::254
	fi
	pn_pod6 "$1"
}

# Debian's CNI plugins, and where host-local keeps its leases.
CNI_BIN=/usr/lib/cni
PN_CNI_DIR=${PN_CNI_DIR:-/run/podnet-cni}

# pn_cni_conf I: the network configuration flannel's CNI plugin hands to
# the bridge plugin on node I: cni0, host-local over the node's subnet.
pn_cni_conf()
{
	cat <<-EOF
	{
		"cniVersion": "0.4.0",
		"name": "cbr0",
		"type": "bridge",
		"bridge": "cni0",
		"isDefaultGateway": true,
		"hairpinMode": true,
		"ipMasq": false,
		"mtu": 1450,
		"ipam": {
			"type": "host-local",
			"subnet": "10.244.$1.0/24",
			"dataDir": "$PN_CNI_DIR/ipam-$1",
			"routes": [ { "dst": "10.244.0.0/16" } ]
		}
	}
	EOF
}

# pn_cni NODE COMMAND PLUGIN POD IFNAME CONF: run a CNI plugin as a
# container runtime does, in the node's namespace for the pod namespace
# POD (bound in /run/netns), the configuration on stdin; prints its result.
pn_cni()
{
	echo "$6" | ip netns exec "$1" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		CNI_COMMAND="$2" CNI_CONTAINERID="$4" CNI_NETNS="/run/netns/$4" \
		CNI_IFNAME="$5" CNI_PATH="$CNI_BIN" "$CNI_BIN/$3"
}

PN_CNI_LO='{"cniVersion": "0.4.0", "name": "lo", "type": "loopback"}'

# pn_cni_pod I: a pod for node I as a runtime makes one (a namespace with
# nothing up), attached by the loopback and bridge plugins. Sets P<i>, and
# PN_CNI_RESULT to the bridge plugin's result.
pn_cni_pod()
{
	local i=$1 n p

	n=$(eval echo "\$N$i")
	p=pod$i-$(mktemp -u XXXXXX)
	ip netns add "$p" || return 1
	NS_LIST+=("$p")
	eval "P$i=$p"
	# shellcheck disable=SC2034 # for the caller
	pn_cni "$n" ADD loopback "$p" lo "$PN_CNI_LO" >/dev/null &&
	PN_CNI_RESULT=$(pn_cni "$n" ADD bridge "$p" eth0 "$(pn_cni_conf "$i")")
}

# pn_cni_del I: the runtime's DEL for node I's pod.
pn_cni_del()
{
	local i=$1 n p

	n=$(eval echo "\$N$i")
	p=$(eval echo "\$P$i")
	pn_cni "$n" DEL bridge "$p" eth0 "$(pn_cni_conf "$i")" &&
	pn_cni "$n" DEL loopback "$p" lo "$PN_CNI_LO"
}

# pn_podnet_node I: node I with podnet pn0, addressed as flannel addresses
# flannel.1 (10.244.<i>.0/32), so that traffic the node itself sends into
# the overlay has a source inside its own subnet.
pn_podnet_node()
{
	local i=$1 n

	pn_node "$i" || return 1
	n=$(eval echo "\$N$i")
	ip netns exec "$n" "$PODNET" link add pn0 local "$(pn_addr "$i")" dev e0 ||
		return 1
	ip -n "$n" addr add "10.244.$i.0/32" dev pn0
	ip -n "$n" link set pn0 up
}

# pn_flannel_route NS DEV J MAC: flannel's per-peer state for node J: a
# route via 10.244.J.0 onlink and a permanent neighbour entry.
pn_flannel_route()
{
	ip -n "$1" route add "10.244.$3.0/24" via "10.244.$3.0" dev "$2" onlink &&
	ip -n "$1" neigh add "10.244.$3.0" lladdr "$4" dev "$2" nud permanent
}

# pn_flannel_node I MAC PEER...: node I set up exactly as flanneld sets up
# the kernel vxlan driver (flannel.1 with its own MAC), with the per-peer
# route, permanent neighbour and FDB entry for each podnet PEER node.
pn_flannel_node()
{
	pn_node "$1" && pn_flannel4 "$@"
}

# pn_flannel4 I MAC PEER...: flannel.1 and its per-peer state, as in
# pn_flannel_node, on node I made already.
pn_flannel4()
{
	local i=$1 mac=$2 n j

	shift 2
	n=$(eval echo "\$N$i")
	ip -n "$n" link add flannel.1 address "$mac" type vxlan id 1 \
		local "$(pn_addr "$i")" dev e0 nolearning dstport 8472 || return 1
	ip -n "$n" addr add "10.244.$i.0/32" dev flannel.1
	ip -n "$n" link set flannel.1 mtu 1450 up
	for j in "$@"; do
		pn_flannel_route "$n" flannel.1 "$j" "$(pn_mac "$j")" &&
		ns_exec "$n" bridge fdb append "$(pn_mac "$j")" dev flannel.1 \
			dst "$(pn_addr "$j")" || return 1
	done
}

# pn_podnet_node6 I: node I with pn0 on both underlay families.
pn_podnet_node6()
{
	local i=$1 n

	pn_node6 "$i" || return 1
	n=$(eval echo "\$N$i")
	ns_exec "$n" "$PODNET" link add pn0 local "$(pn_addr "$i")" \
		local "$(pn_addr6 "$i")" dev e0 || return 1
	ip -n "$n" addr add "10.244.$i.0/32" dev pn0
	ip -n "$n" link set pn0 up
	ip -n "$n" route add 10.244.0.0/16 via 169.254.1.1 dev pn0 onlink
	ip -n "$n" -6 route add fd00:10:244::/48 via fe80::1 dev pn0
}

# pn_flannel_node6 I MAC4 MAC6 PEER...: node I as flanneld sets up a
# dual-stack node: flannel.1 and flannel-v6.1, each with its own MAC, and
# per PEER node J a route via J's subnet address onlink, a permanent
# neighbour and an FDB entry, to J's derived MAC.
pn_flannel_node6()
{
	local i=$1 mac4=$2 mac6=$3 n j

	shift 3
	pn_node6 "$i" && pn_flannel4 "$i" "$mac4" "$@" || return 1
	n=$(eval echo "\$N$i")
	ip -n "$n" link add flannel-v6.1 address "$mac6" type vxlan id 1 \
		local "$(pn_addr6 "$i")" dev e0 nolearning dstport 8472 || return 1
	ip -n "$n" addr add "fd00:10:244:$i::/128" dev flannel-v6.1 nodad
	ip -n "$n" link set flannel-v6.1 mtu 1430 up
	for j in "$@"; do
		ip -n "$n" -6 neigh add "fd00:10:244:$j::" lladdr "$(pn_mac "$j")" \
			dev flannel-v6.1 nud permanent &&
		ns_exec "$n" bridge fdb append "$(pn_mac "$j")" dev flannel-v6.1 \
			dst "$(pn_addr6 "$j")" &&
		ip -n "$n" -6 route add "fd00:10:244:$j::/64" \
			via "fd00:10:244:$j::" dev flannel-v6.1 onlink || return 1
	done
}

# pn_ipip_node I: node I with podnet pn0 in ipip mode, holding the node's
# tunnel address; one route covers the whole cluster.
pn_ipip_node()
{
	local i=$1 n

	pn_node "$i" || return 1
	n=$(eval echo "\$N$i")
	ns_exec "$n" "$PODNET" link add pn0 mode ipip local "$(pn_addr "$i")" \
		dev e0 || return 1
	ip -n "$n" addr add "10.244.$i.0/32" dev pn0
	ip -n "$n" link set pn0 up
	ip -n "$n" route add 10.244.0.0/16 dev pn0
}

# pn_podnet_peers I J...: node I's pn0 table names nodes J... as the owners
# of their subnets.
pn_podnet_peers()
{
	local i=$1 j n

	shift
	n=$(eval echo "\$N$i")
	for j in "$@"; do
		ns_exec "$n" "$PODNET" subnet add "10.244.$j.0/24" \
			via "$(pn_addr "$j")" dev pn0 || return 1
	done
}

# pn_calico_node I PEER...: node I set up as Calico sets up the kernel ipip
# module: tunl0 with the node's tunnel address, and a route per PEER's
# block via that node, onlink.
pn_calico_node()
{
	local i=$1 n j

	shift
	{ modprobe ipip 2>/dev/null || [ -d /sys/module/ipip ]; } || return 1
	pn_node "$i" || return 1
	n=$(eval echo "\$N$i")
	ip -n "$n" addr add "10.244.$i.0/32" dev tunl0
	ip -n "$n" link set tunl0 mtu 1480 up
	for j in "$@"; do
		pn_calico_route "$n" "$j" || return 1
	done
}

# pn_calico_route NS J: Calico's route to node J's block.
pn_calico_route()
{
	ip -n "$1" route add "10.244.$2.0/24" via "$(pn_addr "$2")" dev tunl0 onlink
}

# pn_pod_echos NS: the ICMP echo requests that reached NS's stack.
pn_pod_echos()
{
	ns_exec "$1" awk '/^Icmp:/ && !h {h = 1; for (i = 1; i <= NF; i++) if ($i == "InEchos") c = i; next}
			  /^Icmp:/ {print $c}' /proc/net/snmp
}

# pn_pod_echos6 NS: the ICMPv6 echo requests that reached NS's stack.
pn_pod_echos6()
{
	ns_exec "$1" awk '$1 == "Icmp6InEchos" { print $2 }' /proc/net/snmp6
}

# The derived VTEP MAC address of node I.
pn_mac()
{
	local IFS=.

	# shellcheck disable=SC2046,SC2183 # the four bytes of the address
	printf '0a:58:%02x:%02x:%02x:%02x\n' $(pn_addr "$1")
}

# pn_stat NS NAME: the podnet counter NAME of pn0 in NS.
pn_stat()
{
	ns_exec "$1" ethtool -S pn0 | awk -v k="$2:" '$1 == k { print $2 }'
}

# expect_stat NS NAME WANT: the podnet counter NAME of pn0 in NS is WANT.
expect_stat()
{
	local got

	got=$(pn_stat "$1" "$2")
	[ "$got" = "$3" ]
	check_err $? "$2: ${got:-none}, expected $3"
}

# pn_check_pmtu MTU LINK_ARGS...: with node 1's underlay at MTU 1400, a
# podnet device made with LINK_ARGS takes MTU from it. Then, with the
# underlay back at 1500 but the route to node 2 at 1400 (as if a router
# on the way had taught it), pn0, at 1500 less its overhead, refuses a DF
# packet from pod 1 that does not fit the path: the sender learns MTU,
# pmtu is counted, and smaller packets still cross.
pn_check_pmtu()
{
	local mtu=$1 out before

	shift
	ns_exec "$N1" ip link set e0 mtu 1400
	ns_exec "$N1" "$PODNET" link add pn9 "$@"
	expect_match "$(ns_exec "$N1" ip link show pn9)" "mtu $mtu " "MTU not derived from the underlay of the local address"
	ns_exec "$N1" "$PODNET" link del pn9
	ns_exec "$N1" ip link set e0 mtu 1500
	ns_exec "$N1" ip route add "$(pn_addr 2)" dev e0 mtu 1400

	before=$(pn_stat "$N1" pmtu)
	out=$(ns_exec "$P1" ping -c 1 -W 2 -M "do" -s 1400 10.244.2.2 2>&1)
	check_fail $? "a DF packet too big for the path got through"
	expect_match "$out" "Frag needed and DF set \(mtu = $mtu\)|mtu=$mtu|Message too long" "no PMTU signal to the sender"
	[ "$(pn_stat "$N1" pmtu)" -gt "$before" ]
	check_err $? "pmtu counter did not move"
	ns_exec "$P1" ping -c 2 -W 2 -s 1300 -q 10.244.2.2 >/dev/null
	check_err $? "packets below the path MTU fail"
	ns_exec "$N1" ip route del "$(pn_addr 2)" dev e0
}

# ns_exec NS CMD...: run in a namespace.
ns_exec()
{
	local ns=$1

	shift
	ip netns exec "$ns" "$@"
}

# wait_for_file FILE [TENTHS]: until FILE is non-empty.
wait_for_file()
{
	local i

	for ((i = 0; i < ${2:-50}; i++)); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
