#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a QEMU guest from a distribution (or the debug) kernel with the host's
# root filesystem shared read-only over 9p, run one command in it, and judge
# the run by the command's exit status and by the guest's kernel log. The
# checkout is shared read-only too, and mounted at its own path when the
# root share does not show it (under /tmp, /run or /var, which the guest
# has as its own), so that it works from wherever it lives.
#
#   run.sh [-i] [-t SECONDS] [-o OUTDIR] -- COMMAND...
#
#   -i   interactive: a shell on the console instead of COMMAND
#   -t   wall-clock limit for the guest (default 1800 s)
#   -o   where the console log, dmesg and exit status go
#
# Environment: KVER (kernel release, default the newest installed
# linux-image-*-amd64), KIMG (kernel image, default /boot/vmlinuz-$KVER),
# KMODS (the directory holding the kernel's modules as RELEASE/..., default
# /lib/modules; another one is the guest's /lib/modules), VMDIR (cache for the initramfs and the KVM probe), ACCEL (kvm or tcg to
# skip the probe), VM_MEM (default 1536M), VM_CLOCK (host, the default, or
# icount: under TCG, a guest of one CPU whose clock counts the instructions
# it runs, one nanosecond each, so that a rate it measures does not depend
# on the host's speed or load; QEMU's instruction counting is one CPU only),
# VM_TCG_THREAD (multi or single: QEMU's TCG runs the guest's CPUs on a host
# thread each, or all on one; the default is multi for kernels up to 6.12
# and single for newer ones, see below).

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/selftests/vm
interactive=0
limit=1800
out=

while getopts "it:o:" opt; do
	case $opt in
	i) interactive=1 ;;
	t) limit=$OPTARG ;;
	o) out=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

die() { echo "podnet-vm: $*" >&2; exit 2; }

KVER=${KVER:-$("$here/kdir.sh" --release)} || die "no kernel found"
KIMG=${KIMG:-/boot/vmlinuz-$KVER}
KMODS=${KMODS:-/lib/modules}
VMDIR=${VMDIR:-$top/.vm}
VM_MEM=${VM_MEM:-1536M}
[ -r "$KIMG" ] || die "no kernel image $KIMG (apt-get install linux-image-amd64)"
mkdir -p "$VMDIR" || die "cannot create $VMDIR"
out=${out:-$VMDIR/last}

# Kernels after 6.12 die at boot now and then under Debian 12's QEMU (7.2)
# with multi-threaded TCG: "Oops: int3" in a function the kernel is
# patching live (a static key turned on), before /init starts, so before
# podnet is loaded. With one host thread for all the guest's CPUs it has
# not been seen (Documentation/testing.rst has the figures).
case $KVER in
[0-5].* | 6.[0-9].* | 6.1[0-2].*) tcg_thread=${VM_TCG_THREAD:-multi} ;;
*) tcg_thread=${VM_TCG_THREAD:-single} ;;
esac
case $tcg_thread in
multi | single) ;;
*) die "VM_TCG_THREAD=$tcg_thread: multi or single" ;;
esac

# The initramfs: busybox, our /init, and the modules that reach the 9p root.
# Rebuilt when the kernel or /init changes.
initrd_modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev
	virtio_pci netfs fscache 9pnet 9pnet_virtio 9p"

build_initrd() {
	local stage=$VMDIR/initrd.d n=10 m f

	rm -rf "$stage"
	mkdir -p "$stage"/{bin,dev,proc,sys,newroot,lib/modules} || return 1
	cp /bin/busybox "$stage/bin/busybox" || return 1
	for f in sh mount insmod mkdir ln cat switch_root poweroff sleep; do
		ln -s busybox "$stage/bin/$f"
	done
	cp "$here/init" "$stage/init"
	for m in $initrd_modules; do
		f=$(find "$KMODS/$KVER/kernel" -name "$m.ko*" 2>/dev/null | head -n1)
		[ -n "$f" ] || continue	# built in
		case $f in
		*.xz) xz -dc "$f" >"$stage/lib/modules/$n-$m.ko" ;;
		*.zst) zstd -qdc "$f" >"$stage/lib/modules/$n-$m.ko" ;;
		*) cp "$f" "$stage/lib/modules/$n-$m.ko" ;;
		esac || return 1
		n=$((n + 1))
	done
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$1.tmp" &&
		mv "$1.tmp" "$1"
}

key=$(cat "$here/init" "$here/run.sh" | md5sum | cut -c1-12)
initrd=$VMDIR/initrd-$KVER-$key.img
if [ ! -s "$initrd" ]; then
	rm -f "$VMDIR"/initrd-"$KVER"-*.img
	build_initrd "$initrd" || die "cannot build the initramfs"
fi

# Run the guest once: $1 accelerator, $2 time limit, $3 results dir,
# the rest the command.
boot() {
	local accel=$1 t=$2 dir=$3 append serial cpus=2
	shift 3

	rm -rf "$dir"
	mkdir -p "$dir"
	printf '%s\n' "$@" >"$dir/cmd"
	printf '%s\n' "$top" >"$dir/top"
	append="console=ttyS0 panic=-1 oops=panic loglevel=7 nokaslr"
	append="$append net.ifnames=0 init=/init"
	if [ "$accel" = kvm ]; then
		set -- -accel kvm -cpu host
	elif [ "${VM_CLOCK:-host}" = icount ]; then
		set -- -accel tcg,thread=single -cpu max \
			-icount shift=0,align=off,sleep=off
		cpus=1
	else
		set -- -accel tcg,thread="$tcg_thread" -cpu max
	fi
	if [ $interactive = 1 ]; then
		serial="-serial mon:stdio"
	else
		append="$append podnet.tty=ttyS1"
		serial="-serial file:$dir/console.log -serial stdio"
	fi
	if [ "$KMODS" != /lib/modules ]; then
		set -- "$@" -fsdev local,id=m,path="$KMODS",security_model=none,readonly=on,multidevs=remap \
			-device virtio-9p-pci,fsdev=m,mount_tag=modules
	fi
	# shellcheck disable=SC2086
	timeout --foreground -k 5 "$t" qemu-system-x86_64 "$@" \
		-nodefaults -machine pc -smp $cpus -m "$VM_MEM" \
		-display none -no-reboot \
		-kernel "$KIMG" -initrd "$initrd" -append "$append" \
		-fsdev local,id=r,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=r,mount_tag=hostroot \
		-fsdev local,id=t,path="$top",security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=t,mount_tag=checkout \
		-fsdev local,id=o,path="$dir",security_model=none,multidevs=remap \
		-device virtio-9p-pci,fsdev=o,mount_tag=results \
		$serial </dev/null
}

# KVM only when it provably boots this guest; the verdict is cached.
accel=${ACCEL:-}
if [ -z "$accel" ]; then
	accel=$(cat "$VMDIR/accel" 2>/dev/null)
	if [ -z "$accel" ]; then
		accel=tcg
		if [ -w /dev/kvm ] &&
		   boot kvm 20 "$VMDIR/probe" true >/dev/null 2>&1 &&
		   [ "$(cat "$VMDIR/probe/rc" 2>/dev/null)" = 0 ]; then
			accel=kvm
		fi
		echo $accel >"$VMDIR/accel"
	fi
fi

if [ $interactive = 1 ]; then
	boot "$accel" 86400 "$out" 'exec bash -l'
	exit 0
fi

boot "$accel" "$limit" "$out" "$@" | tr -d '\r'
qemu_rc=${PIPESTATUS[0]}

rc=$(cat "$out/rc" 2>/dev/null)
if [ -z "$rc" ]; then
	if [ "$qemu_rc" = 124 ]; then
		echo "podnet-vm: the guest timed out after $limit s" >&2
	else
		echo "podnet-vm: the guest stopped before the command ended" >&2
	fi
	rc=1
fi
echo "$rc" >"$out/rc"
exit "$rc"
