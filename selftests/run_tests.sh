#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the podnet selftests (all, or those named) inside the test guest and
# print TAP. Each test is a script of its own, run in a fresh shell with a
# time limit; exit 4 means skipped, as is a test SKIP_TESTS names. The kernel-log verdict and the closing
# line are added by the host (selftests/vm/check.sh), which reads the
# counts from $OUT/counts.

cd "$(dirname "$0")" || exit 1
OUT=${OUT:-/tmp/out}
PODNET_KO=${PODNET_KO:-../kmod/podnet.ko}
TEST_TIMEOUT=${TEST_TIMEOUT:-900}

tests=()
if [ $# -gt 0 ]; then
	for t in "$@"; do
		tests+=("${t%.sh}.sh")
	done
else
	for t in *.sh; do
		case $t in lib.sh | run_tests.sh) ;; *) tests+=("$t") ;; esac
	done
fi

load()
{
	local dep

	[ -d /sys/module/podnet ] && return 0
	for dep in $(modinfo -F depends "$PODNET_KO" | tr , ' '); do
		modprobe "$dep" || return 1
	done
	insmod "$PODNET_KO"
}

if ! load; then
	echo "Bail out! cannot load $PODNET_KO"
	exit 1
fi

echo "TAP version 13"
echo "1..$((${#tests[@]} + 1))"
pass=0 fail=0 skip=0 n=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	name=${t%.sh}
	if [[ " ${SKIP_TESTS:-} " == *" $name "* ]]; then
		echo "ok $n $name # SKIP named in SKIP_TESTS"
		skip=$((skip + 1))
		continue
	fi
	if [ ! -f "$t" ]; then
		echo "not ok $n $name # no such test"
		fail=$((fail + 1))
		continue
	fi
	# Every test starts with the module loaded and nothing left behind.
	load
	echo "# $name"
	start=$SECONDS
	timeout -k 10 "$TEST_TIMEOUT" bash "./$t" 2>&1 | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	echo "# $name took $((SECONDS - start)) s"
	case $rc in
	0) echo "ok $n $name"; pass=$((pass + 1)) ;;
	4) echo "ok $n $name # SKIP"; skip=$((skip + 1)) ;;
	124) echo "not ok $n $name # timed out"; fail=$((fail + 1)) ;;
	*) echo "not ok $n $name # exit $rc"; fail=$((fail + 1)) ;;
	esac
done

# The module must leave without trace.
if [ -d /sys/module/podnet ] && ! rmmod podnet; then
	echo "# rmmod podnet failed"
	fail=$((fail + 1))
fi
echo "$n $pass $fail $skip" >"$OUT/counts"
