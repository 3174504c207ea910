#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the podnet selftests, in the manner of the kernel's
# tools/testing/selftests/net/lib.sh. A test sources this file, builds its
# topology with setup_ns, checks with check_err/check_fail, reports each
# case with log_test and exits with $EXIT_STATUS.

ksft_pass=0
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

# setup_ns VAR...: create one namespace per name, named uniquely, stored in
# the variable of that name, removed again on exit.
setup_ns()
{
	local var ns

	for var in "$@"; do
		ns="$var-$(mktemp -u XXXXXX)"
		ip netns add "$ns" || return 1
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

trap cleanup_all_ns EXIT

pn_load || { echo "cannot load $PODNET_KO"; exit $ksft_fail; }
