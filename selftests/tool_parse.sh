#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The podnet tool without the module: usage, syntax errors and exit codes,
# -batch and sync file parsing, and a short fuzz of argv and batch files.
# Runs on any host; where the module is loaded the same results hold, as
# nothing here names a podnet device. Prints "ok"/"not ok" per check,
# exits 0 if all passed, 1 otherwise.

DIR=$(cd "$(dirname "$0")" && pwd)
# make check runs it on the default kernel only (see lib.sh).
if [ "${USERSPACE_TESTS:-1}" = 0 ]; then
	echo "SKIP: a test of the tool alone (USERSPACE_TESTS=1 runs it on this kernel)"
	exit 4
fi
PODNET=${PODNET:-$DIR/../userspace/podnet}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PASS=0
FAIL=0

if [ ! -x "$PODNET" ]; then
	make -s -C "$DIR/../userspace" >/dev/null || { echo "not ok build"; exit 1; }
fi

ok()
{
	echo "ok $((PASS + FAIL + 1)) - $1"
	PASS=$((PASS + 1))
}

not_ok()
{
	echo "not ok $((PASS + FAIL + 1)) - $1"
	FAIL=$((FAIL + 1))
}

# run ARGS...: run the tool with no input, into $RC, $OUT and $ERR
run()
{
	"$PODNET" "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

# expect RC MESSAGE ARGS...: exit status RC, and MESSAGE as the one line
# on stderr (nothing on stderr if MESSAGE is empty)
expect()
{
	local rc=$1 msg=$2 what

	shift 2
	what="podnet $*"
	what=${what//[[:cntrl:]]/?}
	run "$@"
	if [ "$RC" != "$rc" ]; then
		not_ok "$what: exit $RC, expected $rc (stderr: $ERR)"
	elif [ -n "$msg" ] && [ "$ERR" != "$msg" ]; then
		not_ok "$what: stderr '$ERR', expected '$msg'"
	elif [ -z "$msg" ] && [ -n "$ERR" ]; then
		not_ok "$what: unexpected stderr '$ERR'"
	else
		ok "$what"
	fi
}

# expect_kernel ARGS...: exit 2 with one "podnet: " line on stderr
expect_kernel()
{
	run "$@"
	if [ "$RC" = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] &&
	   [[ "$ERR" == "podnet: "* ]]; then
		ok "podnet $*: exit 2, $ERR"
	else
		not_ok "podnet $*: exit $RC, stderr '$ERR', expected exit 2"
	fi
}

# usage and help
run
[ "$RC" = 1 ] && [ -z "$OUT" ] && [[ "$ERR" == Usage:* ]] &&
	ok "no arguments: usage on stderr, exit 1" ||
	not_ok "no arguments: exit $RC, stdout '$OUT'"
for args in help -h -help "link help" "subnet help" "monitor help" \
	    "help subnet"; do
	run $args
	[ "$RC" = 0 ] && [[ "$OUT" == Usage:* ]] && [ -z "$ERR" ] &&
		ok "podnet $args: usage on stdout, exit 0" ||
		not_ok "podnet $args: exit $RC"
done
run -V
[ "$RC" = 0 ] && [[ "$OUT" == "podnet version "* ]] && ok "podnet -V" ||
	not_ok "podnet -V: exit $RC, '$OUT'"

# objects, commands, options
expect 1 'podnet: unknown object "foo" (try "podnet help")' foo
expect 1 'podnet: unknown command "frob" (try "podnet link help")' link frob
expect 1 'podnet: ambiguous command "s" (set, show)' link s
expect 1 'podnet: ambiguous command "s" (show, sync)' subnet s
expect 1 'podnet: unknown option "-x" (try "podnet -help")' -x link show
expect 1 'podnet: missing FILE after "-batch"' -batch

# link
expect 1 'podnet: invalid vni "16777216" (0-16777215)' link add pn9 vni 16777216
expect 1 'podnet: invalid vni "x" (0-16777215)' link add pn9 vni x
expect 1 'podnet: invalid port "0" (1-65535)' link add pn9 port 0
expect 1 'podnet: invalid port "70000" (1-65535)' link add pn9 port 70000
expect 1 'podnet: invalid ttl "256" (0-255)' link add pn9 ttl 256
expect 1 'podnet: invalid tos "-1" (0-255)' link add pn9 tos -1
expect 1 'podnet: invalid mode "vxlam" (vxlan, ipip)' link add pn9 mode vxlam
expect 1 'podnet: invalid srccheck "maybe" (on, off)' link set pn9 srccheck maybe
expect 1 'podnet: invalid df "maybe" (unset, set, inherit)' link set pn9 df maybe
expect 1 'podnet: invalid direct "yes" (on, off)' link set pn9 direct yes
expect 1 'podnet: invalid address "1.2.3"' link add pn9 local 1.2.3
expect 1 'podnet: invalid address "zz:00:00:00:00:00"' link add pn9 address zz:00:00:00:00:00
expect 1 'podnet: unknown keyword "foo"' link add pn9 foo
expect 1 'podnet: ambiguous keyword "m" (mode, mtu, maxsubnets)' link add pn9 m vxlan
expect 1 'podnet: duplicate "vni"' link add pn9 vni 1 vni 2
expect 1 'podnet: duplicate "down"' link set pn9 up down
expect 1 'podnet: missing value after "vni"' link add pn9 vni
expect 1 'podnet: missing NAME' link add
expect 1 'podnet: invalid device name "a/b"' link add a/b
expect 1 'podnet: invalid device name "0123456789abcdef"' link add 0123456789abcdef
expect 1 'podnet: device "nosuchdev0" does not exist' link add pn9 dev nosuchdev0
expect 1 'podnet: device "nosuchdev0" does not exist' link show nosuchdev0
expect 1 'podnet: "lo" is not a podnet device' link show lo
expect 1 'podnet: "lo" is not a podnet device' link set lo vni 3
expect 1 'podnet: "lo" is not a podnet device' link del lo
expect 1 'podnet: unknown keyword "x"' link del lo x

# subnet
expect 1 'podnet: invalid prefix "10.244.1.0/33"' subnet add 10.244.1.0/33 via 1.2.3.4 dev lo
expect 1 'podnet: invalid prefix "10.244.1.1/24" (has host bits set)' subnet add 10.244.1.1/24 via 1.2.3.4 dev lo
expect 1 'podnet: invalid prefix "10.244.300.0/24"' subnet replace 10.244.300.0/24 via 1.2.3.4 dev lo
expect 1 'podnet: invalid prefix "10.0.0.0/8\x0a\x01"' subnet add $'10.0.0.0/8\n\x01' via 1.2.3.4 dev lo
expect 1 'podnet: invalid prefix "10.244.1.0/"' subnet add 10.244.1.0/ via 1.2.3.4 dev lo
expect 1 'podnet: invalid address "192.168.0.300"' subnet add 10.244.1.0/24 via 192.168.0.300 dev lo
expect 1 'podnet: invalid lladdr "zz:00:00:00:00:00"' subnet add 10.244.1.0/24 via 1.2.3.4 lladdr zz:00:00:00:00:00 dev lo
expect 1 'podnet: invalid lladdr "0a:58:00:00:00"' subnet add 10.244.1.0/24 via 1.2.3.4 lladdr 0a:58:00:00:00 dev lo
expect 1 'podnet: duplicate "via"' subnet add 10.244.1.0/24 via 1.2.3.4 via 1.2.3.5 dev lo
expect 1 'podnet: missing "dev"' subnet add 10.244.1.0/24 via 1.2.3.4
expect 1 'podnet: missing "via"' subnet add 10.244.1.0/24 dev lo
expect 1 'podnet: missing PREFIX' subnet add via 1.2.3.4 dev lo
expect 1 'podnet: unknown keyword "bogus"' subnet add 10.244.1.0/24 via 1.2.3.4 bogus dev lo
expect 1 'podnet: unknown keyword "via"' subnet del 10.244.1.0/24 via 1.2.3.4 dev lo
expect 1 'podnet: device "pn7" does not exist' subnet add 10.244.1.0/24 via 1.2.3.4 dev pn7
expect 1 'podnet: invalid address "10.0.0.0/8"' subnet get 10.0.0.0/8 dev lo
expect 1 'podnet: missing ADDR' subnet get
expect 1 'podnet: missing "dev"' subnet flush
expect 1 'podnet: duplicate "dev"' subnet flush dev lo dev lo
expect 1 'podnet: missing value after "dev"' subnet show dev
expect 1 'podnet: unknown keyword "foo"' monitor foo
expect 1 'podnet: device "nosuchdev0" does not exist' monitor dev nosuchdev0

# Kernel errors: no module here ("not loaded"), or lo is no podnet device.
expect_kernel subnet show dev lo
expect_kernel subnet add 10.244.1.0/24 via 192.168.0.2 dev lo
expect_kernel subnet get 10.244.1.1 dev lo
expect_kernel subnet flush dev lo

# -batch
printf '# a comment\n\nlink show\n  link "show"   # trailing\nsubnet add 10.0.0.0/33 via 1.1.1.1 dev lo\nlink show\n' >"$TMP/b1"
expect 1 "podnet: $TMP/b1:5: invalid prefix \"10.0.0.0/33\"" -batch "$TMP/b1"
printf 'subnet add 10.0.0.0/33 via 1.1.1.1 dev lo\nlink frob\n' >"$TMP/b2"
run -force -batch "$TMP/b2"
[ "$RC" = 1 ] && [ "$(wc -l <"$TMP/err")" = 2 ] &&
	grep -q "b2:2: unknown command" "$TMP/err" &&
	ok "-force -batch goes on after an error" ||
	not_ok "-force -batch: exit $RC, '$ERR'"
printf 'link show\nsubnet show dev lo\nlink frob\n' >"$TMP/b3"
run -force -batch "$TMP/b3"
[ "$RC" = 2 ] && grep -q "^podnet: $TMP/b3:2: " "$TMP/err" &&
	grep -q "b3:3: unknown command" "$TMP/err" &&
	ok "-batch exit status is the worst one" ||
	not_ok "-batch worst status: exit $RC, '$ERR'"
printf 'link show "lo\n' >"$TMP/b4"
expect 1 "podnet: $TMP/b4:1: unterminated quote" -batch "$TMP/b4"
"$PODNET" -batch - >/dev/null 2>"$TMP/err" <"$TMP/b1"
[ $? = 1 ] && grep -q "^podnet: -:5: invalid prefix" "$TMP/err" &&
	ok "-batch - reads standard input" || not_ok "-batch -: $(cat "$TMP/err")"
expect 1 'podnet: unexpected "link" after -batch FILE' -batch "$TMP/b1" link show
run -batch /nonexistent/file
[ "$RC" = 1 ] && ok "-batch of a missing file" || not_ok "-batch missing file: $RC"
# shellcheck disable=SC2046,SC2183 # two numbers a line
printf 'subnet add 10.%d.%d.0/24 via 192.168.0.1 dev nosuchdev0\n' \
	$(for i in $(seq 0 9999); do echo $((i / 256)) $((i % 256)); done) >"$TMP/b5"
run -force -batch "$TMP/b5"
[ "$RC" = 1 ] && [ "$(wc -l <"$TMP/err")" = 10000 ] &&
	[ "$(grep -c 'device "nosuchdev0" does not exist' "$TMP/err")" = 10000 ] &&
	tail -n1 "$TMP/err" | grep -q "b5:10000: " &&
	ok "-force -batch of 10,000 failing lines reports each one" ||
	not_ok "-batch of 10,000 lines: exit $RC, $(wc -l <"$TMP/err") lines"

# sync: the whole file is checked before any netlink talk
printf '# nodes\n10.244.1.0/24 via 192.168.0.2\n\n10.244.2.0/24 via 192.168.0.3 lladdr 0a:58:c0:a8:00:03 # x\n10.244.3.0/24 via 192.168.0.300\n' >"$TMP/s1"
expect 1 "podnet: $TMP/s1:5: invalid address \"192.168.0.300\"" subnet sync dev nosuchdev0 "$TMP/s1"
printf '10.244.1.0/24 via 192.168.0.2\n10.244.2.0/24 via 192.168.0.3\n10.244.1.0/24 via 192.168.0.4\n' >"$TMP/s2"
expect 1 "podnet: $TMP/s2:3: duplicate prefix \"10.244.1.0/24\" (first on line 1)" subnet sync dev lo "$TMP/s2"
printf '10.244.1.0/24 via 192.168.0.2 dev lo\n' >"$TMP/s3"
expect 1 "podnet: $TMP/s3:1: unknown keyword \"dev\"" subnet sync dev lo "$TMP/s3"
printf '10.244.1.0/24\n' >"$TMP/s4"
expect 1 "podnet: $TMP/s4:1: missing \"via\"" subnet sync dev lo "$TMP/s4"
expect 1 'podnet: missing FILE' subnet sync dev lo
expect 1 'podnet: missing "dev"' subnet sync "$TMP/s1"
expect 1 'podnet: device "nosuchdev0" does not exist' subnet sync dev nosuchdev0 /dev/null
printf 'subnet sync dev lo -\n' >"$TMP/b6"
"$PODNET" -batch - <"$TMP/b6" 2>"$TMP/err"
[ $? = 1 ] && grep -q "standard input is already the -batch file" "$TMP/err" &&
	ok "sync from stdin inside -batch -" || not_ok "sync - in -batch -: $(cat "$TMP/err")"
"$PODNET" subnet sync dev nosuchdev0 - <"$TMP/s1" 2>"$TMP/err"
[ $? = 1 ] && grep -q "^podnet: -:5: " "$TMP/err" &&
	ok "sync reads standard input" || not_ok "sync -: $(cat "$TMP/err")"
printf '10.244.1.0/24 via 192.168.0.2\n' >"$TMP/s5"
expect_kernel subnet sync dev lo "$TMP/s5"

# JSON
if command -v python3 >/dev/null; then
	for args in "-j link show" "-j -p -s -d link show"; do
		"$PODNET" $args | python3 -c 'import json, sys; json.load(sys.stdin)' &&
			ok "podnet $args is JSON" || not_ok "podnet $args is not JSON"
	done
fi

# Fuzz: random words and bytes never crash the tool (no exit >2). In a
# network namespace of its own, so that nothing it may create lasts.
fuzz()
{
	local words=(link subnet help add set del show get flush sync replace
		change mode vxlan ipip local dev vni port ttl tos mtu address
		srccheck direct on off up down auto inherit df set unset via lladdr lo - -j -s -d -p
		10.244.1.0/24 10.244.1.1/24 0.0.0.0/0 1.2.3.4 1.2.3.4/33
		0a:58:01:02:03:04 ff:ff 16777216 0 65535 65536 -1 '' '"' "'" '#'
		l s m d t h a r c f g v pnfuzz0)
	local i j n a args rc bad=0

	for ((i = 0; i < 300; i++)); do
		args=()
		n=$((RANDOM % 9))
		for ((j = 0; j < n; j++)); do
			if ((RANDOM % 8)); then
				args+=("${words[RANDOM % ${#words[@]}]}")
			else
				args+=("$(head -c $((RANDOM % 24)) /dev/urandom |
					  tr -d '\0')")
			fi
		done
		# "monitor", or any abbreviation of it, runs until killed.
		for a in "${args[@]}"; do
			[ -n "$a" ] && [[ monitor == "$a"* ]] && continue 2
		done
		if ((i % 10 == 0)); then
			printf '%s\n' "${args[*]}" "${args[*]:1}" "${args[*]:2}" \
				>"$TMP/fz"
			args=(-force -batch "$TMP/fz")
		fi
		timeout 10 "$PODNET" "${args[@]}" >/dev/null 2>&1 </dev/null
		rc=$?
		if [ $rc -gt 2 ]; then
			echo "# exit $rc: podnet ${args[*]@Q}"
			bad=1
		fi
	done
	return $bad
}

if [ "$(id -u)" != 0 ]; then
	fuzz && ok "fuzz: 300 random command lines" ||
		not_ok "fuzz: the tool crashed"
elif unshare -n true 2>/dev/null; then
	export PODNET TMP
	export -f fuzz
	unshare -n bash -c fuzz && ok "fuzz: 300 random command lines" ||
		not_ok "fuzz: the tool crashed"
else
	echo "ok $((PASS + FAIL + 1)) - fuzz # SKIP no unshare -n"
fi

echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
