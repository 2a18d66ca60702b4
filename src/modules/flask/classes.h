/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xen 4.17's FLASK classes and permissions (xen/xsm/flask/policy/
 * security_classes and access_vectors at RELEASE-4.17.0), in value and bit
 * order.  These values are what the hooks pass to the AVC; the security
 * server maps them by name onto the loaded policy's own values.
 */
#ifndef OPENXSM_FLASK_CLASSES_H
#define OPENXSM_FLASK_CLASSES_H

#include <openxsm/ss.h>

#define SECCLASS_XEN      1
#define SECCLASS_XEN2     2
#define SECCLASS_DOMAIN   3
#define SECCLASS_DOMAIN2  4
#define SECCLASS_HVM      5
#define SECCLASS_MMU      6
#define SECCLASS_RESOURCE 7
#define SECCLASS_SHADOW   8
#define SECCLASS_EVENT    9
#define SECCLASS_GRANT    10
#define SECCLASS_SECURITY 11
#define SECCLASS_VERSION  12
#define SECCLASS_ARGO     13
#define SECCLASS_NUM      13

#define XEN__SETTIME        (1U << 0)
#define XEN__TBUFCONTROL    (1U << 1)
#define XEN__READCONSOLE    (1U << 2)
#define XEN__CLEARCONSOLE   (1U << 3)
#define XEN__PERFCONTROL    (1U << 4)
#define XEN__MTRR_ADD       (1U << 5)
#define XEN__MTRR_DEL       (1U << 6)
#define XEN__MTRR_READ      (1U << 7)
#define XEN__MICROCODE      (1U << 8)
#define XEN__PHYSINFO       (1U << 9)
#define XEN__QUIRK          (1U << 10)
#define XEN__WRITECONSOLE   (1U << 11)
#define XEN__READAPIC       (1U << 12)
#define XEN__WRITEAPIC      (1U << 13)
#define XEN__PRIVPROFILE    (1U << 14)
#define XEN__NONPRIVPROFILE (1U << 15)
#define XEN__KEXEC          (1U << 16)
#define XEN__FIRMWARE       (1U << 17)
#define XEN__SLEEP          (1U << 18)
#define XEN__FREQUENCY      (1U << 19)
#define XEN__GETIDLE        (1U << 20)
#define XEN__DEBUG          (1U << 21)
#define XEN__GETCPUINFO     (1U << 22)
#define XEN__HEAP           (1U << 23)
#define XEN__PM_OP          (1U << 24)
#define XEN__MCA_OP         (1U << 25)
#define XEN__LOCKPROF       (1U << 26)
#define XEN__CPUPOOL_OP     (1U << 27)
#define XEN__HYPFS_OP       (1U << 28)
#define XEN__GETSCHEDULER   (1U << 29)
#define XEN__SETSCHEDULER   (1U << 30)

#define XEN2__RESOURCE_OP            (1U << 0)
#define XEN2__PSR_CMT_OP             (1U << 1)
#define XEN2__PSR_ALLOC              (1U << 2)
#define XEN2__GET_SYMBOL             (1U << 3)
#define XEN2__PMU_CTRL               (1U << 4)
#define XEN2__PMU_USE                (1U << 5)
#define XEN2__GET_CPU_LEVELLING_CAPS (1U << 6)
#define XEN2__GET_CPU_FEATURESET     (1U << 7)
#define XEN2__LIVEPATCH_OP           (1U << 8)
#define XEN2__COVERAGE_OP            (1U << 9)

#define DOMAIN__SETVCPUCONTEXT   (1U << 0)
#define DOMAIN__PAUSE            (1U << 1)
#define DOMAIN__UNPAUSE          (1U << 2)
#define DOMAIN__RESUME           (1U << 3)
#define DOMAIN__CREATE           (1U << 4)
#define DOMAIN__TRANSITION       (1U << 5)
#define DOMAIN__MAX_VCPUS        (1U << 6)
#define DOMAIN__DESTROY          (1U << 7)
#define DOMAIN__SETAFFINITY      (1U << 8)
#define DOMAIN__GETAFFINITY      (1U << 9)
#define DOMAIN__GETSCHEDULER     (1U << 10)
#define DOMAIN__GETDOMAININFO    (1U << 11)
#define DOMAIN__GETVCPUINFO      (1U << 12)
#define DOMAIN__GETVCPUCONTEXT   (1U << 13)
#define DOMAIN__SETDOMAINMAXMEM  (1U << 14)
#define DOMAIN__SETDOMAINHANDLE  (1U << 15)
#define DOMAIN__SETDEBUGGING     (1U << 16)
#define DOMAIN__HYPERCALL        (1U << 17)
#define DOMAIN__SETTIME          (1U << 18)
#define DOMAIN__SET_TARGET       (1U << 19)
#define DOMAIN__SHUTDOWN         (1U << 20)
#define DOMAIN__SETADDRSIZE      (1U << 21)
#define DOMAIN__GETADDRSIZE      (1U << 22)
#define DOMAIN__TRIGGER          (1U << 23)
#define DOMAIN__GETPODTARGET     (1U << 24)
#define DOMAIN__SETPODTARGET     (1U << 25)
#define DOMAIN__SET_MISC_INFO    (1U << 26)
#define DOMAIN__SET_VIRQ_HANDLER (1U << 27)
#define DOMAIN__GETPAGINGMEMPOOL (1U << 28)
#define DOMAIN__SETPAGINGMEMPOOL (1U << 29)

#define DOMAIN2__RELABELFROM            (1U << 0)
#define DOMAIN2__RELABELTO              (1U << 1)
#define DOMAIN2__RELABELSELF            (1U << 2)
#define DOMAIN2__MAKE_PRIV_FOR          (1U << 3)
#define DOMAIN2__SET_AS_TARGET          (1U << 4)
#define DOMAIN2__SET_CPU_POLICY         (1U << 5)
#define DOMAIN2__GETTSC                 (1U << 6)
#define DOMAIN2__SETTSC                 (1U << 7)
#define DOMAIN2__SETSCHEDULER           (1U << 8)
#define DOMAIN2__SETCLAIM               (1U << 9)
#define DOMAIN2__CACHEFLUSH             (1U << 10)
#define DOMAIN2__CREATE_HARDWARE_DOMAIN (1U << 11)
#define DOMAIN2__SET_VNUMAINFO          (1U << 12)
#define DOMAIN2__GET_VNUMAINFO          (1U << 13)
#define DOMAIN2__PSR_CMT_OP             (1U << 14)
#define DOMAIN2__VM_EVENT               (1U << 15)
#define DOMAIN2__SOFT_RESET             (1U << 16)
#define DOMAIN2__MEM_ACCESS             (1U << 17)
#define DOMAIN2__MEM_PAGING             (1U << 18)
#define DOMAIN2__MEM_SHARING            (1U << 19)
#define DOMAIN2__PSR_ALLOC              (1U << 20)
#define DOMAIN2__RESOURCE_MAP           (1U << 21)
#define DOMAIN2__GET_CPU_POLICY         (1U << 22)

#define HVM__SETHVMC      (1U << 0)
#define HVM__GETHVMC      (1U << 1)
#define HVM__SETPARAM     (1U << 2)
#define HVM__GETPARAM     (1U << 3)
#define HVM__BIND_IRQ     (1U << 4)
#define HVM__HVMCTL       (1U << 5)
#define HVM__MEM_SHARING  (1U << 6)
#define HVM__AUDIT_P2M    (1U << 7)
#define HVM__SHARE_MEM    (1U << 8)
#define HVM__ALTP2MHVM    (1U << 9)
#define HVM__ALTP2MHVM_OP (1U << 10)
#define HVM__DM           (1U << 11)

#define MMU__MAP_READ     (1U << 0)
#define MMU__MAP_WRITE    (1U << 1)
#define MMU__PAGEINFO     (1U << 2)
#define MMU__ADJUST       (1U << 3)
#define MMU__STAT         (1U << 4)
#define MMU__UPDATEMP     (1U << 5)
#define MMU__PHYSMAP      (1U << 6)
#define MMU__PINPAGE      (1U << 7)
#define MMU__MEMORYMAP    (1U << 8)
#define MMU__REMOTE_REMAP (1U << 9)
#define MMU__MMUEXT_OP    (1U << 10)
#define MMU__EXCHANGE     (1U << 11)
#define MMU__TARGET_HACK  (1U << 12)

#define RESOURCE__ADD                  (1U << 0)
#define RESOURCE__REMOVE               (1U << 1)
#define RESOURCE__USE                  (1U << 2)
#define RESOURCE__USE_IOMMU            (1U << 3)
#define RESOURCE__USE_IOMMU_NOINTREMAP (1U << 4)
#define RESOURCE__USE_NOIOMMU          (1U << 5)
#define RESOURCE__ADD_IRQ              (1U << 6)
#define RESOURCE__REMOVE_IRQ           (1U << 7)
#define RESOURCE__ADD_IOPORT           (1U << 8)
#define RESOURCE__REMOVE_IOPORT        (1U << 9)
#define RESOURCE__ADD_IOMEM            (1U << 10)
#define RESOURCE__REMOVE_IOMEM         (1U << 11)
#define RESOURCE__STAT_DEVICE          (1U << 12)
#define RESOURCE__ADD_DEVICE           (1U << 13)
#define RESOURCE__REMOVE_DEVICE        (1U << 14)
#define RESOURCE__PLUG                 (1U << 15)
#define RESOURCE__UNPLUG               (1U << 16)
#define RESOURCE__SETUP                (1U << 17)

#define SHADOW__DISABLE  (1U << 0)
#define SHADOW__ENABLE   (1U << 1)
#define SHADOW__LOGDIRTY (1U << 2)

#define EVENT__BIND   (1U << 0)
#define EVENT__SEND   (1U << 1)
#define EVENT__STATUS (1U << 2)
#define EVENT__CREATE (1U << 3)
#define EVENT__RESET  (1U << 4)

#define GRANT__MAP_READ  (1U << 0)
#define GRANT__MAP_WRITE (1U << 1)
#define GRANT__UNMAP     (1U << 2)
#define GRANT__TRANSFER  (1U << 3)
#define GRANT__SETUP     (1U << 4)
#define GRANT__COPY      (1U << 5)
#define GRANT__QUERY     (1U << 6)

#define SECURITY__COMPUTE_AV      (1U << 0)
#define SECURITY__COMPUTE_CREATE  (1U << 1)
#define SECURITY__COMPUTE_MEMBER  (1U << 2)
#define SECURITY__CHECK_CONTEXT   (1U << 3)
#define SECURITY__LOAD_POLICY     (1U << 4)
#define SECURITY__COMPUTE_RELABEL (1U << 5)
#define SECURITY__SETENFORCE      (1U << 6)
#define SECURITY__SETBOOL         (1U << 7)
#define SECURITY__SETSECPARAM     (1U << 8)
#define SECURITY__ADD_OCONTEXT    (1U << 9)
#define SECURITY__DEL_OCONTEXT    (1U << 10)

#define VERSION__XEN_EXTRAVERSION (1U << 0)
#define VERSION__XEN_COMPILE_INFO (1U << 1)
#define VERSION__XEN_CAPABILITIES (1U << 2)
#define VERSION__XEN_CHANGESET    (1U << 3)
#define VERSION__XEN_PAGESIZE     (1U << 4)
#define VERSION__XEN_GUEST_HANDLE (1U << 5)
#define VERSION__XEN_COMMANDLINE  (1U << 6)
#define VERSION__XEN_BUILD_ID     (1U << 7)

#define ARGO__ENABLE                 (1U << 0)
#define ARGO__REGISTER_SINGLE_SOURCE (1U << 1)
#define ARGO__REGISTER_ANY_SOURCE    (1U << 2)
#define ARGO__SEND                   (1U << 3)

/* Class map for ss_config.map: entry i is class value i + 1. */
extern const struct ss_class_map flask_class_map[SECCLASS_NUM];

/* Name of a Xen class value, or NULL. */
const char *flask_class_name(uint16_t tclass);
/* Name of permission bit (0..31) of a Xen class, or NULL. */
const char *flask_perm_name(uint16_t tclass, unsigned bit);

#endif /* OPENXSM_FLASK_CLASSES_H */
