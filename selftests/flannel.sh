#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# flanneld programs podnet through its extension backend: the network
# configuration of Documentation/podnet.rst, read from there, its hooks run
# as flanneld runs them (selftests/flanneld-ext.py: words and no shell, as
# flanneld >= 0.28.2, and sh -c, as before) on a three-node cluster. The
# pods reach each other after start-up, after a restart, after a lease is
# removed and comes back, and after a node changes its public address.

source "$(dirname "$0")/lib.sh"
pn_userspace_test

TMP=$(mktemp -d)
trap 'cleanup_all_ns; rm -rf "$TMP"' EXIT
CONF=$TMP/net-conf.json
NETWORK=10.244.0.0/16

# The first literal block of the section "flannel's extension backend".
python3 - "$TOP/Documentation/podnet.rst" >"$CONF" <<'EOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
section = text.split("flannel's extension backend\n====", 1)[1]
lines = section.split("::\n\n", 1)[1].splitlines()
block = []
for line in lines:
    if line and not line.startswith("    "):
        break
    block.append(line)
conf = json.loads("\n".join(block))
print(json.dumps(conf))
EOF
if ! python3 -c 'import json, sys; json.load(open(sys.argv[1]))["Backend"]' "$CONF"; then
	echo "no flannel configuration in Documentation/podnet.rst"
	exit $ksft_fail
fi

# flannel MODE NODE HOOK [NAME=VALUE...]: run the hook on node NODE, with
# the tools of this checkout first on flanneld's PATH.
flannel()
{
	local mode=$1 n=$2 hook=$3 out

	shift 3
	n=$(eval echo "\$N$n")
	out=$(ip netns exec "$n" env PATH="$TOP/userspace:$PATH" \
		python3 "$TOP/selftests/flanneld-ext.py" "$mode" "$CONF" \
		"$hook" "$@" </dev/null 2>&1)
	check_err $? "$hook $* on $n: $out"
}

# start MODE I [PUBLIC_IP]: node I's flanneld has its lease.
start()
{
	flannel "$1" "$2" PostStartupCommand NETWORK=$NETWORK \
		SUBNET="10.244.$2.0/24" PUBLIC_IP="${3:-$(pn_addr "$2")}"
}

# lease MODE EVENT I J [PUBLIC_IP]: node I sees node J's lease come (add)
# or go (remove).
lease()
{
	local hook=SubnetAddCommand

	[ "$2" = remove ] && hook=SubnetRemoveCommand
	flannel "$1" "$3" $hook SUBNET="10.244.$4.0/24" \
		PUBLIC_IP="${5:-$(pn_addr "$4")}"
}

# reach FROM TO: pod FROM pings pod TO.
reach()
{
	local p

	p=$(eval echo "\$P$1")
	ip netns exec "$p" ping -c 2 -W 2 -i 0.2 "10.244.$2.2" >/dev/null
}

pods_meet()
{
	local i j

	for i in 1 2 3; do
		for j in 1 2 3; do
			[ "$i" = "$j" ] && continue
			reach "$i" "$j"
			check_err $? "pod $i cannot reach pod $j $1"
		done
	done
}

run_cluster()
{
	local mode=$1 i j

	pn_underlay
	for i in 1 2 3; do
		pn_node "$i"
	done
	for i in 1 2 3; do
		start "$mode" "$i"
	done
	for i in 1 2 3; do
		for j in 1 2 3; do
			[ "$i" = "$j" ] || lease "$mode" add "$i" "$j"
		done
	done
	pods_meet "after start-up"
	# What the node itself sends leaves from its subnet's first address.
	ip netns exec "$N1" ping -c 1 -W 2 10.244.2.2 >/dev/null
	check_err $? "node 1 cannot reach pod 2"
	expect_match "$(ip -n "$N1" route get 10.244.2.2)" " src 10\.244\.1\.0 " \
		"node 1 does not send from 10.244.1.0"

	# flanneld restarts: its hooks run again over what is there.
	start "$mode" 1
	lease "$mode" add 1 2
	lease "$mode" add 1 3
	pods_meet "after node 1's flanneld restarted"

	# Node 3's lease expires, then comes back.
	lease "$mode" remove 1 3
	lease "$mode" remove 2 3
	reach 1 3
	check_fail $? "pod 1 reaches pod 3 after its lease was removed"
	expect_match "$(ip netns exec "$N1" "$PODNET" subnet show dev pn0)" \
		"^10\.244\.2\.0/24 via 192\.168\.0\.2" "the removal took node 2's subnet too"
	reach 1 2
	check_err $? "pod 1 cannot reach pod 2 after node 3's lease went"
	lease "$mode" add 1 3
	lease "$mode" add 2 3
	pods_meet "after node 3's lease came back"

	# Node 2 is renumbered: its flanneld restarts with the new public
	# address, and the others see its lease again with that address.
	ip -n "$N2" addr del 192.168.0.2/24 dev e0
	ip -n "$N2" addr add 192.168.0.22/24 dev e0
	start "$mode" 2 192.168.0.22
	lease "$mode" add 1 2 192.168.0.22
	lease "$mode" add 3 2 192.168.0.22
	expect_match "$(ip netns exec "$N2" "$PODNET" link show pn0)" " local 192\.168\.0\.22 " \
		"node 2's device kept its old local address"
	pods_meet "after node 2 changed its public address"

	cleanup_all_ns
}

run_cluster exec
log_test "flannel extension backend, hooks run without a shell (flanneld >= 0.28.2)"
run_cluster sh
log_test "flannel extension backend, hooks run with sh -c (older flanneld)"
exit $EXIT_STATUS
