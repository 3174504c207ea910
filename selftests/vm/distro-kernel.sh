#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian's own kernels for the test guest, fetched from the archive as
# packages and unpacked into ${XDG_CACHE_HOME:-~/.cache}/podnet/distro,
# never installed over the host's:
#
#   6.12     linux-image-6.12-amd64 and its headers (bookworm-security)
#   rt       linux-image-6.12-rt-amd64, PREEMPT_RT (bookworm-security)
#   latest   the newest linux-image-amd64 of Debian's stable release and its
#            backports (trixie, trixie-backports, trixie-security), looked
#            up again on every run
#
# A kernel built for the host's release (bookworm) is built against with
# the host's compiler and its unpacked headers. One built for another
# release comes with a kbuild whose programs need that release's C library
# and a compiler the host does not have: its headers are installed, with
# the compiler Debian built the kernel with, in a minimal root of that
# release made by mmdebstrap, and the module is built there.
#
#   distro-kernel.sh NAME --image | --release | --modules | --tree
#   distro-kernel.sh NAME --build DIR [MAKE ARGS...]
#
#   --image     print the path of the kernel image (fetching it first)
#   --release   print the kernel release (uname -r in the guest)
#   --modules   print the directory that holds lib/modules/RELEASE
#   --tree      print the kernel build tree, as the build sees it
#   --build     build the module sources in DIR (a copy of the checkout's
#               Kbuild, kmod/ and uapi/) against the kernel; fails on any
#               compiler warning

set -u

cache=${XDG_CACHE_HOME:-$HOME/.cache}/podnet/distro
say() { echo "distro-kernel: $*" >&2; }
die() { say "$*"; exit 1; }

[ $# -ge 2 ] || die "usage: distro-kernel.sh 6.12|rt|latest --image|--release|--modules|--tree|--build DIR"
name=$1
what=$2
shift 2

mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security
case $name in
6.12)	release=bookworm flavour=6.12-amd64 ;;
rt)	release=bookworm flavour=6.12-rt-amd64 ;;
latest)	release=trixie flavour=amd64 ;;
*)	die "unknown kernel '$name' (6.12, rt or latest)" ;;
esac
host_release=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")

# The archive as this release sees it: private package lists, so that the
# host's own sources and package state are left alone.
aptdir=$cache/apt-$release
apt_opts=(-o "Dir::Etc::SourceList=$aptdir/sources.list"
	  -o Dir::Etc::SourceParts=/nonexistent
	  -o "Dir::State::Lists=$aptdir/lists"
	  -o "Dir::Cache=$aptdir/cache"
	  -o Dir::State::Status=/dev/null
	  -o Debug::NoLocking=1 -o APT::Get::List-Cleanup=0
	  -o APT::Sandbox::User=root)

apt_update()
{
	local key=/usr/share/keyrings/debian-archive-keyring.gpg stamp

	mkdir -p "$aptdir/lists/partial" "$aptdir/cache/archives/partial" ||
		die "cannot create $aptdir"
	cat >"$aptdir/sources.list" <<-EOF
	deb [signed-by=$key] $mirror $release main
	deb [signed-by=$key] $mirror $release-updates main
	deb [signed-by=$key] $mirror $release-backports main
	deb [signed-by=$key] $security $release-security main
	EOF
	# Once an hour at most; "latest" is looked up again after that. A
	# failed update is fine while earlier lists are there.
	stamp=$aptdir/lists/.updated
	[ -n "$(find "$stamp" -mmin -60 2>/dev/null)" ] && return 0
	if apt-get "${apt_opts[@]}" -q update >"$aptdir/update.log" 2>&1; then
		touch "$stamp"
	elif ! ls "$aptdir"/lists/*_Packages* >/dev/null 2>&1; then
		cat "$aptdir/update.log" >&2
		die "cannot read Debian's $release package lists"
	fi
}

# The newest version of a package, across the release's suites.
newest()
{
	apt-cache "${apt_opts[@]}" madison "$1" 2>/dev/null |
		awk -F' [|] ' '{ print $2 }' | sort -V | tail -n1
}

# The kernel's own packages a package needs (the first of alternatives).
kernel_deps()
{
	apt-cache "${apt_opts[@]}" show "$1=$2" 2>/dev/null |
		sed -n 's/^Depends: //p' | head -n1 | tr ',' '\n' |
		sed 's/|.*//; s/(.*//; s/ //g' |
		grep -E '^linux-(image|binary|modules|base|headers|kbuild)-[0-9]'
}

# Resolve the kernel: sets version, krel and pkgs.
resolve()
{
	local queue p d

	apt_update
	version=$(newest "linux-image-$flavour")
	[ -n "$version" ] || die "no linux-image-$flavour in Debian's $release"
	queue="linux-image-$flavour linux-headers-$flavour"
	pkgs=
	while [ -n "$queue" ]; do
		set -- $queue
		p=$1
		shift
		queue="$*"
		case " $pkgs " in *" $p "*) continue ;; esac
		apt-cache "${apt_opts[@]}" show "$p=$version" >/dev/null 2>&1 ||
			die "no $p $version in Debian's $release"
		pkgs="$pkgs $p"
		for d in $(kernel_deps "$p" "$version"); do
			queue="$queue $d"
		done
	done
	krel=$(printf '%s\n' $pkgs | sed -n 's/^linux-image-\([0-9]*\.[0-9]*\.[0-9].*-amd64\)\(-unsigned\)\{0,1\}$/\1/p' | head -n1)
	[ -n "$krel" ] || die "cannot tell the kernel release from:$pkgs"
}

# The kernel, unpacked once per version, in $dir.
fetch()
{
	local tmp p deb

	resolve
	dir=$cache/$krel-$version
	[ -e "$dir/.done" ] && return 0
	say "fetching Debian's $krel ($version):$pkgs"
	rm -rf "$dir"
	tmp=$dir/debs
	mkdir -p "$tmp" "$dir/root" || die "cannot create $dir"
	for p in $pkgs; do
		(cd "$tmp" && apt-get "${apt_opts[@]}" -q download "$p=$version" \
			>/dev/null) || die "cannot download $p $version"
	done
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$dir/root" || die "cannot unpack $deb"
	done
	# Newer releases have merged /usr: modules and image in /usr/lib/modules.
	[ -e "$dir/root/lib" ] || ln -s usr/lib "$dir/root/lib"
	if [ ! -e "$dir/root/boot/vmlinuz-$krel" ]; then
		mkdir -p "$dir/root/boot"
		ln -s "../lib/modules/$krel/vmlinuz" "$dir/root/boot/vmlinuz-$krel"
	fi
	[ -r "$dir/root/boot/vmlinuz-$krel" ] || die "no vmlinuz-$krel in the packages"
	depmod -b "$dir/root" "$krel" || die "depmod failed for $krel"
	if [ "$release" != "$host_release" ]; then
		buildroot "$dir" || die "cannot make the $release build root"
	else
		# The headers name their common part by its absolute path.
		sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" \
			"$dir/root/usr/src/linux-headers-$krel/Makefile"
	fi
	touch "$dir/.done"
}

# A minimal root of the kernel's release with its compiler and headers.
buildroot()
{
	local dir=$1 key=/usr/share/keyrings/debian-archive-keyring.gpg

	command -v mmdebstrap >/dev/null ||
		die "no mmdebstrap (selftests/vm/deps.sh kernels)"
	say "making a $release build root for $krel in $dir/build-root"
	mmdebstrap --quiet --variant=apt --skip=cleanup/apt \
		--include="make,binutils,libc6-dev,linux-headers-$krel" \
		"$release" "$dir/build-root" \
		"deb [signed-by=$key] $mirror $release main" \
		"deb [signed-by=$key] $mirror $release-updates main" \
		"deb [signed-by=$key] $mirror $release-backports main" \
		"deb [signed-by=$key] $security $release-security main" \
		>"$dir/build-root.log" 2>&1 ||
		{ tail -n 20 "$dir/build-root.log" >&2; return 1; }
}

fetch
case $what in
--image)
	echo "$dir/root/boot/vmlinuz-$krel" ;;
--release)
	echo "$krel" ;;
--modules)
	echo "$dir/root/lib/modules" ;;
--tree)
	if [ -d "$dir/build-root" ]; then
		echo "$dir/build-root/usr/src/linux-headers-$krel"
	else
		echo "$dir/root/usr/src/linux-headers-$krel"
	fi ;;
--build)
	[ $# -ge 1 ] || die "--build needs the module's directory"
	src=$(cd "$1" && pwd) || exit 1
	shift
	log=$src/build.log
	rm -f "$src/kmod/podnet.ko"
	if [ -d "$dir/build-root" ]; then
		# The sources go into the build root and the result comes back.
		rm -rf "$dir/build-root/build"
		cp -a "$src" "$dir/build-root/build" || exit 1
		# objtool wants /proc: a private mount of it, gone with the build.
		unshare --mount --propagation private sh -c '
			mount -t proc proc "$1/proc" && shift &&
			exec chroot "$0" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"' \
			"$dir/build-root" "$dir/build-root" \
			make -C "/usr/src/linux-headers-$krel" M=/build "$@" modules \
			>"$log" 2>&1
		rc=$?
		cp "$dir/build-root/build/kmod/podnet.ko" "$src/kmod/" 2>/dev/null
	else
		make -C "$dir/root/usr/src/linux-headers-$krel" M="$src" "$@" \
			modules >"$log" 2>&1
		rc=$?
	fi
	grep -v "^Skipping BTF" "$log"
	[ $rc -eq 0 ] || die "the module does not build against $krel"
	! grep -q "warning:" "$log" || die "the build against $krel has warnings"
	;;
*)
	die "unknown option $what" ;;
esac
