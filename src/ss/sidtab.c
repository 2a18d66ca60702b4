/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SID table: SID -> context for every query, context -> SID when a
 * label is computed or named.
 *
 * SIDs are allocated densely, so SID -> context is an index, into chunks
 * that double in size (chunk i holds 64 << i entries) and never move once
 * allocated: a reader finds an entry with two loads and no lock while
 * another thread allocates.  An entry is filled first and published by the
 * release store of its string, which is also its canonical context string.
 * Context -> SID goes through a hash over those strings, kept under the
 * table's mutex together with allocation: labels are computed when domains
 * and channels are made, not on the decision path.
 */
#include <stdlib.h>

#include "state.h"

#define CHUNK0 64U

/* Chunk and index of sid. */
static unsigned chunk_of(ss_sid sid, uint32_t *idx)
{
    uint64_t x = (uint64_t)sid / CHUNK0 + 1;
    unsigned c = 63 - (unsigned)__builtin_clzll(x);

    *idx = (uint32_t)(sid - CHUNK0 * ((1ULL << c) - 1));
    return c;
}

struct ss_sidtab *ss_sidtab_new(void)
{
    struct ss_sidtab *t = calloc(1, sizeof(*t));

    if (!t)
        return NULL;
    if (pthread_mutex_init(&t->lock, NULL) != 0) {
        free(t);
        return NULL;
    }
    atomic_init(&t->refs, 1);
    t->next = 1;
    return t;
}

void ss_sidtab_put(struct ss_sidtab *t)
{
    if (!t || atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1)
        return;
    for (unsigned c = 0; c < SS_SIDTAB_CHUNKS; c++) {
        struct ss_sident *e = atomic_load_explicit(&t->chunk[c], memory_order_relaxed);
        if (!e)
            continue;
        for (uint32_t i = 0; i < CHUNK0 << c; i++) {
            char *str = atomic_load_explicit(&e[i].str, memory_order_relaxed);
            if (str) {
                free(str);
                ss_ctx_free(&e[i].ctx);
            }
        }
        free(e);
    }
    free(t->h);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

const struct ss_sident *ss_sidtab_get(const struct ss_sidtab *t, ss_sid sid)
{
    uint32_t i;
    unsigned c;
    const struct ss_sident *e;

    if (!t || !sid)
        return NULL;
    c = chunk_of(sid, &i);
    if (c >= SS_SIDTAB_CHUNKS)
        return NULL;
    e = atomic_load_explicit(&t->chunk[c], memory_order_acquire);
    if (!e || !atomic_load_explicit(&e[i].str, memory_order_acquire))
        return NULL;
    return &e[i];
}

/* The entry slot of sid, allocating its chunk (lock held). */
static struct ss_sident *slot(struct ss_sidtab *t, ss_sid sid)
{
    uint32_t i;
    unsigned c = chunk_of(sid, &i);
    struct ss_sident *e;

    if (c >= SS_SIDTAB_CHUNKS)
        return NULL;
    e = atomic_load_explicit(&t->chunk[c], memory_order_relaxed);
    if (!e) {
        e = calloc(CHUNK0 << c, sizeof(*e));
        if (!e)
            return NULL;
        atomic_store_explicit(&t->chunk[c], e, memory_order_release);
    }
    return &e[i];
}

static uint32_t lookup_str(const struct ss_sidtab *t, const char *s, uint32_t len, uint32_t h)
{
    if (!t->h)
        return 0;
    for (uint32_t i = h & t->hmask;; i = (i + 1) & t->hmask) {
        uint32_t sid = t->h[i];
        if (!sid)
            return 0;
        const struct ss_sident *e = ss_sidtab_get(t, sid);
        if (e->hash == h && e->len == len && memcmp(e->str, s, len) == 0)
            return sid;
    }
}

/* Room in the string hash for one more SID (lock held); the only step that can fail. */
static int hash_reserve(struct ss_sidtab *t)
{
    if (t->h && (uint64_t)(t->count + 1) * 2 <= (uint64_t)t->hmask + 1)
        return 0;
    uint32_t sz = t->h ? (t->hmask + 1) * 2 : 32;
    uint32_t *h = calloc(sz, sizeof(*h));
    if (!h)
        return -ENOMEM;
    for (uint32_t j = 0; t->h && j <= t->hmask; j++) {
        uint32_t s = t->h[j];
        if (!s)
            continue;
        uint32_t k = ss_sidtab_get(t, s)->hash & (sz - 1);
        while (h[k])
            k = (k + 1) & (sz - 1);
        h[k] = s;
    }
    free(t->h);
    t->h = h;
    t->hmask = sz - 1;
    return 0;
}

static void hash_insert(struct ss_sidtab *t, uint32_t sid, uint32_t hash)
{
    uint32_t i = hash & t->hmask;
    while (t->h[i])
        i = (i + 1) & t->hmask;
    t->h[i] = sid;
    t->count++;
}

/*
 * Everything that can fail comes first (the chunk, the context's copy, room
 * in the hash); only then is the entry published, so a lock-free reader
 * never sees a SID that is taken back, nor reads a context being freed.
 */
int ss_sidtab_set(struct ss_sidtab *t, ss_sid sid, const struct ss_context *ctx, char *str,
                  uint32_t len)
{
    struct ss_sident *e = slot(t, sid);
    uint32_t hash = ss_hash_bytes(str, len);

    if (!e)
        return -ENOMEM;
    /* An equal context keeps its first SID in the hash; the entry still resolves. */
    bool hashed = !lookup_str(t, str, len, hash);
    if (hashed && hash_reserve(t))
        return -ENOMEM;
    if (ss_ctx_dup(&e->ctx, ctx))
        return -ENOMEM;
    e->len = len;
    e->hash = hash;
    /* Publish before hashing: the hash reads entries through ss_sidtab_get. */
    atomic_store_explicit(&e->str, str, memory_order_release);
    if (hashed)
        hash_insert(t, sid, hash);
    if (sid >= t->next)
        t->next = sid + 1;
    return 0;
}

int ss_sidtab_intern(struct ss_sidtab *t, const struct ss_context *ctx, char *str, uint32_t len,
                     ss_sid *out)
{
    int rc = 0;

    pthread_mutex_lock(&t->lock);
    if (t->frozen) {
        rc = -EAGAIN;
    } else {
        uint32_t sid = lookup_str(t, str, len, ss_hash_bytes(str, len));
        if (sid) {
            free(str);
        } else {
            sid = t->next;
            rc = sid == 0 || sid == UINT32_MAX ? -ENOMEM : ss_sidtab_set(t, sid, ctx, str, len);
        }
        if (!rc)
            *out = sid;
    }
    pthread_mutex_unlock(&t->lock);
    return rc;
}
