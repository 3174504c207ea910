/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * podnet: a pod overlay network device
 * ====================================
 *
 * A podnet device carries pod traffic to the node that owns the destination's
 * pod subnet, in VXLAN (flannel's wire format) or, later, IPv4-in-IPv4. It is
 * programmed through two netlink interfaces.
 *
 * 1. rtnetlink, link kind "podnet"
 * --------------------------------
 *
 * RTM_NEWLINK with IFLA_INFO_KIND "podnet" creates a device; IFLA_INFO_DATA
 * may carry any of the following. Every one is optional; the default is
 * given in brackets. Documentation/netlink/specs/podnet-link.yaml
 * describes them in the kernel's YNL (netlink-raw) format.
 *
 *    IFLA_PODNET_MODE: NLA_U8, enum podnet_mode [PODNET_MODE_VXLAN]
 *        Fixed at creation; a change on a live device is rejected.
 *    IFLA_PODNET_VNI: NLA_U32, 0 .. 0xffffff [1]
 *    IFLA_PODNET_PORT: NLA_BE16, UDP destination and listening port, not 0
 *        [8472, flannel's]
 *    IFLA_PODNET_LOCAL: NLA_BE32, the node's own underlay IPv4 address, used
 *        as the outer source and to derive the device's MAC address; 0 for
 *        none [none: the outer source is chosen by the route to each peer]
 *    IFLA_PODNET_LINK: NLA_U32, ifindex of the underlay device, which the
 *        outer packets leave by and the MTU follows; 0 for none [none]
 *    IFLA_PODNET_TTL: NLA_U8, outer TTL, 0 means the route's hop limit [0]
 *    IFLA_PODNET_TOS: NLA_U8, outer TOS, 1 means inherit from the inner
 *        packet [0]
 *    IFLA_PODNET_SRCCHECK: NLA_U8, 0 or 1 [1]. When on, a received packet is
 *        accepted only when its outer source is the node of the subnet that
 *        holds its inner source address.
 *    IFLA_PODNET_GATEWAY: NLA_BE32, the address of the device's virtual
 *        gateway, answered in ARP with the device's own MAC address; 0 for
 *        none [169.254.1.1]
 *    IFLA_PODNET_ARPSUPPRESS: NLA_U8, 0 or 1 [1]. When on, ARP requests the
 *        host sends through the device are answered by the device from the
 *        table and nothing crosses the underlay. When off, they are sent,
 *        unicast, to the one node whose subnet holds the target; never
 *        flooded. The gateway is answered either way.
 *    IFLA_PODNET_MAX_SUBNETS: NLA_U32, at least 1, the most subnets the
 *        device's table may hold; an add beyond it fails with ENOSPC
 *        [PODNET_DEFAULT_MAX_SUBNETS]. Lowering it below the number held
 *        deletes nothing. A limit above the default needs CAP_NET_ADMIN
 *        in the initial user namespace, so that a user namespace cannot
 *        raise it to exhaust the host; the table's memory is charged to
 *        the memory cgroup of whoever adds the subnets.
 *    IFLA_PODNET_DF: NLA_U8, enum podnet_df, the DF bit of the outer IPv4
 *        header [PODNET_DF_INHERIT]. PODNET_DF_INHERIT copies the inner
 *        packet's DF bit, so the inner sender takes part in path MTU
 *        discovery through the routers of the underlay. PODNET_DF_SET sets
 *        DF on every outer packet. PODNET_DF_UNSET sends the outer packet
 *        without DF, as flannel's kernel vxlan device does by default: a
 *        router whose next link is too small fragments it, and the inner
 *        sender is never told. With DF set on the outer packet (SET, or
 *        INHERIT and an inner DF packet), an inner packet that does not fit
 *        the outer route's MTU is refused with ICMP "fragmentation needed";
 *        with UNSET it is sent and the outer packet fragmented. Can change
 *        on a live device.
 *    IFLA_PODNET_GATEWAY6: 16 bytes, the device's virtual IPv6 gateway,
 *        answered in neighbour discovery with the device's own MAC
 *        address (and the router flag); :: for none; not multicast
 *        [fe80::1]. Neighbour solicitations for addresses in an IPv6
 *        subnet follow IFLA_PODNET_ARPSUPPRESS as ARP requests do. VXLAN
 *        devices only.
 *    IFLA_PODNET_LOCAL6: 16 bytes, the node's own underlay IPv6 address, a
 *        unicast one; :: for none [none]. With it the device has an IPv6
 *        underlay: the outer IPv6 source for IPv6 nodes, in VXLAN mode a
 *        UDP socket, IPv6 only, on the device's port, and an overhead for
 *        the MTU derived from the underlay of 70 bytes (40 in ipip
 *        mode). Without IFLA_PODNET_LOCAL, a VXLAN device's MAC address
 *        is derived from it (0a:58 and its last four bytes). Removing it
 *        while the table holds IPv6 nodes fails with EBUSY.
 *    IFLA_PODNET_DIRECT: NLA_U8, 0 or 1 [0]. When on, a packet to a subnet
 *        whose node is on-link on the underlay (the outer route to the
 *        node has no gateway and leaves by the underlay device) and is of
 *        the packet's family is sent as it is, not encapsulated: out of
 *        the underlay device, to the node's address as its next hop. The
 *        decision is the outer route's, taken per packet from the route
 *        the node's subnets share, so it follows the underlay's routing
 *        with no other change. A packet that does not fit the outer route
 *        is refused with ICMP when it may not be fragmented (IPv6, IPv4
 *        with DF), and otherwise encapsulated. Can change on a live
 *        device.
 *
 * RTM_GETLINK reports all of them back. The UDP port, the VNI, the local
 * address and the underlay device are fixed while the device is up:
 * RTM_NEWLINK changing them on a running device fails with EBUSY. Devices
 * on one UDP port share a socket and are told apart by VNI; bringing up a
 * second device with the same port and VNI fails with EADDRINUSE.
 *
 * Without IFLA_MTU the MTU is the underlay device's less 50 bytes (the
 * outer IPv4, UDP, VXLAN and inner Ethernet headers; 70 with an IPv6
 * underlay, IFLA_PODNET_LOCAL6; 20 in ipip mode, 40 over IPv6), or
 * 1450 (1480) when it is unknown, and it follows the underlay's MTU up and
 * down. The underlay device is IFLA_PODNET_LINK, else the device that
 * holds IFLA_PODNET_LOCAL, else the one that holds IFLA_PODNET_LOCAL6.
 * The largest MTU the device accepts (max_mtu) is the underlay's
 * current MTU less the overhead: IFLA_MTU above it is
 * refused, and when the underlay's MTU falls below what the device needs,
 * the device's MTU is lowered with it (a given MTU is never raised again
 * by the underlay). A change of other settings never fails for the MTU.
 *
 * The carrier is off, and nothing is sent, while
 * the underlay device is down or without carrier, or while the local
 * address is not an address of the node; `ip link` then shows NO-CARRIER
 * (LOWERLAYERDOWN when the underlay is down), and the packets the host
 * sends meanwhile are dropped by the device's stopped queue (NO_UNDERLAY
 * counts those that reached the device before the queue stopped). When the underlay device is
 * deleted, IFLA_PODNET_LINK reads 0 and the device remembers its name: a
 * new device of that name in the same namespace becomes the underlay
 * again, and the carrier comes back with it. IFLA_PODNET_LINK set by the
 * operator forgets the old name. Without IFLA_ADDRESS, a device with a local address
 * takes the MAC address 0a:58:<the four address bytes>; otherwise a random
 * one.
 *
 * 2. generic netlink, family PODNET_FAMILY_NAME, version PODNET_FAMILY_VERSION
 * -----------------------------------------------------------------------
 *
 * Documentation/netlink/specs/podnet.yaml describes the family in the
 * kernel's YNL format, and the enums below are those it generates; this
 * comment is the same description for people. The family's version is
 * set here (the YNL genetlink format has none): a tool checks it, as each
 * version is a different layout.
 *
 * Every request names its device with one, not both, of
 *
 *    PODNET_A_IFINDEX: NLA_U32, at least 1
 *    PODNET_A_IFNAME: NLA_NUL_STRING, maxlen IFNAMSIZ - 1
 *
 * and the device must be a podnet device in the socket's network namespace.
 * Requests that change the table need CAP_NET_ADMIN in the user namespace
 * owning that network namespace. Validation is strict: an attribute the
 * kernel does not know, or one that a request does not take, is rejected,
 * so a new tool learns at once when it speaks to an older module.
 *
 * The table holds subnets. A subnet is a PODNET_A_SUBNET nest of
 *
 *    PODNET_SUBNET_A_PREFIX4: NLA_BE32, an IPv4 prefix; host bits must be
 *        zero
 *    PODNET_SUBNET_A_PREFIX6: 16 bytes, an IPv6 prefix; host bits must be
 *        zero. An ipip device carries its packets as protocol 41.
 *    PODNET_SUBNET_A_PREFIXLEN: NLA_U8, 0 .. 32 for an IPv4 prefix,
 *        0 .. 128 for an IPv6 one
 *    PODNET_SUBNET_A_NODE4: NLA_BE32, the owning node's underlay IPv4
 *        address, unicast and not an address of this node
 *    PODNET_SUBNET_A_NODE6: 16 bytes, the owning node's underlay IPv6
 *        address, global or unique local unicast and not an address of
 *        this node; instead of NODE4, for a prefix of either family. The
 *        device needs IFLA_PODNET_LOCAL6 for it (EADDRNOTAVAIL otherwise)
 *    PODNET_SUBNET_A_LLADDR: ETH_ALEN bytes, the VTEP MAC the owning node's
 *        device answers to (VXLAN devices only). When absent, the kernel
 *        derives 0a:58:<the four bytes of the node's IPv4 address, or the
 *        last four of its IPv6 one> and says so with
 *        PODNET_SUBNET_FLAGS_LLADDR_DERIVED in the flags. A podnet node
 *        takes a frame whatever its inner destination MAC; a flannel
 *        node's lladdr must be given.
 *    PODNET_SUBNET_A_FLAGS: NLA_U32, enum podnet_subnet_flags; unknown bits
 *        are rejected. PODNET_SUBNET_FLAGS_LLADDR_DERIVED on input asks for
 *        the derived lladdr; with PODNET_SUBNET_A_LLADDR as well, that must
 *        be the derived one. So a dump's subnets, fed back, are accepted.
 *    PODNET_SUBNET_A_STATS: nest, per-subnet counters, output only and
 *        ignored on input (for the same reason):
 *        PODNET_SUBNET_STATS_A_TX_PACKETS, _TX_BYTES, _RX_PACKETS,
 *        _RX_BYTES: NLA_U64 each (the inner frames carried to and from
 *        the subnet's node).
 *    PODNET_SUBNET_A_DIRECT: NLA_FLAG, output only and ignored on input:
 *        packets to the subnet go to its node unencapsulated now (the
 *        device has IFLA_PODNET_DIRECT on, the node is of the prefix's
 *        family, and the outer route to it is on-link through the
 *        underlay device).
 *
 * One prefix attribute and, where a node is named, one node attribute are
 * given per subnet; the attribute says the family.
 *
 * PODNET_CMD_NEW_SUBNET, PODNET_CMD_REPLACE_SUBNET, PODNET_CMD_CHANGE_SUBNET
 *    One or more PODNET_A_SUBNET, each with a prefix, PREFIXLEN and a node.
 *        NEW_SUBNET      adds; EEXIST if a prefix is held already
 *        REPLACE_SUBNET  adds, or replaces the entry of the same prefix
 *        CHANGE_SUBNET   replaces; ENOENT if a prefix is not held
 *    A request is all or nothing: if any subnet is malformed, given twice,
 *    conflicts with the table or does not fit it (ENOSPC, see
 *    IFLA_PODNET_MAX_SUBNETS), the error is returned with an extack
 *    message and the offending attribute, and the table is not changed.
 *    Replacing an entry by an identical one changes nothing and sends no
 *    event.
 *
 * PODNET_CMD_DEL_SUBNET
 *    One or more PODNET_A_SUBNET, each with a prefix and PREFIXLEN; a node,
 *    lladdr or flags given must match the entry (as for `ip route del`).
 *    All or nothing; ENOENT if one of them is not held.
 *
 * PODNET_CMD_GET_SUBNET
 *    With NLM_F_DUMP: every subnet of the device, the IPv4 ones first,
 *    then the IPv6 ones, each family in prefix order, several
 *    per message, each in a PODNET_A_SUBNET. A dump spans many messages;
 *    when the table changes between two of them, the next message carries
 *    NLM_F_DUMP_INTR and the reader should start again.
 *    Without NLM_F_DUMP: PODNET_A_ADDRESS4 (NLA_BE32) selects the subnet
 *    that would carry that address (the longest matching prefix); the
 *    reply holds it in PODNET_A_SUBNET, or the request fails with ENOENT.
 *    PODNET_A_ADDRESS6 (16 bytes) does the same for an IPv6 address;
 *    exactly one of the two is given.
 *
 * PODNET_CMD_FLUSH_SUBNETS
 *    Deletes every subnet of the device.
 *
 * PODNET_CMD_GET_DEVICE
 *    Reports PODNET_A_IFINDEX, PODNET_A_IFNAME, PODNET_A_SUBNET_COUNT
 *    (NLA_U32), PODNET_A_GENERATION (NLA_U32, changes with every table
 *    change) and PODNET_A_STATS, a nest of the device's named counters
 *    (enum podnet_stats_attr, NLA_U64 each). With NLM_F_DUMP it takes no
 *    attribute and reports every podnet device of the namespace.
 *
 * Every reply and event that concerns one device carries its
 * PODNET_A_IFINDEX and PODNET_A_IFNAME.
 *
 * Events
 *    The multicast group PODNET_MCGRP_EVENTS (joining it needs
 *    CAP_NET_ADMIN in the user namespace owning the network namespace, as
 *    the events tell what the table holds) receives, in the order the
 *    changes were made to the table:
 *        PODNET_CMD_SUBNET_NEW_NTF    a subnet added or replaced
 *        PODNET_CMD_SUBNET_DEL_NTF    a subnet deleted
 *        PODNET_CMD_SUBNET_FLUSH_NTF  every subnet of the device deleted
 *    with one PODNET_A_SUBNET each (none for a flush).
 *
 *    It also receives PODNET_CMD_MISS_NTF when the device had to drop a
 *    packet (PODNET_A_MISS = PODNET_MISS_IP) or could not answer an ARP
 *    request (PODNET_MISS_ARP) or neighbour solicitation (PODNET_MISS_ND)
 *    because no subnet holds the address, given in PODNET_A_ADDRESS4 or
 *    PODNET_A_ADDRESS6. Misses are rate limited: one address is
 *    announced at most once a second, and a device announces at most 10
 *    misses a second. A control plane may install subnets lazily from
 *    them.
 *
 * Errors
 *    A rejected request is answered with an errno and an extended ACK
 *    message; where one attribute is at fault, NLMSGERR_ATTR_OFFS points at
 *    it: the innermost attribute when it is known (a prefix with host bits
 *    set), otherwise the subnet nest that holds the fault.
 */

#ifndef _UAPI_LINUX_PODNET_H
#define _UAPI_LINUX_PODNET_H

#define PODNET_FAMILY_NAME "podnet"
#define PODNET_FAMILY_VERSION 2
#define PODNET_MCGRP_EVENTS "events"

#define PODNET_DEFAULT_VNI 1
#define PODNET_DEFAULT_PORT 8472
#define PODNET_DEFAULT_MAX_SUBNETS 1048576

enum podnet_mode {
	PODNET_MODE_VXLAN,
	PODNET_MODE_IPIP,
	__PODNET_MODE_MAX
};

enum {
	IFLA_PODNET_UNSPEC,
	IFLA_PODNET_MODE,
	IFLA_PODNET_VNI,
	IFLA_PODNET_PORT,
	IFLA_PODNET_LOCAL,
	IFLA_PODNET_LINK,
	IFLA_PODNET_TTL,
	IFLA_PODNET_TOS,
	IFLA_PODNET_SRCCHECK,
	IFLA_PODNET_GATEWAY,
	IFLA_PODNET_ARPSUPPRESS,
	IFLA_PODNET_MAX_SUBNETS,
	IFLA_PODNET_DF,
	IFLA_PODNET_LOCAL6,
	IFLA_PODNET_GATEWAY6,
	IFLA_PODNET_DIRECT,
	__IFLA_PODNET_MAX
};

#define IFLA_PODNET_MAX (__IFLA_PODNET_MAX - 1)

enum podnet_df {
	PODNET_DF_UNSET,
	PODNET_DF_SET,
	PODNET_DF_INHERIT,
	__PODNET_DF_MAX
};

#define PODNET_DF_MAX (__PODNET_DF_MAX - 1)

enum podnet_cmd {
	PODNET_CMD_UNSPEC,
	PODNET_CMD_GET_DEVICE,
	PODNET_CMD_NEW_SUBNET,
	PODNET_CMD_REPLACE_SUBNET,
	PODNET_CMD_CHANGE_SUBNET,
	PODNET_CMD_DEL_SUBNET,
	PODNET_CMD_GET_SUBNET,
	PODNET_CMD_FLUSH_SUBNETS,
	PODNET_CMD_SUBNET_NEW_NTF,
	PODNET_CMD_SUBNET_DEL_NTF,
	PODNET_CMD_SUBNET_FLUSH_NTF,
	PODNET_CMD_MISS_NTF,
	__PODNET_CMD_MAX
};

#define PODNET_CMD_MAX (__PODNET_CMD_MAX - 1)

enum podnet_attr {
	PODNET_A_UNSPEC,
	PODNET_A_PAD,
	PODNET_A_IFINDEX,
	PODNET_A_IFNAME,
	PODNET_A_SUBNET,
	PODNET_A_ADDRESS4,
	PODNET_A_ADDRESS6,
	PODNET_A_SUBNET_COUNT,
	PODNET_A_GENERATION,
	PODNET_A_STATS,
	PODNET_A_MISS,
	__PODNET_A_MAX
};

#define PODNET_A_MAX (__PODNET_A_MAX - 1)

enum podnet_subnet_attr {
	PODNET_SUBNET_A_UNSPEC,
	PODNET_SUBNET_A_PAD,
	PODNET_SUBNET_A_PREFIX4,
	PODNET_SUBNET_A_PREFIX6,
	PODNET_SUBNET_A_PREFIXLEN,
	PODNET_SUBNET_A_NODE4,
	PODNET_SUBNET_A_NODE6,
	PODNET_SUBNET_A_LLADDR,
	PODNET_SUBNET_A_FLAGS,
	PODNET_SUBNET_A_STATS,
	PODNET_SUBNET_A_DIRECT,
	__PODNET_SUBNET_A_MAX
};

#define PODNET_SUBNET_A_MAX (__PODNET_SUBNET_A_MAX - 1)

enum podnet_miss {
	PODNET_MISS_IP = 1,
	PODNET_MISS_ARP,
	PODNET_MISS_ND,
};

enum podnet_subnet_flags {
	PODNET_SUBNET_FLAGS_LLADDR_DERIVED = 1U << 0,
};

enum podnet_subnet_stats_attr {
	PODNET_SUBNET_STATS_A_UNSPEC,
	PODNET_SUBNET_STATS_A_PAD,
	PODNET_SUBNET_STATS_A_TX_PACKETS,
	PODNET_SUBNET_STATS_A_TX_BYTES,
	PODNET_SUBNET_STATS_A_RX_PACKETS,
	PODNET_SUBNET_STATS_A_RX_BYTES,
	__PODNET_SUBNET_STATS_A_MAX
};

#define PODNET_SUBNET_STATS_A_MAX (__PODNET_SUBNET_STATS_A_MAX - 1)

/*
 * Device counters, in PODNET_A_STATS and, by the same names in lower case,
 * in `ethtool -S`:
 *
 *    NO_ROUTE      transmitted packets with no subnet for their destination
 *    NOT_IP        frames sent or received that carry neither IPv4 nor
 *                  IPv6, and malformed neighbour discovery
 *    PMTU          transmitted packets too big for the path, sender told
 *    TX_ERRORS     packets not sent: no outer route, a route back into
 *                  the device, the device down, no memory
 *    BAD_HEADER    received packets with VXLAN flags other than "VNI
 *                  present", reserved bits set, or too short
 *    BAD_VNI       received packets for another VNI
 *    SRC_CHECK     received packets failing the source check
 *    UNKNOWN_NODE  received IP-in-IP packets from an address that is no
 *                  peer node and that no other tunnel took (ipip mode)
 *    NO_UNDERLAY   packets that reached the device without carrier:
 *                  its underlay device is gone or down, or its local
 *                  address is no longer an address of the node
 *
 *    ARP_REPLY     ARP requests answered by the device
 *    ARP_MISS      ARP requests for addresses in no subnet (dropped)
 *    BCAST         broadcast and multicast frames, gratuitous ARP and ARP
 *                  probes sent into the device (dropped: there is nothing
 *                  to flood to)
 *    ND_REPLY      neighbour solicitations answered by the device
 *    ND_MISS       neighbour solicitations for addresses in no subnet
 *                  (dropped)
 *    DAD           duplicate address detection probes (dropped)
 *    RS            router solicitations (dropped)
 *    MLD           multicast listener reports and queries (dropped)
 *
 * Received frames are accepted whatever their inner destination MAC
 * address: the table, not the MAC address, decides where a packet goes.
 */
enum podnet_stats_attr {
	PODNET_STATS_A_UNSPEC,
	PODNET_STATS_A_PAD,
	PODNET_STATS_A_NO_ROUTE,
	PODNET_STATS_A_NOT_IP,
	PODNET_STATS_A_PMTU,
	PODNET_STATS_A_TX_ERRORS,
	PODNET_STATS_A_BAD_HEADER,
	PODNET_STATS_A_BAD_VNI,
	PODNET_STATS_A_SRC_CHECK,
	PODNET_STATS_A_ARP_REPLY,
	PODNET_STATS_A_ARP_MISS,
	PODNET_STATS_A_BCAST,
	PODNET_STATS_A_UNKNOWN_NODE,
	PODNET_STATS_A_NO_UNDERLAY,
	PODNET_STATS_A_ND_REPLY,
	PODNET_STATS_A_ND_MISS,
	PODNET_STATS_A_DAD,
	PODNET_STATS_A_RS,
	PODNET_STATS_A_MLD,
	__PODNET_STATS_A_MAX
};

#define PODNET_STATS_A_MAX (__PODNET_STATS_A_MAX - 1)

#endif /* _UAPI_LINUX_PODNET_H */
