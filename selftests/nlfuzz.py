#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeded netlink fuzzer for podnet.

  nlfuzz.py --dev NAME [--dev NAME]... [--sandbox NETNS] [--count N]
            [--model-dir DIR]

Runs in the network namespace of the devices under test (the --dev
devices) and sends them, in batches, a random mix of

  * well-formed requests whose outcome a model of the tables predicts:
    adds, replaces, changes and deletes (success, or EEXIST or ENOENT as
    the flags and the table say), flushes, lookups, GET_DEVICE and dumps,
    whose answers are compared with the model;
  * malformed requests, each with one defect (a truncated, oversized,
    wrongly nested, unknown, missing or out-of-range attribute, a bad
    header, command or flag), which must fail with the errno the defect
    calls for and change nothing;
  * requests without NLM_F_REQUEST and netlink control messages, which
    must be acknowledged and not acted on, and headers the kernel cannot
    parse, which must not be answered at all.

Subnets present when the run starts are never touched (traffic may use
them), and only a device that starts empty is flushed. In the namespace
NETNS (its podnet devices are of no interest) it sends generic netlink
requests with random bytes changed, and RTM_NEWLINK and RTM_SETLINK of
kind podnet with a fuzzed IFLA_INFO_DATA; those may succeed, or fail with
an errno of a known set, and every podnet device there must keep a
configuration in the documented ranges. Devices they create are deleted
at the end.

Every request must be answered exactly once (an ack, an error or the end
of a dump), within FUZZ_TIMEOUT seconds (default 30). The seed comes from
SEED, else at random, and is printed first: SEED=N replays the same
messages. The digest printed last hashes every message sent, so the same
seed on the same setup prints the same digest. With --model-dir, the model
of each table is written there as NAME.json, as `podnet -j subnet show dev
NAME` prints it. Exit status 0 when every check passed, 1 otherwise.
"""

import argparse
import ctypes
import errno
import hashlib
import json
import os
import random
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pnl import NLA_F_NESTED, attrs, family_id, nla  # noqa: E402

NETLINK_ROUTE, NETLINK_GENERIC = 0, 16
SOL_NETLINK, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 270, 10, 11
SO_SNDBUFFORCE, SO_RCVBUFFORCE = 32, 33
CLONE_NEWNET = 0x40000000

NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE = 1, 2, 3
NLM_F_REQUEST, NLM_F_ACK, NLM_F_ECHO, NLM_F_DUMP_INTR = 0x1, 0x4, 0x8, 0x10
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND = \
    0x100, 0x200, 0x400, 0x800
NLM_F_DUMP = 0x300
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSGERR_ATTR_MSG = 1
NLA_F_NET_BYTEORDER = 0x4000

# uapi/linux/podnet.h
CMD_NEW, CMD_DEL, CMD_GET, CMD_FLUSH, CMD_GETDEV, CMD_MISS = 1, 2, 3, 4, 5, 6
A_IFINDEX, A_IFNAME, A_SUBNETS, A_ADDRESS = 1, 2, 3, 4
A_SUBNET_COUNT, A_GENERATION, A_STATS, A_PAD, A_MISS = 5, 6, 7, 8, 9
A_MAX = 9
S_FAMILY, S_PREFIX, S_PREFIXLEN, S_NODE, S_LLADDR, S_FLAGS, S_STATS = \
    1, 2, 3, 4, 5, 6, 7
S_MAX = 7
F_LLADDR_DERIVED = 1
IFLA_PODNET_MAX = 12

# rtnetlink
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK = 16, 17, 18, 19
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_TXQLEN, IFLA_LINKINFO = \
    1, 3, 4, 13, 18
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFF_UP = 1

AF_INET, AF_INET6 = 2, 10
CREATE_EXCL = NLM_F_CREATE | NLM_F_EXCL

# What a fuzzed request in the sandbox may be answered with besides
# success: the errnos of the netlink core, of genetlink and rtnetlink, and
# of podnet's own checks.
SANDBOX_GENL_ERRNOS = frozenset({
    errno.EINVAL, errno.ERANGE, errno.ENOENT, errno.ENODEV,
    errno.EOPNOTSUPP, errno.EEXIST, errno.EAFNOSUPPORT, errno.ENOSPC})
SANDBOX_LINK_ERRNOS = frozenset({
    errno.EINVAL, errno.ERANGE, errno.ENODEV, errno.EOPNOTSUPP,
    errno.EEXIST, errno.EBUSY, errno.EADDRINUSE, errno.EADDRNOTAVAIL})

ERRNAME = dict(errno.errorcode)
ERRNAME.update({errno.EOPNOTSUPP: "EOPNOTSUPP", 0: "ok"})


def errnames(codes):
    return "|".join(sorted(ERRNAME.get(c, str(c)) for c in codes))


def mask(plen):
    return (0xffffffff << (32 - plen)) & 0xffffffff if plen else 0


def fmt_ip(v):
    return socket.inet_ntoa(struct.pack("!I", v))


def fmt_mac(b):
    return ":".join(f"{x:02x}" for x in b)


def derived_mac(node):
    return b"\x0a\x58" + struct.pack("!I", node)


def overlaps(a, b):
    plen = min(a[1], b[1])
    return (a[0] ^ b[0]) & mask(plen) == 0


def u8(v):
    return struct.pack("B", v)


def u16(v):
    return struct.pack("H", v)


def u32(v):
    return struct.pack("I", v)


def be32(v):
    return struct.pack("!I", v)


def nest(atype, *parts):
    return nla(atype, b"".join(parts), True)


def without(parts, *types):
    """The attributes in parts but those of the given types."""
    return [p for p in parts
            if struct.unpack_from("H", p, 2)[0] & 0x3fff not in types]


def attr_list(buf):
    """(type, payload) of each attribute in buf, in order."""
    out = []
    while len(buf) >= 4:
        ln, at = struct.unpack_from("HH", buf)
        if ln < 4 or ln > len(buf):
            break
        out.append((at & 0x3fff, buf[4:ln]))
        buf = buf[(ln + 3) & ~3:]
    return out


def genl(cmd, payload, version=1):
    return struct.pack("BBH", cmd, version, 0) + payload


def nlmsg(ntype, flags, seq, body):
    data = struct.pack("IHHII", 16 + len(body), ntype, flags, seq, 0) + body
    return data + b"\0" * (-len(data) % 4)


class Failure(Exception):
    pass


class Req:
    """A request, what it may be answered with, and what came back.

    expect is the set of errnos allowed as the answer (0 for success), or
    None when the request must not be answered at all; check, given the
    data messages of the answer, returns what is wrong with them or None.
    """

    __slots__ = ("label", "ntype", "flags", "body", "expect", "check",
                 "raw", "seq", "data", "final", "msgs", "extack")

    def __init__(self, label, ntype, flags, body, expect, check=None,
                 raw=None):
        self.label, self.ntype, self.flags, self.body = \
            label, ntype, flags, body
        self.expect, self.check, self.raw = expect, check, raw
        self.final = None
        self.msgs = []
        self.extack = ""

    @property
    def dump(self):
        return self.flags & NLM_F_DUMP == NLM_F_DUMP

    def encode(self, seq):
        self.seq = seq
        if self.raw:
            self.data = self.raw(seq)
        else:
            self.data = nlmsg(self.ntype, self.flags, seq, self.body)
        return self.data


class Channel:
    """One netlink socket: requests sent in batches, every answer read."""

    def __init__(self, fuzz, proto, name):
        self.fuzz, self.name = fuzz, name
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, proto)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, 8 << 20)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
        self.sock.bind((0, 0))
        self.sock.settimeout(fuzz.timeout)
        self.buf = bytearray(1 << 20)
        self.batch = []
        self.size = 0
        self.seq = 1000

    def add(self, req):
        self.seq += 1
        self.size += len(req.encode(self.seq))
        self.batch.append(req)
        # A dump runs on while later requests are answered; one that the
        # kernel cannot parse ends the batch. Either is a batch's last.
        if len(self.batch) >= self.fuzz.batch or self.size > 200000 or \
           req.dump or req.expect is None:
            self.flush()

    def flush(self):
        if not self.batch:
            return
        batch, self.batch, self.size = self.batch, [], 0
        self.seq += 1
        sentinel = Req("sentinel", NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK,
                       b"", frozenset({0}))
        sentinel.encode(self.seq)
        data = b"".join(r.data for r in batch)
        self.fuzz.digest.update(data)
        if batch[-1].expect is None:
            self.sock.send(data)
            self.sock.send(sentinel.data)
        else:
            self.sock.send(data + sentinel.data)
        self.collect(batch, sentinel)
        for r in batch:
            self.judge(r)

    def collect(self, batch, sentinel):
        pending = {r.seq: r for r in batch}
        pending[sentinel.seq] = sentinel
        while sentinel.final is None or \
                any(r.dump and r.final is None for r in batch):
            try:
                n = self.sock.recv_into(self.buf)
            except socket.timeout:
                self.fail(self.unanswered(batch),
                          f"no answer within {self.fuzz.timeout} s")
            except OSError as e:
                raise Failure(f"{self.name}: reading answers: {e}")
            self.parse(memoryview(self.buf)[:n].tobytes(), pending)

    def parse(self, data, pending):
        while len(data) >= 16:
            ln, typ, flags, seq, _ = struct.unpack_from("IHHII", data)
            if ln < 16 or ln > len(data):
                raise Failure(f"{self.name}: a malformed answer: "
                              f"{data[:64].hex()}")
            payload = data[16:ln]
            data = data[(ln + 3) & ~3:]
            r = pending.get(seq)
            if r is None:
                raise Failure(f"{self.name}: an answer (type {typ}) to "
                              f"sequence number {seq}, which was not sent")
            if r.final is not None:
                self.fail(r, f"a second answer (type {typ}) after the "
                          "first one ended it")
            if typ == NLMSG_ERROR:
                r.final = -struct.unpack_from("i", payload)[0]
                r.extack = self.extack(flags, payload)
            elif typ == NLMSG_DONE:
                r.final = -struct.unpack_from("i", payload)[0] \
                    if len(payload) >= 4 else 0
            else:
                r.msgs.append((typ, flags, payload))

    @staticmethod
    def extack(flags, payload):
        if not flags & NLM_F_ACK_TLVS:
            return ""
        if flags & NLM_F_CAPPED:
            skip = 20
        else:
            skip = 4 + struct.unpack_from("I", payload, 4)[0]
        tl = attrs(payload[(skip + 3) & ~3:])
        return tl.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode(
            errors="replace")

    def unanswered(self, batch):
        for r in batch:
            if r.final is None and (r.expect is not None or r.dump):
                return r
        return batch[-1]

    def judge(self, r):
        if r.expect is None:
            if r.final is not None or r.msgs:
                self.fail(r, "an answer to a message the kernel cannot "
                          "have parsed")
            self.fuzz.count_answer(r.label, None)
            return
        if r.final is None:
            # Only a request without NLM_F_ACK may go unanswered, and
            # only when it succeeded.
            if r.flags & NLM_F_ACK or 0 not in r.expect:
                self.fail(r, "no answer")
            self.fuzz.count_answer(r.label, 0)
            return
        if r.final not in r.expect:
            self.fail(r, "the wrong answer")
        if r.check:
            why = r.check(r.msgs) if r.final == 0 else None
            if why:
                self.fail(r, why)
        self.fuzz.count_answer(r.label, r.final)

    def fail(self, r, why):
        got = "nothing" if r.final is None else \
            ERRNAME.get(r.final, str(r.final))
        if r.extack:
            got += f' "{r.extack}"'
        exp = "no answer" if r.expect is None else errnames(r.expect)
        raise Failure(f"{self.name}: {why}\n"
                      f"  message: #{self.fuzz.sent} of this run, "
                      f"{r.label}, sequence number {r.seq}\n"
                      f"  expected: {exp}\n  answered: {got}\n"
                      f"  bytes: {r.data[:320].hex()}"
                      f"{'...' if len(r.data) > 320 else ''}")


class Table:
    """The model of one device's table: (prefix, length) -> entry."""

    def __init__(self, name, ifindex, entries, rng, pool=600):
        self.name, self.ifindex = name, ifindex
        self.entries = dict(entries)
        self.kept = set(self.entries)
        self.flushable = not self.kept
        self.changed = False
        self.generation = None
        self.pool = self.make_pool(rng, pool)

    def make_pool(self, rng, size):
        """Prefixes to work with, nesting, and clear of kept ones."""
        bases = [(0x0a000000, 8), (0xac100000, 12), (0xc0a80000, 16),
                 (0x64400000, 10), (0, 0)]
        pool = set()
        while len(pool) < size:
            base, blen = rng.choice(bases)
            plen = min(32, max(blen, int(rng.triangular(blen, 33, 24))))
            key = (base | (rng.getrandbits(32) & ~mask(blen))) & mask(plen)
            p = (key, plen)
            if not any(overlaps(p, k) for k in self.kept):
                pool.add(p)
        return sorted(pool)

    def new(self, specs, flags):
        """Apply a NEW_SUBNET request as the kernel must; its errno."""
        plan = []
        for key, plen, node, lladdr in sorted(specs, key=lambda s: s[:2]):
            mac = lladdr or derived_mac(node)
            old = self.entries.get((key, plen))
            if old is None:
                if not flags & NLM_F_CREATE:
                    return errno.ENOENT
            elif flags & NLM_F_EXCL:
                return errno.EEXIST
            elif old[0] == node and old[1] == mac:
                continue
            elif not flags & NLM_F_REPLACE:
                return errno.EEXIST
            plan.append(((key, plen), (node, mac, lladdr is None)))
        for p, e in plan:
            self.entries[p] = e
        self.changed |= bool(plan)
        return 0

    def delete(self, prefixes):
        if any(p not in self.entries for p in prefixes):
            return errno.ENOENT
        for p in prefixes:
            del self.entries[p]
        self.changed = True
        return 0

    def flush(self):
        self.changed |= bool(self.entries)
        self.entries.clear()

    def lookup(self, addr):
        for plen in range(32, -1, -1):
            p = (addr & mask(plen), plen)
            if p in self.entries:
                return p
        return None

    def rows(self):
        """The entries as a dump lists them: in prefix order."""
        return [(k, p) + self.entries[(k, p)]
                for k, p in sorted(self.entries)]

    def json(self):
        return [{"dst": f"{fmt_ip(k)}/{p}", "via": fmt_ip(node),
                 "lladdr": fmt_mac(mac), "lladdr_derived": derived,
                 "dev": self.name}
                for k, p, node, mac, derived in self.rows()]


def parse_subnet(payload):
    a = attrs(payload)
    try:
        return (struct.unpack("!I", a[S_PREFIX])[0], a[S_PREFIXLEN][0],
                struct.unpack("!I", a[S_NODE])[0], bytes(a[S_LLADDR]),
                bool(struct.unpack("I", a[S_FLAGS])[0] & F_LLADDR_DERIVED))
    except (KeyError, struct.error, IndexError):
        return ("malformed", payload.hex())


def subnets_of(msgs, fam):
    """The subnets carried by the genl answer messages msgs, in order."""
    out = []
    for typ, _, payload in msgs:
        if typ != fam:
            return None
        a = attrs(payload[4:])
        for _, elem in attr_list(a.get(A_SUBNETS, b"")):
            out.append(parse_subnet(elem))
    return out


def show_row(row):
    if len(row) != 5:
        return str(row)
    k, p, node, mac, derived = row
    return (f"{fmt_ip(k)}/{p} via {fmt_ip(node)} lladdr {fmt_mac(mac)}"
            f"{' (derived)' if derived else ''}")


def diff_rows(got, want):
    extra = [show_row(r) for r in got if r not in want][:3]
    missing = [show_row(r) for r in want if r not in got][:3]
    return (f"{len(got)} subnets, the model has {len(want)}; "
            f"not in the model: {extra}; missing: {missing}")


def in_netns(name, fn):
    """Run fn in the network namespace name; its sockets stay there."""
    libc = ctypes.CDLL(None, use_errno=True)
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    other = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if libc.setns(other, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), f"setns {name}")
        return fn()
    finally:
        libc.setns(own, CLONE_NEWNET)
        os.close(own)
        os.close(other)


REQ_ACK = NLM_F_REQUEST | NLM_F_ACK
EINVAL, ERANGE = frozenset({errno.EINVAL}), frozenset({errno.ERANGE})
# The flags of NEW_SUBNET requests: add, add or replace, replace, add
# unless different, and the two odd ones. NLM_F_REPLACE | NLM_F_EXCL is
# NLM_F_DUMP, which genetlink reads as a dump request; a defect of its own.
NEW_FLAGS = [CREATE_EXCL, NLM_F_CREATE | NLM_F_REPLACE, NLM_F_REPLACE,
             NLM_F_CREATE, 0, NLM_F_EXCL]
NEW_FLAG_WEIGHTS = [30, 30, 15, 15, 5, 5]
INTERESTING = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 31, 32, 33, 63, 64, 127,
               128, 255, 256, 1023, 4096, 32767, 32768, 65535, 65536,
               0x7fffffff, 0x80000000, 0xffffffff]
# (request, with NLM_F_DUMP): every command and both dumps.
COMMANDS = [(CMD_NEW, False), (CMD_DEL, False), (CMD_GET, False),
            (CMD_GET, True), (CMD_FLUSH, False), (CMD_GETDEV, False),
            (CMD_GETDEV, True)]
# IFLA_PODNET_* value widths, and values worth trying for each.
LINK_ATTRS = {
    1: (1, [0, 1, 2, 255]),                                 # MODE
    2: (4, [0, 1, 2, 0xffffff, 0x1000000, 0xffffffff]),     # VNI
    3: (2, [0, 1, 4789, 8472, 0xffff, 0x2118]),             # PORT (be16)
    4: (4, [0, 0x0a000001, 0xc0a80001, 0x7f000001, 0xe0000001,
            0xffffffff, 0x00000001]),                       # LOCAL (be32)
    5: (4, [0, 1, 2, 3, 4, 5, 9999, 0xffffffff]),           # LINK
    6: (1, [0, 1, 64, 255]),                                # TTL
    7: (1, [0, 1, 2, 0xfc, 255]),                           # TOS
    8: (1, [0, 1, 2, 255]),                                 # SRCCHECK
    9: (4, [0, 0xa9fe0101, 0xe0000001, 0xffffffff, 0x0a000001]),  # GATEWAY
    10: (1, [0, 1, 2, 255]),                                # ARPSUPPRESS
    11: (4, [0, 1, 2, 1048576, 1048577, 0xffffffff]),       # MAX_SUBNETS
    12: (1, [0, 1, 2, 3, 255]),                             # DF
}
BIG_ENDIAN_LINK_ATTRS = {3, 4, 9}
FUZZ_NAMES = ["fz0", "fz1", "fz2", "fz3"]


class Fuzzer:
    def __init__(self, opts):
        self.seed = opts.seed
        self.rng = random.Random(self.seed)
        self.timeout = opts.timeout
        self.batch = opts.batch
        self.digest = hashlib.sha256()
        self.sent = 0
        self.stats = {}
        self.blocks = {}
        self.g = Channel(self, NETLINK_GENERIC, "genl")
        self.fam = family_id(self.g.sock)
        rng = self.rng
        self.nodes = [0xc0a80000 | rng.randrange(1, 255) << 8 |
                      rng.randrange(1, 255) for _ in range(12)]
        self.macs = [bytes([rng.randrange(0, 256) & 0xfe | 0x02]) +
                     rng.randbytes(5) for _ in range(4)]
        self.tables = [self.load_table(name) for name in opts.dev]
        self.sandbox = opts.sandbox
        if self.sandbox:
            self.gs, self.rs = in_netns(self.sandbox, lambda: (
                Channel(self, NETLINK_GENERIC, "sandbox genl"),
                Channel(self, NETLINK_ROUTE, "sandbox rtnetlink")))
            self.sb_tables = [Table(name, ifindex, {}, rng, 100)
                              for name, ifindex in self.devices(self.gs)]
            self.sb_ifindexes = sorted(self.links(self.rs))
            if not self.sb_tables:
                raise Failure("no podnet device in the sandbox")
        self.mix = self.make_mix()

    # Queries made while setting up, checked like every other request.

    def query(self, chan, req):
        got = []
        check = req.check
        req.check = lambda msgs: got.extend(msgs) or (check and check(msgs))
        chan.add(req)
        chan.flush()
        return got

    def load_table(self, name):
        msgs = self.query(self.g, Req(
            "setup: GET_DEVICE", self.fam, REQ_ACK,
            genl(CMD_GETDEV, nla(A_IFNAME, name.encode() + b"\0")),
            frozenset({0})))
        a = attrs(msgs[0][2][4:])
        ifindex = struct.unpack("I", a[A_IFINDEX])[0]
        msgs = self.query(self.g, Req(
            "setup: dump", self.fam, REQ_ACK | NLM_F_DUMP,
            genl(CMD_GET, nla(A_IFINDEX, u32(ifindex))), frozenset({0})))
        entries = {(k, p): (node, mac, derived) for k, p, node, mac, derived
                   in subnets_of(msgs, self.fam)}
        t = Table(name, ifindex, entries, self.rng)
        t.generation = struct.unpack("I", a[A_GENERATION])[0]
        return t

    def devices(self, chan):
        msgs = self.query(chan, Req(
            "setup: GET_DEVICE dump", self.fam, REQ_ACK | NLM_F_DUMP,
            genl(CMD_GETDEV, b""), frozenset({0})))
        out = []
        for _, _, payload in msgs:
            a = attrs(payload[4:])
            out.append((a[A_IFNAME].rstrip(b"\0").decode(),
                        struct.unpack("I", a[A_IFINDEX])[0]))
        return sorted(out)

    def links(self, chan):
        msgs = self.query(chan, Req(
            "setup: RTM_GETLINK dump", RTM_GETLINK, REQ_ACK | NLM_F_DUMP,
            bytes(16), frozenset({0})))
        return [struct.unpack_from("i", payload, 4)[0]
                for typ, _, payload in msgs if typ == RTM_NEWLINK]

    # Bookkeeping.

    def count_answer(self, label, err):
        kind = label.split(":")[0]
        by = self.stats.setdefault(kind, {})
        name = "unanswered" if err is None else ERRNAME.get(err, str(err))
        by[name] = by.get(name, 0) + 1

    def make_mix(self):
        mix = [(30, self.gen_valid), (30, self.gen_bad),
               (2, self.gen_not_request), (1, self.gen_control),
               (1, self.gen_unparsable)]
        if self.sandbox:
            mix += [(22, self.gen_havoc), (14, self.gen_link)]
        total = sum(w for w, _ in mix)
        return [w / total for w, _ in mix], [f for _, f in mix]

    def run(self, count):
        weights, gens = self.mix
        start = time.monotonic()
        step = max(count // 10, 1)
        for i in range(count):
            self.sent = i + 1
            self.rng.choices(gens, weights)[0]()
            if self.sent % step == 0:
                print(f"nlfuzz: {self.sent}/{count} messages, "
                      f"{time.monotonic() - start:.1f} s", flush=True)
        for chan in self.channels():
            chan.flush()
        self.final_checks()
        return time.monotonic() - start

    def channels(self):
        return [self.g] + ([self.gs, self.rs] if self.sandbox else [])

    # Building blocks.

    def dev_sel(self, t):
        if self.rng.random() < 0.5:
            return nla(A_IFINDEX, u32(t.ifindex))
        return nla(A_IFNAME, t.name.encode() + b"\0")

    def spec(self, t, p):
        """A subnet for prefix p: often the entry it holds already."""
        rng = self.rng
        old = t.entries.get(p)
        if old and rng.random() < 0.4:
            node, mac, derived = old
            keep_derived = derived and rng.random() < 0.8
            return p + (node, None if keep_derived else mac)
        node = rng.choice(self.nodes)
        x = rng.random()
        if x < 0.6:
            return p + (node, None)
        return p + (node, derived_mac(node) if x < 0.7 else
                    rng.choice(self.macs))

    def parts(self, spec, role):
        """The attributes of a subnet nest, by type, for role entry,
        prefix or address."""
        key, plen, node, lladdr = spec
        if role == "address":
            key |= self.rng.getrandbits(32) & ~mask(plen) & 0xffffffff
        p = {S_FAMILY: nla(S_FAMILY, u16(AF_INET)),
             S_PREFIX: nla(S_PREFIX, be32(key))}
        if role != "address":
            p[S_PREFIXLEN] = nla(S_PREFIXLEN, u8(plen))
        if role == "entry":
            p[S_NODE] = nla(S_NODE, be32(node))
            if lladdr:
                p[S_LLADDR] = nla(S_LLADDR, lladdr)
        if self.rng.random() < 0.05:
            p[S_FLAGS] = nla(S_FLAGS, u32(0))
        return p

    def elem(self, parts, nested=True):
        """A subnet nest: the parts in any order, of any element type."""
        rng = self.rng
        parts = list(parts.values()) if isinstance(parts, dict) else parts
        if rng.random() < 0.3:
            rng.shuffle(parts)
        etype = 0 if rng.random() < 0.8 else rng.choice([1, 3, 7, 0x3fff])
        return nla(etype, b"".join(parts), nested)

    def many(self, t, role, n):
        """n well-formed subnet nests for role, from a block made once:
        which prefixes they hold does not matter, they all go with a bad
        one."""
        block = self.blocks.get(role)
        if block is None:
            block = self.blocks[role] = [
                self.elem(self.parts(self.good_spec(t), role))
                for _ in range(1100)]
        start = self.rng.randrange(len(block) - n + 1)
        return block[start:start + n]

    def good_spec(self, t):
        return self.spec(t, self.rng.choice(t.pool))

    def subnets(self, elems, nested=True):
        return nla(A_SUBNETS, b"".join(elems), nested)

    def req(self, label, cmd, parts, flags, expect, check=None):
        body = genl(cmd, b"".join(parts))
        return Req(label, self.fam, flags, body, frozenset(expect), check)

    # Well-formed requests to the devices under test.

    def gen_valid(self):
        rng = self.rng
        x = rng.random()
        if x < 0.42:
            req = self.valid_new()
        elif x < 0.72:
            req = self.valid_del()
        elif x < 0.86:
            req = self.valid_get()
        elif x < 0.93:
            req = self.valid_getdev()
        elif x < 0.955:
            req = self.valid_flush()
        elif x < 0.975:
            req = self.valid_dump()
        else:
            req = self.valid_dump_devices()
        self.g.add(req)

    def valid_new(self, t=None):
        rng = self.rng
        t = t or rng.choice(self.tables)
        n = rng.choice([1, 1, 1, 2, 3, 4])
        if rng.random() < 0.03:
            n = rng.randint(50, 300)
        specs = [self.spec(t, p) for p in rng.sample(t.pool, n)]
        flags = rng.choices(NEW_FLAGS, NEW_FLAG_WEIGHTS)[0]
        err = t.new(specs, flags)
        parts = [self.dev_sel(t),
                 self.subnets([self.elem(self.parts(s, "entry"))
                               for s in specs])]
        rng.shuffle(parts)
        return self.req(f"valid: NEW flags {flags:#x}", CMD_NEW, parts,
                        REQ_ACK | flags, {err})

    def valid_del(self, t=None):
        rng = self.rng
        t = t or rng.choice(self.tables)
        have = [p for p in t.entries if p not in t.kept]
        chosen = rng.sample(have, min(len(have), rng.choice([1, 1, 2, 4])))
        if rng.random() < 0.03:
            chosen = rng.sample(have, min(len(have), rng.randint(50, 300)))
        if not chosen or rng.random() < 0.15:
            p = rng.choice(t.pool)
            if p not in chosen:
                chosen.append(p)
        err = t.delete(chosen)
        parts = [self.dev_sel(t),
                 self.subnets([self.elem(self.parts(p + (0, None), "prefix"))
                               for p in chosen])]
        return self.req("valid: DEL", CMD_DEL, parts, REQ_ACK, {err})

    def valid_get(self):
        rng = self.rng
        t = rng.choice(self.tables)
        if t.entries and rng.random() < 0.7:
            key, plen = rng.choice(list(t.entries))
            addr = key | (rng.getrandbits(32) & ~mask(plen) & 0xffffffff)
        else:
            addr = rng.getrandbits(32)
        hit = t.lookup(addr)
        want = [hit + t.entries[hit]] if hit else None
        parts = [self.dev_sel(t), nest(A_ADDRESS, nla(S_FAMILY, u16(AF_INET)),
                                       nla(S_PREFIX, be32(addr)))]

        def check(msgs):
            got = subnets_of(msgs, self.fam)
            if got != want:
                return (f"GET {fmt_ip(addr)} answered "
                        f"{got and show_row(got[0])}, the model says "
                        f"{show_row(want[0])}")
            return None
        return self.req("valid: GET", CMD_GET, parts, REQ_ACK,
                        {0} if hit else {errno.ENOENT}, check)

    def valid_getdev(self, t=None):
        t = t or self.rng.choice(self.tables)
        changed, t.changed = t.changed, False
        count = len(t.entries)

        def check(msgs):
            a = attrs(msgs[0][2][4:]) if len(msgs) == 1 else {}
            try:
                name = a[A_IFNAME].rstrip(b"\0").decode()
                ifindex, n, gen = (struct.unpack("I", a[x])[0] for x in
                                   (A_IFINDEX, A_SUBNET_COUNT, A_GENERATION))
            except (KeyError, struct.error):
                return f"GET_DEVICE answered {msgs}"
            prev, t.generation = t.generation, gen
            if (name, ifindex, n) != (t.name, t.ifindex, count):
                return (f"GET_DEVICE says {name} ifindex {ifindex} with {n}"
                        f" subnets, the model {t.name} ifindex {t.ifindex} "
                        f"with {count}")
            if changed and gen == prev:
                return "the generation did not change with the table"
            if not changed and gen != prev:
                return (f"the generation went from {prev} to {gen}, yet "
                        "nothing changed the table")
            return None
        return self.req("valid: GET_DEVICE", CMD_GETDEV, [self.dev_sel(t)],
                        REQ_ACK, {0}, check)

    def valid_flush(self):
        flushable = [t for t in self.tables if t.flushable]
        if not flushable:
            return self.valid_getdev()
        t = self.rng.choice(flushable)
        t.flush()
        return self.req("valid: FLUSH", CMD_FLUSH, [self.dev_sel(t)],
                        REQ_ACK, {0})

    def dump_check(self, t):
        want = t.rows()

        def check(msgs):
            if any(f & NLM_F_DUMP_INTR for _, f, _ in msgs):
                return "a dump was interrupted, yet nothing else changes"
            got = subnets_of(msgs, self.fam)
            if got != want:
                return f"the dump of {t.name} differs: {diff_rows(got, want)}"
            return None
        return check

    def valid_dump(self, t=None):
        t = t or self.rng.choice(self.tables)
        return self.req(f"valid: dump {t.name}", CMD_GET, [self.dev_sel(t)],
                        REQ_ACK | NLM_F_DUMP, {0}, self.dump_check(t))

    def valid_dump_devices(self):
        want = {t.name: (t.ifindex, len(t.entries)) for t in self.tables}

        def check(msgs):
            got = {}
            for _, _, payload in msgs:
                a = attrs(payload[4:])
                name = a[A_IFNAME].rstrip(b"\0").decode()
                got[name] = (struct.unpack("I", a[A_IFINDEX])[0],
                             struct.unpack("I", a[A_SUBNET_COUNT])[0])
            for name, v in want.items():
                if got.get(name) != v:
                    return (f"the device dump has {name}: {got.get(name)}, "
                            f"the model {v} (ifindex, subnets)")
            return None
        return self.req("valid: GET_DEVICE dump", CMD_GETDEV, [],
                        REQ_ACK | NLM_F_DUMP, {0}, check)

    # Malformed requests to the devices under test: one defect each, and
    # the errno it must be refused with.

    def gen_bad(self):
        rng = self.rng
        t = rng.choice(self.tables)
        x = rng.random()
        if x < 0.22:
            req = self.bad_device(t)
        elif x < 0.55:
            req = self.bad_policy(t)
        elif x < 0.88:
            req = self.bad_subnet(t)
        else:
            req = self.bad_header(t)
        # An error is answered even when no ack was asked for.
        if rng.random() < 0.1:
            req.flags &= ~NLM_F_ACK
        self.g.add(req)

    def base(self, t, cmd, dump):
        """The parts and flags of a well-formed request, but the device."""
        rng = self.rng
        parts = []
        flags = REQ_ACK
        if cmd == CMD_NEW:
            parts.append(self.subnets([
                self.elem(self.parts(self.good_spec(t), "entry"))
                for _ in range(rng.randint(1, 3))]))
            flags |= rng.choices(NEW_FLAGS, NEW_FLAG_WEIGHTS)[0]
        elif cmd == CMD_DEL:
            parts.append(self.subnets([
                self.elem(self.parts(self.good_spec(t), "prefix"))
                for _ in range(rng.randint(1, 3))]))
        elif cmd == CMD_GET and not dump:
            parts.append(nest(A_ADDRESS, *self.parts(self.good_spec(t),
                                                     "address").values()))
        if dump:
            flags |= NLM_F_DUMP
        return parts, flags

    def bad_device(self, t):
        rng = self.rng
        cmd, dump = rng.choice(COMMANDS[:-1])
        parts, flags = self.base(t, cmd, dump)
        f = rng.randrange(5)
        if f == 0:
            label, sel, err = "no device", [], errno.EINVAL
        elif f == 1:
            label, err = "ifindex and ifname", errno.EINVAL
            sel = [nla(A_IFINDEX, u32(t.ifindex)),
                   nla(A_IFNAME, t.name.encode() + b"\0")]
        elif f == 2:
            name = rng.choice([b"", b"nodev%d" % rng.randrange(10000),
                               t.name.upper().encode(),
                               t.name.encode() + b" "])
            label, err = "unknown ifname", errno.ENODEV
            sel = [nla(A_IFNAME, name + b"\0")]
        elif f == 3:
            index = rng.choice([0, 0xffffffff, 0x7fffffff,
                                50000 + rng.randrange(1 << 20)])
            label, err = "unknown ifindex", errno.ENODEV
            sel = [nla(A_IFINDEX, u32(index))]
        else:
            label, err = "not a podnet device", errno.EOPNOTSUPP
            sel = [rng.choice([nla(A_IFNAME, b"lo\0"),
                               nla(A_IFINDEX, u32(1))])]
        parts += sel
        rng.shuffle(parts)
        return self.req(f"malformed: {label}", cmd, parts, flags, {err})

    def bad_policy(self, t):
        """A defect the netlink core's strict validation catches, whatever
        the command."""
        rng = self.rng
        cmd, dump = rng.choice(COMMANDS)
        parts, flags = self.base(t, cmd, dump)
        parts.append(self.dev_sel(t))
        rng.shuffle(parts)
        f = rng.randrange(15)
        where = rng.randrange(len(parts) + 1)
        if f == 0:
            name = rng.choice([b"pn0", b"", b"x" * rng.randint(16, 40) + b"\0",
                               b"y" * rng.randint(16, 40)])
            label, err, bad = "bad ifname", EINVAL, nla(A_IFNAME, name)
            parts = without(parts, A_IFNAME, A_IFINDEX)
        elif f == 1:
            size = rng.choice([0, 1, 2, 3, 5, 8])
            label, err = "ifindex of the wrong size", EINVAL
            bad = nla(A_IFINDEX,
                      u32(t.ifindex)[:size] + bytes(max(0, size - 4)))
            parts = without(parts, A_IFNAME, A_IFINDEX)
        elif f == 2:
            atype = rng.choice([0, A_MAX + 1,
                                rng.randrange(A_MAX + 1, 0x4000)])
            label, err = "unknown attribute", EINVAL
            bad = nla(atype, rng.randbytes(rng.randrange(65)),
                      rng.random() < 0.3)
        elif f == 3:
            atype = rng.randrange(A_SUBNET_COUNT, A_MAX + 1)
            label, err = "output-only attribute", EINVAL
            bad = nla(atype, rng.randbytes(rng.choice([1, 4, 8, 12])),
                      atype == A_STATS)
        elif f == 4:
            label, err = "NLA_F_NESTED on a scalar", EINVAL
            bad = nla(A_IFINDEX, u32(t.ifindex), True) if rng.random() < 0.5 \
                else nla(A_IFNAME, t.name.encode() + b"\0", True)
            parts = without(parts, A_IFNAME, A_IFINDEX)
        elif f == 5:
            label, err = "a nest without NLA_F_NESTED", EINVAL
            if rng.random() < 0.5:
                bad = self.subnets([self.elem(self.parts(self.good_spec(t),
                                                         "entry"))], False)
            else:
                bad = nla(A_ADDRESS, b"".join(self.parts(
                    self.good_spec(t), "address").values()))
        elif f == 6:
            label, err = "a nest of 1 to 3 bytes", ERANGE
            bad = nla(rng.choice([A_SUBNETS, A_ADDRESS]),
                      rng.randbytes(rng.randint(1, 3)), True)
        elif f == 7:
            label, err, bad = self.bad_elem_policy(t)
            bad = self.subnets(self.around(t, bad))
        elif f == 8:
            label, err, bad = self.bad_elem_policy(t, array=False)
            bad = nla(A_ADDRESS, bad[4:], True)
        elif f == 9:
            label, err = "subnet attributes not in a nest", \
                frozenset({errno.EINVAL, errno.ERANGE})
            bad = self.subnets(self.parts(self.good_spec(t), "entry").values())
        elif f == 10:
            label, err = "a nest one level too deep", EINVAL
            inner = self.elem(self.parts(self.good_spec(t), "entry"))
            bad = self.subnets([self.elem([inner])])
        elif f == 11:
            label, err = "an attribute of 30000 bytes or more", EINVAL
            size = rng.randint(30000, 65000)
            bad = rng.choice([nla(rng.randrange(A_MAX + 1, 0x4000),
                                  rng.randbytes(size)),
                              nla(A_IFNAME, b"z" * size + b"\0")])
        elif f == 12:
            return self.bad_big_array(t, cmd, dump, parts, flags)
        elif f == 13:
            label, err = "an attribute length under 4", EINVAL
            bad = struct.pack("HH", rng.randrange(4), A_IFINDEX) + \
                u32(t.ifindex)
            where = 0
        else:
            return self.bad_framing(t, cmd, parts, flags)
        parts.insert(where, bad)
        return self.req(f"malformed: {label}", cmd, parts, flags, err)

    def around(self, t, bad):
        """A subnets array of a few good elements and bad among them."""
        rng = self.rng
        elems = [self.elem(self.parts(self.good_spec(t), "entry"))
                 for _ in range(rng.randint(0, 3))]
        elems.insert(rng.randint(0, len(elems)), bad)
        return elems

    def bad_elem_policy(self, t, array=True):
        """A subnet nest with an attribute the policy refuses: label,
        errnos and the nest."""
        rng = self.rng
        p = self.parts(self.good_spec(t), "entry")
        f = rng.randrange(10 if array else 9)
        if f == 0:
            label, err = "family of the wrong size", EINVAL
            p[S_FAMILY] = nla(S_FAMILY, rng.choice([b"", b"\2", b"\2\0\0",
                                                    u32(AF_INET), bytes(8)]))
        elif f == 1:
            label, err = "prefix under 4 bytes", ERANGE
            p[S_PREFIX] = nla(S_PREFIX, rng.randbytes(rng.randrange(4)))
        elif f == 2:
            label, err = "prefix length of the wrong size", EINVAL
            p[S_PREFIXLEN] = nla(S_PREFIXLEN, rng.choice([b"", u16(24),
                                                          u32(24)]))
        elif f == 3:
            label, err = "node under 4 bytes", ERANGE
            p[S_NODE] = nla(S_NODE, rng.randbytes(rng.randrange(4)))
        elif f == 4:
            label, err = "lladdr not 6 bytes", ERANGE
            p[S_LLADDR] = nla(S_LLADDR, rng.randbytes(
                rng.choice([0, 1, 4, 5, 7, 8, 16])))
        elif f == 5:
            label, err = "flags of the wrong size", EINVAL
            p[S_FLAGS] = nla(S_FLAGS, rng.choice([b"", u16(0), bytes(8)]))
        elif f == 6:
            label, err = "stats on input", EINVAL
            p[S_STATS] = nla(S_STATS, nla(1, bytes(8)), rng.random() < 0.7)
        elif f == 7:
            label, err = "unknown subnet attribute", EINVAL
            atype = rng.choice([0, S_MAX + 1,
                                rng.randrange(S_MAX + 1, 0x4000)])
            p[atype] = nla(atype, rng.randbytes(rng.randrange(17)))
        elif f == 8:
            label, err = "NLA_F_NESTED on a subnet scalar", EINVAL
            a = rng.choice(list(p))
            p[a] = nla(a, p[a][4:struct.unpack_from("H", p[a])[0]], True)
        else:
            return "array element of 1 to 3 bytes", ERANGE, nla(
                0, rng.randbytes(rng.randint(1, 3)), True)
        return label, err, self.elem(p)

    def bad_big_array(self, t, cmd, dump, parts, flags):
        """Thousands of good elements and one the policy refuses."""
        rng = self.rng
        label, err, bad = self.bad_elem_policy(t)
        elems = self.many(t, "entry", rng.randint(300, 1100))
        elems.insert(rng.randint(0, len(elems)), bad)
        parts = without(parts, A_SUBNETS)
        parts.append(self.subnets(elems))
        return self.req(f"malformed: big array, {label}", cmd, parts, flags,
                        err)

    def bad_framing(self, t, cmd, parts, flags):
        """Bytes left over after the attributes, or the last attribute cut
        short: either way the attributes do not fill the message."""
        rng = self.rng
        attrs_ = b"".join(parts)
        if rng.random() < 0.5 or not parts:
            attrs_ += rng.randbytes(rng.randint(1, 3))
            label = "1 to 3 bytes after the attributes"
        else:
            last = len(attrs_) - len(parts[-1])
            length = struct.unpack_from("H", parts[-1])[0]
            attrs_ = attrs_[:last + rng.randint(1, length - 1)]
            label = "the last attribute cut short"
        return Req(f"malformed: {label}", self.fam, flags, genl(cmd, attrs_),
                   EINVAL)

    def bad_subnet(self, t):
        """A defect podnet's own parsing of a subnet nest must catch."""
        rng = self.rng
        cmd = rng.choice([CMD_NEW, CMD_DEL, CMD_GET])
        role = {CMD_NEW: "entry", CMD_DEL: "prefix", CMD_GET: "address"}[cmd]
        parts, flags = self.base(t, cmd, False)
        spec = self.good_spec(t)
        p = self.parts(spec, role)
        nested = True
        f = rng.randrange(20)
        if f == 0:
            label, err = "no family", EINVAL
            del p[S_FAMILY]
        elif f == 1:
            label, err = "family not AF_INET", {errno.EAFNOSUPPORT}
            p[S_FAMILY] = nla(S_FAMILY, u16(rng.choice(
                [0, 1, AF_INET6, 0xffff, rng.randrange(3, 0x10000)])))
        elif f == 2:
            label, err = "no prefix", EINVAL
            del p[S_PREFIX]
        elif f == 3:
            label, err = "prefix over 4 bytes", EINVAL
            p[S_PREFIX] = nla(S_PREFIX, rng.randbytes(rng.randint(5, 20)))
        elif f == 4 and role != "address":
            label, err = "no prefix length", EINVAL
            del p[S_PREFIXLEN]
        elif f == 5 and role != "address":
            label, err = "prefix length over 32", EINVAL
            p[S_PREFIXLEN] = nla(S_PREFIXLEN, u8(rng.randint(33, 255)))
        elif f in (4, 5):
            label, err = "prefix length of an address", EINVAL
            p[S_PREFIXLEN] = nla(S_PREFIXLEN, u8(rng.randint(0, 32)))
        elif f == 6 and role != "address":
            label, err = "host bits set", EINVAL
            plen = rng.randrange(32)
            host = rng.getrandbits(32) & ~mask(plen) & 0xffffffff or 1
            p[S_PREFIX] = nla(S_PREFIX, be32(spec[0] & mask(plen) | host))
            p[S_PREFIXLEN] = nla(S_PREFIXLEN, u8(plen))
        elif f == 7:
            label, err = "flags set", {errno.EOPNOTSUPP}
            p[S_FLAGS] = nla(S_FLAGS, u32(1 << rng.randrange(32)))
        elif f == 8:
            label, err, nested = "a nest without NLA_F_NESTED", EINVAL, False
        elif f == 9:
            label, err = "an empty nest", EINVAL
            p = {}
        elif role == "entry":
            label, err = self.bad_node(p)
        elif f < 14:
            label, err = "node or lladdr where none belongs", EINVAL
            if rng.random() < 0.5:
                p[S_NODE] = nla(S_NODE, be32(rng.choice(self.nodes)))
            else:
                p[S_LLADDR] = nla(S_LLADDR, rng.choice(self.macs))
        elif role == "address":
            return self.bad_address_request(t, parts, flags)
        else:
            return self.bad_subnets_request(t, cmd, role, parts, flags)
        bad = self.elem(p, nested)
        parts = without(parts, A_SUBNETS, A_ADDRESS)
        if role == "address":
            parts.append(nla(A_ADDRESS, bad[4:], nested))
        else:
            elems = self.around(t, bad) if role == "entry" else \
                [self.elem(self.parts(self.good_spec(t), "prefix"))
                 for _ in range(rng.randint(0, 3))] + [bad]
            rng.shuffle(elems)
            if rng.random() < 0.02:
                many = self.many(t, role, rng.randint(200, 1000))
                i = rng.randint(0, len(many))
                elems = many[:i] + elems + many[i:]
            parts.append(self.subnets(elems))
        parts.append(self.dev_sel(t))
        rng.shuffle(parts)
        return self.req(f"malformed: {label}", cmd, parts, flags, err)

    def bad_node(self, p):
        rng = self.rng
        f = rng.randrange(5)
        if f == 0:
            del p[S_NODE]
            return "no node", EINVAL
        if f == 1:
            p[S_NODE] = nla(S_NODE, rng.randbytes(16))
            return "IPv6 node", {errno.EAFNOSUPPORT}
        if f == 2:
            p[S_NODE] = nla(S_NODE, rng.randbytes(
                rng.choice([5, 6, 8, 12, 15, 17, 20, 32])))
            return "node neither 4 nor 16 bytes", EINVAL
        if f == 3:
            p[S_NODE] = nla(S_NODE, be32(rng.choice([
                0, rng.getrandbits(24), 0x7f000000 | rng.getrandbits(24),
                0xe0000000 | rng.getrandbits(28), 0xffffffff])))
            return "node not unicast", EINVAL
        p[S_LLADDR] = nla(S_LLADDR, rng.choice([
            bytes(6), b"\xff" * 6, bytes([rng.getrandbits(8) | 1]) +
            rng.randbytes(5)]))
        return "lladdr not unicast", EINVAL

    def bad_address_request(self, t, parts, flags):
        parts = without(parts, A_ADDRESS)
        parts.append(self.dev_sel(t))
        return self.req("malformed: GET without an address", CMD_GET, parts,
                        flags, EINVAL)

    def bad_subnets_request(self, t, cmd, role, parts, flags):
        rng = self.rng
        parts = without(parts, A_SUBNETS)
        f = rng.randrange(4)
        if f == 0:
            label = "no subnets"
        elif f == 1:
            label = "an empty subnets array"
            parts.append(nla(A_SUBNETS, b"", True))
        elif f == 2:
            label = "1 to 3 bytes after the last subnet"
            elems = [self.elem(self.parts(self.good_spec(t), role))
                     for _ in range(rng.randint(1, 4))]
            elems.append(rng.randbytes(rng.randint(1, 3)))
            parts.append(self.subnets(elems))
        else:
            label = "a prefix twice"
            specs = [self.good_spec(t) for _ in range(rng.randint(1, 4))]
            dup = rng.choice(specs)
            specs.append(dup[:2] + (rng.choice(self.nodes), None))
            rng.shuffle(specs)
            parts.append(self.subnets([self.elem(self.parts(s, role))
                                       for s in specs]))
        parts.append(self.dev_sel(t))
        rng.shuffle(parts)
        return self.req(f"malformed: {label}", cmd, parts, flags, EINVAL)

    def bad_header(self, t):
        rng = self.rng
        cmd, dump = rng.choice(COMMANDS)
        parts, flags = self.base(t, cmd, dump)
        parts.append(self.dev_sel(t))
        f = rng.randrange(4)
        if f == 0:
            cmd = rng.choice([0, CMD_MISS, rng.randrange(CMD_MISS + 1, 256)])
            # Commands from PODNET_CMD_MISS + 1 on are new to genetlink,
            # which refuses the old loose flags on them.
            loose = flags & ~(REQ_ACK | NLM_F_ECHO | NLM_F_DUMP) or \
                flags & NLM_F_DUMP not in (0, NLM_F_DUMP)
            err = errno.EINVAL if cmd > CMD_MISS and loose else \
                errno.EOPNOTSUPP
            return self.req("malformed: unknown command", cmd, parts, flags,
                            {err})
        if f == 1:
            cmd = rng.choice([CMD_NEW, CMD_DEL, CMD_FLUSH])
            return self.req("malformed: dump of a command without one", cmd,
                            parts, REQ_ACK | NLM_F_DUMP, {errno.EOPNOTSUPP})
        if f == 2:
            return Req("malformed: genl header cut short", self.fam, flags,
                       genl(cmd, b"")[:rng.randrange(4)], EINVAL)
        return Req("malformed: unknown family", 0x8000 + rng.randrange(0x7fff),
                   flags, genl(cmd, b"".join(parts)), {errno.ENOENT})

    # Messages the kernel must not act on.

    def gen_not_request(self):
        """A change without NLM_F_REQUEST: acknowledged, not done."""
        rng = self.rng
        t = rng.choice(self.tables)
        cmd = rng.choice([CMD_NEW, CMD_DEL, CMD_FLUSH])
        if cmd == CMD_DEL and t.entries:
            p = rng.choice(list(t.entries))
            parts = [self.subnets([self.elem(self.parts(p + (0, None),
                                                        "prefix"))])]
        else:
            parts, _ = self.base(t, cmd, False)
        parts.append(self.dev_sel(t))
        self.g.add(self.req("ignored: no NLM_F_REQUEST", cmd, parts,
                            NLM_F_ACK | rng.choice([0, NLM_F_CREATE]), {0}))

    def gen_control(self):
        """NLMSG_NOOP and the other control types: acknowledged, nothing
        else."""
        rng = self.rng
        ntype = rng.choice([NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, 4, 15])
        self.g.add(Req("ignored: control message", ntype, REQ_ACK,
                       rng.randbytes(rng.randrange(41)), frozenset({0})))

    def gen_unparsable(self):
        """A netlink header that does not fit the bytes sent: the kernel
        stops reading the buffer there and answers nothing."""
        rng = self.rng
        t = rng.choice(self.tables)
        body = genl(CMD_FLUSH, self.dev_sel(t))
        f = rng.randrange(3)
        if f == 0:
            label = "length beyond the bytes sent"
            extra = rng.randint(1, 4096)

            def raw(seq):
                return struct.pack("IHHII", 16 + len(body) + extra, self.fam,
                                   REQ_ACK, seq, 0) + body
        elif f == 1:
            label = "length under a header"
            short = rng.randrange(16)

            def raw(seq):
                return struct.pack("IHHII", short, self.fam, REQ_ACK, seq,
                                   0) + body
        else:
            label = "fewer bytes than a header"
            size = rng.randint(1, 15)

            def raw(seq):
                return struct.pack("IHHII", 16 + len(body), self.fam,
                                   REQ_ACK, seq, 0)[:size]
        self.g.add(Req(f"unparsable: {label}", self.fam, REQ_ACK, body, None,
                       raw=raw))

    # The sandbox: anything goes, but the answer.

    def mutate(self, data, attrs_at):
        """data, whose attributes start at attrs_at, with a few random
        changes."""
        rng = self.rng
        b = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            if not b:
                b += rng.randbytes(rng.randint(1, 8))
                continue
            i = rng.randrange(len(b))
            op = rng.randrange(9)
            heads = attr_heads(b, attrs_at) if op in (2, 3) else []
            if op == 0:
                b[i] ^= 1 << rng.randrange(8)
            elif op == 1:
                b[i] = rng.choice(INTERESTING) & 0xff
            elif op == 2 and heads:
                h = rng.choice(heads)
                ln = struct.unpack_from("H", b, h)[0]
                struct.pack_into("H", b, h, rng.choice(
                    [0, 1, 3, 4, 5, 8, 0xffff, ln - 1, ln + 1, ln + 4,
                     ln - 4]) & 0xffff)
            elif op == 3 and heads:
                h = rng.choice(heads)
                struct.pack_into("H", b, h + 2, rng.randrange(32) |
                                 rng.choice([0, NLA_F_NESTED,
                                             NLA_F_NET_BYTEORDER]))
            elif op == 4:
                del b[i:i + rng.randint(1, 16)]
            elif op == 5:
                b[i:i] = rng.randbytes(rng.randint(1, 16))
            elif op == 6:
                j = rng.randrange(len(b))
                b[i:i] = b[j:j + rng.randint(1, 64)]
            elif op == 7:
                del b[i:]
            elif i + 4 <= len(b):
                struct.pack_into("I", b, i, rng.choice(INTERESTING))
        return bytes(b)

    def gen_havoc(self):
        """A podnet request with random bytes changed, to a sandbox
        device."""
        rng = self.rng
        t = rng.choice(self.sb_tables)
        x = rng.random()
        if x < 0.4:
            cmd, dump = rng.choice(COMMANDS)
            parts, flags = self.base(t, cmd, dump)
            parts.append(self.dev_sel(t))
            req = self.req("well-formed", cmd, parts, flags, {0})
        elif x < 0.6:
            req = self.bad_policy(t)
        elif x < 0.9:
            req = self.bad_subnet(t)
        else:
            req = self.bad_device(t)
        flags = req.flags
        if rng.random() < 0.2:
            flags ^= rng.choice([NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE,
                                 NLM_F_DUMP, NLM_F_ECHO, NLM_F_APPEND])
        self.gs.add(Req("sandbox genl: mutated request", self.fam,
                        flags | REQ_ACK, self.mutate(req.body, 4),
                        SANDBOX_GENL_ERRNOS | {0}))

    def link_data(self):
        """A fuzzed IFLA_INFO_DATA payload."""
        rng = self.rng
        out = []
        for _ in range(rng.choice([0, 1, 1, 2, 3, 4, 6])):
            atype = rng.randint(1, IFLA_PODNET_MAX)
            if rng.random() < 0.1:
                atype = rng.choice([0, rng.randint(IFLA_PODNET_MAX + 1, 40)])
            width, values = LINK_ATTRS.get(atype, (4, INTERESTING))
            if atype == 5:
                values = values + self.sb_ifindexes
            v = rng.choice(values) if rng.random() < 0.8 else \
                rng.getrandbits(8 * width)
            fmt = {1: "B", 2: "H", 4: "I"}[width]
            if atype in BIG_ENDIAN_LINK_ATTRS:
                fmt = "!" + fmt
            payload = struct.pack(fmt, v & ((1 << 8 * width) - 1))
            if rng.random() < 0.15:
                payload = rng.randbytes(rng.randrange(9))
            out.append(nla(atype, payload, rng.random() < 0.03))
        data = b"".join(out)
        if rng.random() < 0.15:
            data = self.mutate(data, 0)
        return data

    def gen_link(self):
        """RTM_NEWLINK or RTM_SETLINK of kind podnet in the sandbox, with a
        fuzzed IFLA_INFO_DATA; now and then a device deleted, or every
        podnet device's configuration checked."""
        rng = self.rng
        x = rng.random()
        if x < 0.06:
            name = rng.choice(FUZZ_NAMES).encode() + b"\0"
            self.rs.add(Req("sandbox link: RTM_DELLINK", RTM_DELLINK,
                            REQ_ACK, bytes(16) + nla(IFLA_IFNAME, name),
                            frozenset({0, errno.ENODEV})))
            return
        if x < 0.1:
            self.rs.add(self.check_links())
            return
        ntype, flags = RTM_NEWLINK, rng.choice(
            [CREATE_EXCL, CREATE_EXCL, NLM_F_CREATE, 0,
             NLM_F_CREATE | NLM_F_REPLACE])
        if rng.random() < 0.2:
            ntype, flags = RTM_SETLINK, 0
        # A device named, or given by index, never renamed: the sandbox
        # devices stay, and what the fuzzer creates is called fz<n>.
        ifindex, top = 0, []
        y = rng.random()
        if y < 0.6:
            top.append(nla(IFLA_IFNAME, rng.choice(FUZZ_NAMES).encode() +
                           b"\0"))
        elif y < 0.85:
            top.append(nla(IFLA_IFNAME, rng.choice(self.sb_tables).name
                           .encode() + b"\0"))
        else:
            ifindex = rng.choice(self.sb_ifindexes)
        iff, change = 0, 0
        if rng.random() < 0.15:
            iff, change = rng.choice([IFF_UP, 0]), IFF_UP
        family = 0 if rng.random() < 0.95 else rng.getrandbits(8)
        ifi = struct.pack("BxHiII", family, 0, ifindex, iff, change)
        if rng.random() < 0.2:
            top.append(nla(IFLA_MTU, u32(rng.choice(
                [0, 67, 68, 576, 1280, 1450, 1500, 9000, 65485, 65486,
                 65535, rng.getrandbits(32)]))))
        if rng.random() < 0.1:
            top.append(nla(IFLA_ADDRESS, rng.randbytes(
                rng.choice([6, 6, 6, 0, 5, 7, 8]))))
        if rng.random() < 0.05:
            top.append(nla(IFLA_TXQLEN, u32(rng.getrandbits(32))))
        if rng.random() < 0.95:
            info = []
            if rng.random() < 0.97:
                info.append(nla(IFLA_INFO_KIND, b"podnet\0"))
            if rng.random() < 0.9:
                info.append(nla(IFLA_INFO_DATA, self.link_data(), True))
            top.append(nest(IFLA_LINKINFO, *info))
        rng.shuffle(top)
        label = "RTM_NEWLINK" if ntype == RTM_NEWLINK else "RTM_SETLINK"
        self.rs.add(Req(f"sandbox link: {label}", ntype, REQ_ACK | flags,
                        ifi + b"".join(top), SANDBOX_LINK_ERRNOS | {0}))

    def check_links(self, final=False):
        """Every podnet device of the sandbox in the documented ranges;
        at the end, none of the fuzzer's left."""
        def check(msgs):
            left = []
            for typ, _, payload in msgs:
                a = attrs(payload[16:])
                info = attrs(a.get(IFLA_LINKINFO, b""))
                if typ != RTM_NEWLINK or \
                   info.get(IFLA_INFO_KIND) != b"podnet\0":
                    continue
                name = a[IFLA_IFNAME].rstrip(b"\0").decode()
                if name in FUZZ_NAMES:
                    left.append(name)
                why = bad_config(attrs(info.get(IFLA_INFO_DATA, b"")),
                                 struct.unpack("I", a[IFLA_MTU])[0])
                if why:
                    return f"{name} has {why}"
            if final and left:
                return f"devices the fuzzer made are left: {left}"
            return None
        return Req("sandbox link: RTM_GETLINK dump", RTM_GETLINK,
                   REQ_ACK | NLM_F_DUMP, bytes(16), frozenset({0}), check)

    def final_checks(self):
        for t in self.tables:
            self.g.add(self.valid_getdev(t))
            self.g.add(self.valid_dump(t))
        self.g.flush()
        if self.sandbox:
            for name in FUZZ_NAMES:
                self.rs.add(Req("sandbox link: RTM_DELLINK", RTM_DELLINK,
                                REQ_ACK, bytes(16) + nla(
                                    IFLA_IFNAME, name.encode() + b"\0"),
                                frozenset({0, errno.ENODEV})))
            self.rs.add(self.check_links(final=True))
            self.rs.flush()

    def summary(self):
        out = []
        for kind, by in sorted(self.stats.items()):
            total = sum(by.values())
            detail = ", ".join(f"{k} {v}" for k, v in
                               sorted(by.items(), key=lambda kv: -kv[1]))
            out.append(f"  {kind}: {total} ({detail})")
        return "\n".join(out)



def attr_heads(b, start, end=None, depth=0):
    """Offsets of the attribute headers in b[start:end], nests included."""
    end = len(b) if end is None else end
    out = []
    off = start
    while off + 4 <= end:
        ln, at = struct.unpack_from("HH", b, off)
        if ln < 4 or off + ln > end:
            break
        out.append(off)
        if at & NLA_F_NESTED and depth < 4:
            out += attr_heads(b, off + 4, off + ln, depth + 1)
        off += (ln + 3) & ~3
    return out


LINK_ATTR_NAMES = ["mode", "vni", "port", "local", "link", "ttl", "tos",
                   "srccheck", "gateway", "arpsuppress", "maxsubnets",
                   "df"]


def bad_config(data, mtu):
    """What is out of its documented range in a podnet device's
    IFLA_INFO_DATA and MTU, or None. An ipip device has no VXLAN
    settings (VNI, port, gateway, arpsuppress) to show."""
    ipip = 1 in data and data[1][:1] == b"\x01"
    vxlan_only = ("vni", "port", "gateway", "arpsuppress")
    names = [n for n in LINK_ATTR_NAMES if not (ipip and n in vxlan_only)]
    want = sorted(LINK_ATTR_NAMES.index(n) + 1 for n in names)
    if sorted(data) != want:
        return f"IFLA_INFO_DATA with attributes {sorted(data)}"
    v = {}
    for name in names:
        atype = LINK_ATTR_NAMES.index(name) + 1
        fmt = {1: "B", 2: "H", 4: "I"}[LINK_ATTRS[atype][0]]
        if atype in BIG_ENDIAN_LINK_ATTRS:
            fmt = "!" + fmt
        v[name] = struct.unpack(fmt, data[atype])[0]

    def multicast_or_broadcast(addr):
        return addr >> 28 == 0xe or addr == 0xffffffff
    # One outer IPv4 packet carries at most 65535 bytes: VXLAN adds 50,
    # IP-in-IP 20.
    top = 65535 - (20 if ipip else 50)
    checks = [
        (v["mode"] in (0, 1), "mode"),
        (v.get("vni", 0) <= 0xffffff, "VNI"),
        (v.get("port", 1) != 0, "port"),
        (not multicast_or_broadcast(v["local"]), "local address"),
        (v["srccheck"] in (0, 1), "srccheck"),
        (not multicast_or_broadcast(v.get("gateway", 0)), "gateway"),
        (v.get("arpsuppress", 0) in (0, 1), "arpsuppress"),
        (v["maxsubnets"] >= 1, "maxsubnets"),
        (v["df"] in (0, 1, 2), "df"),
        (68 <= mtu <= top, f"MTU (68 to {top})"),
    ]
    for ok, what in checks:
        if not ok:
            shown = " ".join(
                f"{k} {fmt_ip(x) if k in ('local', 'gateway') else x}"
                for k, x in v.items())
            return f"{what} out of range: MTU {mtu}, {shown}"
    return None


def remove_fuzz_devices():
    """After a failure: delete what the fuzzer may have created."""
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                       NETLINK_ROUTE) as sock:
        for seq, name in enumerate(FUZZ_NAMES):
            sock.send(nlmsg(RTM_DELLINK, NLM_F_REQUEST, seq, bytes(16) +
                            nla(IFLA_IFNAME, name.encode() + b"\0")))


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--dev", action="append", required=True,
                    help="a podnet device under test (repeat for more)")
    ap.add_argument("--sandbox", metavar="NETNS",
                    help="namespace for mutated requests and link fuzzing")
    ap.add_argument("--count", type=int,
                    default=int(os.environ.get("FUZZ_COUNT", "100000")),
                    help="messages to send (FUZZ_COUNT, default 100000)")
    ap.add_argument("--batch", type=int, default=64,
                    help="requests per send (default 64)")
    ap.add_argument("--model-dir", metavar="DIR",
                    help="where to write the model of each table")
    opts = ap.parse_args()
    seed = os.environ.get("SEED")
    opts.seed = int(seed) if seed else random.SystemRandom().randrange(1 << 32)
    opts.timeout = float(os.environ.get("FUZZ_TIMEOUT", "30"))
    print(f"seed {opts.seed}", flush=True)
    try:
        fuzz = Fuzzer(opts)
        elapsed = fuzz.run(opts.count)
    except Failure as e:
        print(f"nlfuzz: FAIL (seed {opts.seed}): {e}", flush=True)
        if opts.sandbox:
            in_netns(opts.sandbox, remove_fuzz_devices)
        return 1
    print(f"nlfuzz: {opts.count} messages in {elapsed:.1f} s, answers:")
    print(fuzz.summary())
    if opts.model_dir:
        for t in fuzz.tables:
            path = os.path.join(opts.model_dir, f"{t.name}.json")
            with open(path, "w") as f:
                json.dump(t.json(), f)
    print(f"digest {fuzz.digest.hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
