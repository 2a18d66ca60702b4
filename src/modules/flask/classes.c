/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The class table of classes.h as the security server's mapping input.
 */
#include <stddef.h>

#include "classes.h"

static const char *const perms_xen[] = {
    "settime",      "tbufcontrol", "readconsole", "clearconsole",   "perfcontrol", "mtrr_add",
    "mtrr_del",     "mtrr_read",   "microcode",   "physinfo",       "quirk",       "writeconsole",
    "readapic",     "writeapic",   "privprofile", "nonprivprofile", "kexec",       "firmware",
    "sleep",        "frequency",   "getidle",     "debug",          "getcpuinfo",  "heap",
    "pm_op",        "mca_op",      "lockprof",    "cpupool_op",     "hypfs_op",    "getscheduler",
    "setscheduler", NULL,
};
static const char *const perms_xen2[] = {
    "resource_op",
    "psr_cmt_op",
    "psr_alloc",
    "get_symbol",
    "pmu_ctrl",
    "pmu_use",
    "get_cpu_levelling_caps",
    "get_cpu_featureset",
    "livepatch_op",
    "coverage_op",
    NULL,
};
static const char *const perms_domain[] = {
    "setvcpucontext",
    "pause",
    "unpause",
    "resume",
    "create",
    "transition",
    "max_vcpus",
    "destroy",
    "setaffinity",
    "getaffinity",
    "getscheduler",
    "getdomaininfo",
    "getvcpuinfo",
    "getvcpucontext",
    "setdomainmaxmem",
    "setdomainhandle",
    "setdebugging",
    "hypercall",
    "settime",
    "set_target",
    "shutdown",
    "setaddrsize",
    "getaddrsize",
    "trigger",
    "getpodtarget",
    "setpodtarget",
    "set_misc_info",
    "set_virq_handler",
    "getpagingmempool",
    "setpagingmempool",
    NULL,
};
static const char *const perms_domain2[] = {
    "relabelfrom",   "relabelto",      "relabelself",    "make_priv_for",
    "set_as_target", "set_cpu_policy", "gettsc",         "settsc",
    "setscheduler",  "setclaim",       "cacheflush",     "create_hardware_domain",
    "set_vnumainfo", "get_vnumainfo",  "psr_cmt_op",     "vm_event",
    "soft_reset",    "mem_access",     "mem_paging",     "mem_sharing",
    "psr_alloc",     "resource_map",   "get_cpu_policy", NULL,
};
static const char *const perms_hvm[] = {
    "sethvmc",   "gethvmc",   "setparam",  "getparam",     "bind_irq", "hvmctl", "mem_sharing",
    "audit_p2m", "share_mem", "altp2mhvm", "altp2mhvm_op", "dm",       NULL,
};
static const char *const perms_mmu[] = {
    "map_read", "map_write", "pageinfo",     "adjust",    "stat",     "updatemp",    "physmap",
    "pinpage",  "memorymap", "remote_remap", "mmuext_op", "exchange", "target_hack", NULL,
};
static const char *const perms_resource[] = {
    "add",         "remove",       "use",         "use_iommu",  "use_iommu_nointremap",
    "use_noiommu", "add_irq",      "remove_irq",  "add_ioport", "remove_ioport",
    "add_iomem",   "remove_iomem", "stat_device", "add_device", "remove_device",
    "plug",        "unplug",       "setup",       NULL,
};
static const char *const perms_shadow[] = {
    "disable",
    "enable",
    "logdirty",
    NULL,
};
static const char *const perms_event[] = {
    "bind", "send", "status", "create", "reset", NULL,
};
static const char *const perms_grant[] = {
    "map_read", "map_write", "unmap", "transfer", "setup", "copy", "query", NULL,
};
static const char *const perms_security[] = {
    "compute_av",  "compute_create",  "compute_member", "check_context",
    "load_policy", "compute_relabel", "setenforce",     "setbool",
    "setsecparam", "add_ocontext",    "del_ocontext",   NULL,
};
static const char *const perms_version[] = {
    "xen_extraversion", "xen_compile_info", "xen_capabilities",
    "xen_changeset",    "xen_pagesize",     "xen_guest_handle",
    "xen_commandline",  "xen_build_id",     NULL,
};
static const char *const perms_argo[] = {
    "enable", "register_single_source", "register_any_source", "send", NULL,
};

const struct ss_class_map flask_class_map[SECCLASS_NUM] = {
    {"xen", perms_xen},           {"xen2", perms_xen2},         {"domain", perms_domain},
    {"domain2", perms_domain2},   {"hvm", perms_hvm},           {"mmu", perms_mmu},
    {"resource", perms_resource}, {"shadow", perms_shadow},     {"event", perms_event},
    {"grant", perms_grant},       {"security", perms_security}, {"version", perms_version},
    {"argo", perms_argo},
};

const char *flask_class_name(uint16_t tclass)
{
    if (tclass == 0 || tclass > SECCLASS_NUM)
        return NULL;
    return flask_class_map[tclass - 1].name;
}

const char *flask_perm_name(uint16_t tclass, unsigned bit)
{
    const char *const *p;

    if (tclass == 0 || tclass > SECCLASS_NUM || bit >= 32)
        return NULL;
    p = flask_class_map[tclass - 1].perms;
    for (unsigned i = 0; p[i] != NULL; i++)
        if (i == bit)
            return p[i];
    return NULL;
}
