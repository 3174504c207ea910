#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check Documentation/netlink/specs/podnet.yaml against the kernel's YNL
# tooling (linux-source-6.12's tools/net/ynl and Documentation/netlink,
# unpacked into ~/.cache/podnet once):
#
#   * the spec is valid against the kernel's genetlink schema;
#   * ynl-gen-c generates its uAPI header, and every enumerator and define
#     of that header has the same value in uapi/linux/podnet.h (the
#     family version aside: the genetlink format has none);
#   * Documentation/netlink/specs/podnet-link.yaml, the rtnetlink link
#     kind, is valid against the netlink-raw schema, and its IFLA_PODNET_*
#     attributes and enums have the header's values.
#
#   ynl-spec.sh [--tree]     --tree: only print the YNL tree's path
#
# The kernel's policies are compared with the spec in the guest, where
# the module runs (selftests/ynl.sh), as podnet cannot use the generated
# kernel code itself (Documentation/testing.rst says why).

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/podnet
tree=$cache/linux-source-6.12-ynl
spec=$top/Documentation/netlink/specs/podnet.yaml
link_spec=$top/Documentation/netlink/specs/podnet-link.yaml

fail() { echo "ynl-spec: $*" >&2; exit 1; }

if [ ! -f "$tree/tools/net/ynl/ynl-gen-c.py" ] ||
   [ ! -f "$tree/Documentation/netlink/genetlink.yaml" ]; then
	tarball=/usr/src/linux-source-6.12.tar.xz
	[ -f "$tarball" ] || fail "no $tarball (apt-get install linux-source-6.12)"
	rm -rf "$tree.tmp" && mkdir -p "$tree.tmp" || exit 1
	tar -C "$tree.tmp" --strip-components=1 -xJf "$tarball" --wildcards \
		'*/tools/net/ynl/*' '*/Documentation/netlink/*' ||
		fail "cannot unpack YNL from $tarball"
	rm -rf "$tree" && mv "$tree.tmp" "$tree" || exit 1
fi
if [ "${1:-}" = --tree ]; then
	echo "$tree"
	exit 0
fi

# validate SCHEMA SPEC: the spec is valid against the kernel's schema, or
# the first place it is not is named.
validate()
{
	python3 - "$1" "$2" <<'PY'
import sys
import jsonschema
import yaml

try:
    jsonschema.validate(yaml.safe_load(open(sys.argv[2])),
                        yaml.safe_load(open(sys.argv[1])))
except jsonschema.ValidationError as e:
    path = "/".join(str(p) for p in e.absolute_path)
    sys.exit(f"ynl-spec: {sys.argv[2]}: {path}: {e.message}")
PY
}

validate "$tree/Documentation/netlink/genetlink.yaml" "$spec" || exit 1

# ynl-gen-c finds its tree by a MAINTAINERS file above the spec.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/Documentation/netlink/specs" && touch "$tmp/MAINTAINERS" &&
	ln -s "$tree/Documentation/netlink/genetlink.yaml" \
		"$tmp/Documentation/netlink/" &&
	cp "$spec" "$tmp/Documentation/netlink/specs/" || exit 1
(cd "$tmp" && python3 "$tree/tools/net/ynl/ynl-gen-c.py" --mode uapi \
	--header --spec Documentation/netlink/specs/podnet.yaml \
	-o "$tmp/podnet-gen.h") || fail "ynl-gen-c failed on $spec"

# Every name the generated header gives a value, printed by a program
# built against it and by one built against ours.
names=$(sed -n -e 's/^\t\([A-Z][A-Z0-9_]*\)\( = .*\)\?,\?$/\1/p' \
	-e 's/^#define \([A-Z][A-Z0-9_]*\)\t.*/\1/p' "$tmp/podnet-gen.h" |
	grep -v -e '^__' -e '^PODNET_FAMILY_VERSION$' | sort -u)
[ -n "$names" ] || fail "no names in the generated header"
{
	echo '#include <stdio.h>'
	echo '#include "podnet.h"'
	echo '#define S(x) _Generic((x), char *: printf("%s=%s\n", #x, (char *)(x)), default: printf("%s=%lld\n", #x, (long long)(x)))'
	echo 'int main(void) {'
	for n in $names; do echo "S($n);"; done
	echo 'return 0; }'
} >"$tmp/print.c"
mkdir -p "$tmp/gen" "$tmp/ours"
cp "$tmp/podnet-gen.h" "$tmp/gen/podnet.h"
cp "$top/uapi/linux/podnet.h" "$tmp/ours/podnet.h"
for h in gen ours; do
	cc -Wall -Werror -I"$tmp/$h" -o "$tmp/print-$h" "$tmp/print.c" \
		2>"$tmp/cc-$h.log" ||
		fail "uapi/linux/podnet.h lacks a name the spec generates:
$(grep -m3 error "$tmp/cc-$h.log")"
	"$tmp/print-$h" >"$tmp/$h.txt" || exit 1
done
if ! diff -u "$tmp/gen.txt" "$tmp/ours.txt" >"$tmp/diff"; then
	echo "ynl-spec: uapi/linux/podnet.h differs from what the spec generates:" >&2
	grep '^[-+][A-Z]' "$tmp/diff" >&2
	exit 1
fi
echo "ynl-spec: the spec is valid and uapi/linux/podnet.h matches it ($(wc -l <"$tmp/gen.txt") names)"

# The rtnetlink spec: valid against the kernel's netlink-raw schema, and
# its IFLA_PODNET_* attributes and their enums numbered as our header
# numbers them (ynl-gen-c makes no uAPI header for netlink-raw specs).
validate "$tree/Documentation/netlink/netlink-raw.yaml" "$link_spec" || exit 1
python3 - "$link_spec" >"$tmp/link-spec.txt" <<'PY' || exit 1
import sys
import yaml
spec = yaml.safe_load(open(sys.argv[1]))
def c_name(*words):
    return "_".join(words).upper().replace("-", "_")
for aset in spec["attribute-sets"]:
    if aset["name"] != "linkinfo-podnet-attrs":
        continue
    value = 0
    for attr in aset["attributes"]:
        value = attr.get("value", value + 1)
        print(f"{c_name('ifla-podnet', attr['name'])}={value}")
for d in spec["definitions"]:
    if d["type"] == "enum":
        for i, entry in enumerate(d["entries"]):
            print(f"{c_name(d['name'], entry['name'])}={d.get('value-start', 0) + i}")
PY
[ -s "$tmp/link-spec.txt" ] || fail "no IFLA_PODNET_* attributes in $link_spec"
{
	echo '#include <stdio.h>'
	echo '#include "podnet.h"'
	echo 'int main(void) {'
	sed 's/^\([A-Z0-9_]*\)=.*/printf("\1=%d\\n", \1);/' "$tmp/link-spec.txt"
	echo 'printf("IFLA_PODNET_MAX=%d\n", IFLA_PODNET_MAX);'
	echo 'return 0; }'
} >"$tmp/print-link.c"
cc -Wall -Werror -I"$tmp/ours" -o "$tmp/print-link" "$tmp/print-link.c" \
	2>"$tmp/cc-link.log" ||
	fail "uapi/linux/podnet.h lacks a name $link_spec has:
$(grep -m3 error "$tmp/cc-link.log")"
"$tmp/print-link" >"$tmp/link-ours.txt" || exit 1
echo "IFLA_PODNET_MAX=$(sed -n 's/^IFLA_PODNET_[A-Z0-9_]*=//p' "$tmp/link-spec.txt" |
	sort -n | tail -n1)" >>"$tmp/link-spec.txt"
if ! diff -u "$tmp/link-spec.txt" "$tmp/link-ours.txt" >"$tmp/diff"; then
	echo "ynl-spec: uapi/linux/podnet.h numbers differ from $link_spec:" >&2
	grep '^[-+][A-Z]' "$tmp/diff" >&2
	exit 1
fi
echo "ynl-spec: the rtnetlink spec is valid and numbered as uapi/linux/podnet.h ($(wc -l <"$tmp/link-spec.txt") names)"
