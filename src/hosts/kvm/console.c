/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PV console backend: what xenconsoled does with a guest's console
 * page (struct xencons_interface, Xen's io/console.h: in[1024] at 0,
 * out[2048] at 1024, then in_cons, in_prod, out_cons, out_prod).
 *
 * The page is in guest memory, so every index in it is the guest's and
 * untrusted.  Each is read once; the bytes between out_cons and out_prod
 * are taken only if there are at most 2048 of them (else the indices are
 * garbage and, as xenconsoled does, nothing is taken); every access is
 * masked into the ring.  Indices are free-running 32-bit counters, so
 * their difference is right across the 2^32 wrap.
 *
 * The bytes are kept raw per VM (the last KVMH_CON_KEEP of them) and
 * escaped wherever they are printed: xsm-kvm-run's "(dN:pv)" lines here,
 * xsmctl console on the client side.  Console input (the in ring) is not
 * served.
 */
#include <string.h>

#include "kvmhost.h"

#define OUT_OFF     1024U
#define OUT_SIZE    2048U
#define OUT_CONS    3080U
#define OUT_PROD    3084U
#define LINE_ESCAPE 4U /* "\xHH" */

static uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void keep(struct kvmh_rings *r, uint8_t c)
{
    r->con[r->con_total % KVMH_CON_KEEP] = c;
    r->con_total++;
}

int kvmh_console_drain(struct kvmh_vm *vm)
{
    struct kvmh_rings *r = &vm->rings;
    uint8_t *page;
    uint32_t cons, prod, size;

    if (!r->gpa || !r->con)
        return 0;
    page = vm->mem + r->gpa;
    cons = ld32(page + OUT_CONS);
    prod = ld32(page + OUT_PROD);
    size = prod - cons;
    if (size == 0)
        return 0;
    if (size > OUT_SIZE) {
        if (!r->con_bad)
            kvmh_note(vm->host, "d%u: console ring indices out of range (cons %u, prod %u)",
                      vm->domid, cons, prod);
        r->con_bad = true;
        return 0;
    }
    for (uint32_t i = 0; i < size; i++)
        keep(r, page[OUT_OFF + ((cons + i) & (OUT_SIZE - 1))]);
    st32(page + OUT_CONS, prod);
    return 1;
}

size_t kvmh_console_read(const struct kvmh_vm *vm, uint64_t from, void *buf, size_t cap,
                         uint64_t *next)
{
    const struct kvmh_rings *r = &vm->rings;
    uint64_t oldest = r->con_total > KVMH_CON_KEEP ? r->con_total - KVMH_CON_KEEP : 0;
    uint8_t *out = buf;
    size_t n = 0;

    if (from < oldest)
        from = oldest;
    if (!r->con || from > r->con_total)
        from = r->con_total;
    for (; from < r->con_total && n < cap; from++)
        out[n++] = r->con[from % KVMH_CON_KEEP];
    *next = from;
    return n;
}

size_t kvmh_escape(char *out, size_t cap, const uint8_t *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        uint8_t c = s[i];

        if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t') {
            if (n + 1 >= cap)
                break;
            out[n++] = (char)c;
        } else {
            if (n + LINE_ESCAPE >= cap)
                break;
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    if (cap)
        out[n] = '\0';
    return n;
}

void kvmh_console_print(const struct kvmh_vm *vm, FILE *f)
{
    uint8_t chunk[256];
    char esc[sizeof(chunk) * LINE_ESCAPE + 1];
    uint64_t at = 0, next = 0;
    bool line_start = true;
    size_t n;

    while ((n = kvmh_console_read(vm, at, chunk, sizeof(chunk), &next)) > 0) {
        size_t from = 0;

        for (size_t i = 0; i <= n; i++) {
            if (i < n && chunk[i] != '\n')
                continue;
            /* [from, i) is (part of) a line; i < n: it ends here. */
            size_t end = i;

            /* A line ended "\r\n" (as Xen kernels write them) prints as one line. */
            if (i < n && end > from && chunk[end - 1] == '\r')
                end--;
            if (line_start && (i > from || i < n))
                fprintf(f, "(d%u:pv) ", vm->domid);
            kvmh_escape(esc, sizeof(esc), chunk + from, end - from);
            fputs(esc, f);
            if (i < n) {
                fputc('\n', f);
                line_start = true;
            } else if (i > from) {
                line_start = false; /* the line goes on in the next chunk */
            }
            from = i + 1;
        }
        at = next;
    }
    if (!line_start)
        fputc('\n', f);
}
