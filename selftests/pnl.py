#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink client for the podnet selftests.

Builds podnet requests attribute by attribute, so that tests can send what
the tool never would (bad lengths, unknown attributes, wrong nesting), and
prints the kernel's answer: "ok", or "error ERRNO: extack message".

  pnl.py CMD [FLAGS] ATTR...

CMD is new, del, get, flush, getdev or a number, or "link NAME" to send
RTM_NEWLINK creating (or, with FLAGS "set", changing) a podnet device NAME
whose IFLA_INFO_DATA holds the ATTRs, named mode, vni, port, local, link,
ttl, tos, srccheck, df or numbered (but for mtu, IFLA_MTU, which goes
beside it); FLAGS is a comma list of
create, excl, replace, dump, and intr: during a dump, after its first
message, run the shell command in $PNL_DURING (to change the table). An ATTR is TYPE=VALUE at the top level, with
types ifindex, ifname, subnets, address or a number; VALUE is u32:N,
u16:N, u8:N, str:S, ip:A.B.C.D, hex:..., mac:..., or for nests
nest[ATTR;ATTR;...] (a subnets list is nest[nest[...];nest[...]], its
elements of type 0).
Within a subnet nest, the types are family, prefix, plen, node, lladdr,
flags, stats or a number.
"""

import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLM_F_DUMP = 0x300
FLAGS = {"create": 0x400, "excl": 0x200, "replace": 0x100, "dump": NLM_F_DUMP,
         "intr": 0}
NLA_F_NESTED = 0x8000
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLMSGERR_ATTR_MSG = 1
SOL_NETLINK, NETLINK_EXT_ACK = 270, 11

CMDS = {"new": 1, "del": 2, "get": 3, "flush": 4, "getdev": 5}
TOP = {"ifindex": 1, "ifname": 2, "subnets": 3, "address": 4}
LINK = {"mode": 1, "vni": 2, "port": 3, "local": 4, "link": 5, "ttl": 6,
        "tos": 7, "srccheck": 8, "df": 11}
LINK_TOP = {"mtu": 4}    # IFLA_MTU, beside IFLA_LINKINFO
SUB = {"family": 1, "prefix": 2, "plen": 3, "node": 4, "lladdr": 5,
       "flags": 6, "stats": 7}


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
    kind, _, rest = v.partition(":")
    if v.startswith("nest["):
        inner = v[5:-1]
        return b"".join(attr(a, SUB) for a in split_top(inner, ";")), True
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
        payload, _ = value(spec, names)
        return nla(0, payload, True)
    name, _, v = spec.partition("=")
    atype = names.get(name)
    if atype is None:
        atype = int(name, 0)
    payload, nested = value(v, names)
    return nla(atype, payload, nested)


def send(sock, fam, cmd, flags, payload, seq):
    msg = struct.pack("BBH", cmd, 1, 0) + payload
    hdr = struct.pack("IHHII", 16 + len(msg), fam, flags, seq, 0)
    sock.send(hdr + msg)


def attrs(buf):
    out = {}
    while len(buf) >= 4:
        ln, at = struct.unpack_from("HH", buf)
        if ln < 4:
            break
        out[at & 0x3fff] = buf[4:ln]
        buf = buf[(ln + 3) & ~3:]
    return out


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
    send(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST,
         nla(CTRL_ATTR_FAMILY_NAME, b"podnet\0"), 1)
    for typ, _, payload in recv_all(sock, 1):
        if typ == NLMSG_ERROR:
            raise SystemExit("pnl.py: the podnet family is not registered")
        return struct.unpack("H", attrs(payload[4:])[CTRL_ATTR_FAMILY_ID])[0]


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


def report(replies, flags):
    """Print the outcome of a request; 0 when it succeeded."""
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
    if rest and "=" not in rest[0]:
        for f in rest.pop(0).split(","):
            if f == "intr":
                during = os.environ["PNL_DURING"]
            elif f:
                flags |= FLAGS[f]
    payload = b"".join(attr(a, TOP) for a in rest)

    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    fam = family_id(sock)
    send(sock, fam, cmd, flags, payload, 2)
    report.during = during
    return report(recv_all(sock, 2), flags)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
