#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The podnet family driven by the kernel's own netlink tool: every
# operation through tools/net/ynl/cli.py (from linux-source-6.12) with
# Documentation/netlink/specs/podnet.yaml, each result checked against
# what the podnet tool shows, the events group through --subscribe, and
# the module's registered policies (the genetlink controller's policy
# dump, read by ynl-policy.py) against the spec; and the link kind's
# rtnetlink spec, podnet-link.yaml, decoding what the kernel reports.

source "$(dirname "$0")/lib.sh"

YNL_TREE=${YNL_TREE:-}
CLI=$YNL_TREE/tools/net/ynl/cli.py
SPEC=$TOP/Documentation/netlink/specs/podnet.yaml
if [ ! -f "$CLI" ]; then
	echo "no YNL tree (YNL_TREE='$YNL_TREE'); make check unpacks it"
	exit $ksft_fail
fi

TMP=$(mktemp -d)
trap 'cleanup_all_ns; rm -rf "$TMP"' EXIT

setup_ns A
pn() { ns_exec "$A" "$PODNET" "$@"; }
pn link add pn0
pn link add pn9 mode ipip
# The spec is checked against the schema by cli.py's first run here, as
# by make spec on the host; the other runs skip that (seconds each under
# emulation).
ynl()
{
	local schema=(--no-schema)

	if [ ! -e "$TMP/schema-checked" ]; then
		schema=(--schema "$YNL_TREE/Documentation/netlink/genetlink.yaml")
		touch "$TMP/schema-checked"
	fi
	ns_exec "$A" python3 "$CLI" --spec "$SPEC" --output-json \
		"${schema[@]}" "$@"
}

# An IPv4 address as ynl takes a big-endian u32: its integer value.
n() { python3 -c 'import ipaddress, sys; print(int(ipaddress.ip_address(sys.argv[1])))' "$1"; }

# py EXPR JSON: EXPR of the JSON document j, printed.
py() { python3 -c "import json, sys; j = json.loads(sys.argv[2]); print($1)" "$1" "$2"; }

# The table as the podnet tool shows it: "PREFIX via NODE lladdr MAC".
table() { pn subnet show dev pn0 | sed 's/ dev [^ ]*$//'; }

test_write()
{
	local out want

	out=$(ynl --do new-subnet --json "{\"ifname\": \"pn0\", \"subnet\": [
		{\"prefix4\": $(n 10.244.1.0), \"prefixlen\": 24, \"node4\": $(n 192.0.2.1)},
		{\"prefix4\": $(n 10.244.2.0), \"prefixlen\": 24, \"node4\": $(n 192.0.2.2),
		 \"lladdr\": \"02aabbccdd02\"}]}" 2>&1)
	check_err $? "new-subnet failed: $out"
	want="10.244.1.0/24 via 192.0.2.1 lladdr 0a:58:c0:00:02:01
10.244.2.0/24 via 192.0.2.2 lladdr 02:aa:bb:cc:dd:02"
	[ "$(table)" = "$want" ]
	check_err $? "after new-subnet the table is: $(table)"

	out=$(ynl --do new-subnet --json "{\"ifname\": \"pn0\", \"subnet\": [
		{\"prefix4\": $(n 10.244.1.0), \"prefixlen\": 24, \"node4\": $(n 192.0.2.1)}]}" 2>&1)
	check_fail $? "new-subnet of a held prefix succeeded"
	expect_match "$out" "File exists|-17" "new-subnet of a held prefix"

	ynl --do replace-subnet --json "{\"ifname\": \"pn0\", \"subnet\": [
		{\"prefix4\": $(n 10.244.1.0), \"prefixlen\": 24, \"node4\": $(n 192.0.2.11)},
		{\"prefix4\": $(n 10.244.3.0), \"prefixlen\": 24, \"node4\": $(n 192.0.2.3)}]}" >/dev/null
	check_err $? "replace-subnet failed"
	out=$(ynl --do change-subnet --json "{\"ifname\": \"pn0\", \"subnet\": [
		{\"prefix4\": $(n 10.244.4.0), \"prefixlen\": 24, \"node4\": $(n 192.0.2.4)}]}" 2>&1)
	check_fail $? "change-subnet of an absent prefix succeeded"
	expect_match "$out" "No such file|-2" "change-subnet of an absent prefix"
	ynl --do change-subnet --json "{\"ifname\": \"pn0\", \"subnet\": [
		{\"prefix4\": $(n 10.244.2.0), \"prefixlen\": 24, \"node4\": $(n 192.0.2.12),
		 \"flags\": [\"lladdr-derived\"]}]}" >/dev/null
	check_err $? "change-subnet failed"
	want="10.244.1.0/24 via 192.0.2.11 lladdr 0a:58:c0:00:02:0b
10.244.2.0/24 via 192.0.2.12 lladdr 0a:58:c0:00:02:0c
10.244.3.0/24 via 192.0.2.3 lladdr 0a:58:c0:00:02:03"
	[ "$(table)" = "$want" ]
	check_err $? "after replace and change the table is: $(table)"

	ynl --do del-subnet --json "{\"ifname\": \"pn0\", \"subnet\": [
		{\"prefix4\": $(n 10.244.3.0), \"prefixlen\": 24}]}" >/dev/null
	check_err $? "del-subnet failed"
	[ "$(table | wc -l)" -eq 2 ] && ! table | grep -q 10.244.3.0
	check_err $? "after del-subnet the table is: $(table)"
	log_test "new, replace, change and delete through ynl's cli.py"
}

test_read()
{
	local out

	out=$(ynl --do get-subnet --json "{\"ifname\": \"pn0\", \"address4\": $(n 10.244.2.77)}")
	check_err $? "get-subnet failed"
	[ "$(py 'j["subnet"][0]["prefix4"], j["subnet"][0]["prefixlen"], j["subnet"][0]["node4"], j["subnet"][0]["lladdr"], j["subnet"][0]["flags"]' "$out")" = \
	  "10.244.2.0 24 192.0.2.12 0a:58:c0:00:02:0c ['lladdr-derived']" ]
	check_err $? "get-subnet answered: $out"
	[ "$(py 'j["subnet"][0]["prefix4"]' "$out")/24 via $(py 'j["subnet"][0]["node4"]' "$out")" = \
	  "$(pn subnet get 10.244.2.77 dev pn0 | sed 's/ lladdr.*//')" ]
	check_err $? "get-subnet and podnet subnet get disagree"
	out=$(ynl --do get-subnet --json "{\"ifname\": \"pn0\", \"address4\": $(n 10.9.9.9)}" 2>&1)
	check_fail $? "get-subnet of an uncovered address succeeded"

	out=$(ynl --dump get-subnet --json '{"ifname": "pn0"}')
	check_err $? "the get-subnet dump failed"
	[ "$(py '"\n".join("%s/%d via %s lladdr %s" % (s["prefix4"], s["prefixlen"], s["node4"], s["lladdr"]) for m in j for s in m["subnet"])' "$out")" = "$(table)" ]
	check_err $? "the dump ($out) is not the table ($(table))"

	out=$(ynl --do get-device --json '{"ifname": "pn0"}')
	check_err $? "get-device failed"
	[ "$(py 'j["ifname"], j["subnet-count"], "no-route" in j["stats"]' "$out")" = "pn0 2 True" ]
	check_err $? "get-device answered: $out"
	out=$(ynl --dump get-device)
	check_err $? "the get-device dump failed"
	[ "$(py '" ".join(sorted("%s:%d" % (d["ifname"], d["subnet-count"]) for d in j))' "$out")" = "pn0:2 pn9:0" ]
	check_err $? "the get-device dump answered: $out"

	ynl --do flush-subnets --json '{"ifname": "pn0"}' >/dev/null
	check_err $? "flush-subnets failed"
	[ -z "$(table)" ]
	check_err $? "after flush-subnets the table is: $(table)"
	log_test "get of one address, dumps, get-device and flush through cli.py"
}

test_events()
{
	local out pid i

	# cli.py joins the group, then sleeps before it reads: wait until it
	# sleeps, in clock_nanosleep (230) or nanosleep (35) by
	# /proc/PID/syscall (ip netns exec becomes python3, so $! is cli.py's
	# pid). Its start and the family's resolution take seconds under TCG.
	ip netns exec "$A" python3 "$CLI" --spec "$SPEC" --output-json \
		--no-schema --subscribe events --sleep 10 >"$TMP/events" 2>&1 &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		grep -qE '^(230|35) ' "/proc/$pid/syscall" 2>/dev/null && break
		sleep 0.1
	done
	grep -qE '^(230|35) ' "/proc/$pid/syscall" 2>/dev/null
	check_err $? "cli.py --subscribe did not reach its sleep in 60 s"
	pn subnet add 10.244.5.0/24 via 192.0.2.5 dev pn0 &&
	pn subnet replace 10.244.5.0/24 via 192.0.2.55 dev pn0 &&
	pn subnet del 10.244.5.0/24 dev pn0 &&
	pn subnet flush dev pn0
	check_err $? "podnet subnet add/replace/del/flush failed"
	wait
	out=$(py '" ".join("%s:%s" % (e["name"], ",".join(s["prefix4"] + "/" + s["node4"] for s in e["msg"].get("subnet", []))) for e in j)' "$(cat "$TMP/events")")
	[ "$out" = "subnet-new-ntf:10.244.5.0/192.0.2.5 subnet-new-ntf:10.244.5.0/192.0.2.55 subnet-del-ntf:10.244.5.0/192.0.2.55 subnet-flush-ntf:" ]
	check_err $? "the events were: $out ($(head -c 300 "$TMP/events"))"
	log_test "cli.py --subscribe events: one event per change, in order"
}

test_policies()
{
	local out

	out=$(ns_exec "$A" python3 "$SELFTESTS/ynl-policy.py" "$SPEC" 2>&1)
	check_err $? "$out"
	log_test "the module's policies are the spec's, command by command"
}

# The rtnetlink side through Documentation/netlink/specs/podnet-link.yaml:
# every IFLA_PODNET_* attribute of a getlink reply decoded by the spec
# (types, byte order, enums) must be what the podnet tool set and shows.
test_link_spec()
{
	local out want spec=$TOP/Documentation/netlink/specs/podnet-link.yaml

	out=$(pn link set pn0 vni 7 port 4789 local 192.0.2.100 \
		local 2001:db8::100 ttl 9 tos inherit srccheck off \
		gateway 169.254.9.9 gateway6 fe80::9 arpsuppress off \
		maxsubnets 500 df set direct on mtu 1400 2>&1)
	check_err $? "podnet link set pn0 failed: $out"
	# make spec has checked the spec against netlink-raw.yaml.
	out=$(ns_exec "$A" python3 "$CLI" --spec "$spec" --output-json \
		--no-schema --process-unknown --do getlink \
		--json '{"ifname": "pn0"}' 2>&1)
	check_err $? "getlink through podnet-link.yaml failed: $out"
	want="pn0 1400 podnet vxlan 7 4789 192.0.2.100 2001:db8::100 9 1 0"
	want="$want 169.254.9.9 fe80::9 0 500 set 1"
	[ "$(py 'j["ifname"], j["mtu"], j["linkinfo"]["kind"], *(j["linkinfo"]["data"][k] for k in ("mode", "vni", "port", "local", "local6", "ttl", "tos", "srccheck", "gateway", "gateway6", "arpsuppress", "max-subnets", "df", "direct"))' "$out" 2>&1)" = "$want" ]
	check_err $? "getlink of pn0 decoded as: $out"
	[ "$(py 'j["address"]' "$out" 2>&1)" = "$(pn -j link show pn0 | py 'j[0]["address"]' "$(cat)")" ]
	check_err $? "getlink's address is not the device's: $out"

	# No dump: the fallback devices (tunl0, sit0, ip6tnl0) that the
	# tunnel modules loaded by earlier tests put in every namespace carry
	# IFLA_INFO_DATA of kinds this spec has no format for.
	log_test "podnet-link.yaml decodes getlink: every IFLA_PODNET_* as set"
}

test_write
test_read
test_events
test_policies
test_link_spec
exit $EXIT_STATUS
