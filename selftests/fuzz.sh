#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Netlink fuzzing: while a pod flood-pings another through podnet,
# selftests/nlfuzz.py sends FUZZ_COUNT (default 50000) requests, valid and
# malformed, to the podnet family on node 1 and, in a sandbox namespace,
# mutated podnet requests and RTM_NEWLINK/RTM_SETLINK with a fuzzed
# IFLA_INFO_DATA. Every request is answered as it must be, the tables end
# as the valid requests left them, what the fuzzer created is gone, the
# pings kept flowing, and the same SEED sends the same messages.
#
# SEED=n replays a run; the seed is printed first.

source "$(dirname "$0")/lib.sh"

FUZZ_COUNT=${FUZZ_COUNT:-50000}
SEED=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
TMP=$(mktemp -d)
PING_PID=

stop_ping()
{
	[ -n "$PING_PID" ] || return 0
	touch "$TMP/stop"
	wait "$PING_PID"
	PING_PID=
}

trap 'stop_ping; cleanup_all_ns; rm -rf "$TMP"' EXIT

# Nodes 1 and 2 with a pod each, joined by podnet; on node 1 a second,
# idle device pn1; the sandbox $SB with podnet devices sb0 (up, on an
# underlay) and sb1.
setup()
{
	pn_underlay && pn_podnet_node 1 && pn_podnet_node 2 || return 1
	ns_exec "$N1" "$PODNET" subnet add 10.244.2.0/24 via 192.168.0.2 dev pn0 &&
	ns_exec "$N2" "$PODNET" subnet add 10.244.1.0/24 via 192.168.0.1 dev pn0 &&
	pn_flannel_route "$N1" pn0 2 "$(pn_mac 2)" &&
	pn_flannel_route "$N2" pn0 1 "$(pn_mac 1)" &&
	ns_exec "$N1" "$PODNET" link add pn1 vni 2 || return 1
	sandbox SB
}

# sandbox VAR: a namespace for the fuzzer's sandbox, in the variable VAR.
sandbox()
{
	local ns

	setup_ns "$1" || return 1
	ns=${!1}
	ip -n "$ns" link add ul0 type veth peer name ul1 &&
	ip -n "$ns" addr add 192.0.2.1/24 dev ul0 &&
	ip -n "$ns" link set ul0 up &&
	ns_exec "$ns" "$PODNET" link add sb0 local 192.0.2.1 dev ul0 &&
	ns_exec "$ns" "$PODNET" link add sb1 vni 7 port 4789 &&
	ip -n "$ns" link set sb0 up
}

# Flood pings from pod 1 to pod 2 in rounds of 500 until told to stop, a
# line of ping's statistics per round in $TMP/ping.
start_ping()
{
	rm -f "$TMP/stop" "$TMP/ping"
	(
		while [ ! -e "$TMP/stop" ]; do
			ns_exec "$P1" ping -f -c 500 -w 60 -q 10.244.2.2 |
				grep 'packets transmitted'
		done >"$TMP/ping"
	) &
	PING_PID=$!
}

# drops: where packets were lost since the setup, one line per namespace
# of the pinging path: the links' nonzero drop and error counters, pn0's
# nonzero podnet counters and the stack's nonzero drop and error counters.
drops()
{
	local ns name out

	for name in P1 N1 N2 P2; do
		ns=${!name}
		out=$({
			ip -n "$ns" -s -j link show |
				python3 -c '
import json, sys
for link in json.load(sys.stdin):
    for way in ("rx", "tx"):
        for k, v in link.get("stats64", {}).get(way, {}).items():
            if v and k not in ("bytes", "packets", "multicast"):
                print("%s.%s_%s %d" % (link["ifname"], way, k, v))'
			ns_exec "$ns" ethtool -S pn0 2>/dev/null |
				awk '$2 ~ /^[0-9]+$/ && $2 > 0 && $1 !~ /(packets|bytes):$/ { sub(":", "", $1); print "pn0." $1, $2 }'
			ns_exec "$ns" nstat -as 2>/dev/null |
				awk '$2 > 0 && $1 ~ /Drop|Err|Fail|Overflow|NoRoute|Discard|Prune/ { print $1, $2 }'
		} | tr '\n' ' ')
		echo "    $name drops: ${out:-none}"
	done
}

# same_json FILE FILE: the same JSON value in both, else the difference.
same_json()
{
	python3 - "$1" "$2" <<'PY'
import json
import sys

a, b = (json.load(open(f)) for f in sys.argv[1:])
if a != b:
    print(f"{len(a)} entries, expected {len(b)}; unexpected: "
          f"{[x for x in a if x not in b][:3]}; missing: "
          f"{[x for x in b if x not in a][:3]}")
    sys.exit(1)
PY
}

test_fuzz()
{
	local devs rc out dev rounds sent worst

	devs=$(pn_count_devs)
	start_ping
	SEED=$SEED ns_exec "$N1" python3 "$SELFTESTS/nlfuzz.py" --dev pn0 \
		--dev pn1 --sandbox "$SB" --count "$FUZZ_COUNT" \
		--model-dir "$TMP" >"$TMP/fuzz.log" 2>&1
	rc=$?
	stop_ping
	sed 's/^/    /' "$TMP/fuzz.log"
	check_err $rc "nlfuzz failed (SEED=$SEED replays it)"
	log_test "fuzz: $FUZZ_COUNT requests, each answered as it must be"

	for dev in pn0 pn1; do
		if [ ! -s "$TMP/$dev.json" ]; then
			check_err 1 "no model of $dev: the fuzzer did not finish"
			continue
		fi
		out=$(ns_exec "$N1" "$PODNET" -j subnet show dev $dev >"$TMP/$dev.shown" &&
		      same_json "$TMP/$dev.shown" "$TMP/$dev.json" 2>&1)
		check_err $? "podnet subnet show dev $dev is not the model: $out"
	done
	log_test "fuzz: the tables hold what the valid requests left, no more"

	[ "$(pn_count_devs)" -eq "$devs" ]
	check_err $? "$(pn_count_devs) podnet devices, $devs before the fuzzer"
	log_test "fuzz: the devices fuzzed RTM_NEWLINK created are gone"

	read -r rounds sent worst < <(awk '{ n++; s += $1; if ($1 - $4 > w) w = $1 - $4 }
					  END { print n + 0, s + 0, w + 0 }' "$TMP/ping")
	echo "    ping -f: $sent sent in $rounds rounds, at most $worst lost in one"
	drops
	[ "$rounds" -gt 0 ]
	check_err $? "no round of pings completed"
	[ "$worst" -le 10 ]
	check_err $? "a round of 500 pings lost $worst"
	ns_exec "$P1" ping -c 1 -W 2 -q 10.244.2.2 >/dev/null
	check_err $? "pod 1 no longer reaches pod 2"
	log_test "fuzz: pod to pod traffic flowed throughout"
}

# replay SEED OUT: a short run with SEED on a fresh setup, its output in
# OUT.
replay()
{
	local d s

	setup_ns RD && sandbox RS || return 1
	d=$RD s=$RS
	ip -n "$d" link add pn0 type podnet &&
	ip -n "$d" link add pn1 type podnet &&
	ns_exec "$d" "$PODNET" subnet add 10.244.2.0/24 via 192.168.0.2 dev pn0 &&
	SEED=$1 ns_exec "$d" python3 "$SELFTESTS/nlfuzz.py" --dev pn0 --dev pn1 \
		--sandbox "$s" --count 1000 >"$2" 2>&1
	ip netns del "$d"
	ip netns del "$s"
}

# digest OUT: the digest a run printed, or why there is none.
digest()
{
	sed -n 's/^digest //p' "$1" | grep . ||
		echo "none: $(grep -m1 -A1 FAIL "$1" || tail -n 2 "$1")"
}

test_replay()
{
	local a b c

	replay "$SEED" "$TMP/replay.a"
	replay "$SEED" "$TMP/replay.b"
	replay $((SEED + 1)) "$TMP/replay.c"
	a=$(digest "$TMP/replay.a")
	b=$(digest "$TMP/replay.b")
	c=$(digest "$TMP/replay.c")
	if [[ $a == none* || $c == none* ]]; then
		check_err 1 "a short run failed, so no digest: $a $c"
	else
		[ "$a" = "$b" ]
		check_err $? "SEED=$SEED sent different messages: digests $a and $b"
		[ "$c" != "$a" ]
		check_err $? "SEED=$((SEED + 1)) sent the same messages as SEED=$SEED"
	fi
	log_test "fuzz: the same SEED sends the same messages, another does not"
}

echo "seed $SEED (make check T=fuzz SEED=$SEED replays this run)"
setup || { echo "topology setup failed"; exit $ksft_fail; }
test_fuzz
test_replay
exit $EXIT_STATUS
