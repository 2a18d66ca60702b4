/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every error docs/embedding.md ("Every error xsm_create can return") and
 * <openxsm/xsm.h> list, each reproduced once, with *out left untouched;
 * and the two things that are not errors (an unknown module name, a bad
 * policy in permissive mode).  -ENOMEM is the allocfail suite's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openxsm/xsm.h>
#include <openxsm/xsm_op.h>

static unsigned fails, checks, nlog;
static char lastlog[512];

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
    nlog++;
    snprintf(lastlog, sizeof(lastlog), "%s", line);
}

static const struct xsm_host_ops host_ops = {.log = host_log};

/* xsm_create with cfg must fail with want and leave *out as it was. */
static void refused(struct xsm_config cfg, int want, const char *what)
{
    xsm_ctx *sentinel = (xsm_ctx *)&cfg, *x = sentinel;
    int rc;

    cfg.host_ops = &host_ops;
    rc = xsm_create(&x, &cfg);
    checks++;
    if (rc != want || x != sentinel) {
        fails++;
        fprintf(stderr, "%s: xsm_create = %d (%s), want %d; out %s\n", what, rc, xsm_strerror(rc),
                want, x == sentinel ? "untouched" : "written");
        if (rc == 0 && x != sentinel)
            xsm_destroy(x);
    }
}

int main(void)
{
    static const unsigned char junk[64] = {0x8c, 0xff, 0x7c, 0xf9, 1, 2, 3};
    struct xsm_config cfg;
    xsm_ctx *x = NULL;

    CHECK(xsm_create(NULL, NULL) == -EINVAL);

    memset(&cfg, 0, sizeof(cfg));
    cfg.modules = "flask,";
    refused(cfg, -EINVAL, "empty element");
    cfg.modules = "silo,silo";
    refused(cfg, -EINVAL, "repeated module");
    cfg.modules = "dummy,silo,flask,a,b";
    refused(cfg, -EINVAL, "more than 4 entries");

    memset(&cfg, 0, sizeof(cfg));
    cfg.modules = "flask";
    cfg.flask_mode = "strict";
    refused(cfg, -EINVAL, "flask_mode");
    cfg.flask_mode = NULL;
    cfg.flask_classes = "by-name";
    refused(cfg, -EINVAL, "flask_classes");
    cfg.flask_classes = NULL;
    cfg.flask_formats = "any";
    refused(cfg, -EINVAL, "flask_formats");
    cfg.flask_formats = NULL;

    memset(&cfg, 0, sizeof(cfg));
    cfg.nr_irqs = 16;
    cfg.nr_static_irqs = 17;
    refused(cfg, -EINVAL, "nr_static_irqs > nr_irqs");

    memset(&cfg, 0, sizeof(cfg));
    cfg.modules = "flask";
    cfg.policy = junk;
    cfg.policy_len = sizeof(junk);
    nlog = 0;
    refused(cfg, -EINVAL, "enforcing boot, bad policy");
    CHECK(strcmp(lastlog, "Unable to load FLASK policy") == 0);

    /* Not errors. */
    cfg.flask_mode = "permissive";
    cfg.host_ops = &host_ops;
    CHECK(xsm_create(&x, &cfg) == 0);
    xsm_destroy(x);

    memset(&cfg, 0, sizeof(cfg));
    cfg.modules = "nosuch";
    cfg.host_ops = &host_ops;
    nlog = 0;
    x = NULL;
    CHECK(xsm_create(&x, &cfg) == 0);
    CHECK(x != NULL && xsm_active_count(x) == 1 && xsm_active_id(x, 0) == XSM_MODULE_FLASK);
    CHECK(nlog >= 1);
    xsm_destroy(x);

    printf("create-errors: %u checks, %u failed\n", checks, fails);
    return fails == 0 && checks > 0 ? 0 : 1;
}
