#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make profile, inside the guest: where the CPU goes while iperf3 runs pod
# to pod through each data path of make bench (bench/run.sh builds them),
# sampled by perf on every CPU with the kernel's call chains.
#
# For each ENCAP and PEERS, one topology, one perf record of one iperf3 run
# of TEST, and three reports in $OUT: perf-ENCAP-PEERS-TEST.txt, the
# functions that took most samples (self time), .callers.txt, the same
# with the call chains that led there, and .modules.txt, the share of the
# samples in each module (podnet's against vxlan's or ipip's), with the
# number of samples of each function. The guest has no PMU under TCG, so
# the samples come from the cpu-clock timer; with make bench's instruction-
# counting clock, one sample stands for a million instructions.
#
# On that clock the reports also give the cost: the instructions the
# guest ran, per packet received (udp64) or per KB received (tcp1, tcp8).
#
# Environment: OUT (default /tmp/out), ENCAPS (default "flannel pnvxlan
# calico pnipip"), PEERS (default 1; 10000 to profile a full table), TEST
# (udp64, tcp1 or tcp8; default udp64), DURATION (seconds, default 10),
# CLOCK (icount when the guest's clock counts instructions).

# run.sh sets its own ENCAPS.
PROFILE_ENCAPS=${ENCAPS:-"flannel pnvxlan calico pnipip"}
PEERS=${PEERS:-1}
TEST=${TEST:-udp64}
DURATION=${DURATION:-10}

source "$(dirname "$0")/run.sh"

# modules: from a perf report by symbol on stdin, the share of the samples
# that fell in each module's functions (perf files them all under the
# kernel), by the module names /proc/kallsyms gives.
modules()
{
	awk 'NR == FNR { if ($4 ~ /^\[/) mod[$3] = $4; next }
	     /^ +[0-9.]+%/ && $2 == "[k]" && ($3 in mod) {
		sum[mod[$3]] += $1
	     }
	     END { for (m in sum) printf "%7.2f%%  %s\n", sum[m], m }' \
		/proc/kallsyms - | sort -rn
}

# cost BASE: the instructions per packet or per KB received in the run of
# BASE, from the nanoseconds perf counted on an instruction-counting clock
# (the header of the report BASE.txt) and iperf3's receiver line.
cost()
{
	local ns

	ns=$(awk '/^# Event count/ { print $NF; exit }' "$1.txt")
	awk -v ns="$ns" -v test="$TEST" '/receiver$/ {
		if (test == "udp64") {
			split($(NF - 2), p, "/")
			printf "cost: %.0f instructions per packet received\n",
				ns / (p[2] - p[1])
		} else {
			# "sec", the amount and its unit; [SUM] with -P.
			for (i = 1; $i != "sec"; i++)
				;
			u = $(i + 2)
			kb = $(i + 1) * (u ~ /^G/ ? 1048576 : u ~ /^M/ ? 1024 : 1)
			printf "cost: %.0f instructions per KB received\n", ns / kb
		}
	}' "$1.iperf" | tail -n 1
}

# profile ENCAP: build it, run TEST under perf, write the reports.
profile()
{
	local encap=$1 key=$1-$PEERS how=$1 n1 n2 p1 args=() base

	[ "${encap#pn}" != "$encap" ] && how="batch"
	topology "$encap" 1 || return 1
	read -r n1 n2 p1 <"$WORK/topo/$encap-1"
	if [ "$PEERS" -gt 1 ]; then
		peers "$encap" "$how" "$n1" 2 "$PEERS" &&
			peers "$encap" "${how/batch/sync}" "$n2" 1 "$PEERS" ||
			return 1
	fi
	case $TEST in
	tcp8) args=(-P 8) ;;
	udp64) args=(-u -l 64 -b 0) ;;
	esac
	base=$OUT/perf-$key-$TEST
	log "$key: $TEST under perf for $DURATION s"
	perf record -q -a -g -e cpu-clock -F 999 -o "$base.data" -- \
		ip netns exec "$p1" iperf3 -c 10.244.2.2 "${PIN[@]}" \
		-t "$DURATION" "${args[@]}" >"$base.iperf" 2>&1 || return 1
	perf report -i "$base.data" --no-children --sort sym --stdio \
		--percent-limit 0.05 -n -g none 2>/dev/null >"$base.txt"
	perf report -i "$base.data" --no-children --sort sym --stdio \
		--percent-limit 2 -g caller,0.5,callee 2>/dev/null \
		>"$base.callers.txt"
	perf report -i "$base.data" --no-children --sort sym --stdio -g none \
		2>/dev/null | modules >"$base.modules.txt"
	[ "${CLOCK:-}" = icount ] && cost "$base" >>"$base.modules.txt"
	tail -n 4 "$base.iperf"
	cat "$base.modules.txt"
	grep -v '^#' "$base.txt" | grep . | head -n 25
}

profile_main()
{
	local encap

	trap stop EXIT
	mkdir -p "$OUT" "$WORK/topo"
	make_peer_files
	sysctl -qw net.core.devconf_inherit_init_net=1 \
		net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 \
		kernel.kptr_restrict=0 kernel.perf_event_paranoid=-1
	modprobe ipip
	for encap in $PROFILE_ENCAPS; do
		profile "$encap" || log "$encap: failed"
		kill "$(cat "$WORK/iperf3-$encap-1.pid")" 2>/dev/null
		cleanup_all_ns
		NS_LIST=()
	done
}

profile_main
