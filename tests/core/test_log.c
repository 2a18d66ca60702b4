/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsm_log: a line of any length reaches host_ops->log whole, and no byte
 * outside printable ASCII does (such bytes arrive as \xHH), so a string
 * from a guest or a policy cannot end a log line early or send escape
 * sequences to a console.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/xsm.h>

static unsigned fails, checks;
static char *last;
static unsigned nlines;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(c)) {                                                                                \
            fails++;                                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);                  \
        }                                                                                          \
    } while (0)

static void host_log(void *host, const char *line)
{
    (void)host;
    free(last);
    last = strdup(line);
    nlines++;
}

static const struct xsm_host_ops host_ops = {.log = host_log};

int main(void)
{
    struct xsm_config cfg = {.modules = "dummy", .host_ops = &host_ops};
    xsm_ctx *x = NULL;
    size_t n = 100000;
    char *big = malloc(n + 1);

    if (big == NULL || xsm_create(&x, &cfg) != 0) {
        fprintf(stderr, "setup failed\n");
        free(big);
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    big[n] = '\0';

    /* Long lines arrive whole, through a format as well as through "%s". */
    xsm_log(x, "%s", big);
    CHECK(last != NULL && strcmp(last, big) == 0);
    xsm_log(x, "<%s|%d>", big, 42);
    CHECK(last != NULL && strlen(last) == n + 5 && last[0] == '<' &&
          memcmp(last + 1, big, n) == 0 && strcmp(last + 1 + n, "|42>") == 0);

    /* Control bytes, DEL and non-ASCII bytes are escaped; the rest is kept. */
    xsm_log(x, "%s", "a\nb\r\x1b[31mc\x7f\xc3\xa9 d\\e\tf");
    CHECK(last != NULL && strcmp(last, "a\\x0ab\\x0d\\x1b[31mc\\x7f\\xc3\\xa9 d\\e\\x09f") == 0);
    /* Escaping a long line keeps all of it too. */
    big[n / 2] = '\n';
    xsm_log(x, "%s", big);
    CHECK(last != NULL && strlen(last) == n + 3 && memcmp(last + n / 2, "\\x0a", 4) == 0 &&
          strcmp(last + n / 2 + 4, big + n / 2 + 1) == 0);
    CHECK(nlines == 4);

    xsm_destroy(x);
    free(big);
    free(last);
    printf("core-log: %u checks, %u failed\n", checks, fails);
    return fails == 0 ? 0 : 1;
}
