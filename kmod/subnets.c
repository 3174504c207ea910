// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the peer-subnet table, longest-prefix-match binary tries with path
 * compression, one of IPv4 and one of IPv6 prefixes, and the nodes that own
 * the subnets.
 *
 * A trie node is a subnet's (struct pn_subnet ends with one) or a bare
 * branch that only joins two subtrees; a branch always has both children.
 * Keys are host-order 32-bit words, one for IPv4 and four for IPv6, and a
 * node holds only its family's: an IPv4 subnet is as small as it was before
 * there were IPv6 ones. The code is the same for both families; lookups are
 * inlined per family, so that the IPv4 one compares one word.
 * Readers walk the trie under rcu_read_lock_bh() without locks. Writers hold
 * the table's mutex and never change a trie node a reader may see, except
 * for its child pointers: a changed subnet is a new one swapped into its
 * parent's slot, and the old one is freed after a grace period. Each change
 * needs at most one branch besides the subnet, so callers allocate first and
 * then apply a whole batch of changes without a failure path.
 *
 * What a writer takes out of the table goes into the table's grave, a page
 * of pointers that is freed, with everything in it, one grace period after
 * the writer unlocks the table (pn_table_unlock()). One rcu_head per page
 * rather than one per object keeps the objects of a table of many idle
 * subnets small; the kernel's headless kvfree_rcu() would do the same, but
 * before 6.12 nothing waits for its pending objects when the module's slab
 * caches are destroyed, while rcu_barrier() waits for the grave's.
 *
 * Each subnet points at the peer, the node that owns it. Peers are kept in
 * a hash by address, one per family (an IPv4 peer is allocated without
 * room for an IPv6 address), counted by the subnets that point at them and by the
 * requests about to add one; a peer is made before its first subnet is
 * added, so that adding cannot fail, and freed after a grace period once
 * its last reference has gone.
 *
 * Trie nodes, subnets and peers are charged to the memory cgroup of the
 * process that adds them. A peer's per-CPU route cache is made by the
 * table's worker when the peer is first sent to, and is not.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "podnet_private.h"

static struct kmem_cache *pn_branch_cache[PN_AF_COUNT] __ro_after_init;
static struct kmem_cache *pn_subnet_cache[PN_AF_COUNT] __ro_after_init;
static struct kmem_cache *pn_peer_cache[PN_AF_COUNT] __ro_after_init;

/**
 * struct pn_grave - objects to free once no reader can hold them
 * @rcu: for freeing after readers are gone
 * @count: the number of @obj in use
 * @obj: trie nodes, and peers tagged with %PN_GRAVE_PEER
 */
struct pn_grave {
	struct rcu_head rcu;
	unsigned int count;
	unsigned long obj[];
};

#define PN_GRAVE_PEER	1UL
#define PN_GRAVE_SLOTS	((PAGE_SIZE - sizeof(struct pn_grave)) / sizeof(unsigned long))

static const struct rhashtable_params pn_peer_params = {
	.key_len = sizeof(__be32),
	.key_offset = offsetof(struct pn_peer, addr),
	.head_offset = offsetof(struct pn_peer, hnode),
	.automatic_shrinking = true,
};

static const struct rhashtable_params pn_peer6_params = {
	.key_len = sizeof(struct in6_addr),
	.key_offset = offsetof(struct pn_peer, addr6),
	.head_offset = offsetof(struct pn_peer, hnode),
	.automatic_shrinking = true,
};

static __always_inline u8 pn_peer_af(const struct pn_peer *p)
{
	return pn_peer_is6(p) ? PN_AF6 : PN_AF4;
}

/* Bit @i of @key, counted from the most significant. */
static __always_inline unsigned int pn_bit(const u32 *key, u8 i)
{
	return (key[i / 32] >> (31 - i % 32)) & 1;
}

static __always_inline bool pn_covers(const struct pn_trie_node *n,
				      const u32 *key, unsigned int words)
{
	unsigned int w;

	for (w = 0; w < words; w++)
		if ((key[w] ^ n->key[w]) & pn_word_mask(n->cidr, w))
			return false;
	return true;
}

/* The first bit at which two keys differ, or their length. */
static u8 pn_diff_bit(const u32 *a, const u32 *b, unsigned int words)
{
	unsigned int w;

	for (w = 0; w < words; w++)
		if (a[w] != b[w])
			return 32 * w + __builtin_clz(a[w] ^ b[w]);
	return 32 * words;
}

static size_t pn_subnet_size(u8 af)
{
	return offsetof(struct pn_subnet, node.key) +
	       pn_af_words(af) * sizeof(u32);
}

static size_t pn_peer_size(u8 af)
{
	return sizeof(struct pn_peer) +
	       (af == PN_AF6 ? sizeof(struct in6_addr) : 0);
}

static size_t pn_branch_size(u8 af)
{
	return offsetof(struct pn_trie_node, key) +
	       pn_af_words(af) * sizeof(u32);
}

#define pn_deref(t, p) \
	rcu_dereference_protected(p, lockdep_is_held(&(t)->lock))

/**
 * pn_subnet_alloc - allocate a subnet
 * @af: its family, enum pn_af
 *
 * The caller sets its prefix, peer and lladdr before inserting it.
 * Counters wait for the first packet: see tunnel.c.
 *
 * Return: the zeroed subnet, or NULL.
 */
struct pn_subnet *pn_subnet_alloc(u8 af)
{
	struct pn_subnet *s;

	s = kmem_cache_zalloc(pn_subnet_cache[af], GFP_KERNEL);
	if (s) {
		s->node.kind = PN_TRIE_SUBNET;
		s->node.af = af;
	}
	return s;
}

/* Free a subnet that no reader can reach, or NULL. */
void pn_subnet_free(struct pn_subnet *s)
{
	if (!s)
		return;
	free_percpu(s->stats);
	kmem_cache_free(pn_subnet_cache[s->node.af], s);
}

/**
 * pn_branch_alloc - allocate a branch
 * @af: the family of the trie it is for
 *
 * Return: the zeroed branch, or NULL.
 */
struct pn_trie_node *pn_branch_alloc(u8 af)
{
	struct pn_trie_node *b;

	b = kmem_cache_zalloc(pn_branch_cache[af], GFP_KERNEL);
	if (b)
		b->af = af;
	return b;
}

/* Free a branch that no reader can reach, or NULL. */
void pn_branch_free(struct pn_trie_node *b)
{
	if (b)
		kmem_cache_free(pn_branch_cache[b->af], b);
}

static void pn_peer_free(struct pn_peer *p)
{
	dst_cache_destroy(&p->dst_cache);
	kmem_cache_free(pn_peer_cache[pn_peer_af(p)], p);
}

static void pn_grave_free_one(unsigned long obj)
{
	struct pn_trie_node *n;
	struct pn_subnet *s;

	if (obj & PN_GRAVE_PEER) {
		pn_peer_free((struct pn_peer *)(obj & ~PN_GRAVE_PEER));
		return;
	}
	n = (struct pn_trie_node *)obj;
	s = pn_trie_subnet(n);
	if (s)
		pn_subnet_free(s);
	else
		pn_branch_free(n);
}

static void pn_grave_free_rcu(struct rcu_head *rcu)
{
	struct pn_grave *g = container_of(rcu, struct pn_grave, rcu);
	unsigned int i;

	for (i = 0; i < g->count; i++)
		pn_grave_free_one(g->obj[i]);
	free_page((unsigned long)g);
}

/* Hand the table's grave to RCU. */
static void pn_grave_close(struct pn_table *t)
{
	if (!t->grave)
		return;
	call_rcu(&t->grave->rcu, pn_grave_free_rcu);
	t->grave = NULL;
}

/*
 * Free @obj, which a reader may still hold, after a grace period. Without
 * memory for a grave, the writer waits for the grace period itself.
 */
static void pn_retire(struct pn_table *t, unsigned long obj)
{
	struct pn_grave *g = t->grave;

	lockdep_assert_held(&t->lock);
	might_sleep();
	if (!g) {
		g = (struct pn_grave *)__get_free_page(GFP_KERNEL | __GFP_NOWARN);
		if (!g) {
			synchronize_rcu();
			pn_grave_free_one(obj);
			return;
		}
		g->count = 0;
		t->grave = g;
	}
	g->obj[g->count++] = obj;
	if (g->count == PN_GRAVE_SLOTS)
		pn_grave_close(t);
}

static void pn_node_retire(struct pn_table *t, struct pn_trie_node *n)
{
	pn_retire(t, (unsigned long)n);
}

/**
 * pn_table_lock - take a table for writing
 * @t: the table
 */
void pn_table_lock(struct pn_table *t)
{
	mutex_lock(&t->lock);
}

/**
 * pn_table_unlock - let go of a table
 * @t: the table, locked
 *
 * What the writer took out of the table is freed after a grace period.
 */
void pn_table_unlock(struct pn_table *t)
{
	pn_grave_close(t);
	mutex_unlock(&t->lock);
}

/* Take @p out of the table's hash and free it after a grace period. */
static void pn_peer_unlink(struct pn_table *t, struct pn_peer *p)
{
	if (pn_peer_is6(p))
		rhashtable_remove_fast(&t->peers[PN_AF6], &p->hnode,
				       pn_peer6_params);
	else
		rhashtable_remove_fast(&t->peers[PN_AF4], &p->hnode,
				       pn_peer_params);
	pn_retire(t, (unsigned long)p | PN_GRAVE_PEER);
}

/**
 * pn_peer_put - drop a reference to a peer
 * @t: the table, locked
 * @p: the peer
 *
 * A subnet of @p left the table, or a reference from pn_peer_get() went
 * unused. The last reference takes the peer out of the table.
 */
void pn_peer_put(struct pn_table *t, struct pn_peer *p)
{
	lockdep_assert_held(&t->lock);
	if (atomic_dec_return(&p->state) & PN_PEER_REFS)
		return;
	pn_peer_unlink(t, p);
}

/**
 * pn_peer_get - a reference to the peer of a node address
 * @t: the table, locked
 * @addr: the node's address
 *
 * The peer is made if there is none yet. The reference is the one a
 * subnet holds: pn_table_insert() hands it to the subnet it inserts, and
 * one that goes unused is dropped with pn_peer_put(). Holding it keeps
 * the peer while the table changes, as when a request replaces a node's
 * last subnet and then names that node again. The route cache is made
 * when the peer is first sent to (pn_peer_want_cache()).
 *
 * Return: the peer or an ERR_PTR.
 */
struct pn_peer *pn_peer_get(struct pn_table *t, const struct pn_addr *addr)
{
	bool ip6 = addr->af == PN_AF6;
	struct pn_peer *p;
	int ret;

	lockdep_assert_held(&t->lock);
	p = ip6 ? pn_peer_lookup6(t, &addr->ip6) : pn_peer_lookup(t, addr->ip);
	if (p) {
		atomic_inc(&p->state);
		return p;
	}
	p = kmem_cache_zalloc(pn_peer_cache[addr->af], GFP_KERNEL);
	if (!p)
		return ERR_PTR(-ENOMEM);
	if (ip6) {
		*p->addr6 = addr->ip6;
		atomic_set(&p->state, PN_PEER_IPV6 | 1);
		ret = rhashtable_insert_fast(&t->peers[PN_AF6], &p->hnode,
					     pn_peer6_params);
	} else {
		p->addr = addr->ip;
		atomic_set(&p->state, 1);
		ret = rhashtable_insert_fast(&t->peers[PN_AF4], &p->hnode,
					     pn_peer_params);
	}
	if (ret) {
		pn_peer_free(p);
		return ERR_PTR(ret);
	}
	return p;
}

/**
 * pn_peer_lookup - the peer with an address
 * @t: the table
 * @addr: the address
 *
 * Called under rcu_read_lock() or rcu_read_lock_bh().
 *
 * Return: the peer, or NULL when @addr is no node of the table.
 */
struct pn_peer *pn_peer_lookup(struct pn_table *t, __be32 addr)
{
	return rhashtable_lookup_fast(&t->peers[PN_AF4], &addr, pn_peer_params);
}

/**
 * pn_peer_lookup6 - the peer with an IPv6 address
 * @t: the table
 * @addr: the address
 *
 * As pn_peer_lookup().
 *
 * Return: the peer, or NULL when @addr is no node of the table.
 */
struct pn_peer *pn_peer_lookup6(struct pn_table *t,
				const struct in6_addr *addr)
{
	return rhashtable_lookup_fast(&t->peers[PN_AF6], addr, pn_peer6_params);
}

/**
 * pn_routes_reset - forget the outer routes cached for a device's peers
 * @pn: the device
 *
 * For a change of a setting that the outer route depends on: the local
 * address, the underlay device, the TOS or the UDP port. Called under RTNL
 * and the table's lock once the new setting is in place, so that a route
 * looked up after this uses it. The transmit path may run meanwhile on
 * other CPUs, so each peer's cache is only marked stale (dst_cache_reset()),
 * and each CPU drops its route at its next use; dst_cache_reset_now() would
 * free routes other CPUs may be using.
 */
void pn_routes_reset(struct pn_dev *pn)
{
	struct pn_table *t = &pn->table;
	struct rhashtable_iter iter;
	struct pn_peer *p;
	int af;

	ASSERT_RTNL();
	lockdep_assert_held(&t->lock);
	for (af = 0; af < PN_AF_COUNT; af++) {
		rhashtable_walk_enter(&t->peers[af], &iter);
		rhashtable_walk_start(&iter);
		while ((p = rhashtable_walk_next(&iter))) {
			/* A resize restarts the walk: a peer reset twice is
			 * no harm.
			 */
			if (!IS_ERR(p))
				dst_cache_reset(&p->dst_cache);
		}
		rhashtable_walk_stop(&iter);
		rhashtable_walk_exit(&iter);
	}
}

/**
 * pn_peer_want_cache - ask for a peer's route cache
 * @t: the table
 * @p: the peer, whose cache is not made yet
 *
 * Called from the transmit path, under rcu_read_lock_bh(). The packet
 * goes on without a cache; the table's worker makes it.
 */
void pn_peer_want_cache(struct pn_table *t, struct pn_peer *p)
{
	if (!(atomic_read(&p->state) & PN_PEER_WANTS_CACHE) &&
	    !(atomic_fetch_or(PN_PEER_WANTS_CACHE, &p->state) &
	      PN_PEER_WANTS_CACHE))
		schedule_work(&t->cache_work);
}

/*
 * Make the route caches that peers asked for. A cache that cannot be made
 * now is asked for again by the next packet to its peer.
 */
static void pn_peer_cache_work(struct work_struct *work)
{
	struct pn_table *t = container_of(work, struct pn_table, cache_work);
	struct rhashtable_iter iter;
	struct dst_cache c;
	struct pn_peer *p;
	int af;

	pn_table_lock(t);
	for (af = 0; af < PN_AF_COUNT; af++) {
		rhashtable_walk_enter(&t->peers[af], &iter);
		rhashtable_walk_start(&iter);
		while ((p = rhashtable_walk_next(&iter))) {
			if (IS_ERR(p) ||
			    !(atomic_read(&p->state) & PN_PEER_WANTS_CACHE) ||
			    p->dst_cache.cache)
				continue;
			/* The lock keeps @p; the allocation may sleep. */
			rhashtable_walk_stop(&iter);
			if (!dst_cache_init(&c, GFP_KERNEL)) {
				p->dst_cache.reset_ts = c.reset_ts;
				/* Readers see the cache whole or not at all. */
				smp_store_release(&p->dst_cache.cache, c.cache);
			}
			atomic_andnot(PN_PEER_WANTS_CACHE, &p->state);
			rhashtable_walk_start(&iter);
		}
		rhashtable_walk_stop(&iter);
		rhashtable_walk_exit(&iter);
	}
	pn_table_unlock(t);
}

/**
 * pn_table_init - make an empty table
 * @t: the table
 *
 * Return: 0, or -ENOMEM.
 */
int pn_table_init(struct pn_table *t)
{
	int ret;

	RCU_INIT_POINTER(t->root[PN_AF4], NULL);
	RCU_INIT_POINTER(t->root[PN_AF6], NULL);
	t->count = 0;
	t->generation = 1;
	t->dead = false;
	t->grave = NULL;
	mutex_init(&t->lock);
	INIT_WORK(&t->cache_work, pn_peer_cache_work);
	ret = rhashtable_init(&t->peers[PN_AF4], &pn_peer_params);
	if (ret)
		return ret;
	ret = rhashtable_init(&t->peers[PN_AF6], &pn_peer6_params);
	if (ret)
		rhashtable_destroy(&t->peers[PN_AF4]);
	return ret;
}

/**
 * pn_table_destroy - free what an empty table holds
 * @t: the table, flushed, and no reader left
 */
void pn_table_destroy(struct pn_table *t)
{
	int af;

	cancel_work_sync(&t->cache_work);
	WARN_ON_ONCE(t->grave);
	for (af = 0; af < PN_AF_COUNT; af++) {
		WARN_ON_ONCE(atomic_read(&t->peers[af].nelems));
		rhashtable_destroy(&t->peers[af]);
	}
}

static __always_inline struct pn_subnet *
pn_lookup(struct pn_table *t, const u32 *key, u8 af)
{
	struct pn_trie_node *n, *best = NULL;

	n = rcu_dereference_bh(t->root[af]);
	while (n && pn_covers(n, key, pn_af_words(af))) {
		if (n->kind == PN_TRIE_SUBNET)
			best = n;
		if (n->cidr == pn_af_bits(af))
			break;
		n = rcu_dereference_bh(n->bit[pn_bit(key, n->cidr)]);
	}
	return best ? container_of(best, struct pn_subnet, node) : NULL;
}

/**
 * pn_table_lookup - the subnet that carries an IPv4 address
 * @t: the table
 * @addr: the address
 *
 * Called under rcu_read_lock_bh(). The cost is bounded by the prefix
 * length, not by the number of subnets.
 *
 * Return: the subnet with the longest prefix covering @addr, or NULL.
 */
struct pn_subnet *pn_table_lookup(struct pn_table *t, __be32 addr)
{
	u32 key = be32_to_cpu(addr);

	return pn_lookup(t, &key, PN_AF4);
}

/**
 * pn_table_lookup6 - the subnet that carries an IPv6 address
 * @t: the table
 * @addr: the address
 *
 * As pn_table_lookup(), in the table's IPv6 trie.
 *
 * Return: the subnet with the longest prefix covering @addr, or NULL.
 */
struct pn_subnet *pn_table_lookup6(struct pn_table *t,
				   const struct in6_addr *addr)
{
	u32 key[4];
	int i;

	for (i = 0; i < 4; i++)
		key[i] = be32_to_cpu(addr->s6_addr32[i]);
	return pn_lookup(t, key, PN_AF6);
}

/**
 * pn_table_find - the subnet with exactly this prefix, under the lock
 * @t: the table
 * @p: the prefix, host bits clear
 *
 * Return: the subnet, or NULL when there is none (a branch does not
 * count).
 */
struct pn_subnet *pn_table_find(struct pn_table *t, const struct pn_prefix *p)
{
	struct pn_trie_node *n = pn_deref(t, t->root[p->af]);
	unsigned int words = pn_af_words(p->af);

	while (n && n->cidr <= p->cidr && pn_covers(n, p->key, words)) {
		if (n->cidr == p->cidr)
			return pn_trie_subnet(n);
		n = pn_deref(t, n->bit[pn_bit(p->key, n->cidr)]);
	}
	return NULL;
}

static void pn_adopt_children(struct pn_table *t, struct pn_trie_node *to,
			      struct pn_trie_node *from)
{
	RCU_INIT_POINTER(to->bit[0], pn_deref(t, from->bit[0]));
	RCU_INIT_POINTER(to->bit[1], pn_deref(t, from->bit[1]));
}

/**
 * pn_table_insert - add or replace a subnet
 * @t: the table, locked
 * @ns: a subnet with its prefix, its peer and its lladdr set
 * @spare: a branch of the subnet's family; set to NULL when used
 *
 * The subnet takes over the caller's reference to its peer (from
 * pn_peer_get()). A node already at the subnet's prefix, subnet or branch,
 * is replaced and retired; a replaced subnet hands its counters on to @ns
 * and drops its reference to its peer.
 */
void pn_table_insert(struct pn_table *t, struct pn_subnet *ns,
		     struct pn_trie_node **spare)
{
	struct pn_trie_node *n, *b, *new = &ns->node;
	unsigned int words = pn_af_words(new->af);
	struct pn_trie_node __rcu **slot;
	struct pn_subnet *old;
	unsigned int w;
	u8 c;

	slot = &t->root[new->af];
	n = pn_deref(t, *slot);
	while (n && n->cidr <= new->cidr && pn_covers(n, new->key, words)) {
		if (n->cidr == new->cidr) {
			pn_adopt_children(t, new, n);
			old = pn_trie_subnet(n);
			/*
			 * A reader still holding @old may give it new
			 * counters; they are freed with @old.
			 */
			if (old)
				ns->stats = xchg(&old->stats, NULL);
			else
				t->count++;
			rcu_assign_pointer(*slot, new);
			/*
			 * Only now that no reader can find @old may its peer
			 * go: a full grave, or none, starts the peer's grace
			 * period at once.
			 */
			if (old)
				pn_peer_put(t, old->peer);
			pn_node_retire(t, n);
			t->generation++;
			return;
		}
		slot = &n->bit[pn_bit(new->key, n->cidr)];
		n = pn_deref(t, *slot);
	}

	t->count++;
	t->generation++;
	if (!n) {
		rcu_assign_pointer(*slot, new);
		return;
	}

	/* @n and @new part ways at bit c, or @new is a prefix of @n. */
	c = min3(new->cidr, n->cidr, pn_diff_bit(n->key, new->key, words));
	if (c == new->cidr) {
		RCU_INIT_POINTER(new->bit[pn_bit(n->key, c)], n);
		rcu_assign_pointer(*slot, new);
		return;
	}

	b = *spare;
	*spare = NULL;
	for (w = 0; w < words; w++)
		b->key[w] = new->key[w] & pn_word_mask(c, w);
	b->cidr = c;
	RCU_INIT_POINTER(b->bit[pn_bit(new->key, c)], new);
	RCU_INIT_POINTER(b->bit[pn_bit(n->key, c)], n);
	rcu_assign_pointer(*slot, b);
}

/**
 * pn_table_remove - delete the subnet at a prefix
 * @t: the table, locked
 * @pfx: the prefix
 * @spare: a branch of the prefix's family, needed when the subnet's node
 *	has two children; set to NULL when used
 *
 * Return: 0, or -ENOENT when there is no such subnet.
 */
int pn_table_remove(struct pn_table *t, const struct pn_prefix *pfx,
		    struct pn_trie_node **spare)
{
	struct pn_trie_node __rcu **slot = &t->root[pfx->af], **pslot = NULL;
	unsigned int words = pn_af_words(pfx->af);
	struct pn_trie_node *n, *p = NULL, *l, *r, *b;
	struct pn_subnet *old;

	n = pn_deref(t, *slot);
	while (n && n->cidr < pfx->cidr && pn_covers(n, pfx->key, words)) {
		p = n;
		pslot = slot;
		slot = &n->bit[pn_bit(pfx->key, n->cidr)];
		n = pn_deref(t, *slot);
	}
	if (!n || n->cidr != pfx->cidr || pn_key_cmp(n->key, pfx->key, words))
		return -ENOENT;
	old = pn_trie_subnet(n);
	if (!old)
		return -ENOENT;

	l = pn_deref(t, n->bit[0]);
	r = pn_deref(t, n->bit[1]);
	if (l && r) {
		b = *spare;
		*spare = NULL;
		memcpy(b->key, n->key, words * sizeof(u32));
		b->cidr = n->cidr;
		pn_adopt_children(t, b, n);
		rcu_assign_pointer(*slot, b);
	} else if (l || r) {
		rcu_assign_pointer(*slot, l ?: r);
	} else if (p && p->kind == PN_TRIE_BRANCH) {
		/* A branch left with one child gives way to it. */
		rcu_assign_pointer(*pslot, pn_deref(t, p->bit[slot == &p->bit[0]]));
		pn_node_retire(t, p);
	} else {
		RCU_INIT_POINTER(*slot, NULL);
	}
	pn_peer_put(t, old->peer);
	pn_node_retire(t, n);
	t->count--;
	t->generation++;
	return 0;
}

/**
 * pn_table_flush - delete every subnet, and so every peer
 * @t: the table, locked
 */
void pn_table_flush(struct pn_table *t)
{
	struct pn_trie_node *stack[PN_TRIE_DEPTH], *n, *c;
	struct pn_subnet *s;
	int top, i, af;

	/* An empty table stays as it is, generation and all. */
	if (!t->count)
		return;
	for (af = 0; af < PN_AF_COUNT; af++) {
		n = pn_deref(t, t->root[af]);
		if (!n)
			continue;
		RCU_INIT_POINTER(t->root[af], NULL);
		top = 0;
		stack[top++] = n;
		while (top) {
			n = stack[--top];
			for (i = 0; i < 2; i++) {
				c = pn_deref(t, n->bit[i]);
				if (c)
					stack[top++] = c;
			}
			s = pn_trie_subnet(n);
			if (s)
				pn_peer_put(t, s->peer);
			pn_node_retire(t, n);
		}
	}
	t->count = 0;
	t->generation++;
}

/* Whether every key a node covers comes before @pos: its subtree is done. */
static bool pn_walk_before(const struct pn_trie_node *n,
			   const struct pn_prefix *pos, unsigned int words)
{
	u32 last[4];
	unsigned int w;

	for (w = 0; w < words; w++)
		last[w] = n->key[w] | ~pn_word_mask(n->cidr, w);
	return pn_key_cmp(last, pos->key, words) < 0;
}

/* Whether a subnet comes after @pos in the walk's order. */
static bool pn_walk_after(const struct pn_trie_node *n,
			  const struct pn_prefix *pos, unsigned int words)
{
	int cmp = pn_key_cmp(n->key, pos->key, words);

	return cmp > 0 || (!cmp && n->cidr > pos->cidr);
}

static int pn_walk_af(struct pn_table *t, u8 af, const struct pn_prefix *pos,
		      int (*fn)(struct pn_subnet *s, void *arg), void *arg)
{
	struct pn_trie_node *stack[PN_TRIE_DEPTH], *n, *c;
	unsigned int words = pn_af_words(af);
	struct pn_subnet *s;
	int top = 0, ret;

	n = rcu_dereference_bh(t->root[af]);
	if (n)
		stack[top++] = n;
	while (top) {
		n = stack[--top];
		if (pos && pn_walk_before(n, pos, words))
			continue;
		s = pn_trie_subnet(n);
		if (s && (!pos || pn_walk_after(n, pos, words))) {
			ret = fn(s, arg);
			if (ret)
				return ret;
		}
		c = rcu_dereference_bh(n->bit[1]);
		if (c)
			stack[top++] = c;
		c = rcu_dereference_bh(n->bit[0]);
		if (c)
			stack[top++] = c;
	}
	return 0;
}

/**
 * pn_table_walk - call @fn on every subnet after a position, in order
 * @t: the table; called under rcu_read_lock_bh()
 * @pos: resume after this prefix; NULL to start at the beginning
 * @fn: the callback, given the subnet; a non-zero return stops the walk and
 *	is returned
 * @arg: passed to @fn
 *
 * The order is IPv4 before IPv6, and in each by prefix, then by length,
 * which is the trie's pre-order. Subtrees that end before @pos are
 * skipped, so resuming costs the depth of the trie, not the subnets
 * already seen.
 */
int pn_table_walk(struct pn_table *t, const struct pn_prefix *pos,
		  int (*fn)(struct pn_subnet *s, void *arg), void *arg)
{
	int af, ret;

	for (af = pos ? pos->af : 0; af < PN_AF_COUNT; af++) {
		ret = pn_walk_af(t, af, pos && pos->af == af ? pos : NULL,
				 fn, arg);
		if (ret)
			return ret;
	}
	return 0;
}

void pn_subnet_stats_read(const struct pn_subnet *n,
			  struct pn_subnet_stats *sum)
{
	const struct pn_subnet_stats __percpu *stats = READ_ONCE(n->stats);
	unsigned int start;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	if (!stats)
		return;
	for_each_possible_cpu(cpu) {
		const struct pn_subnet_stats *s = per_cpu_ptr(stats, cpu);
		u64 tp, tb, rp, rb;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			tp = u64_stats_read(&s->tx_packets);
			tb = u64_stats_read(&s->tx_bytes);
			rp = u64_stats_read(&s->rx_packets);
			rb = u64_stats_read(&s->rx_bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		u64_stats_add(&sum->tx_packets, tp);
		u64_stats_add(&sum->tx_bytes, tb);
		u64_stats_add(&sum->rx_packets, rp);
		u64_stats_add(&sum->rx_bytes, rb);
	}
}

#ifdef PODNET_DEBUG
/*
 * The tries checked against a plain list of prefixes: random prefixes of
 * both families are inserted and removed, and random addresses must find
 * the same longest match in both.
 */
struct pn_ref {
	struct pn_prefix p;
	bool used;
};

static bool pn_ref_covers(const struct pn_prefix *p, const u32 *key)
{
	unsigned int w;

	for (w = 0; w < pn_af_words(p->af); w++)
		if ((key[w] ^ p->key[w]) & pn_word_mask(p->cidr, w))
			return false;
	return true;
}

static const struct pn_ref *pn_ref_lookup(const struct pn_ref *ref, int n,
					  u8 af, const u32 *key)
{
	const struct pn_ref *best = NULL;
	int i;

	for (i = 0; i < n; i++) {
		if (!ref[i].used || ref[i].p.af != af ||
		    !pn_ref_covers(&ref[i].p, key))
			continue;
		if (!best || ref[i].p.cidr > best->p.cidr)
			best = &ref[i];
	}
	return best;
}

static struct pn_subnet *pn_selftest_lookup(struct pn_table *t, u8 af,
					    const u32 *key)
{
	struct in6_addr a6;
	int i;

	if (af == PN_AF4)
		return pn_table_lookup(t, cpu_to_be32(key[0]));
	for (i = 0; i < 4; i++)
		a6.s6_addr32[i] = cpu_to_be32(key[i]);
	return pn_table_lookup6(t, &a6);
}

static bool pn_selftest_same(const struct pn_subnet *got,
			     const struct pn_ref *want)
{
	if (!got || !want)
		return !got && !want;
	return got->node.af == want->p.af && got->node.cidr == want->p.cidr &&
	       !pn_key_cmp(got->node.key, want->p.key, pn_af_words(want->p.af));
}

static int pn_selftest_compare(struct pn_table *t, const struct pn_ref *ref,
			       int nref, int lookups)
{
	const struct pn_ref *want;
	struct pn_subnet *got;
	u32 key[4];
	unsigned int w;
	bool same;
	int i;
	u8 af;

	for (i = 0; i < lookups; i++) {
		/* Half the probes land inside a known prefix. */
		af = i & 2 ? PN_AF6 : PN_AF4;
		for (w = 0; w < 4; w++)
			key[w] = get_random_u32();
		if (i & 1) {
			want = &ref[get_random_u32_below(nref)];
			af = want->p.af;
			for (w = 0; w < pn_af_words(af); w++)
				key[w] = want->p.key[w] |
					 (key[w] & ~pn_word_mask(want->p.cidr, w));
		}
		want = pn_ref_lookup(ref, nref, af, key);
		rcu_read_lock_bh();
		got = pn_selftest_lookup(t, af, key);
		same = pn_selftest_same(got, want);
		rcu_read_unlock_bh();
		if (!same) {
			pr_err("self-test: lookup of %08x:%08x:%08x:%08x (%s) disagrees with the reference\n",
			       key[0], key[1], key[2], key[3],
			       af == PN_AF6 ? "IPv6" : "IPv4");
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The eight nodes that own the self-test's subnets, the even ones IPv4 and
 * the odd ones IPv6: 10.0.0.1 + i, or 2001:db8::1 + i.
 */
static struct pn_addr pn_selftest_node(int i)
{
	struct pn_addr a = { .af = i & 1 ? PN_AF6 : PN_AF4 };

	if (a.af == PN_AF4) {
		a.ip = htonl(0x0a000001 + i);
	} else {
		a.ip6.s6_addr32[0] = htonl(0x20010db8);
		a.ip6.s6_addr32[3] = htonl(1 + i);
	}
	return a;
}

/* The subnets of the table's peers, which must match the table's count. */
static int pn_selftest_peers(struct pn_table *t, int count)
{
	struct pn_addr node;
	struct pn_peer *p;
	int i, refs = 0;

	for (i = 0; i < 8; i++) {
		p = pn_peer_lookup(t, htonl(0x0a000001 + i));
		if (p)
			refs += pn_peer_refs(p);
		node = pn_selftest_node(i);
		p = pn_peer_lookup6(t, &node.ip6);
		if (p)
			refs += pn_peer_refs(p);
	}
	if (refs == count && t->count == count &&
	    atomic_read(&t->peers[PN_AF4].nelems) <= 4 &&
	    atomic_read(&t->peers[PN_AF6].nelems) <= 4)
		return 0;
	pr_err("self-test: %u subnets and %d peer references, expected %d\n",
	       t->count, refs, count);
	return -EINVAL;
}

/*
 * A random prefix. Most fall inside one /16 (IPv4) or /48 (IPv6) so that
 * they nest deeply; short ones are rare so that they do not cover
 * everything.
 */
static void pn_selftest_prefix(struct pn_prefix *p, u8 af)
{
	u8 bits = pn_af_bits(af);
	unsigned int w;

	p->af = af;
	p->cidr = af == PN_AF6 ? 32 + get_random_u32_below(97) :
				 8 + get_random_u32_below(25);
	if (!get_random_u32_below(16))
		p->cidr = get_random_u32_below(bits + 1);
	for (w = 0; w < 4; w++)
		p->key[w] = w < pn_af_words(af) ? get_random_u32() : 0;
	if (get_random_u32_below(4)) {
		if (af == PN_AF4) {
			p->key[0] = 0x0af40000 | (p->key[0] & 0xffff);
		} else {
			p->key[0] = 0xfd000010;
			p->key[1] = 0x02440000 | (p->key[1] & 0xffff);
		}
	}
	for (w = 0; w < pn_af_words(af); w++)
		p->key[w] &= pn_word_mask(p->cidr, w);
}

static int pn_selftest_run(struct pn_table *t, struct pn_ref *ref, int nref)
{
	struct pn_trie_node *spare[PN_AF_COUNT] = {};
	int i, ret = -ENOMEM, count = 0;
	struct pn_subnet *n;
	struct pn_addr node;
	struct pn_peer *p;
	u8 af;

	for (i = 0; i < nref; i++) {
		af = get_random_u32_below(2) ? PN_AF6 : PN_AF4;
		pn_selftest_prefix(&ref[i].p, af);
		ref[i].used = !pn_table_find(t, &ref[i].p);
		if (!ref[i].used)
			continue;
		/* Eight nodes, four of each family, own all the subnets. */
		node = pn_selftest_node(i & 7);
		p = pn_peer_get(t, &node);
		if (IS_ERR(p)) {
			ret = PTR_ERR(p);
			goto out;
		}
		n = pn_subnet_alloc(af);
		if (!spare[af])
			spare[af] = pn_branch_alloc(af);
		if (!n || !spare[af]) {
			pn_subnet_free(n);
			pn_peer_put(t, p);
			goto out;
		}
		memcpy(n->node.key, ref[i].p.key, pn_af_words(af) * sizeof(u32));
		n->node.cidr = ref[i].p.cidr;
		n->peer = p;
		pn_table_insert(t, n, &spare[af]);
		count++;
	}
	ret = pn_selftest_peers(t, count);
	if (!ret)
		ret = pn_selftest_compare(t, ref, nref, 20000);
	if (ret)
		goto out;

	/* Remove every third prefix and compare again. */
	for (i = 0; i < nref; i += 3) {
		if (!ref[i].used)
			continue;
		af = ref[i].p.af;
		if (!spare[af])
			spare[af] = pn_branch_alloc(af);
		ret = -ENOMEM;
		if (!spare[af])
			goto out;
		ret = pn_table_remove(t, &ref[i].p, &spare[af]);
		if (ret) {
			pr_err("self-test: cannot remove a present prefix\n");
			goto out;
		}
		ref[i].used = false;
		count--;
	}
	ret = pn_selftest_peers(t, count);
	if (!ret)
		ret = pn_selftest_compare(t, ref, nref, 20000);
out:
	pn_branch_free(spare[PN_AF4]);
	pn_branch_free(spare[PN_AF6]);
	pn_table_flush(t);
	if (!ret && (atomic_read(&t->peers[PN_AF4].nelems) ||
		     atomic_read(&t->peers[PN_AF6].nelems))) {
		pr_err("self-test: peers left after a flush\n");
		ret = -EINVAL;
	}
	return ret;
}

static int __init pn_subnets_selftest(void)
{
	struct pn_table t;
	struct pn_ref *ref;
	int ret;

	ref = kvcalloc(4096, sizeof(*ref), GFP_KERNEL);
	if (!ref)
		return -ENOMEM;
	ret = pn_table_init(&t);
	if (ret)
		goto out;
	pn_table_lock(&t);
	ret = pn_selftest_run(&t, ref, 4096);
	pn_table_unlock(&t);
	pn_table_destroy(&t);
out:
	kvfree(ref);
	if (!ret)
		pr_info("subnet table self-test: pass\n");
	else
		pr_err("subnet table self-test: FAIL\n");
	return ret;
}
#else
static inline int pn_subnets_selftest(void)
{
	return 0;
}
#endif

static void pn_subnets_caches_destroy(void)
{
	int af;

	for (af = 0; af < PN_AF_COUNT; af++) {
		kmem_cache_destroy(pn_peer_cache[af]);
		kmem_cache_destroy(pn_subnet_cache[af]);
		kmem_cache_destroy(pn_branch_cache[af]);
	}
}

int __init pn_subnets_init(void)
{
	static const char * const names[PN_AF_COUNT][3] = {
		[PN_AF4] = { "pn_subnet4", "pn_branch4", "pn_peer4" },
		[PN_AF6] = { "pn_subnet6", "pn_branch6", "pn_peer6" },
	};
	int af, ret;

	for (af = 0; af < PN_AF_COUNT; af++) {
		pn_subnet_cache[af] = kmem_cache_create(names[af][0],
							pn_subnet_size(af), 0,
							SLAB_ACCOUNT, NULL);
		pn_branch_cache[af] = kmem_cache_create(names[af][1],
							pn_branch_size(af), 0,
							SLAB_ACCOUNT, NULL);
		pn_peer_cache[af] = kmem_cache_create(names[af][2],
						      pn_peer_size(af), 0,
						      SLAB_ACCOUNT, NULL);
		if (!pn_subnet_cache[af] || !pn_branch_cache[af] ||
		    !pn_peer_cache[af])
			goto err;
	}
	ret = pn_subnets_selftest();
	if (!ret)
		return 0;
	rcu_barrier();
	pn_subnets_caches_destroy();
	return ret;
err:
	pn_subnets_caches_destroy();
	return -ENOMEM;
}

void pn_subnets_uninit(void)
{
	rcu_barrier();
	pn_subnets_caches_destroy();
}
