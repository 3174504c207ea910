#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install what a podnet make target needs:
# deps.sh build|test|lint|spec|kernel|kernels|bench|dkms|deb.
# As root on Debian the packages are installed with apt-get; otherwise the
# exact command is printed and the target fails.

set -u

need_build="make gcc libc6-dev pkg-config libmnl-dev linux-headers-amd64"
need_test="linux-image-amd64 qemu-system-x86 busybox-static cpio iproute2
	iputils-ping tcpdump iperf3 ethtool python3 kmod procps bash-completion
	containernetworking-plugins"
need_lint="sparse linux-source-6.12 perl shellcheck"
need_spec="linux-source-6.12 xz-utils python3 python3-yaml python3-jsonschema gcc
	libc6-dev"
need_kernel="linux-source-6.12 xz-utils bc bison flex libelf-dev libssl-dev
	cpio rsync"
need_kernels="rsync xz-utils zstd dwarves mmdebstrap debian-archive-keyring"
need_bench="gnuplot-nox linux-perf"
need_dkms="dkms rsync"
need_deb="debhelper dh-dkms bash-completion dpkg-dev fakeroot lintian git rsync"

pkgs=
for what in "$@"; do
	case $what in
	build) pkgs="$pkgs $need_build" ;;
	test) pkgs="$pkgs $need_build $need_test" ;;
	lint) pkgs="$pkgs $need_build $need_lint" ;;
	spec) pkgs="$pkgs $need_spec" ;;
	kernel) pkgs="$pkgs $need_build $need_kernel" ;;
	kernels) pkgs="$pkgs $need_build $need_kernels" ;;
	bench) pkgs="$pkgs $need_build $need_test $need_bench" ;;
	dkms) pkgs="$pkgs $need_build $need_dkms" ;;
	deb) pkgs="$pkgs $need_build $need_deb" ;;
	*) echo "deps.sh: unknown set '$what'" >&2; exit 2 ;;
	esac
done

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	echo "podnet: missing packages; install them with:" >&2
	echo "    sudo apt-get install$missing" >&2
	exit 1
fi

echo "podnet: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; a failed update is fine as long
# as the install then succeeds from what is there.
if ! apt-get install -y -q --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -q >/dev/null 2>&1
	apt-get install -y -q --no-install-recommends $missing >/dev/null ||
		{ echo "podnet: apt-get install$missing failed" >&2; exit 1; }
fi
