#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: run selftests/run_tests.sh in the guest, then judge the
# guest's kernel log, and close with "N passed, N failed[, N skipped]".
#
#   check.sh [TEST...]

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
VMDIR=${VMDIR:-$top/.vm}
out=$VMDIR/check
export KVER=${KVER:-$("$top/selftests/vm/kdir.sh" --release)}

"$top/selftests/vm/run.sh" -t "${TIMEOUT:-2400}" -o "$out" -- \
	"cd '$top' && OUT=/tmp/out selftests/run_tests.sh $*"
rc=$?

read -r n pass fail skip <"$out/counts" 2>/dev/null ||
	{ n=0 pass=0 fail=0 skip=0; }
[ "$rc" = 0 ] || [ "$fail" -gt 0 ] || fail=1

# Any of these in the guest's kernel log fails the run; the taint of an
# unsigned out-of-tree module does not.
bad='WARNING:|BUG:|Oops|general protection fault|KASAN|UBSAN|'
bad=$bad'possible recursive locking|possible circular locking|'
bad=$bad'inconsistent lock state|suspicious RCU usage|Call Trace:|'
bad=$bad'unreferenced object|Kernel panic|kernel BUG|refcount_t:|'
bad=$bad'unregister_netdevice: waiting'
n=$((n + 1))
if cat "$out/console.log" "$out/dmesg" 2>/dev/null | grep -qE "$bad"; then
	echo "not ok $n kernel log # see $out/console.log"
	cat "$out/console.log" "$out/dmesg" 2>/dev/null | grep -E -m 20 "$bad" |
		sed 's/^/# /'
	fail=$((fail + 1))
else
	echo "ok $n kernel log"
	pass=$((pass + 1))
fi

if [ "$fail" -gt 0 ]; then
	echo "# guest console log: $out/console.log"
fi
summary="$pass passed, $fail failed"
[ "$skip" -gt 0 ] && summary="$summary, $skip skipped"
echo "$summary"
[ "$fail" = 0 ]
