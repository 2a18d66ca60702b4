/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Arena allocator, extensible bitmaps and the string hash used by the
 * policy.  A policy is freed by releasing its arena blocks; there is no
 * per-node free.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ss_internal.h"

struct ss_arena_blk {
    struct ss_arena_blk *next;
    size_t size;
    /* payload follows, 16-aligned */
} __attribute__((aligned(16)));

#define ARENA_BLOCK ((size_t)256 * 1024)

static void *arena_take(struct ss_arena *a, size_t n, size_t align)
{
    size_t pad = (size_t)(-(uintptr_t)a->cur) & (align - 1);
    if (n == 0)
        n = 1;
    if (!a->cur || n + pad > a->left) {
        /*
         * Blocks start at the size the owner hinted (small policies stay
         * small) and double up to ARENA_BLOCK.  Large requests get their own
         * block so the current one keeps its tail.
         */
        size_t std = a->block && a->block < ARENA_BLOCK ? a->block : ARENA_BLOCK;
        bool own = n > std / 4;
        size_t bs = own ? n : std;
        if (!own)
            a->block = std * 2;
        struct ss_arena_blk *b = calloc(1, sizeof(*b) + bs);
        if (!b)
            return NULL;
        b->size = bs;
        b->next = a->head;
        a->head = b;
        a->total += bs;
        if (own)
            return (char *)(b + 1);
        a->cur = (char *)(b + 1);
        a->left = bs;
        pad = 0;
    }
    void *p = a->cur + pad;
    a->cur += pad + n;
    a->left -= pad + n;
    return p;
}

void *ss_arena_alloc(struct ss_arena *a, size_t n)
{
    return arena_take(a, n, 16);
}

char *ss_arena_chars(struct ss_arena *a, size_t n)
{
    return arena_take(a, n, 1);
}

void ss_arena_free(struct ss_arena *a)
{
    struct ss_arena_blk *b = a->head;
    while (b) {
        struct ss_arena_blk *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
    a->cur = NULL;
    a->left = 0;
    a->total = 0;
}

bool ss_ebm_get(const struct ss_ebm *e, uint32_t bit)
{
    if (bit >= e->highbit)
        return false;
    /* nodes are sorted; small maps are the norm, so scan from the end */
    uint32_t lo = 0, hi = e->n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        const struct ss_ebm_node *nd = &e->node[mid];
        if (bit < nd->start)
            hi = mid;
        else if (bit >= nd->start + 64)
            lo = mid + 1;
        else
            return (nd->map >> (bit - nd->start)) & 1;
    }
    return false;
}

bool ss_ebm_contains(const struct ss_ebm *a, const struct ss_ebm *b)
{
    uint32_t i = 0;
    for (uint32_t j = 0; j < b->n; j++) {
        while (i < a->n && a->node[i].start < b->node[j].start)
            i++;
        if (i == a->n || a->node[i].start != b->node[j].start)
            return false;
        if ((a->node[i].map & b->node[j].map) != b->node[j].map)
            return false;
    }
    return true;
}

bool ss_ebm_eq(const struct ss_ebm *a, const struct ss_ebm *b)
{
    if (a->n != b->n || a->highbit != b->highbit)
        return false;
    for (uint32_t i = 0; i < a->n; i++)
        if (a->node[i].start != b->node[i].start || a->node[i].map != b->node[i].map)
            return false;
    return true;
}

uint32_t ss_ebm_count(const struct ss_ebm *e)
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < e->n; i++)
        c += (uint32_t)__builtin_popcountll(e->node[i].map);
    return c;
}

uint32_t ss_ebm_next(const struct ss_ebm *e, uint32_t from)
{
    for (uint32_t i = 0; i < e->n; i++) {
        const struct ss_ebm_node *nd = &e->node[i];
        if (from >= nd->start + 64)
            continue;
        uint64_t m = nd->map;
        if (from > nd->start)
            m &= ~0ULL << (from - nd->start);
        if (m)
            return nd->start + (uint32_t)__builtin_ctzll(m);
    }
    return UINT32_MAX;
}

uint32_t ss_hash_bytes(const void *p, size_t n)
{
    /* FNV-1a: names are short, this is fast enough and has no tables. */
    const unsigned char *s = p;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 16777619u;
    }
    return h;
}

uint32_t ss_strhash_get(const struct ss_strhash *h, const char *name, size_t len)
{
    if (!h->ent)
        return 0;
    uint32_t i = ss_hash_bytes(name, len) & h->mask;
    for (;;) {
        const struct ss_strent *e = &h->ent[i];
        if (!e->name)
            return 0;
        if (e->len == len && memcmp(e->name, name, len) == 0)
            return e->value;
        i = (i + 1) & h->mask;
    }
}
