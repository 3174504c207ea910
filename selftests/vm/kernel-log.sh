# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by selftests/vm/check.sh and selftests/packages/check.sh: the
# reports in a guest's kernel log that fail a run. The taint of an
# unsigned out-of-tree module is not one of them.

kernel_log_bad='WARNING:|BUG:|Oops|general protection fault|KASAN|UBSAN|'
kernel_log_bad=$kernel_log_bad'possible recursive locking|possible circular locking|'
kernel_log_bad=$kernel_log_bad'inconsistent lock state|suspicious RCU usage|Call Trace:|'
kernel_log_bad=$kernel_log_bad'unreferenced object|Kernel panic|kernel BUG|refcount_t:|'
kernel_log_bad=$kernel_log_bad'unregister_netdevice: waiting'

# kernel_log_reports FILE...: print the first 20 reports in the FILEs that
# exist, each line behind "# "; true when there is one.
kernel_log_reports()
{
	cat "$@" 2>/dev/null | grep -E -m 20 "$kernel_log_bad" | sed 's/^/# /'
	[ "${PIPESTATUS[1]}" = 0 ]
}
