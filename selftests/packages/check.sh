#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-packages: build the Debian packages (make deb), install them
# on this machine, boot the guest on the Debian kernel they were built for
# and run guest.sh there (modprobe podnet from what DKMS built, a ping
# through the packaged tool), then purge the packages and check that the
# machine is as it was. Prints TAP like make check.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/selftests/vm/kernel-log.sh"
cd "$top" || exit 1
out=${CHECK_OUT:-$top/.vm/check-packages}
n=0
failed=0

tap()	# tap STATUS NAME [DETAIL]
{
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2${3:+ # $3}"
		failed=$((failed + 1))
	fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

echo "TAP version 13"
for p in podnet podnet-dkms; do
	if installed $p; then
		echo "Bail out! $p is installed already; this test would remove it"
		exit 1
	fi
done
version=$(sed -n 's/^#define PODNET_VERSION "\(.*\)"/\1/p' kmod/version.h)
kver=$(selftests/vm/kdir.sh --release)
selftests/vm/deps.sh test dkms || exit 1

mkdir -p "$top/.vm"
make -s deb >"$top/.vm/deb.log" 2>&1
rc=$?
tap $rc "make deb builds podnet-dkms and podnet" "see .vm/deb.log"
lint=$(lintian .vm/deb/*.deb 2>&1 | grep -v "running with root privileges")
[ $rc -eq 0 ] && [ -z "$lint" ]
tap $? "lintian has nothing to say" "$(echo "$lint" | head -n 3 | tr '\n' ' ')"
[ $rc -eq 0 ] || { echo "Bail out! no packages"; exit 1; }

# Installing podnet-dkms builds the module for the kernel's headers.
DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	"./.vm/deb/podnet-dkms_${version}_all.deb" \
	"./.vm/deb/podnet_${version}_amd64.deb" >"$top/.vm/deb-install.log" 2>&1
tap $? "the packages install" "see .vm/deb-install.log"
ls /lib/modules/"$kver"/updates/dkms/podnet.ko* >/dev/null 2>&1
tap $? "DKMS built and installed podnet.ko for $kver"

KVER=$kver "$top/selftests/vm/run.sh" -t 600 -o "$out" -- \
	"cd '$top' && selftests/packages/guest.sh" >"$out.log" 2>&1
rc=$?
sed 's/^/# /' "$out.log"
tap $rc "in the guest: modprobe podnet, two nodes ping through the packaged tool"
# The reports make check fails on (selftests/vm/kernel-log.sh).
if reports=$(kernel_log_reports "$out/console.log" "$out/dmesg"); then
	tap 1 "the guest's kernel log is clean" "see $out/console.log"
	echo "$reports"
else
	tap 0 "the guest's kernel log is clean"
fi

# Removing the packages removes the module; the machine is as it was.
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q podnet podnet-dkms \
	>"$top/.vm/deb-purge.log" 2>&1
tap $? "the packages purge" "see .vm/deb-purge.log"
left=$(ls /lib/modules/"$kver"/updates/dkms/podnet.ko* /usr/src/podnet-"$version" \
	/usr/sbin/podnet 2>/dev/null; dkms status podnet 2>/dev/null)
[ -z "$left" ]
tap $? "nothing of podnet is left" "$left"
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ $failed -eq 0 ]
