/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsm_strerror: every error the library returns has its own message, the
 * sign of the argument does not matter, and anything else gets one
 * "unknown" message.  Messages are single printable lines, so a host can
 * put them into a log line as they are.
 *
 * The list below is every errno the library's sources return (a grep of
 * src/ for "-E..."), in Xen's numbering, which on Linux is <errno.h>'s.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openxsm/xsm.h>

static unsigned fails, checks;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(c)) {                                                                                \
            fails++;                                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);                  \
        }                                                                                          \
    } while (0)

static const struct {
    int err, xen; /* <errno.h> and Xen's public errno.h value */
} known[] = {
    {EPERM, 1},     {ENOENT, 2},         {ESRCH, 3},      {E2BIG, 7},     {EAGAIN, 11},
    {ENOMEM, 12},   {EACCES, 13},        {EFAULT, 14},    {EBUSY, 16},    {EEXIST, 17},
    {ENODEV, 19},   {EINVAL, 22},        {ENOSPC, 28},    {ERANGE, 34},   {ENOSYS, 38},
    {ENODATA, 61},  {EBADMSG, 74},       {EOVERFLOW, 75}, {EMSGSIZE, 90}, {EOPNOTSUPP, 95},
    {ENOBUFS, 105}, {ECONNREFUSED, 111},
};
#define NKNOWN (sizeof(known) / sizeof(known[0]))

static int printable_line(const char *s)
{
    if (s == NULL || *s == '\0')
        return 0;
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return 0;
    return 1;
}

int main(void)
{
    const char *unknown = xsm_strerror(-4095);
    const char *ok = xsm_strerror(0);

    CHECK(printable_line(unknown));
    CHECK(printable_line(ok));
    CHECK(strcmp(ok, unknown) != 0);

    for (unsigned i = 0; i < NKNOWN; i++) {
        const char *m = xsm_strerror(-known[i].err);

        /* This host numbers errors as Xen does, so the table means the same. */
        CHECK(known[i].err == known[i].xen);
        CHECK(printable_line(m));
        CHECK(m != NULL && strcmp(m, unknown) != 0);
        CHECK(m != NULL && strcmp(m, ok) != 0);
        /* The sign is ignored: -EINVAL as returned, EINVAL as errno holds it. */
        CHECK(m == xsm_strerror(known[i].err) ||
              (m != NULL && strcmp(m, xsm_strerror(known[i].err)) == 0));
        for (unsigned j = 0; j < i; j++)
            CHECK(m != NULL && strcmp(m, xsm_strerror(-known[j].err)) != 0);
    }
    /* The two denials a caller must tell apart name their cause. */
    CHECK(strstr(xsm_strerror(-EACCES), "policy") != NULL);
    CHECK(strstr(xsm_strerror(-EPERM), "privilege") != NULL);

    /* Values no call returns, including ones whose negation overflows. */
    CHECK(strcmp(xsm_strerror(INT_MIN), unknown) == 0);
    CHECK(strcmp(xsm_strerror(INT_MAX), unknown) == 0);
    CHECK(strcmp(xsm_strerror(-9999), unknown) == 0);
    CHECK(strcmp(xsm_strerror(-EIO), unknown) == 0);

    printf("strerror: %u checks, %u failed\n", checks, fails);
    return fails == 0 && checks > 0 ? 0 : 1;
}
