#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink client for the podnet selftests.

Builds podnet requests attribute by attribute, so that tests can send what
the tool never would (bad lengths, unknown attributes, wrong nesting), and
prints the kernel's answer: "ok", or "error ERRNO: extack message".

  pnl.py CMD [FLAGS] ATTR...
  pnl.py -batch       (requests from stdin, one per line; see batch())

CMD is getdev, new, replace, change, del, get, flush or a number, or "link
NAME" to send RTM_NEWLINK creating (or, with FLAGS "set", changing) a
podnet device NAME whose IFLA_INFO_DATA holds the ATTRs, named mode, vni,
port, local, link, ttl, tos, srccheck, gateway, arpsuppress, maxsubnets,
df, local6, gateway6 or numbered (but for mtu and address, IFLA_MTU and
IFLA_ADDRESS, which go beside it). FLAGS is a comma list of the netlink header's flag bits create, excl,
replace, append, echo and dump (the version 2 family refuses all but echo
and dump), resv: a genlmsghdr.reserved field of 1, and intr: during a
dump, after its first message, run the shell command in $PNL_DURING (to
change the table).

An ATTR is TYPE=VALUE. At the top level the types are ifindex, ifname,
subnet, address4, address6, pad or a number; a request with several
subnets repeats subnet=nest[...]. VALUE is u64:N, u32:N, u16:N, u8:N,
be16:N, str:S, ip:A.B.C.D, ip6:ADDR, hex:..., mac:..., or for nests
nest[ATTR;ATTR;...]. Within a subnet nest the types are prefix4, prefix6,
plen, node4, node6, lladdr, flags, stats, pad or a number; within its
stats nest tx_packets, tx_bytes, rx_packets, rx_bytes, pad or a number. A
bare nest[...] is a nest of type 0, as the elements of version 1's
indexed PODNET_A_SUBNETS array were.

Before the "ok" of an answer, each PODNET_A_SUBNET it carries (the reply
to get, every message of a dump) is printed on a line of its own as the
ATTR that would send it back, for example
  subnet=nest[prefix4=ip:10.244.1.0;plen=u8:24;node4=ip:192.168.0.1;...]
and a dump ends with "ok N messages", N the number of its messages, and
" intr" when one of them carried NLM_F_DUMP_INTR.
"""

import errno
import os
import shlex
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_VERSION = 3
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLM_F_DUMP = 0x300
FLAGS = {"create": 0x400, "excl": 0x200, "replace": 0x100, "append": 0x800,
         "echo": 0x8, "dump": NLM_F_DUMP, "intr": 0}
NLA_F_NESTED = 0x8000
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLMSGERR_ATTR_MSG = 1
SOL_NETLINK, NETLINK_EXT_ACK = 270, 11
PODNET_GENL_VERSION = 2         # PODNET_FAMILY_VERSION

CMDS = {"getdev": 1, "new": 2, "replace": 3, "change": 4, "del": 5, "get": 6,
        "flush": 7}
TOP = {"pad": 1, "ifindex": 2, "ifname": 3, "subnet": 4, "address4": 5,
       "address6": 6}
LINK = {"mode": 1, "vni": 2, "port": 3, "local": 4, "link": 5, "ttl": 6,
        "tos": 7, "srccheck": 8, "gateway": 9, "arpsuppress": 10,
        "maxsubnets": 11, "df": 12, "local6": 13, "gateway6": 14,
        "direct": 15}
LINK_TOP = {"address": 1, "mtu": 4}   # beside IFLA_LINKINFO
SUB = {"pad": 1, "prefix4": 2, "prefix6": 3, "plen": 4, "node4": 5,
       "node6": 6, "lladdr": 7, "flags": 8, "stats": 9}
STATS = {"pad": 1, "tx_packets": 2, "tx_bytes": 3, "rx_packets": 4,
         "rx_bytes": 5}
# The names within a nest, by the nest's name; others hold subnet names.
INNER = {"subnet": SUB, "stats": STATS}
# How print_attr() shows a value, by attribute name.
KINDS = {"prefix4": "ip", "node4": "ip", "prefix6": "ip6", "node6": "ip6",
         "plen": "u8", "lladdr": "mac", "flags": "u32", "stats": "nest",
         "tx_packets": "u64", "tx_bytes": "u64", "rx_packets": "u64",
         "rx_bytes": "u64"}
KIND_SIZES = {"ip": 4, "ip6": 16, "u8": 1, "mac": 6, "u32": 4, "u64": 8}


def nla(atype, payload, nested=False):
    hdr = struct.pack("HH", 4 + len(payload),
                      atype | (NLA_F_NESTED if nested else 0))
    return hdr + payload + b"\0" * ((4 - len(payload) % 4) % 4)


def split_top(s, sep):
    """Split s on sep outside brackets."""
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == sep and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


def value(v, names):
    """The payload of VALUE v and whether it is a nest, whose attributes
    are named by names."""
    kind, _, rest = v.partition(":")
    if v.startswith("nest["):
        inner = v[5:-1]
        return b"".join(attr(a, names) for a in split_top(inner, ";")), True
    if kind == "u64":
        return struct.pack("Q", int(rest, 0)), False
    if kind == "u32":
        return struct.pack("I", int(rest, 0)), False
    if kind == "be16":
        return struct.pack("!H", int(rest, 0)), False
    if kind == "u16":
        return struct.pack("H", int(rest, 0)), False
    if kind == "u8":
        return struct.pack("B", int(rest, 0)), False
    if kind == "str":
        return rest.encode() + b"\0", False
    if kind == "ip":
        return socket.inet_aton(rest), False
    if kind == "ip6":
        return socket.inet_pton(socket.AF_INET6, rest), False
    if kind == "mac":
        return bytes(int(x, 16) for x in rest.split(":")), False
    if kind == "hex":
        return bytes.fromhex(rest), False
    raise SystemExit(f"pnl.py: bad value {v!r}")


def attr(spec, names):
    if spec.startswith("nest["):        # an element of a nested array
        payload, _ = value(spec, SUB)
        return nla(0, payload, True)
    name, _, v = spec.partition("=")
    atype = names.get(name)
    if atype is None:
        atype = int(name, 0)
    payload, nested = value(v, INNER.get(name, SUB))
    return nla(atype, payload, nested)


def print_attr(atype, payload, names):
    """An attribute as the ATTR that sends it: TYPE=VALUE."""
    name = next((n for n, t in names.items() if t == atype), str(atype))
    kind = KINDS.get(name, "hex")
    if kind == "nest":
        return f"{name}=nest[{print_nest(payload, INNER.get(name, SUB))}]"
    if KIND_SIZES.get(kind) != len(payload):
        kind = "hex"
    if kind == "ip":
        v = socket.inet_ntoa(payload)
    elif kind == "ip6":
        v = socket.inet_ntop(socket.AF_INET6, payload)
    elif kind == "mac":
        v = ":".join(f"{x:02x}" for x in payload)
    elif kind == "hex":
        v = payload.hex()
    else:
        v = struct.unpack({"u8": "B", "u32": "I", "u64": "Q"}[kind],
                          payload)[0]
    return f"{name}={kind}:{v}"


def print_nest(buf, names):
    return ";".join(print_attr(at, payload, names)
                    for at, payload in attr_list(buf))


def send(sock, fam, cmd, flags, payload, seq, reserved=0):
    msg = struct.pack("BBH", cmd, PODNET_GENL_VERSION, reserved) + payload
    hdr = struct.pack("IHHII", 16 + len(msg), fam, flags, seq, 0)
    sock.send(hdr + msg)


def attr_list(buf):
    """(type, payload) of each attribute in buf, in order, repeated ones
    included."""
    out = []
    while len(buf) >= 4:
        ln, at = struct.unpack_from("HH", buf)
        if ln < 4 or ln > len(buf):
            break
        out.append((at & 0x3fff, buf[4:ln]))
        buf = buf[(ln + 3) & ~3:]
    return out


def attrs(buf):
    """The attributes in buf by type; of a repeated one, the last."""
    return dict(attr_list(buf))


def recv_all(sock, seq):
    """Yield (type, flags, payload) until the ack, error or DONE."""
    while True:
        data = sock.recv(1 << 20)
        while data:
            ln, typ, flags, s, _ = struct.unpack_from("IHHII", data)
            yield typ, flags, data[16:ln]
            if typ in (NLMSG_ERROR, NLMSG_DONE):
                return
            data = data[(ln + 3) & ~3:]


def family_id(sock):
    """The id of the podnet family, which must be of the version these
    numbers are: each version is another layout."""
    send(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST,
         nla(CTRL_ATTR_FAMILY_NAME, b"podnet\0"), 1)
    for typ, _, payload in recv_all(sock, 1):
        if typ == NLMSG_ERROR:
            raise SystemExit("pnl.py: the podnet family is not registered")
        a = attrs(payload[4:])
        version = struct.unpack("I", a[CTRL_ATTR_VERSION])[0]
        if version != PODNET_GENL_VERSION:
            raise SystemExit(f"pnl.py: the podnet family is version "
                             f"{version}, not {PODNET_GENL_VERSION}")
        return struct.unpack("H", a[CTRL_ATTR_FAMILY_ID])[0]


def link(argv):
    """RTM_NEWLINK for a podnet device: link NAME [set] ATTR..."""
    name, rest = argv[2], argv[3:]
    flags = NLM_F_REQUEST | NLM_F_ACK | 0x400 | 0x200    # CREATE | EXCL
    if rest and rest[0] == "set":
        rest.pop(0)
        flags = NLM_F_REQUEST | NLM_F_ACK
    top = [a for a in rest if a.partition("=")[0] in LINK_TOP]
    data = b"".join(attr(a, LINK) for a in rest if a not in top)
    info = nla(1, b"podnet\0") + nla(2, data, True)      # KIND, DATA
    body = struct.pack("BxHiII", 0, 0, 0, 0, 0) + nla(3, name.encode() + b"\0") \
        + b"".join(attr(a, LINK_TOP) for a in top) \
        + nla(18, info, True)                             # IFNAME, LINKINFO
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    sock.send(struct.pack("IHHII", 16 + len(body), 16, flags, 1, 0) + body)
    return report(recv_all(sock, 1), flags)


def report(replies, flags, fam=None):
    """Print the outcome of a request, and the subnets of the answers of
    family fam; 0 when it succeeded."""
    count = 0
    intr = False
    for typ, mflags, body in replies:
        if mflags & 0x10:
            intr = True
        if typ == NLMSG_ERROR or (typ == NLMSG_DONE and len(body) >= 4 and
                                  struct.unpack_from("i", body)[0]):
            err = -struct.unpack_from("i", body)[0]
            if err == 0:
                break
            msg = ""
            if mflags & 0x200 and typ == NLMSG_ERROR:   # NLM_F_ACK_TLVS
                olen = struct.unpack_from("I", body, 4)[0]
                skip = 4 + (16 if mflags & 0x100 else olen)  # capped
                tl = attrs(body[skip:])
                if NLMSGERR_ATTR_MSG in tl:
                    msg = tl[NLMSGERR_ATTR_MSG].rstrip(b"\0").decode()
            name = "EOPNOTSUPP" if err == errno.EOPNOTSUPP else \
                errno.errorcode.get(err, str(err))
            print(f"error {name}: {msg}")
            return 2
        if typ == NLMSG_DONE:
            break
        count += 1
        if typ == fam:
            for at, payload in attr_list(body[4:]):
                if at == TOP["subnet"]:
                    print(f"subnet=nest[{print_nest(payload, SUB)}]")
        if report.during and count == 1:
            os.system(report.during)
    dump = flags & NLM_F_DUMP == NLM_F_DUMP
    print("ok" + (f" {count} messages" if dump else "") +
          (" intr" if intr else ""))
    return 0


report.during = None


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    if argv[1] == "link":
        return link(argv)
    cmd = CMDS.get(argv[1]) or int(argv[1], 0)
    rest = argv[2:]
    flags = NLM_F_REQUEST | NLM_F_ACK
    during = None
    reserved = 0
    if rest and "=" not in rest[0]:
        for f in rest.pop(0).split(","):
            if f == "intr":
                during = os.environ["PNL_DURING"]
            elif f == "resv":
                reserved = 1
            elif f:
                flags |= FLAGS[f]
    payload = b"".join(attr(a, TOP) for a in rest)

    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    fam = family_id(sock)
    send(sock, fam, cmd, flags, payload, 2, reserved)
    report.during = during
    return report(recv_all(sock, 2), flags, fam)


def batch():
    """pnl.py -batch: one request per line of stdin, its words quoted as
    a shell quotes them, each answer followed by a line "--". One process
    for many requests: a Python start costs seconds in an emulated
    guest."""
    for line in sys.stdin:
        words = shlex.split(line)
        if not words:
            continue
        try:
            main(["pnl.py"] + words)
        except SystemExit as e:
            if e.code not in (None, 0):
                print(e.code)
        print("--", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(batch() if sys.argv[1:] == ["-batch"] else main(sys.argv))
