#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The podnet debug kernel: print the path of its bzImage, building it first
# when the cache has none. It is Debian's linux-source-6.12 configured as
# allnoconfig plus selftests/vm/debug.config (KASAN, UBSAN, kmemleak,
# lockdep, everything the test guest needs built in), unpacked and built in
# ${XDG_CACHE_HOME:-~/.cache}/podnet/kernel-<key>, where the key hashes the
# fragment and the package version. Building takes about ten minutes on two
# cores; afterwards the answer is immediate.
#
#   debug-kernel.sh [--tree | --release]
#
#   --tree      print the kernel tree instead (make -C <tree> M=... builds
#               modules against it)
#   --release   print the kernel release instead (the guest's uname -r)

set -u

here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/debug.config
pkg=linux-source-6.12
tarball=/usr/src/$pkg.tar.xz
cache=${XDG_CACHE_HOME:-$HOME/.cache}/podnet

say() { echo "debug-kernel: $*" >&2; }
die() { say "$*"; exit 1; }

# The cache key: the fragment and the exact source package version.
cache_key()
{
	local version

	version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null)
	if [ -z "$version" ] || [ ! -r "$tarball" ]; then
		die "no $pkg (apt-get install $pkg, or selftests/vm/deps.sh kernel)"
	fi
	{ echo "$pkg $version"; cat "$fragment"; } | sha256sum | cut -c1-16
}

# The options of the fragment that the final .config does not have as asked.
missing_options()
{
	local line

	grep -E '^(CONFIG_|# CONFIG_.* is not set$)' "$fragment" |
	while IFS= read -r line; do
		grep -qxF -- "$line" "$tree/.config" || echo "$line"
	done
}

verify()
{
	local bad line sym

	bad=$(missing_options)
	[ -z "$bad" ] && return 0
	say "these options of $fragment did not survive olddefconfig:"
	printf '    %s\n' "$bad" >&2
	while IFS= read -r line; do
		sym=${line#\# }
		sym=${sym%%[= ]*}
		printf '    now: %s\n' "$(grep -E "^(# )?${sym}[= ]" "$tree/.config" ||
			echo "$sym absent")" >&2
	done <<<"$bad"
	return 1
}

unpack()
{
	[ -e "$dir/.unpacked" ] && return 0
	say "unpacking $tarball into $dir"
	rm -rf "$dir"
	mkdir -p "$dir" || return 1
	tar -C "$dir" -xJf "$tarball" || return 1
	[ -f "$tree/Makefile" ] || { say "$tarball has no $pkg/Makefile"; return 1; }
	touch "$dir/.unpacked"
}

# ARCH=x86_64: plain x86's allnoconfig is a 32-bit one, whose choices
# (FRAME_WARN, say) would outlive the fragment's CONFIG_64BIT.
configure()
{
	make -C "$tree" -s ARCH=x86_64 allnoconfig &&
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$tree" \
		"$tree/.config" "$fragment" >"$dir/merge.log" 2>&1 &&
	make -C "$tree" -s olddefconfig
}

build()
{
	local start=$SECONDS

	say "building $pkg in $tree with make -j$(nproc) (about ten minutes; log in $dir/build.log)"
	if ! make -C "$tree" -j"$(nproc)" all >"$dir/build.log" 2>&1; then
		tail -n 40 "$dir/build.log" >&2
		say "the build failed; the whole log is $dir/build.log"
		return 1
	fi
	say "built in $((SECONDS - start)) s"
}

# Only the current key's tree is worth its gigabytes.
prune()
{
	local old

	for old in "$cache"/kernel-*/; do
		old=${old%/}
		[ "$old" = "$dir" ] && continue
		say "removing the outdated $old"
		rm -rf "$old" "$old.lock"
	done
}

case ${1:-} in
""|--tree|--release) ;;
*) echo "usage: debug-kernel.sh [--tree | --release]" >&2; exit 2 ;;
esac

key=$(cache_key) || exit 1
dir=$cache/kernel-$key
tree=$dir/$pkg
image=$tree/arch/x86/boot/bzImage

if [ ! -e "$dir/.built" ]; then
	mkdir -p "$cache" || die "cannot create $cache"
	# One build at a time; whoever waited finds the kernel built.
	exec 9>"$dir.lock"
	flock 9
	if [ ! -e "$dir/.built" ]; then
		unpack || die "cannot unpack $tarball"
		configure || die "cannot configure the kernel (see $dir/merge.log)"
		verify || exit 1
		build || exit 1
		verify || exit 1
		touch "$dir/.built"
		prune
	fi
	exec 9>&-
fi

case ${1:-} in
--tree) echo "$tree" ;;
--release) cat "$tree/include/config/kernel.release" ;;
*) echo "$image" ;;
esac
