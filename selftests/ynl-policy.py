#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare the podnet module's netlink policies with its YNL spec.

  ynl-policy.py SPEC

Dumps the policies the module registered (CTRL_CMD_GETPOLICY of the
genetlink controller) and checks, for every operation of SPEC that takes
a request, that the kernel accepts exactly the attributes the spec lists,
each with the type and checks the spec gives it, nests included. Prints
one line per difference and exits 1 if there is any. (The YNL library of
linux-source-6.12 cannot decode the controller's padded 64-bit values,
so the dump is read here.)
"""

import os
import socket
import struct
import sys

import yaml

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pnl import GENL_ID_CTRL, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, \
    NLMSG_ERROR, attr_list, nla, recv_all  # noqa: E402

SPEC = sys.argv[1]
NETLINK_GENERIC = 16
CTRL_CMD_GETPOLICY = 10
CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_POLICY, CTRL_ATTR_OP_POLICY = 2, 8, 9
CTRL_ATTR_POLICY_DO, CTRL_ATTR_POLICY_DUMP = 1, 2
# enum netlink_policy_type_attr, and its netlink_attribute_type values
POLICY_KEYS = {1: "type", 4: "min-value-u", 5: "max-value-u",
               6: "min-length", 7: "max-length", 8: "policy-idx",
               12: "mask"}
NL_TYPES = {1: "flag", 2: "u8", 3: "u16", 4: "u32", 5: "u64", 10: "binary",
            11: "string", 12: "nul-string", 13: "nested",
            14: "nested-array", 16: "sint", 17: "uint"}


def dump_policies(family):
    """{op: {"do": id, "dump": id}} and {id: {attr: {key: value}}}."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    msg = struct.pack("BBH", CTRL_CMD_GETPOLICY, 1, 0) + \
        nla(CTRL_ATTR_FAMILY_NAME, family.encode() + b"\0")
    sock.send(struct.pack("IHHII", 16 + len(msg), GENL_ID_CTRL,
                          NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + msg)
    ops, policies = {}, {}
    for typ, _, payload in recv_all(sock, 1):
        if typ == NLMSG_ERROR:
            err = -struct.unpack_from("i", payload)[0]
            sys.exit(f"ynl-policy: the policy dump failed: "
                     f"{os.strerror(err)}")
        if typ == NLMSG_DONE:
            break
        for atype, a in attr_list(payload[4:]):
            if atype == CTRL_ATTR_OP_POLICY:
                for op, p in attr_list(a):
                    for mode, v in attr_list(p):
                        name = {CTRL_ATTR_POLICY_DO: "do",
                                CTRL_ATTR_POLICY_DUMP: "dump"}.get(mode)
                        if name:
                            ops.setdefault(op, {})[name] = \
                                struct.unpack("I", v)[0]
            elif atype == CTRL_ATTR_POLICY:
                for pid, p in attr_list(a):
                    for aid, desc in attr_list(p):
                        d = {}
                        for key, v in attr_list(desc):
                            if key not in POLICY_KEYS:
                                continue
                            fmt = "Q" if len(v) == 8 else "I"
                            d[POLICY_KEYS[key]] = struct.unpack(fmt, v)[0]
                        d["type"] = NL_TYPES.get(d.get("type"), d.get("type"))
                        policies.setdefault(pid, {})[aid] = d
    return ops, policies


TYPES = {"u8": "u8", "u16": "u16", "u32": "u32", "u64": "u64",
         "string": "nul-string", "binary": "binary", "nest": "nested",
         "flag": "flag"}
UMAX = {"u8": 0xff, "u16": 0xffff, "u32": 0xffffffff, "u64": 2 ** 64 - 1}

spec = yaml.safe_load(open(SPEC))
consts = {d["name"]: d for d in spec.get("definitions", [])}
sets = {}
for s in spec["attribute-sets"]:
    attrs, value = {}, 1
    for a in s["attributes"]:
        value = a.get("value", value)
        attrs[a["name"]] = dict(a, value=value)
        value += 1
    sets[s["name"]] = attrs


def flags_mask(name):
    d = consts[name]
    return sum(1 << i for i in range(len(d["entries"])))


def expected(attr):
    """The policy dump's view of an attribute the spec defines."""
    t = attr["type"]
    want = {"type": TYPES[t]}
    checks = attr.get("checks", {})
    if t in UMAX and "flags-mask" in checks:
        want["mask"] = flags_mask(checks["flags-mask"])
    elif t in UMAX:
        want["min-value-u"] = checks.get("min", 0)
        want["max-value-u"] = checks.get("max", UMAX[t])
    elif t == "string" and "max-len" in checks:
        want["max-length"] = checks["max-len"]
    elif t == "binary":
        if "exact-len" in checks:
            want["min-length"] = want["max-length"] = checks["exact-len"]
        if "min-len" in checks:
            want["min-length"] = checks["min-len"]
        if "max-len" in checks:
            want["max-length"] = checks["max-len"]
    return want


ops, policies = dump_policies(spec["name"])

errors = []


def compare(where, pid, aset, names):
    """Policy pid of the kernel against attributes names of set aset."""
    got = policies.get(pid, {})
    want_ids = {}
    for name in names:
        attr = sets[aset][name]
        if attr["type"] == "pad":
            # accepted or not: a pad carries nothing
            got.pop(attr["value"], None)
            continue
        want_ids[attr["value"]] = attr
    for aid in sorted(set(got) | set(want_ids)):
        if aid not in want_ids:
            errors.append(f"{where}: the kernel takes attribute {aid}, "
                          f"the spec does not")
            continue
        attr = want_ids[aid]
        if aid not in got:
            errors.append(f"{where}: the spec takes {attr['name']}, "
                          f"the kernel does not")
            continue
        k = got[aid]
        for key, value in expected(attr).items():
            if k.get(key) != value:
                errors.append(f"{where}: {attr['name']}: {key} is "
                              f"{k.get(key)} in the kernel, {value} in the "
                              f"spec")
        if attr["type"] == "nest":
            sub = attr["nested-attributes"]
            compare(f"{where}/{attr['name']}", k.get("policy-idx"), sub,
                    list(sets[sub]))


value = 1
for op in spec["operations"]["list"]:
    value = op.get("value", value)
    for mode in ("do", "dump"):
        req = op.get(mode, {}).get("request")
        if req is None:
            continue
        pid = ops.get(value, {}).get(mode)
        if pid is None:
            if req.get("attributes"):
                errors.append(f"{op['name']} {mode}: no policy in the kernel")
            continue
        # Without split ops a dump shares the do's policy: what only the
        # do takes, the dump's start refuses (the selftests check that).
        names = req.get("attributes", [])
        if mode == "dump" and pid == ops[value].get("do"):
            names = op["do"]["request"]["attributes"]
        compare(f"{op['name']} {mode}", pid, op["attribute-set"], names)
    value += 1

for e in errors:
    print(e)
sys.exit(1 if errors else 0)
