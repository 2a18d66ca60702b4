/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A client of Debian's libxenctrl: every xc_flask_* function, run through
 * xsm-run (libxsm-privcmd) against xsmd.  Commands on the command line run
 * in order, one line of output each: the function's return value and, when
 * it fails, errno; then what it returned through its pointers.  The test
 * compares this with the daemon's state read back by xsmd-client, which
 * speaks the wire protocol itself.  Built with Xen's headers only.
 *
 *   op | getenforce | setenforce N | c2s CTX | s2c SID | getbool NAME
 *   getbool# ID | setbool NAME V COMMIT | load FILE | addpirq N CTX
 *   addioport LO HI CTX | addiomem LO HI CTX | adddevice SBDF CTX | delpirq N
 *   delioport LO HI | deliomem LO HI | deldevice SBDF
 *   access SCON TCON CLASS REQ | cachestats | hashstats | policyvers
 *   getthreshold | setthreshold N | relabel DOMID SID
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xen/xsm/flask_op.h>

static unsigned long num(const char *s)
{
    return strtoul(s, NULL, 0);
}

/* "name: rc" plus errno when rc is negative. */
static void res(const char *name, int rc, int err)
{
    if (rc < 0)
        printf("%s: %d errno %d", name, rc, err);
    else
        printf("%s: %d", name, rc);
}

int main(int argc, char **argv)
{
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);

    if (!xch) {
        printf("FATAL xc_interface_open: %s\n", strerror(errno));
        return 1;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        const char *c = argv[i];
        int left = argc - i - 1, rc, e;

#define NEED(n)                                                                                    \
    do {                                                                                           \
        if (left < (n)) {                                                                          \
            printf("FATAL %s: arguments\n", c);                                                    \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)
        errno = 0;
        if (!strcmp(c, "op")) {
            xen_flask_op_t op;

            memset(&op, 0, sizeof(op));
            op.cmd = FLASK_GETENFORCE;
            rc = xc_flask_op(xch, &op);
            res("op", rc, errno);
        } else if (!strcmp(c, "getenforce")) {
            rc = xc_flask_getenforce(xch);
            res(c, rc, errno);
        } else if (!strcmp(c, "setenforce")) {
            NEED(1);
            rc = xc_flask_setenforce(xch, atoi(argv[++i]));
            res(c, rc, errno);
        } else if (!strcmp(c, "c2s")) {
            uint32_t sid = 0;

            NEED(1);
            rc = xc_flask_context_to_sid(xch, argv[i + 1], strlen(argv[i + 1]), &sid);
            res(c, rc, errno);
            printf(" sid %u", rc ? 0 : sid);
            i++;
        } else if (!strcmp(c, "s2c")) {
            char buf[256] = "";

            NEED(1);
            rc = xc_flask_sid_to_context(xch, atoi(argv[++i]), buf, sizeof(buf));
            res(c, rc, errno);
            printf(" ctx '%s'", rc ? "" : buf);
        } else if (!strcmp(c, "getbool")) {
            int cur = -1, pend = -1;

            NEED(1);
            rc = xc_flask_getbool_byname(xch, argv[++i], &cur, &pend);
            res(c, rc, errno);
            printf(" cur %d pend %d", cur, pend);
        } else if (!strcmp(c, "getbool#")) {
            char name[256] = "";
            int cur = -1, pend = -1;

            NEED(1);
            rc = xc_flask_getbool_byid(xch, atoi(argv[++i]), name, sizeof(name), &cur, &pend);
            res(c, rc, errno);
            printf(" name '%s' cur %d pend %d", rc ? "" : name, cur, pend);
        } else if (!strcmp(c, "setbool")) {
            NEED(3);
            rc = xc_flask_setbool(xch, argv[i + 1], atoi(argv[i + 2]), atoi(argv[i + 3]));
            res(c, rc, errno);
            i += 3;
        } else if (!strcmp(c, "load")) {
            struct stat st;
            char *buf;
            int fd;

            NEED(1);
            fd = open(argv[++i], O_RDONLY);
            if (fd < 0 || fstat(fd, &st) || !(buf = malloc((size_t)st.st_size)) ||
                read(fd, buf, (size_t)st.st_size) != st.st_size) {
                printf("FATAL %s: %s\n", argv[i], strerror(errno));
                return 1;
            }
            close(fd);
            rc = xc_flask_load(xch, buf, (uint32_t)st.st_size);
            res(c, rc, errno);
            free(buf);
        } else if (!strcmp(c, "addpirq")) {
            NEED(2);
            rc = xc_flask_add_pirq(xch, (unsigned)num(argv[i + 1]), argv[i + 2]);
            res(c, rc, errno);
            i += 2;
        } else if (!strcmp(c, "addioport") || !strcmp(c, "addiomem")) {
            NEED(3);
            if (c[3] == 'i' && c[4] == 'o' && c[5] == 'p')
                rc = xc_flask_add_ioport(xch, num(argv[i + 1]), num(argv[i + 2]), argv[i + 3]);
            else
                rc = xc_flask_add_iomem(xch, num(argv[i + 1]), num(argv[i + 2]), argv[i + 3]);
            res(c, rc, errno);
            i += 3;
        } else if (!strcmp(c, "adddevice")) {
            NEED(2);
            rc = xc_flask_add_device(xch, num(argv[i + 1]), argv[i + 2]);
            res(c, rc, errno);
            i += 2;
        } else if (!strcmp(c, "delpirq")) {
            NEED(1);
            rc = xc_flask_del_pirq(xch, (unsigned)num(argv[++i]));
            res(c, rc, errno);
        } else if (!strcmp(c, "delioport") || !strcmp(c, "deliomem")) {
            NEED(2);
            if (c[5] == 'p')
                rc = xc_flask_del_ioport(xch, num(argv[i + 1]), num(argv[i + 2]));
            else
                rc = xc_flask_del_iomem(xch, num(argv[i + 1]), num(argv[i + 2]));
            res(c, rc, errno);
            i += 2;
        } else if (!strcmp(c, "deldevice")) {
            NEED(1);
            rc = xc_flask_del_device(xch, num(argv[++i]));
            res(c, rc, errno);
        } else if (!strcmp(c, "access")) {
            uint32_t allowed = 0, decided = 0, aa = 0, ad = 0, seq = 0;

            NEED(4);
            rc = xc_flask_access(xch, argv[i + 1], argv[i + 2], (uint16_t)num(argv[i + 3]),
                                 (uint32_t)num(argv[i + 4]), &allowed, &decided, &aa, &ad, &seq);
            e = errno;
            res(c, rc, e);
            printf(" allowed %#x auditallow %#x auditdeny %#x seqno %u", allowed, aa, ad, seq);
            i += 4;
        } else if (!strcmp(c, "cachestats") || !strcmp(c, "hashstats")) {
            char buf[4096] = "";

            rc = c[0] == 'c' ? xc_flask_avc_cachestats(xch, buf, sizeof(buf))
                             : xc_flask_avc_hashstats(xch, buf, sizeof(buf));
            res(c, rc, errno);
            for (char *p = buf; *p; p++)
                if (*p == '\n')
                    *p = '|';
            printf(" text '%s'", buf);
        } else if (!strcmp(c, "policyvers")) {
            rc = xc_flask_policyvers(xch);
            res(c, rc, errno);
        } else if (!strcmp(c, "getthreshold")) {
            rc = xc_flask_getavc_threshold(xch);
            res(c, rc, errno);
        } else if (!strcmp(c, "setthreshold")) {
            NEED(1);
            rc = xc_flask_setavc_threshold(xch, atoi(argv[++i]));
            res(c, rc, errno);
        } else if (!strcmp(c, "relabel")) {
            NEED(2);
            rc = xc_flask_relabel_domain(xch, (uint32_t)num(argv[i + 1]),
                                         (uint32_t)num(argv[i + 2]));
            res(c, rc, errno);
            i += 2;
        } else {
            printf("FATAL unknown command %s\n", c);
            return 1;
        }
        printf("\n");
    }
    xc_interface_close(xch);
    return 0;
}
