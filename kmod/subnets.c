// SPDX-License-Identifier: GPL-2.0
/*
 * podnet: the peer-subnet table, a longest-prefix-match binary trie of IPv4
 * prefixes with path compression.
 *
 * Every node is either a subnet (an entry) or a branch that only joins two
 * subtrees; a branch always has both children. Readers walk the trie under
 * rcu_read_lock_bh() without locks. Writers hold the table's mutex and never
 * change a node a reader may see, except for its child pointers: a changed
 * entry is a new node swapped into its parent's slot, and the old one is
 * freed after a grace period. Each change needs at most one node besides the
 * entry itself, so callers allocate nodes first and then apply a whole
 * batch of changes without a failure path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/slab.h>

#include "podnet_private.h"

static struct kmem_cache *pn_subnet_cache __ro_after_init;
static struct kmem_cache *pn_bare_cache __ro_after_init;

static inline u32 pn_mask(u8 cidr)
{
	return cidr ? ~0U << (32 - cidr) : 0;
}

/* Bit @i of @key, counted from the most significant. */
static inline unsigned int pn_bit(u32 key, u8 i)
{
	return (key >> (31 - i)) & 1;
}

static inline bool pn_covers(const struct pn_subnet *n, u32 key)
{
	return !((key ^ n->key) & pn_mask(n->cidr));
}

#define pn_deref(t, p) \
	rcu_dereference_protected(p, lockdep_is_held(&(t)->lock))

/**
 * pn_subnet_alloc - allocate a node
 * @entry: a subnet with counters and a route cache, not a bare node (a
 *	branch, or a node-set entry) without the subnet's fields
 *
 * Return: the zeroed node, or NULL.
 */
struct pn_subnet *pn_subnet_alloc(bool entry)
{
	struct pn_subnet *n;

	if (!entry)
		return kmem_cache_zalloc(pn_bare_cache, GFP_KERNEL);
	n = kmem_cache_zalloc(pn_subnet_cache, GFP_KERNEL);
	if (!n)
		return NULL;
	/* Counters and route cache wait for the first packet: see tunnel.c. */
	n->full = true;
	n->is_entry = true;
	return n;
}

/* Free a node no reader can reach any more. */
void pn_subnet_free(struct pn_subnet *n)
{
	if (!n)
		return;
	if (!n->full) {
		kmem_cache_free(pn_bare_cache, n);
		return;
	}
	dst_cache_destroy(&n->dst_cache);
	free_percpu(n->stats);
	kmem_cache_free(pn_subnet_cache, n);
}

static void pn_subnet_free_rcu(struct rcu_head *rcu)
{
	pn_subnet_free(container_of(rcu, struct pn_subnet, rcu));
}

static void pn_subnet_retire(struct pn_subnet *n)
{
	call_rcu(&n->rcu, pn_subnet_free_rcu);
}

static void __pn_table_init(struct pn_table *t)
{
	RCU_INIT_POINTER(t->root, NULL);
	t->count = 0;
	t->generation = 1;
	t->dead = false;
}

void pn_table_init(struct pn_table *t)
{
	__pn_table_init(t);
	mutex_init(&t->lock);
}

/* A node set is locked inside its device's table: a lock class of its own. */
void pn_nodes_init(struct pn_table *t)
{
	__pn_table_init(t);
	mutex_init(&t->lock);
}

/**
 * pn_table_lookup - the subnet that carries @addr
 * @t: the table
 * @addr: an IPv4 address
 *
 * Called under rcu_read_lock_bh(). The cost is bounded by the prefix
 * length, not by the number of subnets.
 *
 * Return: the subnet with the longest prefix covering @addr, or NULL.
 */
struct pn_subnet *pn_table_lookup(struct pn_table *t, __be32 addr)
{
	struct pn_subnet *n, *best = NULL;
	u32 key = be32_to_cpu(addr);

	n = rcu_dereference_bh(t->root);
	while (n && pn_covers(n, key)) {
		if (n->is_entry)
			best = n;
		if (n->cidr == 32)
			break;
		n = rcu_dereference_bh(n->bit[pn_bit(key, n->cidr)]);
	}
	return best;
}

/**
 * pn_table_find - the subnet with exactly this prefix, under the lock
 * @t: the table
 * @key: the prefix, host order, host bits clear
 * @cidr: the prefix length
 *
 * Return: the entry, or NULL when there is none (a branch does not count).
 */
struct pn_subnet *pn_table_find(struct pn_table *t, u32 key, u8 cidr)
{
	struct pn_subnet *n = pn_deref(t, t->root);

	while (n && n->cidr <= cidr && pn_covers(n, key)) {
		if (n->cidr == cidr)
			return n->is_entry ? n : NULL;
		n = pn_deref(t, n->bit[pn_bit(key, n->cidr)]);
	}
	return NULL;
}

static void pn_adopt_children(struct pn_table *t, struct pn_subnet *to,
			      struct pn_subnet *from)
{
	RCU_INIT_POINTER(to->bit[0], pn_deref(t, from->bit[0]));
	RCU_INIT_POINTER(to->bit[1], pn_deref(t, from->bit[1]));
}

/**
 * pn_table_insert - add or replace the entry @new
 * @t: the table, locked
 * @new: an entry node with key and cidr set
 * @spare: a bare node for a branch; set to NULL when used
 *
 * A node already at @new's prefix, entry or branch, is replaced and
 * retired; a replaced entry hands its counters on to @new.
 */
void pn_table_insert(struct pn_table *t, struct pn_subnet *new,
		     struct pn_subnet **spare)
{
	struct pn_subnet __rcu **slot = &t->root;
	struct pn_subnet *n, *b;
	u8 c;

	n = pn_deref(t, *slot);
	while (n && n->cidr <= new->cidr && pn_covers(n, new->key)) {
		if (n->cidr == new->cidr) {
			pn_adopt_children(t, new, n);
			if (n->is_entry && n->full && new->full) {
				/*
				 * A reader still holding @n may give it new
				 * counters; they are freed with @n.
				 */
				new->stats = xchg(&n->stats, NULL);
			} else {
				t->count++;
			}
			rcu_assign_pointer(*slot, new);
			pn_subnet_retire(n);
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
	c = min3(new->cidr, n->cidr, (u8)(n->key == new->key ? 32 :
					  __builtin_clz(n->key ^ new->key)));
	if (c == new->cidr) {
		RCU_INIT_POINTER(new->bit[pn_bit(n->key, c)], n);
		rcu_assign_pointer(*slot, new);
		return;
	}

	b = *spare;
	*spare = NULL;
	b->key = new->key & pn_mask(c);
	b->cidr = c;
	RCU_INIT_POINTER(b->bit[pn_bit(new->key, c)], new);
	RCU_INIT_POINTER(b->bit[pn_bit(n->key, c)], n);
	rcu_assign_pointer(*slot, b);
}

/**
 * pn_table_remove - delete the entry at a prefix
 * @t: the table, locked
 * @key: the prefix, host order
 * @cidr: its length
 * @spare: a bare node, needed when the entry has two children; set to NULL
 *	when used
 *
 * Return: 0, or -ENOENT when there is no such entry.
 */
int pn_table_remove(struct pn_table *t, u32 key, u8 cidr,
		    struct pn_subnet **spare)
{
	struct pn_subnet __rcu **slot = &t->root, **pslot = NULL;
	struct pn_subnet *n, *p = NULL, *l, *r, *b;

	n = pn_deref(t, *slot);
	while (n && n->cidr < cidr && pn_covers(n, key)) {
		p = n;
		pslot = slot;
		slot = &n->bit[pn_bit(key, n->cidr)];
		n = pn_deref(t, *slot);
	}
	if (!n || n->cidr != cidr || n->key != key || !n->is_entry)
		return -ENOENT;

	l = pn_deref(t, n->bit[0]);
	r = pn_deref(t, n->bit[1]);
	if (l && r) {
		b = *spare;
		*spare = NULL;
		b->key = n->key;
		b->cidr = n->cidr;
		pn_adopt_children(t, b, n);
		rcu_assign_pointer(*slot, b);
	} else if (l || r) {
		rcu_assign_pointer(*slot, l ?: r);
	} else if (p && !p->is_entry) {
		/* A branch left with one child gives way to it. */
		rcu_assign_pointer(*pslot, pn_deref(t, p->bit[slot == &p->bit[0]]));
		pn_subnet_retire(p);
	} else {
		RCU_INIT_POINTER(*slot, NULL);
	}
	pn_subnet_retire(n);
	t->count--;
	t->generation++;
	return 0;
}

/**
 * pn_table_flush - delete every entry
 * @t: the table, locked
 */
void pn_table_flush(struct pn_table *t)
{
	struct pn_subnet *stack[PN_TRIE_DEPTH], *n, *c;
	int top = 0, i;

	n = pn_deref(t, t->root);
	if (!n)
		return;
	RCU_INIT_POINTER(t->root, NULL);
	stack[top++] = n;
	while (top) {
		n = stack[--top];
		for (i = 0; i < 2; i++) {
			c = pn_deref(t, n->bit[i]);
			if (c)
				stack[top++] = c;
		}
		pn_subnet_retire(n);
	}
	t->count = 0;
	t->generation++;
}

/**
 * pn_node_hold - count one more subnet of a node in a node set
 * @t: the node set, locked
 * @addr: the node's address
 * @new: a bare node to hold the node's entry; used and set to NULL when the
 *	node is new to the set
 * @spare: a bare node for a branch; set to NULL when used
 *
 * A node set is a table of /32 entries that only tells whether an address
 * is a node; its entries have neither counters nor a route cache.
 */
void pn_node_hold(struct pn_table *t, __be32 addr, struct pn_subnet **new,
		  struct pn_subnet **spare)
{
	u32 key = be32_to_cpu(addr);
	struct pn_subnet *n;

	n = pn_table_find(t, key, 32);
	if (n) {
		n->refs++;
		return;
	}
	n = *new;
	*new = NULL;
	n->key = key;
	n->cidr = 32;
	n->refs = 1;
	n->is_entry = true;
	pn_table_insert(t, n, spare);
}

/**
 * pn_node_release - count one subnet less, removing the node after its last
 * @t: the node set, locked
 * @addr: the node's address
 */
void pn_node_release(struct pn_table *t, __be32 addr)
{
	struct pn_subnet *n, *none = NULL;
	u32 key = be32_to_cpu(addr);

	n = pn_table_find(t, key, 32);
	if (WARN_ON_ONCE(!n) || --n->refs)
		return;
	/* A /32 has no children, so removing it needs no branch. */
	pn_table_remove(t, key, 32, &none);
}

/**
 * pn_table_walk - call @fn on every entry after a position, in order
 * @t: the table; called under rcu_read_lock_bh()
 * @pos: resume after this (key, cidr); NULL to start at the beginning
 * @fn: the callback; a non-zero return stops the walk and is returned
 * @arg: passed to @fn
 *
 * The order is by prefix, then by length, which is the trie's pre-order.
 * Subtrees that end before @pos are skipped, so resuming costs the depth of
 * the trie, not the entries already seen.
 */
int pn_table_walk(struct pn_table *t, const struct pn_pos *pos,
		  int (*fn)(struct pn_subnet *n, void *arg), void *arg)
{
	struct pn_subnet *stack[PN_TRIE_DEPTH], *n, *c;
	int top = 0, ret;

	n = rcu_dereference_bh(t->root);
	if (n)
		stack[top++] = n;
	while (top) {
		n = stack[--top];
		if (pos && (n->key | ~pn_mask(n->cidr)) < pos->key)
			continue;
		if (n->is_entry && (!pos || n->key > pos->key ||
				    (n->key == pos->key && n->cidr > pos->cidr))) {
			ret = fn(n, arg);
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
 * The trie checked against a plain list of prefixes: random prefixes are
 * inserted and removed, and random addresses must find the same longest
 * match in both.
 */
struct pn_ref {
	u32 key;
	u8 cidr;
	bool used;
};

static const struct pn_ref *pn_ref_lookup(const struct pn_ref *ref, int n,
					  u32 key)
{
	const struct pn_ref *best = NULL;
	int i;

	for (i = 0; i < n; i++) {
		if (!ref[i].used || (key ^ ref[i].key) & pn_mask(ref[i].cidr))
			continue;
		if (!best || ref[i].cidr > best->cidr)
			best = &ref[i];
	}
	return best;
}

static int pn_selftest_compare(struct pn_table *t, const struct pn_ref *ref,
			       int nref, int lookups)
{
	const struct pn_ref *want;
	struct pn_subnet *got;
	u32 key;
	int i;

	for (i = 0; i < lookups; i++) {
		/* Half the probes land inside a known prefix. */
		key = get_random_u32();
		if (i & 1) {
			want = &ref[get_random_u32_below(nref)];
			key = want->key | (key & ~pn_mask(want->cidr));
		}
		want = pn_ref_lookup(ref, nref, key);
		rcu_read_lock_bh();
		got = pn_table_lookup(t, cpu_to_be32(key));
		if (!!got != !!want || (got && (got->key != want->key ||
						got->cidr != want->cidr))) {
			rcu_read_unlock_bh();
			pr_err("self-test: lookup of %pI4h disagrees with the reference\n",
			       &key);
			return -EINVAL;
		}
		rcu_read_unlock_bh();
	}
	return 0;
}

static int pn_selftest_run(struct pn_table *t, struct pn_ref *ref, int nref)
{
	struct pn_subnet *n, *spare = NULL;
	int i, ret = -ENOMEM, count = 0;
	u32 key;
	u8 cidr;

	for (i = 0; i < nref; i++) {
		/* Most prefixes fall inside one /16 so that they nest deeply;
		 * short ones are rare so that they do not cover everything.
		 */
		cidr = 8 + get_random_u32_below(25);
		if (!get_random_u32_below(16))
			cidr = get_random_u32_below(33);
		key = get_random_u32();
		if (get_random_u32_below(4))
			key = 0x0af40000 | (key & 0xffff);
		ref[i].cidr = cidr;
		ref[i].key = key & pn_mask(cidr);
		ref[i].used = !pn_table_find(t, ref[i].key, cidr);
		if (!ref[i].used)
			continue;
		n = pn_subnet_alloc(true);
		if (!spare)
			spare = pn_subnet_alloc(false);
		if (!n || !spare) {
			pn_subnet_free(n);
			goto out;
		}
		n->key = ref[i].key;
		n->cidr = cidr;
		pn_table_insert(t, n, &spare);
		count++;
	}
	ret = -EINVAL;
	if (t->count != count) {
		pr_err("self-test: %u entries, expected %d\n", t->count, count);
		goto out;
	}
	ret = pn_selftest_compare(t, ref, nref, 20000);
	if (ret)
		goto out;

	/* Remove every third prefix and compare again. */
	for (i = 0; i < nref; i += 3) {
		if (!ref[i].used)
			continue;
		if (!spare)
			spare = pn_subnet_alloc(false);
		ret = -ENOMEM;
		if (!spare)
			goto out;
		ret = pn_table_remove(t, ref[i].key, ref[i].cidr, &spare);
		if (ret) {
			pr_err("self-test: cannot remove a present prefix\n");
			goto out;
		}
		ref[i].used = false;
		count--;
	}
	ret = -EINVAL;
	if (t->count != count)
		goto out;
	ret = pn_selftest_compare(t, ref, nref, 20000);
out:
	pn_subnet_free(spare);
	pn_table_flush(t);
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
	pn_table_init(&t);
	mutex_lock(&t.lock);
	ret = pn_selftest_run(&t, ref, 4096);
	mutex_unlock(&t.lock);
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

int __init pn_subnets_init(void)
{
	int ret;

	pn_subnet_cache = KMEM_CACHE(pn_subnet, 0);
	if (!pn_subnet_cache)
		return -ENOMEM;
	pn_bare_cache = kmem_cache_create("pn_subnet_bare", PN_BARE_SIZE,
					  __alignof__(struct pn_subnet), 0,
					  NULL);
	if (!pn_bare_cache) {
		ret = -ENOMEM;
		goto err;
	}
	ret = pn_subnets_selftest();
	if (!ret)
		return 0;
	rcu_barrier();
	kmem_cache_destroy(pn_bare_cache);
err:
	kmem_cache_destroy(pn_subnet_cache);
	return ret;
}

void pn_subnets_uninit(void)
{
	rcu_barrier();
	kmem_cache_destroy(pn_bare_cache);
	kmem_cache_destroy(pn_subnet_cache);
}
