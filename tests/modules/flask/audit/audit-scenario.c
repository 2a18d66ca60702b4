/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fixed scenario under an enforcing FLASK policy, for the audit2allow
 * round trip (check-audit2allow.sh): the hypervisor model boots dom0, dom0
 * builds a guest (domU_t) and a second guest (other_t), and the domains do
 * things the base policy (audit-policy.conf) does not all allow: manage
 * the other guest, open an event channel, write to the console, hand a
 * device's IRQ, I/O memory, PCI device and device-tree node to the guest,
 * map another domain's grant.  Each operation is independent of the
 * others, and each is missing exactly the permissions that its first
 * denied check names, so the rules audit2allow writes from one run make
 * the next run pass.
 *
 * Every AVC line goes to stdout as a Xen console shows it, "(XEN) " first;
 * each failed operation is reported on stderr.
 *
 * usage: audit-scenario POLICY.bin
 * exit:  0 every operation succeeded and nothing was denied; 1 otherwise;
 *        2 the scenario could not be set up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openxsm/hooks.h>
#include <openxsm/hv.h>

#include "../../../lib/slurp.h"
#include "core/module.h"
#include "modules/flask/flask.h"

static unsigned denials, failures;

static void on_log(void *opaque, const char *line)
{
    (void)opaque;
    if (strncmp(line, "avc:", 4) == 0) {
        printf("(XEN) %s\n", line);
        denials += strncmp(line, "avc:  denied", 12) == 0;
    } else {
        fprintf(stderr, "log: %s\n", line);
    }
}

static void expect_ok(const char *what, long rc)
{
    if (rc < 0) {
        fprintf(stderr, "scenario: %s failed: %ld\n", what, rc);
        failures++;
    }
}

static uint32_t sid_of(struct hv *h, const char *ctx)
{
    struct xsm_instance *mi = xsm_find_active(hv_xsm(h), XSM_MODULE_FLASK);
    uint32_t sid = 0;

    if (mi == NULL || ss_context_to_sid(flask_ss(mi), ctx, strlen(ctx), &sid) != 0)
        return 0;
    return sid;
}

/* A device-tree path as long as real ones get: its audit line is over 256 bytes. */
static const char dt_path[] = "/amba_pl@0/fpga-region@a0000000/axi-interconnect@a0010000"
                              "/dma-controller@a0020000/dma-channel@a0020030/ethernet@a0040000"
                              "/mdio@a0040400/ethernet-phy@7";

int main(int argc, char **argv)
{
    struct hv_config cfg = {.modules = "flask", .flask_mode = "enforcing", .log = on_log};
    struct hv_domain_config guest = {0};
    struct hv_dominfo info;
    xsm_domid_t a = 0, b = 0;
    struct xsm_domain *d0, *da, *db;
    uint32_t port = 0;
    struct hv *h = NULL;
    unsigned char *policy;
    size_t len = 0;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: audit-scenario POLICY.bin\n");
        return 2;
    }
    policy = slurp_file(argv[1], &len);
    if (policy == NULL) {
        fprintf(stderr, "audit-scenario: cannot read %s\n", argv[1]);
        return 2;
    }
    cfg.policy = policy;
    cfg.policy_len = len;
    rc = hv_create(&h, &cfg);
    if (rc != 0) {
        fprintf(stderr, "audit-scenario: hv_create: %d\n", rc);
        free(policy);
        return 2;
    }

    /* dom0 builds the two guests. */
    guest.ssidref = sid_of(h, "system_u:system_r:domU_t");
    rc = hv_domain_create(h, 0, &guest, &a);
    guest.ssidref = sid_of(h, "system_u:system_r:other_t");
    if (rc == 0)
        rc = hv_domain_create(h, 0, &guest, &b);
    d0 = hv_domain_xsm(h, 0);
    da = hv_domain_xsm(h, a);
    db = hv_domain_xsm(h, b);
    if (rc != 0 || d0 == NULL || da == NULL || db == NULL) {
        fprintf(stderr, "audit-scenario: guests not built: %d\n", rc);
        hv_destroy(h);
        free(policy);
        return 2;
    }

    /* Domain management: dom0 on the other_t guest. */
    expect_ok("dom0 pauses the other guest", hv_domain_pause(h, 0, b));
    expect_ok("dom0 reads the other guest's info", hv_domain_getinfo(h, 0, b, &info));
    /* Event channel: the guest offers dom0 a channel. */
    expect_ok("guest allocates a channel for dom0", hv_evtchn_alloc_unbound(h, a, a, 0, &port));
    /* Console: the other guest writes to it. */
    expect_ok("other guest writes to the console", hv_console_write(h, b, "hello\n", 6));
    /* Passthrough, through the hooks the hypervisor calls for it. */
    expect_ok("dom0 gives the guest the nic's IRQ",
              xsm_map_domain_irq(hv_xsm(h), d0, da, 33, NULL));
    expect_ok("dom0 gives the guest the nic's frames",
              xsm_iomem_permission(hv_xsm(h), d0, da, 0xfe000, 0xfe0ff, 1));
    expect_ok("dom0 plugs a PCI device", xsm_resource_plug_pci(hv_xsm(h), d0, 0x400));
    expect_ok("dom0 gives the guest a device-tree node",
              xsm_assign_dtdevice(hv_xsm(h), d0, da, dt_path));
    /* Grants: the other guest maps a page of dom0's, writable. */
    expect_ok("other guest maps dom0's grant", xsm_grant_mapref(hv_xsm(h), db, db, d0, 0));

    hv_destroy(h);
    free(policy);
    fprintf(stderr, "audit-scenario: %u operations failed, %u denials logged\n", failures, denials);
    return failures == 0 && denials == 0 ? 0 : 1;
}
