#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted packets for node 1 (192.168.0.1), sent on the underlay.

    inject.py vxlan SRC VNI FLAGS INNER_SRC   VXLAN to port 8472, carrying
                                              an Ethernet frame with an
                                              ICMP echo to pod 1
    inject.py ipip SRC INNER_SRC [CUT]        IP-in-IP with an ICMP echo to
                                              pod 1, cut to CUT bytes
    inject.py raw SRC HEX                     any UDP payload to port 8472
    inject.py vxlan6 SRC VNI FLAGS INNER_SRC  VXLAN over IPv6 to node 1's
                                              2001:db8::1, carrying an echo
                                              to pod 1 of INNER_SRC's family
    inject.py ipip6 SRC INNER_SRC             IPv4 or IPv6 (by INNER_SRC's
                                              family) in IPv6 to 2001:db8::1,
                                              an echo to pod 1

SRC is the underlay address to send from; the echo carries the payload
"podnet-inject", which the selftests' pod listeners look for.
"""

import socket
import struct
import sys

NODE1 = "192.168.0.1"
NODE1_6 = "2001:db8::1"
POD1 = "10.244.1.2"
POD1_6 = "fd00:10:244:1::2"
VXLAN_PORT = 8472


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return (~s) & 0xffff


def echo(inner_src):
    """An IPv4 ICMP echo request from inner_src to pod 1."""
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x4242, 1) + b"podnet-inject"
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 1, 0, 64, 1,
                     0, socket.inet_aton(inner_src), socket.inet_aton(POD1))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + icmp


def echo6(inner_src):
    """An ICMPv6 echo request from inner_src to pod 1."""
    src = socket.inet_pton(socket.AF_INET6, inner_src)
    dst = socket.inet_pton(socket.AF_INET6, POD1_6)
    icmp = struct.pack("!BBHHH", 128, 0, 0, 0x4242, 1) + b"podnet-inject"
    pseudo = src + dst + struct.pack("!I3xB", len(icmp), 58)
    icmp = icmp[:2] + struct.pack("!H", csum(pseudo + icmp)) + icmp[4:]
    ip6 = struct.pack("!IHBB", 6 << 28, len(icmp), 58, 64) + src + dst
    return ip6 + icmp


def inner(inner_src):
    """An echo to pod 1 from inner_src, and its EtherType."""
    if ":" in inner_src:
        return echo6(inner_src), 0x86dd
    return echo(inner_src), 0x0800


def send_udp(src, payload):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    s.sendto(payload, (NODE1, VXLAN_PORT))


def main(argv):
    kind, args = argv[1], argv[2:]
    if kind == "vxlan":
        src, vni, flags, inner_src = args
        eth = bytes.fromhex("0a58c0a80001" "0a58c0a80002" "0800")
        vx = struct.pack("!B3xI", int(flags, 0), int(vni) << 8)
        send_udp(src, vx + eth + echo(inner_src))
    elif kind == "ipip":
        src, inner_src = args[:2]
        cut = int(args[2]) if len(args) > 2 else 0
        pkt = echo(inner_src)
        if cut:
            pkt = pkt[:cut]
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)
        s.bind((src, 0))
        s.sendto(pkt, (NODE1, 0))
    elif kind == "vxlan6":
        src, vni, flags, inner_src = args
        pkt, proto = inner(inner_src)
        eth = bytes.fromhex("0a5800000001" "0a5800000002") + \
            struct.pack("!H", proto)
        vx = struct.pack("!B3xI", int(flags, 0), int(vni) << 8)
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind((src, 0))
        s.sendto(vx + eth + pkt, (NODE1_6, VXLAN_PORT))
    elif kind == "ipip6":
        src, inner_src = args
        pkt, proto = inner(inner_src)
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                          41 if proto == 0x86dd else 4)
        s.bind((src, 0))
        s.sendto(pkt, (NODE1_6, 0))
    elif kind == "raw":
        src, hexbytes = args
        send_udp(src, bytes.fromhex(hexbytes))
    else:
        sys.exit(f"inject.py: unknown kind \"{kind}\"")


if __name__ == "__main__":
    main(sys.argv)
