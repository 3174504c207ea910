#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: run selftests/run_tests.sh in the guest, then judge the
# guest's kernel log, and close with "N passed, N failed[, N skipped]".
#
#   check.sh [TEST...]
#
# Environment, besides run.sh's: KDIR (the kernel tree the module was built
# against), PODNET_KO (the module the guest loads, default kmod/podnet.ko),
# CHECK_OUT (the results, default $VMDIR/check), and the tests' own knobs,
# passed on to the guest when set (see $guest_vars). When KDIR's .config has
# CONFIG_DEBUG_KMEMLEAK, the guest scans for leaks after the tests and a
# leak from podnet fails one more test, "kmemleak".

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/vm/kernel-log.sh"
VMDIR=${VMDIR:-$top/.vm}
out=${CHECK_OUT:-$VMDIR/check}
export KVER=${KVER:-$("$top/selftests/vm/kdir.sh" --release)}
kdir=${KDIR:-$("$top/selftests/vm/kdir.sh")}

# Run in the guest after the tests: kmemleak reports only what stayed
# unreferenced for a while and across scans, so scan twice, a few seconds
# apart, and keep the report. Why it could not is kept instead.
# shellcheck disable=SC2016
kmemleak_scan='k=/sys/kernel/debug/kmemleak
if [ ! -e $k ]; then
	echo "no $k in the guest" >/tmp/out/kmemleak.err
elif echo scan >$k && sleep 5 && echo scan >$k; then
	cat $k >/tmp/out/kmemleak
else
	echo "echo scan >$k failed; see dmesg" >/tmp/out/kmemleak.err
fi'

has_kmemleak()
{
	grep -qx CONFIG_DEBUG_KMEMLEAK=y "$kdir/.config" 2>/dev/null
}

# Variables the tests read that the host's environment (or make's command
# line: make check T=fuzz SEED=1234) hands on to the guest.
guest_vars="SEED FUZZ_COUNT FUZZ_TIMEOUT CHURN_OPS CHURN_SECONDS TEST_TIMEOUT
	USERSPACE_TESTS YNL_TREE SKIP_TESTS"
# The kernel's YNL tree, for ynl.sh.
YNL_TREE=${YNL_TREE:-$("$top/selftests/vm/ynl-spec.sh" --tree 2>/dev/null)}

guest_env()
{
	local v

	for v in $guest_vars; do
		[ -n "${!v+set}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
}

# The guest's command: the tests, then (on a kmemleak kernel) the scan,
# with the tests' exit status.
# shellcheck disable=SC2016
guest_command()
{
	guest_env
	echo "cd '$top' && OUT=/tmp/out ${PODNET_KO:+PODNET_KO='$PODNET_KO' }selftests/run_tests.sh $*"
	if [ "$leakcheck" = 1 ]; then
		echo 'rc=$?'
		echo "$kmemleak_scan"
		echo 'exit $rc'
	fi
}

# The tests of the tool alone (tool_parse.sh says why they need no
# module) run on the host, where a program starts in a millisecond rather
# than under emulation, and not in the guest; make check runs them on the
# default kernel only (USERSPACE_TESTS=0 elsewhere).
host_tests="tool_parse"

is_host_test()
{
	[[ " $host_tests " == *" ${1%.sh} "* ]]
}

# The guest's TAP, with the plan raised by the tests the host adds.
tap_plan()
{
	awk -v more="$1" '!p && /^1\.\.[0-9]+$/ { p = 1; sub(/^1\.\./, ""); $0 = "1.." $0 + more }
	     { print; fflush() }'
}

# summary: the closing line, and the verdict as the exit status.
summary()
{
	local line="$pass passed, $fail failed"

	[ "$skip" -gt 0 ] && line="$line, $skip skipped"
	echo "$line"
	[ "$fail" = 0 ]
}

# run_host_tests TEST...: each on the host, as TAP numbered after the
# guest's, into the counts.
run_host_tests()
{
	local t rc start

	for t in "$@"; do
		n=$((n + 1))
		echo "# ${t%.sh} (on the host)"
		start=$SECONDS
		bash "$top/selftests/${t%.sh}.sh" 2>&1 | sed -u 's/^/# /'
		rc=${PIPESTATUS[0]}
		echo "# ${t%.sh} took $((SECONDS - start)) s"
		case $rc in
		0) echo "ok $n ${t%.sh}"; pass=$((pass + 1)) ;;
		4) echo "ok $n ${t%.sh} # SKIP"; skip=$((skip + 1)) ;;
		*) echo "not ok $n ${t%.sh} # exit $rc"; fail=$((fail + 1)) ;;
		esac
	done
}

# The leaks whose backtrace passes through podnet: a frame in [podnet], or
# one that no longer resolves to a symbol. Everything else is built in on
# the kernels that have kmemleak, so such a frame is the unloaded podnet.
podnet_leaks()
{
	awk '/^unreferenced object/ { if (hit) printf "%s", rec; rec = ""; hit = 0 }
	     /\[podnet\]$/ || /^    0x[0-9a-f]+$/ { hit = 1 }
	     { rec = rec $0 "\n" }
	     END { if (hit) printf "%s", rec }' "$1"
}

kmemleak_verdict()
{
	local leaks total

	n=$((n + 1))
	if [ ! -f "$out/kmemleak" ]; then
		echo "not ok $n kmemleak # $(cat "$out/kmemleak.err" 2>/dev/null ||
			echo "no report from the guest")"
		fail=$((fail + 1))
		return
	fi
	leaks=$(podnet_leaks "$out/kmemleak")
	total=$(grep -c '^unreferenced object' "$out/kmemleak")
	if [ -n "$leaks" ]; then
		echo "not ok $n kmemleak # $(grep -c '^unreferenced object' <<<"$leaks") from podnet; see $out/kmemleak"
		head -n 60 <<<"$leaks" | sed 's/^/# /'
		fail=$((fail + 1))
	else
		echo "ok $n kmemleak"
		[ "$total" -gt 0 ] &&
			echo "# $total unreferenced objects, none from podnet: $out/kmemleak"
		pass=$((pass + 1))
	fi
}

# The guest has /tmp, /run and /var of its own: of the host's, it sees only
# what is inside the checkout.
case ${PODNET_KO:-} in
"$top"/*) ;;
/tmp/*|/run/*|/var/*)
	echo "check.sh: the guest cannot see PODNET_KO=$PODNET_KO; put it in the checkout" >&2
	exit 2 ;;
esac

leakcheck=0
has_kmemleak && leakcheck=1
rm -f "$out/kmemleak" "$out/kmemleak.err"

# The tests asked for (all when none are), split between guest and host.
guest_tests=()
host_run=()
if [ $# -eq 0 ]; then
	for t in "$top"/selftests/*.sh; do
		t=${t##*/}
		case $t in lib.sh|run_tests.sh) continue ;; esac
		is_host_test "$t" || guest_tests+=("${t%.sh}")
	done
	# shellcheck disable=SC2206 # one word per test
	[ "${USERSPACE_TESTS:-1}" != 0 ] && host_run=($host_tests)
else
	for t in "$@"; do
		if is_host_test "$t"; then
			host_run+=("$t")
		else
			guest_tests+=("$t")
		fi
	done
fi

n=0 pass=0 fail=0 skip=0
if [ ${#guest_tests[@]} -gt 0 ]; then
	mapfile -t cmd < <(guest_command "${guest_tests[@]}")
	run=("$top/selftests/vm/run.sh" -t "${TIMEOUT:-2400}" -o "$out" -- "${cmd[@]}")
	# Line-buffered, so that the TAP still comes as the tests go.
	stdbuf -oL "${run[@]}" | tap_plan $((leakcheck + ${#host_run[@]}))
	rc=${PIPESTATUS[0]}
	read -r n pass fail skip <"$out/counts" 2>/dev/null ||
		{ n=0 pass=0 fail=0 skip=0; }
	[ "$rc" = 0 ] || [ "$fail" -gt 0 ] || fail=1
else
	# Only host tests: no guest, and so no kernel log to judge.
	echo "1..${#host_run[@]}"
	run_host_tests "${host_run[@]}"
	summary
	exit
fi
run_host_tests "${host_run[@]}"

# A report in the guest's kernel log fails the run.
n=$((n + 1))
if reports=$(kernel_log_reports "$out/console.log" "$out/dmesg"); then
	echo "not ok $n kernel log # see $out/console.log"
	echo "$reports"
	fail=$((fail + 1))
else
	echo "ok $n kernel log"
	pass=$((pass + 1))
fi
[ "$leakcheck" = 1 ] && kmemleak_verdict

if [ "$fail" -gt 0 ]; then
	echo "# guest console log: $out/console.log"
fi
summary
