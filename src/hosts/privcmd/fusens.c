/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The private mount namespace of xsm-run --fuse: where /dev/xen/privcmd
 * can be a FUSE file without anything changing for the rest of the machine.
 *
 * A FUSE file system needs a directory to be mounted on, and /dev/xen does
 * not exist on a machine without Xen; creating it in the real /dev (a
 * devtmpfs every process shares) would show outside and could be left
 * behind.  So the namespace gets a /dev of its own:
 *
 *   1. unshare(CLONE_NEWNS), then every mount made private (MS_REC), so no
 *      mount made from here on propagates back to the parent namespace (a
 *      systemd machine makes / shared; the copy would be shared too);
 *   2. the old /dev is kept reachable through an O_PATH descriptor, and a
 *      fresh tmpfs is mounted over /dev;
 *   3. each entry of the old /dev is put back: a symbolic link is copied,
 *      anything else (devices, directories with the mounts below them such
 *      as /dev/pts and /dev/shm, sockets) is bind-mounted (MS_REC) from the
 *      old one, so it is the very same file;
 *   4. /dev/xen is an empty directory, for the FUSE node (an existing
 *      /dev/xen, on a real Xen host, is not copied: the node replaces it).
 *
 * The namespace, and every mount in it, goes away when its last process
 * exits; nothing is ever mounted outside it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fusenode.h"

static int fail(char *err, size_t cap, const char *what, const char *name)
{
    int e = errno;

    snprintf(err, cap, "%s%s%s: %s", what, name ? " /dev/" : "", name ? name : "", strerror(e));
    return -e;
}

/* Put one entry of the old /dev (reachable as /proc/self/fd/OLD/NAME) back. */
static int copy_entry(int old, const char *name, char *err, size_t cap)
{
    char src[64 + NAME_MAX], dst[8 + NAME_MAX], link[PATH_MAX];
    struct stat st;
    ssize_t n;
    int fd;

    if (fstatat(old, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? 0 : fail(err, cap, "stat", name); /* gone meanwhile */
    snprintf(dst, sizeof(dst), "/dev/%s", name);
    if (S_ISLNK(st.st_mode)) {
        n = readlinkat(old, name, link, sizeof(link) - 1);
        if (n < 0)
            return fail(err, cap, "readlink", name);
        link[n] = '\0';
        return symlink(link, dst) == 0 ? 0 : fail(err, cap, "symlink", name);
    }
    /* A mount point of the same kind: a directory, else an empty file. */
    if (S_ISDIR(st.st_mode)) {
        if (mkdir(dst, st.st_mode & 07777) != 0)
            return fail(err, cap, "mkdir", name);
    } else {
        fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
            return fail(err, cap, "create", name);
        close(fd);
    }
    snprintf(src, sizeof(src), "/proc/self/fd/%d/%s", old, name);
    if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) != 0)
        return fail(err, cap, "bind-mount", name);
    return 0;
}

int xsm_fuse_namespace(char *err, size_t cap)
{
    struct dirent *e;
    DIR *dir = NULL;
    int old, list, rc = 0;

    if (unshare(CLONE_NEWNS) != 0)
        return fail(err, cap, "unshare(CLONE_NEWNS)", NULL);
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return fail(err, cap, "making the mounts private", NULL);
    old = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (old < 0)
        return fail(err, cap, "open /dev", NULL);
    /* A second descriptor to list it: O_PATH ones cannot be read. */
    list = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (list < 0 || (dir = fdopendir(list)) == NULL) {
        rc = fail(err, cap, "list /dev", NULL);
        if (list >= 0)
            close(list);
        goto out;
    }
    if (mount("xsm-dev", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=1m") != 0) {
        rc = fail(err, cap, "mount a tmpfs on /dev", NULL);
        goto out;
    }
    errno = 0;
    while (rc == 0 && (e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strcmp(e->d_name, "xen") == 0)
            continue;
        rc = copy_entry(old, e->d_name, err, cap);
        errno = 0;
    }
    if (rc == 0 && errno != 0)
        rc = fail(err, cap, "read /dev", NULL);
    if (rc == 0 && mkdir("/dev/xen", 0755) != 0)
        rc = fail(err, cap, "mkdir", "xen");
out:
    if (dir)
        closedir(dir);
    close(old);
    return rc;
}
