#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeded netlink fuzzer for podnet.

  nlfuzz.py --dev NAME [--dev NAME]... [--sandbox NETNS] [--count N]
            [--model-dir DIR]

Runs in the network namespace of the devices under test (the --dev
devices) and sends them, in batches, a random mix of

  * well-formed requests whose outcome a model of the tables predicts:
    NEW_SUBNET, REPLACE_SUBNET, CHANGE_SUBNET and DEL_SUBNET of IPv4 and
    IPv6 prefixes, nested ones among them (success, or EEXIST or ENOENT
    as the command and the table say; a deletion naming a node, lladdr
    or flags the entry does not have is ENOENT), the subnets of a dump
    fed back to REPLACE_SUBNET (which changes nothing), flushes, lookups
    of IPv4 and IPv6 addresses, GET_DEVICE and dumps, whose answers are
    compared with the model; the events group must announce exactly the
    changes the model made, in order, and nothing for a replace by an
    identical entry;
  * malformed requests, each with one defect (a truncated, oversized,
    wrongly nested, unknown, missing or out-of-range attribute, one the
    command does not take, unknown subnet flags, a derived-lladdr flag
    with another lladdr, an IPv6 node, an IPv4 and an IPv6 prefix or
    address together, a bad header, command, nlmsg flag or reserved
    field, the layout of version 1 of the family), which must fail with
    the errno the defect calls for and change nothing;
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
import collections
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
from pnl import NLA_F_NESTED, attr_list, attrs, family_id, nla  # noqa: E402

NETLINK_ROUTE, NETLINK_GENERIC = 0, 16
SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP = 270, 1, 2
# One batch in EVENTS_EVERY is checked for its events.
EVENTS_EVERY = 4
NETLINK_CAP_ACK, NETLINK_EXT_ACK = 10, 11
SO_SNDBUFFORCE, SO_RCVBUFFORCE = 32, 33
CLONE_NEWNET = 0x40000000

NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE = 1, 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO, NLM_F_DUMP_INTR = \
    0x1, 0x2, 0x4, 0x8, 0x10
NLM_F_DUMP_FILTERED = 0x20
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND = \
    0x100, 0x200, 0x400, 0x800
NLM_F_ROOT, NLM_F_MATCH = 0x100, 0x200
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSGERR_ATTR_MSG = 1
NLA_F_NET_BYTEORDER = 0x4000

# genetlink's own family
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2

# uapi/linux/podnet.h
PODNET_GENL_VERSION = 2         # PODNET_FAMILY_VERSION
CMD_GETDEV, CMD_NEW, CMD_REPLACE, CMD_CHANGE, CMD_DEL, CMD_GET, CMD_FLUSH = \
    1, 2, 3, 4, 5, 6, 7
NTF_NEW, NTF_DEL, NTF_FLUSH, NTF_MISS = 8, 9, 10, 11
CMD_MAX = 11
A_PAD, A_IFINDEX, A_IFNAME, A_SUBNET, A_ADDRESS4, A_ADDRESS6 = \
    1, 2, 3, 4, 5, 6
A_SUBNET_COUNT, A_GENERATION, A_STATS, A_MISS = 7, 8, 9, 10
A_MAX = 10
S_PAD, S_PREFIX4, S_PREFIX6, S_PREFIXLEN, S_NODE4, S_NODE6, S_LLADDR, \
    S_FLAGS, S_STATS, S_DIRECT = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
S_MAX = 10
SS_PAD, SS_MAX = 1, 5
SS_COUNTERS = (2, 3, 4, 5)      # TX_PACKETS, TX_BYTES, RX_PACKETS, RX_BYTES
DEV_STATS = range(2, 19)        # PODNET_STATS_A_NO_ROUTE .. _MLD
F_LLADDR_DERIVED = 1
IFLA_PODNET_MAX = 15
# Version 1 of the family, as an old tool still writes it.
V1_CMD_NEW, V1_CMD_DEL, V1_CMD_GET, V1_CMD_FLUSH, V1_CMD_GETDEV = \
    1, 2, 3, 4, 5
V1_A_IFINDEX, V1_A_IFNAME, V1_A_SUBNETS, V1_A_ADDRESS = 1, 2, 3, 4
V1_S_FAMILY, V1_S_PREFIX, V1_S_PREFIXLEN, V1_S_NODE, V1_S_LLADDR = \
    1, 2, 3, 4, 5

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
    errno.EOPNOTSUPP, errno.EEXIST, errno.EAFNOSUPPORT, errno.ENOSPC,
    errno.EADDRNOTAVAIL})
SANDBOX_LINK_ERRNOS = frozenset({
    errno.EINVAL, errno.ERANGE, errno.ENODEV, errno.EOPNOTSUPP,
    errno.EEXIST, errno.EBUSY, errno.EADDRINUSE, errno.EADDRNOTAVAIL,
    errno.EAFNOSUPPORT})

ERRNAME = dict(errno.errorcode)
ERRNAME.update({errno.EOPNOTSUPP: "EOPNOTSUPP", 0: "ok"})


def errnames(codes):
    return "|".join(sorted(ERRNAME.get(c, str(c)) for c in codes))


# The model holds an IPv6 prefix or address as its 128 bits plus V6, so
# that the two families never meet and an IPv4 one sorts first, as the
# kernel lists them.
V6 = 1 << 128


def width(key):
    """The bits of key's family: 32 or 128."""
    return 128 if key >= V6 else 32


def mask(plen, bits=32):
    """The bits a prefix of length plen covers, of an address of bits."""
    return ((1 << plen) - 1) << (bits - plen)


def trim(key, plen):
    """key, of either family, cut to a prefix of length plen."""
    return key & (V6 | mask(plen, width(key)))


def addr_bytes(key):
    """An address of either family as its attribute carries it."""
    return be32(key) if key < V6 else (key - V6).to_bytes(16, "big")


def prefix_type(key):
    return S_PREFIX6 if key >= V6 else S_PREFIX4


def fmt_ip(v):
    return socket.inet_ntoa(struct.pack("!I", v))


def fmt_addr(key):
    if key < V6:
        return fmt_ip(key)
    return socket.inet_ntop(socket.AF_INET6, addr_bytes(key))


def fmt_mac(b):
    return ":".join(f"{x:02x}" for x in b)


def derived_mac(node):
    return b"\x0a\x58" + struct.pack("!I", node)


def subnet_flags(derived):
    """The PODNET_SUBNET_A_FLAGS of an entry."""
    return F_LLADDR_DERIVED if derived else 0


def overlaps(a, b):
    if (a[0] >= V6) != (b[0] >= V6):
        return False
    plen = min(a[1], b[1])
    return (a[0] ^ b[0]) & mask(plen, width(a[0])) == 0


def u8(v):
    return struct.pack("B", v)


def u16(v):
    return struct.pack("H", v)


def u32(v):
    return struct.pack("I", v)


def u64(v):
    return struct.pack("Q", v)


def be32(v):
    return struct.pack("!I", v)


def nest(atype, *parts):
    return nla(atype, b"".join(parts), True)


def without(parts, *types):
    """The attributes in parts but those of the given types."""
    return [p for p in parts
            if struct.unpack_from("H", p, 2)[0] & 0x3fff not in types]


def raw_attrs(buf):
    """(type with its flag bits, payload) of each attribute in buf."""
    out = []
    while len(buf) >= 4:
        ln, at = struct.unpack_from("HH", buf)
        if ln < 4 or ln > len(buf):
            break
        out.append((at, buf[4:ln]))
        buf = buf[(ln + 3) & ~3:]
    return out


def zero_counters(payload):
    """A subnet nest's payload as a dump holds it, the values of its
    counters zeroed: what is fed back must not depend on the traffic."""
    out = []
    for at, v in raw_attrs(payload):
        if at & 0x3fff == S_STATS:
            v = b"".join(nla(t & 0x3fff, bytes(len(c)), bool(t & NLA_F_NESTED))
                         for t, c in raw_attrs(v))
        out.append(nla(at & 0x3fff, v, bool(at & NLA_F_NESTED)))
    return b"".join(out)


def genl(cmd, payload, version=PODNET_GENL_VERSION, reserved=0):
    return struct.pack("BBH", cmd, version, reserved) + payload


def nlmsg(ntype, flags, seq, body):
    data = struct.pack("IHHII", 16 + len(body), ntype, flags, seq, 0) + body
    return data + b"\0" * (-len(data) % 4)


def header_flags_ok(flags):
    """Whether genetlink lets nlmsg_flags through to a family with
    resv_start_op 0: NLM_F_REQUEST, NLM_F_ACK, NLM_F_ECHO and both bits of
    NLM_F_DUMP, nothing else."""
    if flags & NLM_F_DUMP == NLM_F_DUMP:
        flags &= ~NLM_F_DUMP
    return not flags & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO)


class Failure(Exception):
    pass


class Req:
    """A request, what it may be answered with, and what came back.

    expect is the set of errnos allowed as the answer (0 for success), or
    None when the request must not be answered at all; check, given the
    data messages of the answer, returns what is wrong with them or None;
    events are the events its success sends, (command, ifindex, row).
    """

    __slots__ = ("label", "ntype", "flags", "body", "expect", "check",
                 "raw", "seq", "data", "final", "msgs", "extack", "events")

    def __init__(self, label, ntype, flags, body, expect, check=None,
                 raw=None, events=None):
        self.label, self.ntype, self.flags, self.body = \
            label, ntype, flags, body
        self.expect, self.check, self.raw = expect, check, raw
        self.events = events
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
        self.on_flush = None

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
        if self.on_flush:
            self.on_flush(batch)

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
            if r is None and seq == 0 and typ == self.fuzz.fam:
                continue        # an event, echoed for NLM_F_ECHO
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


# The row of an empty table's flush event, which may or may not be sent.
MAYBE = "maybe"
EVENT_NAMES = {NTF_NEW: "SUBNET_NEW_NTF", NTF_DEL: "SUBNET_DEL_NTF",
               NTF_FLUSH: "SUBNET_FLUSH_NTF"}


class Events:
    """A socket in the events group, and the subnet events it reads."""

    def __init__(self, fuzz, group):
        self.fuzz = fuzz
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
        self.sock.bind((0, 0))
        self.group = group
        self.joined = False
        self.listen(True)
        self.sock.setblocking(False)
        self.buf = bytearray(1 << 20)
        self.names = {t.ifindex: t.name for t in fuzz.tables}

    def listen(self, on):
        """Join the group, or leave it: the kernel then sends no events."""
        if on != self.joined:
            self.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP if on
                                 else NETLINK_DROP_MEMBERSHIP, self.group)
            self.joined = on

    def read(self):
        """Every event queued about the tables under test, in order:
        (command, ifindex, row), the row None for a flush. The kernel
        sends them before it answers the request, so once a batch is
        answered its events are here."""
        out = []
        while True:
            try:
                n = self.sock.recv_into(self.buf)
            except BlockingIOError:
                return out
            except OSError as e:
                raise Failure(f"events: reading them: {e} (events lost)")
            data = memoryview(self.buf)[:n].tobytes()
            while len(data) >= 16:
                ln, typ = struct.unpack_from("IH", data)
                if ln < 16 or ln > len(data):
                    raise Failure(f"events: a malformed message: "
                                  f"{data[:64].hex()}")
                ev = self.parse(typ, data[16:ln])
                if ev:
                    out.append(ev)
                data = data[(ln + 3) & ~3:]

    def parse(self, typ, payload):
        if typ != self.fuzz.fam or len(payload) < 4 or payload[0] == NTF_MISS:
            return None
        cmd = payload[0]
        a = attr_list(payload[4:])
        found = dict(a)
        try:
            ifindex = struct.unpack("I", found[A_IFINDEX])[0]
            name = found[A_IFNAME].rstrip(b"\0").decode()
        except (KeyError, struct.error, UnicodeError):
            raise Failure(f"events: one without its device: {payload.hex()}")
        if ifindex not in self.names:
            return None
        rows = [parse_subnet(p) for t, p in a if t == A_SUBNET]
        if cmd not in EVENT_NAMES or name != self.names[ifindex] or \
           len(rows) != (cmd != NTF_FLUSH):
            raise Failure(f"events: command {cmd} of {name}, ifindex "
                          f"{ifindex}, with {len(rows)} subnets: "
                          f"{payload[:320].hex()}")
        return cmd, ifindex, rows[0] if rows else None


def show_event(ev):
    cmd, ifindex, row = ev
    return (f"{EVENT_NAMES.get(cmd, cmd)} ifindex {ifindex}"
            f"{' ' + show_row(row) if row else ''}")


class Table:
    """The model of one device's table: (prefix, length) -> entry, an entry
    (node, lladdr, lladdr derived). A prefix is IPv4 or IPv6 (plus V6):
    both families share the table, its count and its order, and a lookup
    or prefix of one never meets the other."""

    def __init__(self, name, ifindex, entries, rng, pool=600):
        self.name, self.ifindex = name, ifindex
        self.entries = dict(entries)
        self.kept = set(self.entries)
        self.flushable = not self.kept
        self.changed = False
        self.generation = None
        # Pairs of pool prefixes, IPv4 and IPv6, of the same bits and
        # length: distinct subnets.
        self.twins = []
        self.pool = self.make_pool(rng, pool)
        # The subnet nests the last dump showed: prefix -> (entry, payload
        # with the counters zeroed).
        self.dumped = {}

    def make_pool(self, rng, size):
        """Prefixes to work with, nesting, and clear of kept ones: three in
        five IPv4, the others IPv6, among those ::/0, /128s, chains of
        nested ones, and the twins of IPv4 ones."""
        bases = [(0x0a000000, 8), (0xac100000, 12), (0xc0a80000, 16),
                 (0x64400000, 10), (0, 0)]
        bases6 = [(V6 | 0x20010db8 << 96, 32), (V6 | 0xfd << 120, 8),
                  (V6 | 0x20010db800ab << 80, 48), (V6 | 0xffff << 32, 96),
                  (V6, 0)]
        pool, fours, sixes = set(), [], []

        def clear(p):
            return not any(overlaps(p, k) for k in self.kept)
        pool |= {p for p in ((0, 0), (V6, 0)) if clear(p)}
        if len(pool) == 2:
            self.twins.append(((0, 0), (V6, 0)))
        while len(pool) < size:
            x, twin = rng.random(), None
            if x < 0.6:
                base, blen = rng.choice(bases)
                plen = min(32, max(blen, int(rng.triangular(blen, 33, 24))))
                key = (base | (rng.getrandbits(32) & ~mask(blen))) & \
                    mask(plen)
            elif x < 0.64 and fours:
                twin = rng.choice(fours)
                key, plen = V6 | twin[0] << 96, twin[1]
            elif x < 0.78 and sixes:
                # Inside or around one already taken.
                key, plen = rng.choice(sixes)
                if plen < 128 and rng.random() < 0.6:
                    key |= rng.getrandbits(128) & ~mask(plen, 128)
                    plen = rng.randint(plen + 1, 128)
                else:
                    plen = rng.randint(0, plen)
                key = trim(key, plen)
            else:
                base, blen = rng.choice(bases6)
                plen = rng.choice([64, 128, 128, rng.randint(blen, 128)])
                plen = max(blen, plen)
                key = trim(base | rng.getrandbits(128) & ~mask(blen, 128),
                           plen)
            p = (key, plen)
            if p in pool or not clear(p):
                continue
            pool.add(p)
            if key < V6:
                fours.append(p)
            else:
                sixes.append(p)
                if twin:
                    self.twins.append((twin, p))
        return sorted(pool)

    @staticmethod
    def resolve(spec):
        """The entry a subnet of NEW, REPLACE or CHANGE asks for: without
        PODNET_SUBNET_A_LLADDR, or with PODNET_SUBNET_F_LLADDR_DERIVED, the
        derived lladdr."""
        key, plen, node, lladdr, flags = spec
        derived = lladdr is None or bool(flags and flags & F_LLADDR_DERIVED)
        return node, lladdr or derived_mac(node), derived

    def change(self, cmd, specs):
        """Apply a NEW, REPLACE or CHANGE request as the kernel must: its
        errno and the events it sends. A replace by an identical entry
        (node, lladdr and flags alike) changes nothing and sends none."""
        plan = []
        for spec in sorted(specs, key=lambda s: s[:2]):
            p, new = spec[:2], self.resolve(spec)
            old = self.entries.get(p)
            if old is None:
                if cmd == CMD_CHANGE:
                    return errno.ENOENT, None
            elif cmd == CMD_NEW:
                return errno.EEXIST, None
            elif old == new:
                continue
            plan.append((p, new))
        for p, e in plan:
            self.entries[p] = e
        self.changed |= bool(plan)
        return 0, [(NTF_NEW, self.ifindex, p + e) for p, e in plan]

    def delete(self, specs):
        """Apply a DEL request: every prefix held, and a node, lladdr or
        flags given the entry's own, else ENOENT."""
        for key, plen, node, lladdr, flags in specs:
            e = self.entries.get((key, plen))
            if e is None or node is not None and node != e[0] or \
               lladdr is not None and lladdr != e[1] or \
               flags is not None and flags != subnet_flags(e[2]):
                return errno.ENOENT, None
        events = []
        for spec in sorted(specs, key=lambda s: s[:2]):
            p = spec[:2]
            events.append((NTF_DEL, self.ifindex, p + self.entries.pop(p)))
        self.changed = True
        return 0, events

    def flush(self):
        events = [(NTF_FLUSH, self.ifindex, None if self.entries else MAYBE)]
        self.changed |= bool(self.entries)
        self.entries.clear()
        return events

    def lookup(self, addr):
        """The longest prefix of addr's family that holds it."""
        bits, fam = (128, V6) if addr >= V6 else (32, 0)
        for plen in range(bits, -1, -1):
            p = (addr & (fam | mask(plen, bits)), plen)
            if p in self.entries:
                return p
        return None

    def rows(self):
        """The entries as a dump lists them: IPv4 ones, then IPv6 ones,
        each in prefix order, which is the tries' pre-order."""
        return [(k, p) + self.entries[(k, p)]
                for k, p in sorted(self.entries)]

    def json(self):
        return [{"dst": f"{fmt_addr(k)}/{p}", "via": fmt_ip(node),
                 "lladdr": fmt_mac(mac), "lladdr_derived": derived,
                 "dev": self.name}
                for k, p, node, mac, derived in self.rows()]


def parse_subnet(payload):
    """A subnet nest of an answer or event as a row: (prefix, length,
    node, lladdr, lladdr derived)."""
    a = attrs(payload)
    try:
        flags = struct.unpack("I", a[S_FLAGS])[0] if S_FLAGS in a else 0
        if flags & ~F_LLADDR_DERIVED:
            raise ValueError
        if S_PREFIX6 in a:
            if S_PREFIX4 in a or len(a[S_PREFIX6]) != 16:
                raise ValueError
            key = V6 | int.from_bytes(a[S_PREFIX6], "big")
        else:
            key = struct.unpack("!I", a[S_PREFIX4])[0]
        return (key, a[S_PREFIXLEN][0],
                struct.unpack("!I", a[S_NODE4])[0], bytes(a[S_LLADDR]),
                bool(flags))
    except (KeyError, struct.error, IndexError, ValueError):
        return ("malformed", payload.hex())


def subnets_of(msgs, fam, ifindex):
    """The subnets carried by the genl answer messages msgs, in order; None
    when a message is not one of fam about the device ifindex."""
    out = []
    for typ, _, payload in msgs:
        a = attr_list(payload[4:])
        if typ != fam or (A_IFINDEX, u32(ifindex)) not in a:
            return None
        out += [parse_subnet(p) for t, p in a if t == A_SUBNET]
    return out


def show_row(row):
    if len(row) != 5:
        return str(row)
    k, p, node, mac, derived = row
    return (f"{fmt_addr(k)}/{p} via {fmt_ip(node)} lladdr {fmt_mac(mac)}"
            f"{' (derived)' if derived else ''}")


def diff_rows(got, want):
    if got is None:
        return "an answer of another family or without the device's ifindex"
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
EAFNOSUPPORT = frozenset({errno.EAFNOSUPPORT})
# A 16-byte attribute of another length: ERANGE from an exact-length
# binary policy, EINVAL from any other.
BAD_LEN16 = frozenset({errno.EINVAL, errno.ERANGE})
CHANGES = (CMD_NEW, CMD_REPLACE, CMD_CHANGE)
CMD_NAMES = {CMD_NEW: "NEW", CMD_REPLACE: "REPLACE", CMD_CHANGE: "CHANGE"}
DEV = frozenset({A_IFINDEX, A_IFNAME})
# The top-level attributes each request (command, with NLM_F_DUMP) takes;
# every other is refused with EINVAL. The keys are every command and both
# dumps.
TAKES = {
    (CMD_NEW, False): DEV | {A_SUBNET},
    (CMD_REPLACE, False): DEV | {A_SUBNET},
    (CMD_CHANGE, False): DEV | {A_SUBNET},
    (CMD_DEL, False): DEV | {A_SUBNET},
    (CMD_GET, False): DEV | {A_ADDRESS4, A_ADDRESS6},
    (CMD_GET, True): DEV,
    (CMD_FLUSH, False): DEV,
    (CMD_GETDEV, False): DEV,
    (CMD_GETDEV, True): frozenset(),
}
COMMANDS = list(TAKES)
DEVICE_COMMANDS = [c for c in COMMANDS if TAKES[c]]
# Request flags of rtnetlink's kind, which genetlink now refuses.
ROUTE_FLAGS = [NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_APPEND,
               CREATE_EXCL, NLM_F_CREATE | NLM_F_REPLACE,
               NLM_F_CREATE | NLM_F_APPEND]
INTERESTING = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 31, 32, 33, 63, 64, 127,
               128, 255, 256, 1023, 4096, 32767, 32768, 65535, 65536,
               0x7fffffff, 0x80000000, 0xffffffff]
IPV6 = [socket.inet_pton(socket.AF_INET6, a) for a in
        ("::", "::1", "2001:db8::1", "fe80::1", "ff02::1", "fd00::5")]
# Those of them that may be a node's address.
IPV6_NODES = IPV6[2:3] + IPV6[5:]
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
    13: (16, IPV6),                                         # LOCAL6
    14: (16, IPV6),                                         # GATEWAY6
    15: (1, [0, 1, 2, 255]),                                # DIRECT
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
        self.fam = family_id(self.g.sock)      # of version 2, or exit
        rng = self.rng
        self.nodes = [0xc0a80000 | rng.randrange(1, 255) << 8 |
                      rng.randrange(1, 255) for _ in range(12)]
        self.macs = [bytes([rng.randrange(0, 256) & 0xfe | 0x02]) +
                     rng.randbytes(5) for _ in range(4)]
        group = self.family_group()
        self.tables = [self.load_table(name) for name in opts.dev]
        self.events = Events(self, group)
        self.batches = 0
        self.g.on_flush = self.check_events
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

    def family_group(self):
        """The id of the family's events group."""
        msgs = self.query(self.g, Req(
            "setup: CTRL_CMD_GETFAMILY", GENL_ID_CTRL, REQ_ACK,
            genl(CTRL_CMD_GETFAMILY, nla(CTRL_ATTR_FAMILY_NAME, b"podnet\0"),
                 1), frozenset({0})))
        a = attrs(msgs[0][2][4:])
        for _, g in attr_list(a.get(CTRL_ATTR_MCAST_GROUPS, b"")):
            ga = attrs(g)
            if ga.get(CTRL_ATTR_MCAST_GRP_NAME) == b"events\0":
                return struct.unpack("I", ga[CTRL_ATTR_MCAST_GRP_ID])[0]
        raise Failure("the podnet family has no multicast group \"events\"")

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
        rows = subnets_of(msgs, self.fam, ifindex)
        if rows is None or any(len(r) != 5 for r in rows):
            raise Failure(f"setup: the dump of {name} is malformed: {rows}")
        entries = {(k, p): (node, mac, derived)
                   for k, p, node, mac, derived in rows}
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

    def check_events(self, batch):
        """The events of a batch: those of each request that succeeded, in
        the order of the requests; within one, in any order. Every
        EVENTS_EVERY-th batch is listened to (reading every event costs
        more than the rest of the run under emulation); in the others the
        fuzzer is out of the group, and no event may come."""
        got = self.events.read()
        listened = self.events.joined
        self.batches += 1
        self.events.listen(self.batches % EVENTS_EVERY == 0)
        if not listened:
            if got:
                raise Failure(f"events: {len(got)} sent while nobody "
                              f"listened, the first: {show_event(got[0])}")
            return
        i = 0
        for r in batch:
            want = r.events
            if not want:
                continue
            if want[0][2] is MAYBE:
                if got[i:i + 1] == [want[0][:2] + (None,)]:
                    i += 1
                continue
            chunk = got[i:i + len(want)]
            if chunk != want and \
               collections.Counter(chunk) != collections.Counter(want):
                extra = [show_event(e) for e in chunk if e not in want][:3]
                missing = [show_event(e) for e in want if e not in chunk][:3]
                raise Failure(
                    f"events: the wrong events for a request\n"
                    f"  message: {r.label}, sequence number {r.seq}\n"
                    f"  expected {len(want)}, missing: {missing}\n"
                    f"  got {len(chunk)}, not expected: {extra}")
            i += len(want)
        if i < len(got):
            raise Failure(f"events: {len(got) - i} that no request of the "
                          f"batch made, the first: {show_event(got[i])}")

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

    # Building blocks. A subnet is given as a spec, (prefix, length, node,
    # lladdr, flags), node, lladdr and flags None where not given.

    def dev_sel(self, t):
        if self.rng.random() < 0.5:
            return nla(A_IFINDEX, u32(t.ifindex))
        return nla(A_IFNAME, t.name.encode() + b"\0")

    def derived_ask(self, node):
        """(lladdr, flags) that ask for the lladdr derived from node: none
        given, or the flag, alone or with that lladdr."""
        x = self.rng.random()
        if x < 0.6:
            return None, None
        if x < 0.75:
            return None, F_LLADDR_DERIVED
        if x < 0.8:
            return None, 0
        return derived_mac(node), F_LLADDR_DERIVED

    def spec(self, t, p):
        """A subnet for prefix p to add or replace: often the entry it holds
        already, or that entry given another way."""
        rng = self.rng
        old = t.entries.get(p)
        if old and rng.random() < 0.4:
            node, mac, derived = old
            if not derived:
                return p + (node, mac, rng.choice([None, None, None, 0]))
            if rng.random() < 0.8:
                return p + (node,) + self.derived_ask(node)
            # The derived lladdr given without the flag: no longer derived.
            return p + (node, mac, rng.choice([F_LLADDR_DERIVED, None]))
        node = rng.choice(self.nodes)
        x = rng.random()
        if x < 0.6:
            return p + (node,) + self.derived_ask(node)
        if x < 0.7:
            return p + (node, derived_mac(node), rng.choice([None, 0]))
        return p + (node, rng.choice(self.macs), rng.choice([None, None, 0]))

    def del_spec(self, t, p):
        """A subnet for prefix p to delete: now and then with the node,
        lladdr or flags the entry must have, mostly its own."""
        rng = self.rng
        e = t.entries.get(p)
        if e is None or rng.random() < 0.75:
            return p + (None, None, None)
        node = mac = flags = None
        while node is None and mac is None and flags is None:
            if rng.random() < 0.5:
                node = e[0] if rng.random() < 0.9 else rng.choice(self.nodes)
            if rng.random() < 0.4:
                mac = e[1] if rng.random() < 0.9 else rng.choice(self.macs)
            if rng.random() < 0.3:
                derived = e[2] if rng.random() < 0.9 else not e[2]
                flags = subnet_flags(derived)
        # The flag with another lladdr than the derived one is malformed
        # for an add; for a deletion, which errno wins is not said.
        if flags and mac is not None and \
           mac != derived_mac(e[0] if node is None else node):
            flags = None
        return p + (node, mac, flags)

    def stats_nest(self):
        """A subnet's counters, as a dump shows them (on a 32-bit kernel
        with empty pads before them): ignored on input."""
        rng = self.rng
        pad = nla(SS_PAD, b"") if rng.random() < 0.2 else b""
        return nest(S_STATS, *(pad + nla(c, u64(rng.choice(
            [0, 1, rng.getrandbits(64)]))) for c in SS_COUNTERS
            if rng.random() < 0.8))

    def parts(self, spec):
        """The attributes of a subnet nest, by type."""
        key, plen, node, lladdr, flags = spec
        a = prefix_type(key)
        p = {a: nla(a, addr_bytes(key)),
             S_PREFIXLEN: nla(S_PREFIXLEN, u8(plen))}
        if node is not None:
            p[S_NODE4] = nla(S_NODE4, be32(node))
        if lladdr is not None:
            p[S_LLADDR] = nla(S_LLADDR, lladdr)
        if flags is not None:
            p[S_FLAGS] = nla(S_FLAGS, u32(flags))
        if self.rng.random() < 0.05:
            p[S_STATS] = self.stats_nest()
        return p

    def subnet(self, parts, nested=True):
        """A PODNET_A_SUBNET nest: the parts in any order."""
        rng = self.rng
        parts = list(parts.values()) if isinstance(parts, dict) else parts
        if rng.random() < 0.3:
            rng.shuffle(parts)
        return nla(A_SUBNET, b"".join(parts), nested)

    def with_dev(self, t, parts):
        """parts and the device selector among them, anywhere."""
        parts = list(parts)
        parts.insert(self.rng.randint(0, len(parts)), self.dev_sel(t))
        return parts

    def role_spec(self, t, role, p=None):
        """A well-formed subnet for role entry (an add or replace) or prefix
        (a deletion, of the prefix alone)."""
        p = p or self.rng.choice(t.pool)
        return self.spec(t, p) if role == "entry" else p + (None, None, None)

    def many(self, t, role, n):
        """n well-formed subnet nests for role, from a block made once:
        which prefixes they hold does not matter, they all go with a bad
        one that the policy or the parsing refuses first."""
        block = self.blocks.get(role)
        if block is None:
            block = self.blocks[role] = [
                self.subnet(self.parts(self.role_spec(t, role)))
                for _ in range(1100)]
        start = self.rng.randrange(len(block) - n + 1)
        return block[start:start + n]

    def good_spec(self, t):
        return self.spec(t, self.rng.choice(t.pool))

    def fitting(self, t, cmd, k, avoid=None):
        """Up to k prefixes, not avoid, that a request cmd of well-formed
        subnets may name without failing: so that a defect beside them is
        the only one."""
        rng = self.rng
        if cmd == CMD_NEW:
            cands = [p for p in rng.sample(t.pool, k + 1)
                     if p not in t.entries]
        elif cmd in (CMD_CHANGE, CMD_DEL):
            held = [p for p in t.entries if p not in t.kept]
            cands = rng.sample(held, min(k + 1, len(held)))
        else:
            cands = rng.sample(t.pool, k + 1)
        return [p for p in cands if p != avoid][:k]

    def req(self, label, cmd, parts, flags, expect, check=None, events=None,
            reserved=0):
        body = genl(cmd, b"".join(parts), reserved=reserved)
        return Req(label, self.fam, flags, body, frozenset(expect), check,
                   events=events)

    # Well-formed requests to the devices under test.

    def gen_valid(self):
        rng = self.rng
        x = rng.random()
        if x < 0.39:
            req = self.valid_change()
        elif x < 0.42:
            req = self.valid_feedback()
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
        if rng.random() < 0.03:
            # genetlink does not look at the version.
            req.body = req.body[:1] + bytes([rng.choice([0, 1, 3, 255])]) + \
                req.body[2:]
        self.g.add(req)

    def valid_change(self, t=None):
        rng = self.rng
        t = t or rng.choice(self.tables)
        n = rng.choice([1, 1, 1, 2, 3, 4])
        if rng.random() < 0.03:
            n = rng.randint(50, 300)
        cmd = rng.choices(CHANGES, [35, 35, 30])[0]
        # A change of prefixes from the pool fails more often than not.
        held = [p for p in t.entries if p not in t.kept]
        prefixes = rng.sample(held, min(n, len(held))) \
            if cmd == CMD_CHANGE and rng.random() < 0.6 else []
        chosen = prefixes or rng.sample(t.pool, n)
        if t.twins and rng.random() < 0.05:
            # An IPv4 and an IPv6 prefix of the same bits and length: not
            # the same subnet.
            twins = rng.choice(t.twins)
            chosen = [p for p in chosen if p not in twins] + list(twins)
        specs = [self.spec(t, p) for p in chosen]
        err, events = t.change(cmd, specs)
        parts = self.with_dev(t, [self.subnet(self.parts(s)) for s in specs])
        flags = REQ_ACK | (NLM_F_ECHO if rng.random() < 0.05 else 0)
        return self.req(f"valid: {CMD_NAMES[cmd]}", cmd, parts, flags, {err},
                        events=events)

    def dumped(self, t, p):
        """The nest a dump of t showed for prefix p, its counters zeroed,
        when the last dump showed the entry as it is; else one made in the
        dump's layout."""
        e = t.entries[p]
        seen = t.dumped.get(p)
        if seen and seen[0] == e:
            return nla(A_SUBNET, seen[1], True)
        node, mac, derived = e
        return nest(A_SUBNET, nla(prefix_type(p[0]), addr_bytes(p[0])),
                    nla(S_PREFIXLEN, u8(p[1])), nla(S_NODE4, be32(node)),
                    nla(S_LLADDR, mac),
                    nla(S_FLAGS, u32(subnet_flags(derived))),
                    nest(S_STATS, *(nla(c, u64(0)) for c in SS_COUNTERS)))

    def valid_feedback(self):
        """Subnets as a dump shows them, fed back to REPLACE_SUBNET: taken,
        and nothing changes, no generation, no event."""
        rng = self.rng
        t = rng.choice(self.tables)
        have = [p for p in t.entries if p not in t.kept]
        if not have:
            return self.valid_change(t)
        chosen = rng.sample(have, min(len(have), rng.choice([1, 1, 2, 5, 20])))
        parts = self.with_dev(t, [self.dumped(t, p) for p in chosen])
        return self.req("valid: REPLACE with a dump's subnets", CMD_REPLACE,
                        parts, REQ_ACK, {0})

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
        specs = [self.del_spec(t, p) for p in chosen]
        err, events = t.delete(specs)
        parts = self.with_dev(t, [self.subnet(self.parts(s)) for s in specs])
        return self.req("valid: DEL", CMD_DEL, parts, REQ_ACK, {err},
                        events=events)

    def valid_get(self):
        rng = self.rng
        t = rng.choice(self.tables)
        # An address in a subnet held, in one of the pool, or anywhere.
        if t.entries and rng.random() < 0.7:
            key, plen = rng.choice(list(t.entries))
        elif rng.random() < 0.5:
            key, plen = rng.choice(t.pool)
        else:
            key, plen = rng.choice([(0, 0), (V6, 0)])
        bits = width(key)
        addr = key | rng.getrandbits(bits) & ~mask(plen, bits)
        hit = t.lookup(addr)
        want = [hit + t.entries[hit]] if hit else None
        parts = self.with_dev(t, [nla(A_ADDRESS6, addr_bytes(addr))
                                  if addr >= V6 else
                                  nla(A_ADDRESS4, be32(addr))])

        def check(msgs):
            got = subnets_of(msgs, self.fam, t.ifindex)
            if got != want:
                return (f"GET {fmt_addr(addr)} answered "
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
                stats = attr_list(a[A_STATS])
            except (KeyError, struct.error):
                return f"GET_DEVICE answered {msgs}"
            prev, t.generation = t.generation, gen
            if (name, ifindex, n) != (t.name, t.ifindex, count):
                return (f"GET_DEVICE says {name} ifindex {ifindex} with {n}"
                        f" subnets, the model {t.name} ifindex {t.ifindex} "
                        f"with {count}")
            counters = sorted(at for at, v in stats if len(v) == 8)
            if counters != list(DEV_STATS):
                return (f"GET_DEVICE has the counters {counters}, not "
                        f"{DEV_STATS.start} to {DEV_STATS.stop - 1} of 8 "
                        "bytes each")
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
        return self.req("valid: FLUSH", CMD_FLUSH, [self.dev_sel(t)],
                        REQ_ACK, {0}, events=t.flush())

    def dump_check(self, t):
        want = t.rows()

        def check(msgs):
            if any(f & NLM_F_DUMP_INTR for _, f, _ in msgs):
                return "a dump was interrupted, yet nothing else changes"
            got = subnets_of(msgs, self.fam, t.ifindex)
            if got != want:
                return f"the dump of {t.name} differs: {diff_rows(got, want)}"
            t.dumped = {}
            for _, _, payload in msgs:
                for at, v in attr_list(payload[4:]):
                    if at == A_SUBNET:
                        row = parse_subnet(v)
                        t.dumped[row[:2]] = (row[2:], zero_counters(v))
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
    # the errno it must be refused with. The netlink core validates every
    # attribute against the command's policy before podnet sees any, and
    # podnet parses every subnet of a request before it looks at the
    # table.

    def gen_bad(self):
        rng = self.rng
        t = rng.choice(self.tables)
        x = rng.random()
        if x < 0.18:
            req = self.bad_device(t)
        elif x < 0.46:
            req = self.bad_policy(t)
        elif x < 0.76:
            req = self.bad_subnet(t)
        elif x < 0.88:
            req = self.bad_header(t)
        else:
            req = self.bad_old_layout(t)
        # An error is answered even when no ack was asked for.
        if rng.random() < 0.1:
            req.flags &= ~NLM_F_ACK
        self.g.add(req)

    def base(self, t, cmd, dump):
        """The parts and flags of a well-formed request to t, of distinct
        prefixes."""
        rng = self.rng
        parts = []
        if cmd in CHANGES or cmd == CMD_DEL:
            role = "prefix" if cmd == CMD_DEL else "entry"
            parts = [self.subnet(self.parts(self.role_spec(t, role, p)))
                     for p in rng.sample(t.pool, rng.randint(1, 3))]
        elif cmd == CMD_GET and not dump:
            parts = [nla(A_ADDRESS4, be32(rng.getrandbits(32)))
                     if rng.random() < 0.5 else
                     nla(A_ADDRESS6, rng.randbytes(16))]
        if TAKES[cmd, dump]:
            parts = self.with_dev(t, parts)
        return parts, REQ_ACK | (NLM_F_DUMP if dump else 0)

    def bad_device(self, t):
        rng = self.rng
        cmd, dump = rng.choice(DEVICE_COMMANDS)
        parts, flags = self.base(t, cmd, dump)
        parts = without(parts, A_IFINDEX, A_IFNAME)
        f = rng.randrange(6)
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
            index = rng.choice([0xffffffff, 0x7fffffff,
                                50000 + rng.randrange(1 << 20)])
            label, err = "unknown ifindex", errno.ENODEV
            sel = [nla(A_IFINDEX, u32(index))]
        elif f == 4:
            label, err = "ifindex 0", errno.ERANGE
            sel = [nla(A_IFINDEX, u32(0))]
        else:
            label, err = "not a podnet device", errno.EOPNOTSUPP
            sel = [rng.choice([nla(A_IFNAME, b"lo\0"),
                               nla(A_IFINDEX, u32(1))])]
        parts += sel
        rng.shuffle(parts)
        return self.req(f"malformed: {label}", cmd, parts, flags, {err})

    def not_taken(self, t, atype):
        """A well-formed attribute atype, for a command that does not take
        it."""
        rng = self.rng
        if atype == A_PAD:
            return nla(A_PAD, bytes(rng.choice([0, 4, 8])))
        if atype == A_IFINDEX:
            return nla(A_IFINDEX, u32(t.ifindex))
        if atype == A_IFNAME:
            return nla(A_IFNAME, t.name.encode() + b"\0")
        if atype == A_SUBNET:
            return self.subnet(self.parts(self.good_spec(t)))
        if atype == A_ADDRESS4:
            return nla(A_ADDRESS4, be32(rng.getrandbits(32)))
        if atype == A_ADDRESS6:
            return nla(A_ADDRESS6, rng.choice(IPV6))
        if atype == A_STATS:
            return nest(A_STATS, *(nla(c, u64(0)) for c in DEV_STATS))
        if atype == A_MISS:
            return nla(A_MISS, u8(rng.choice([1, 2])))
        return nla(atype, u32(rng.getrandbits(32)))

    def bad_policy(self, t):
        """A defect the netlink core's strict validation catches, whatever
        the command: the errno of the attribute's policy; EINVAL for a
        well-formed attribute the command does not take, and either for a
        malformed one."""
        rng = self.rng
        cmd, dump = rng.choice(COMMANDS)
        takes = TAKES[cmd, dump]

        def policy(atype, err):
            return err if atype in takes else EINVAL | err
        parts, flags = self.base(t, cmd, dump)
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
            atype = rng.choice(sorted(set(range(1, A_MAX + 1)) - takes))
            label, err = "an attribute the command does not take", EINVAL
            bad = self.not_taken(t, atype)
        elif f == 4:
            label, err = "NLA_F_NESTED on a scalar", EINVAL
            bad = nla(A_IFINDEX, u32(t.ifindex), True) if rng.random() < 0.5 \
                else nla(A_IFNAME, t.name.encode() + b"\0", True)
            parts = without(parts, A_IFNAME, A_IFINDEX)
        elif f == 5:
            label, err = "a nest without NLA_F_NESTED", EINVAL
            bad = self.subnet(self.parts(self.good_spec(t)), False)
        elif f == 6:
            label, err = "a nest of 1 to 3 bytes", policy(A_SUBNET, ERANGE)
            bad = nla(A_SUBNET, rng.randbytes(rng.randint(1, 3)), True)
        elif f == 7:
            label, err, bad = self.bad_elem_policy(t)
            err = policy(A_SUBNET, err)
            parts[where:where] = self.around(t, CMD_REPLACE, bad)
            return self.req(f"malformed: {label}", cmd, parts, flags, err)
        elif f == 8:
            if rng.random() < 0.5:
                label, err = "address4 of the wrong size", EINVAL
                bad = nla(A_ADDRESS4, rng.randbytes(
                    rng.choice([0, 1, 3, 5, 8, 16])))
            else:
                label, err = "address6 of the wrong size", \
                    policy(A_ADDRESS6, BAD_LEN16)
                bad = nla(A_ADDRESS6, rng.randbytes(
                    rng.choice([0, 4, 8, 15, 17, 32])))
        elif f == 9:
            label, err = "subnet attributes not in a nest", \
                frozenset({errno.EINVAL, errno.ERANGE})
            parts[where:where] = self.parts(self.good_spec(t)).values()
            return self.req(f"malformed: {label}", cmd, parts, flags, err)
        elif f == 10:
            label, err = "a nest one level too deep", EINVAL
            inner = self.subnet(self.parts(self.good_spec(t)))
            bad = self.subnet([inner])
        elif f == 11:
            label, err = "an attribute of 30000 bytes or more", EINVAL
            size = rng.randint(30000, 65000)
            bad = rng.choice([nla(rng.randrange(A_MAX + 1, 0x4000),
                                  rng.randbytes(size)),
                              nla(A_IFNAME, b"z" * size + b"\0")])
        elif f == 12:
            return self.bad_big_array(t, cmd, parts, flags, policy)
        elif f == 13:
            label, err = "an attribute length under 4", EINVAL
            bad = struct.pack("HH", rng.randrange(4), A_IFINDEX) + \
                u32(t.ifindex)
            where = 0
        else:
            return self.bad_framing(t, cmd, parts, flags)
        parts.insert(where, bad)
        return self.req(f"malformed: {label}", cmd, parts, flags, err)

    def around(self, t, cmd, bad, avoid=None):
        """A few good subnets of a cmd request, of distinct prefixes that
        do not fail it, and bad among them."""
        rng = self.rng
        role = "prefix" if cmd == CMD_DEL else "entry"
        elems = [self.subnet(self.parts(self.role_spec(t, role, p)))
                 for p in self.fitting(t, cmd, rng.randint(0, 3), avoid)]
        elems.insert(rng.randint(0, len(elems)), bad)
        return elems

    def bad_elem_policy(self, t):
        """A subnet nest with an attribute the policy refuses: label,
        errnos and the nest."""
        rng = self.rng
        p = self.parts(self.good_spec(t))
        f = rng.randrange(13)
        if f == 0:
            label, err = "prefix4 not 4 bytes", EINVAL
            p.pop(S_PREFIX6, None)
            p[S_PREFIX4] = nla(S_PREFIX4, rng.randbytes(
                rng.choice([0, 1, 2, 3, 5, 8, 16])))
        elif f == 1:
            label, err = "prefix6 not 16 bytes", BAD_LEN16
            p.pop(S_PREFIX4, None)
            p[S_PREFIX6] = nla(S_PREFIX6, rng.randbytes(
                rng.choice([0, 4, 15, 17, 32])))
        elif f == 2:
            label, err = "prefix length of the wrong size", EINVAL
            p[S_PREFIXLEN] = nla(S_PREFIXLEN, rng.choice([b"", u16(24),
                                                          u32(24)]))
        elif f == 3:
            label, err = "prefix length over 128", ERANGE
            p[S_PREFIXLEN] = nla(S_PREFIXLEN, u8(rng.randint(129, 255)))
        elif f == 4:
            label, err = "node4 not 4 bytes", EINVAL
            p[S_NODE4] = nla(S_NODE4, rng.randbytes(
                rng.choice([0, 1, 3, 5, 6, 8, 16])))
        elif f == 5:
            label, err = "node6 not 16 bytes", BAD_LEN16
            del p[S_NODE4]
            p[S_NODE6] = nla(S_NODE6, rng.randbytes(
                rng.choice([0, 4, 15, 17, 32])))
        elif f == 6:
            label, err = "lladdr not 6 bytes", ERANGE
            p[S_LLADDR] = nla(S_LLADDR, rng.randbytes(
                rng.choice([0, 1, 4, 5, 7, 8, 16])))
        elif f == 7:
            label, err = "flags of the wrong size", EINVAL
            p[S_FLAGS] = nla(S_FLAGS, rng.choice([b"", u16(0), bytes(8)]))
        elif f == 8:
            label, err = "unknown subnet flags", EINVAL
            p[S_FLAGS] = nla(S_FLAGS, u32(1 << rng.randrange(1, 32) |
                                          rng.getrandbits(32) & ~1 |
                                          rng.getrandbits(1)))
        elif f == 9:
            label, err, p[S_STATS] = self.bad_stats()
        elif f == 10:
            label, err = "unknown subnet attribute", EINVAL
            atype = rng.choice([0, S_PAD, S_MAX + 1,
                                rng.randrange(S_MAX + 1, 0x4000)])
            p[atype] = nla(atype, rng.randbytes(rng.randrange(17)))
        elif f == 11:
            label, err = "NLA_F_NESTED on a subnet scalar", EINVAL
            a = rng.choice([a for a in p if a != S_STATS])
            p[a] = nla(a, p[a][4:struct.unpack_from("H", p[a])[0]], True)
        else:
            label, err = "1 to 3 bytes after a subnet's attributes", EINVAL
            elem = self.subnet(p)
            tail = rng.randbytes(rng.randint(1, 3))
            return label, err, nla(A_SUBNET, elem[4:] + tail, True)
        return label, err, self.subnet(p)

    def bad_stats(self):
        """A subnet's counters, ignored on input but validated: label,
        errnos and the nest."""
        rng = self.rng
        good = [nla(c, u64(rng.getrandbits(64))) for c in SS_COUNTERS]
        f = rng.randrange(5)
        if f == 0:
            return "stats without NLA_F_NESTED", EINVAL, \
                nla(S_STATS, b"".join(good))
        if f == 1:
            return "stats of 1 to 3 bytes", ERANGE, \
                nla(S_STATS, rng.randbytes(rng.randint(1, 3)), True)
        if f == 2:
            i = rng.randrange(len(good))
            good[i] = nla(SS_COUNTERS[i], rng.randbytes(
                rng.choice([0, 1, 4, 7, 9, 16])))
            return "a counter not 8 bytes", EINVAL, nest(S_STATS, *good)
        if f == 3:
            atype = rng.choice([0, SS_MAX + 1,
                                rng.randrange(SS_MAX + 1, 0x4000)])
            good.insert(rng.randint(0, len(good)),
                        nla(atype, rng.randbytes(rng.choice([0, 4, 8]))))
            return "an unknown attribute in stats", EINVAL, \
                nest(S_STATS, *good)
        i = rng.randrange(len(good))
        good[i] = nla(SS_COUNTERS[i], good[i][4:], True)
        return "NLA_F_NESTED on a counter", EINVAL, nest(S_STATS, *good)

    def bad_big_array(self, t, cmd, parts, flags, policy):
        """Hundreds of good subnets and one the policy refuses."""
        rng = self.rng
        label, err, bad = self.bad_elem_policy(t)
        elems = self.many(t, "entry", rng.randint(300, 1100))
        elems.insert(rng.randint(0, len(elems)), bad)
        parts = without(parts, A_SUBNET) + elems
        return self.req(f"malformed: many subnets, {label}", cmd, parts,
                        flags, policy(A_SUBNET, err))

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
        """A defect podnet's own parsing of a request must catch."""
        rng = self.rng
        cmd = rng.choice([CMD_NEW, CMD_REPLACE, CMD_CHANGE, CMD_DEL, CMD_GET])
        if cmd == CMD_GET:
            return self.bad_address(t)
        role = "prefix" if cmd == CMD_DEL else "entry"
        spec = self.role_spec(t, role)
        p = self.parts(spec)
        f = rng.randrange(16)
        key = spec[0]
        if f == 0:
            label, err = "no prefix", EINVAL
            del p[prefix_type(key)]
        elif f == 1:
            label, err = "an IPv4 and an IPv6 prefix", EINVAL
            if key >= V6:
                p[S_PREFIX4] = nla(S_PREFIX4, be32(rng.getrandbits(32)))
            else:
                p[S_PREFIX6] = nla(S_PREFIX6, rng.choice(IPV6))
        elif f == 2:
            label, err = "no prefix length", EINVAL
            del p[S_PREFIXLEN]
        elif f == 3:
            label, err = "IPv4 prefix length 33 to 128", EINVAL
            if key >= V6:
                del p[S_PREFIX6]
                p[S_PREFIX4] = nla(S_PREFIX4, be32(rng.getrandbits(32)))
            p[S_PREFIXLEN] = nla(S_PREFIXLEN, u8(rng.randint(33, 128)))
        elif f == 4:
            bits = width(key)
            label, err = f"IPv{4 if bits == 32 else 6} host bits set", EINVAL
            plen = rng.randrange(bits)
            host = rng.getrandbits(bits) & ~mask(plen, bits) or 1
            if rng.random() < 0.3:
                host = 1 << (bits - 1 - plen)       # the first one alone
            p[prefix_type(key)] = nla(prefix_type(key),
                                      addr_bytes(trim(key, plen) | host))
            p[S_PREFIXLEN] = nla(S_PREFIXLEN, u8(plen))
        elif f == 5:
            label, err = "an empty subnet nest", EINVAL
            p = {}
        elif f == 6:
            return self.bad_subnets_request(t, cmd, role)
        elif role == "entry":
            label, err = self.bad_node(p, spec[2])
        elif f < 10:
            # No held subnet has an IPv6 node: one that parses matches none.
            addr = rng.choice(IPV6)
            label = "an IPv6 node to match"
            err = {errno.ENOENT} if addr in IPV6_NODES else EINVAL
            p.pop(S_NODE4, None)
            p[S_NODE6] = nla(S_NODE6, addr)
        else:
            return self.bad_del_match(t)
        bad = self.subnet(p)
        elems = self.around(t, cmd, bad, spec[:2])
        if rng.random() < 0.02 and cmd == CMD_REPLACE and err == EINVAL:
            # Among many, which may name a prefix twice: EINVAL too.
            many = self.many(t, role, rng.randint(200, 1000))
            i = rng.randint(0, len(many))
            elems = many[:i] + elems + many[i:]
        return self.req(f"malformed: {label}", cmd, self.with_dev(t, elems),
                        REQ_ACK, err)

    def bad_node(self, p, node):
        rng = self.rng
        f = rng.randrange(6)
        if f == 0:
            del p[S_NODE4]
            return "no node", EINVAL
        if f == 1:
            # Without an lladdr or flags, which need an IPv4 node to agree
            # with.
            for a in (S_NODE4, S_LLADDR, S_FLAGS):
                p.pop(a, None)
            addr = rng.choice(IPV6)
            p[S_NODE6] = nla(S_NODE6, addr)
            x = rng.random()
            if x < 0.15:
                p.pop(S_PREFIX4, None)
                p.pop(S_PREFIX6, None)
                return "an IPv6 node and no prefix", EINVAL
            if x < 0.3:
                p[S_PREFIX4] = nla(S_PREFIX4, be32(rng.getrandbits(32)))
                p[S_PREFIX6] = nla(S_PREFIX6, rng.choice(IPV6))
                return "an IPv6 node and two prefixes", EINVAL
            if addr not in IPV6_NODES:
                return "an IPv6 node not global unicast", EINVAL
            # The fuzzed devices have no IPv6 underlay; an ipip one none
            # at all.
            return "an IPv6 node, no IPv6 local address", \
                frozenset({errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT})
        if f == 2:
            p[S_NODE4] = nla(S_NODE4, be32(rng.choice([
                0, rng.getrandbits(24), 0x7f000000 | rng.getrandbits(24),
                0xe0000000 | rng.getrandbits(28), 0xffffffff])))
            return "node not unicast", EINVAL
        if f == 3:
            p[S_LLADDR] = nla(S_LLADDR, rng.choice([
                bytes(6), b"\xff" * 6, bytes([rng.getrandbits(8) | 1]) +
                rng.randbytes(5)]))
            return "lladdr not unicast", EINVAL
        # PODNET_SUBNET_F_LLADDR_DERIVED and an lladdr not derived from the
        # node: another node's, or any.
        other = rng.choice([derived_mac(node ^ 1 << rng.randrange(32)),
                            rng.choice(self.macs)])
        p[S_LLADDR] = nla(S_LLADDR, other)
        p[S_FLAGS] = nla(S_FLAGS, u32(F_LLADDR_DERIVED))
        return "the derived flag with another lladdr", EINVAL

    def bad_del_match(self, t):
        """A deletion naming a node, lladdr or flags the entry does not
        have: ENOENT, as for a prefix not held, and nothing deleted."""
        rng = self.rng
        held = [p for p in t.entries if p not in t.kept]
        p = rng.choice(held) if held else rng.choice(t.pool)
        node, mac, derived = t.entries.get(p, (self.nodes[0], None, False))
        f = rng.randrange(3)
        spec = [None, None, None]
        if f == 0:
            spec[0] = rng.choice([n for n in self.nodes if n != node])
            label = "DEL of another node's subnet"
        elif f == 1:
            spec[1] = rng.choice([m for m in self.macs if m != mac])
            label = "DEL with another lladdr"
        else:
            spec[2] = subnet_flags(not derived)
            label = "DEL with other flags"
        bad = self.subnet(self.parts(p + tuple(spec)))
        elems = self.around(t, CMD_DEL, bad, p)
        return self.req(f"malformed: {label}", CMD_DEL,
                        self.with_dev(t, elems), REQ_ACK, {errno.ENOENT})

    def bad_address(self, t):
        """A GET of no address, or of an IPv4 and an IPv6 one."""
        rng = self.rng
        if rng.random() < 0.5:
            return self.req("malformed: GET without an address", CMD_GET,
                            [self.dev_sel(t)], REQ_ACK, EINVAL)
        both = [nla(A_ADDRESS4, be32(rng.getrandbits(32))),
                nla(A_ADDRESS6, rng.choice(IPV6))]
        rng.shuffle(both)
        return self.req("malformed: GET of an IPv4 and an IPv6 address",
                        CMD_GET, self.with_dev(t, both), REQ_ACK, EINVAL)

    def bad_subnets_request(self, t, cmd, role):
        rng = self.rng
        prefixes = self.fitting(t, cmd, rng.randint(1, 4))
        if not prefixes or rng.random() < 0.3:
            return self.req("malformed: no subnet", cmd, [self.dev_sel(t)],
                            REQ_ACK, EINVAL)
        specs = [self.role_spec(t, role, p) for p in prefixes]
        dup = rng.choice(prefixes)
        specs.append(self.role_spec(t, role, dup) if role == "prefix" else
                     dup + (rng.choice(self.nodes), None, None))
        rng.shuffle(specs)
        parts = self.with_dev(t, [self.subnet(self.parts(s)) for s in specs])
        return self.req("malformed: a prefix twice", cmd, parts, REQ_ACK,
                        EINVAL)

    def loose_flags(self, flags):
        """flags and a bit that genetlink refuses: a request flag of
        rtnetlink's kind, one bit of NLM_F_DUMP alone, or a bit no request
        carries."""
        rng = self.rng
        while True:
            x = rng.random()
            if x < 0.6:
                f = flags | rng.choice(ROUTE_FLAGS)
            elif x < 0.8:
                f = flags & ~NLM_F_DUMP | rng.choice([NLM_F_ROOT, NLM_F_MATCH])
            else:
                f = flags | rng.choice([NLM_F_MULTI, NLM_F_DUMP_INTR,
                                        NLM_F_DUMP_FILTERED, 0x1000, 0x2000,
                                        0x4000, 0x8000])
            if not header_flags_ok(f):
                return f

    def bad_header(self, t):
        rng = self.rng
        cmd, dump = rng.choice(COMMANDS)
        parts, flags = self.base(t, cmd, dump)
        f = rng.randrange(6)
        if f == 0:
            cmd = rng.choice([0, NTF_NEW, NTF_DEL, NTF_FLUSH, NTF_MISS,
                              rng.randrange(CMD_MAX + 1, 256)])
            return self.req("malformed: unknown command", cmd, parts, flags,
                            {errno.EOPNOTSUPP})
        if f == 1:
            cmd = rng.choice([CMD_NEW, CMD_REPLACE, CMD_CHANGE, CMD_DEL,
                              CMD_FLUSH])
            return self.req("malformed: dump of a command without one", cmd,
                            parts, REQ_ACK | NLM_F_DUMP, {errno.EOPNOTSUPP})
        if f == 2:
            return Req("malformed: genl header cut short", self.fam, flags,
                       genl(cmd, b"")[:rng.randrange(4)], EINVAL)
        if f == 3:
            return Req("malformed: unknown family",
                       0x8000 + rng.randrange(0x7fff), flags,
                       genl(cmd, b"".join(parts)), {errno.ENOENT})
        # genetlink checks the header before it looks for the command.
        if rng.random() < 0.2:
            cmd = rng.choice([0, NTF_NEW, rng.randrange(CMD_MAX + 1, 256)])
        if f == 4:
            return self.req("malformed: nlmsg flags of rtnetlink's kind", cmd,
                            parts, self.loose_flags(flags), EINVAL)
        return self.req("malformed: genlmsghdr.reserved set", cmd, parts,
                        flags, EINVAL, reserved=rng.randrange(1, 0x10000))

    def v1_subnet(self, spec, role):
        """A subnet nest's payload as version 1 wrote it, its family first."""
        key, plen, node, lladdr, _ = spec
        out = [nla(V1_S_FAMILY, u16(AF_INET6 if key >= V6 else AF_INET)),
               nla(V1_S_PREFIX, addr_bytes(key))]
        if role != "address":
            out.append(nla(V1_S_PREFIXLEN, u8(plen)))
        if role == "entry":
            out.append(nla(V1_S_NODE, be32(node)))
            if lladdr:
                out.append(nla(V1_S_LLADDR, lladdr))
        return b"".join(out)

    def bad_old_layout(self, t):
        """What version 1 of the family sent, whole or in part: refused,
        with EINVAL (EOPNOTSUPP for a version 1 dump, whose command has no
        dump now), and nothing changed."""
        rng = self.rng
        cmd = rng.choice([CMD_NEW, CMD_REPLACE, CMD_CHANGE, CMD_DEL])
        role = "prefix" if cmd == CMD_DEL else "entry"
        specs = [self.role_spec(t, role, p)
                 for p in rng.sample(t.pool, rng.randint(1, 4))]
        f = rng.randrange(5)
        if f == 0:
            label = "subnets in an indexed array in one PODNET_A_SUBNET"
            elems = [nla(i + 1 if rng.random() < 0.8 else 0,
                         b"".join(self.parts(s).values()), True)
                     for i, s in enumerate(specs)]
            parts = [nest(A_SUBNET, *elems)]
        elif f == 1:
            label = "a version 1 PODNET_A_SUBNETS array"
            parts = [nest(V1_A_SUBNETS, *(nla(0, self.v1_subnet(s, role), True)
                                          for s in specs))]
        elif f == 2:
            label = "version 1 subnet attributes"
            parts = [nla(A_SUBNET, self.v1_subnet(s, role), True)
                     for s in specs]
        elif f == 3:
            label = "a subnet with a family attribute"
            parts = [self.subnet(self.parts(s)) for s in specs]
            p = list(self.parts(specs[0]).values())
            p.insert(rng.randint(0, len(p)), nla(V1_S_FAMILY, u16(AF_INET)))
            parts[rng.randrange(len(parts))] = nla(A_SUBNET, b"".join(p),
                                                   True)
        else:
            return self.v1_request(t, specs)
        return self.req(f"malformed: old layout, {label}", cmd,
                        self.with_dev(t, parts), REQ_ACK, EINVAL)

    def v1_request(self, t, specs):
        """A request wholly in version 1's numbers."""
        rng = self.rng
        cmd = rng.choice([V1_CMD_NEW, V1_CMD_DEL, V1_CMD_GET, V1_CMD_FLUSH,
                          V1_CMD_GETDEV])
        flags = REQ_ACK
        if cmd in (V1_CMD_GET, V1_CMD_GETDEV) and rng.random() < 0.3:
            return self.req("malformed: old layout, a version 1 dump", cmd,
                            [nla(V1_A_IFINDEX, u32(t.ifindex))],
                            REQ_ACK | NLM_F_DUMP, {errno.EOPNOTSUPP})
        # The ifname of version 1 is the ifindex of version 2, and an
        # ifname of three letters a 4-byte one: only the subnets refuse
        # such a request.
        if cmd in (V1_CMD_NEW, V1_CMD_DEL, V1_CMD_GET) and \
           rng.random() < 0.5:
            parts = [nla(V1_A_IFNAME, t.name.encode() + b"\0")]
        else:
            parts = [nla(V1_A_IFINDEX, u32(t.ifindex))]
        if cmd == V1_CMD_NEW:
            parts.append(nest(V1_A_SUBNETS, *(
                nla(0, self.v1_subnet(self.spec(t, s[:2]), "entry"), True)
                for s in specs)))
            flags |= rng.choice([0, CREATE_EXCL, NLM_F_CREATE | NLM_F_REPLACE,
                                 NLM_F_REPLACE])
        elif cmd == V1_CMD_DEL:
            parts.append(nest(V1_A_SUBNETS, *(
                nla(0, self.v1_subnet(s, "prefix"), True) for s in specs)))
        elif cmd == V1_CMD_GET:
            parts.append(nla(V1_A_ADDRESS, self.v1_subnet(
                specs[0], "address"), True))
        rng.shuffle(parts)
        return self.req("malformed: old layout, a version 1 request", cmd,
                        parts, flags, EINVAL)

    # Messages the kernel must not act on.

    def gen_not_request(self):
        """A change without NLM_F_REQUEST: acknowledged, not done."""
        rng = self.rng
        t = rng.choice(self.tables)
        cmd = rng.choice([CMD_NEW, CMD_REPLACE, CMD_CHANGE, CMD_DEL,
                          CMD_FLUSH])
        if cmd == CMD_DEL and t.entries:
            p = rng.choice(list(t.entries))
            parts = self.with_dev(t, [self.subnet(self.parts(
                p + (None, None, None)))])
        else:
            parts, _ = self.base(t, cmd, False)
        # Not a request: not even its flags are looked at.
        self.g.add(self.req("ignored: no NLM_F_REQUEST", cmd, parts,
                            NLM_F_ACK | rng.choice([0, NLM_F_CREATE,
                                                    CREATE_EXCL]), {0}))

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
            req = self.req("well-formed", cmd, parts, flags, {0})
        elif x < 0.6:
            req = self.bad_policy(t)
        elif x < 0.8:
            req = self.bad_subnet(t)
        elif x < 0.9:
            req = self.bad_old_layout(t)
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
            if width == 16:
                payload = v if isinstance(v, bytes) else \
                    v.to_bytes(16, "big")
            else:
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
                   "df", None, None, "direct"]
IPV6_LINK_ATTRS = {13: "local6", 14: "gateway6"}


def bad_config(data, mtu):
    """What is out of its documented range in a podnet device's
    IFLA_INFO_DATA and MTU, or None. An ipip device has no VXLAN
    settings (VNI, port, gateway, arpsuppress) to show; the IPv6 local
    address and gateway, reserved, may be shown or not."""
    ipip = 1 in data and data[1][:1] == b"\x01"
    vxlan_only = ("vni", "port", "gateway", "arpsuppress")
    names = [n for n in LINK_ATTR_NAMES
             if n and not (ipip and n in vxlan_only)]
    want = sorted(LINK_ATTR_NAMES.index(n) + 1 for n in names)
    if sorted(set(data) - set(IPV6_LINK_ATTRS)) != want:
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
        (v["direct"] in (0, 1), "direct"),
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
                    default=int(os.environ.get("FUZZ_COUNT", "50000")),
                    help="messages to send (FUZZ_COUNT, default 50000)")
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
