#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tool's bash completion: objects, commands, keywords and their
# values, podnet device names, and the prefixes on the devices, also in
# the namespace -n names.

source "$(dirname "$0")/lib.sh"
pn_userspace_test

COMPLETION=$TOP/userspace/podnet.bash-completion
if [ ! -r /usr/share/bash-completion/bash_completion ]; then
	echo "SKIP: no bash-completion"
	exit $ksft_skip
fi

# complete NS WORDS...: what completing the last word offers, run in NS
# (or here for "-"), with the tool from the build tree as "podnet".
complete_in()
{
	local ns=$1
	shift
	${ns:+ip netns exec "$ns"} bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$1"
		tool=$2
		podnet() { "$tool" "$@"; }
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_podnet
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		complete "$COMPLETION" "$PODNET" "$@"
}

setup_ns A
ip netns exec "$A" "$PODNET" link add pn0
ip netns exec "$A" "$PODNET" link add pn1 mode ipip
ip netns exec "$A" "$PODNET" subnet add 10.244.1.0/24 via 192.168.0.1 dev pn0
ip netns exec "$A" "$PODNET" subnet add 10.244.2.0/24 via 192.168.0.2 dev pn0
ip -n "$A" link add d0 type dummy

expect_match "$(complete_in "" podnet "")" "^help link monitor subnet $" "objects"
expect_match "$(complete_in "" podnet subnet r)" "^replace $" "subnet commands"
expect_match "$(complete_in "" podnet link add x df "")" "^inherit set unset $" "df values"
expect_match "$(complete_in "$A" podnet link set "")" "^pn0 pn1 $" "device names"
expect_match "$(complete_in "" podnet link re)" "^replace $" "link commands"
expect_match "$(complete_in "$A" podnet link replace pn0 ar)" "^arpsuppress $" \
	"link replace keywords"
expect_match "$(complete_in "$A" podnet subnet show dev "")" "^pn0 pn1 $" "devices after dev"
expect_match "$(complete_in "$A" podnet subnet del 10.244.)" "^10\.244\.1\.0/24 10\.244\.2\.0/24 $" \
	"prefixes for subnet del"
expect_match "$(complete_in "" podnet -n "$A" subnet get 10.244.2)" "^10\.244\.2\.0/24 $" \
	"prefixes in the namespace -n names"
expect_match "$(complete_in "" podnet -n "")" "$A" "namespace names after -n"
log_test "bash completion: objects, commands, values, devices, prefixes, -n"
exit $EXIT_STATUS
