#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""xsmd end to end: a real daemon in a temporary socket directory, driven by
real processes.  One group per meson test:

  lifecycle  start, socket modes, a second daemon and a foreign live socket
             refused, a stale socket replaced, SIGTERM with clients attached
  protocol   dom0 and a guest through the C client: results, denials,
             -EFAULT, malformed and truncated messages, a shared socket used
             by a forked child, a process that exec'd, clients killed in the
             middle of a call, a destroyed domain's connections
  bridge     libxsm-privcmd as a Xen tool uses it (privcmd-client.c): results,
             EFAULT, ENOSYS, ENOTTY, dup, fork, exec, reused descriptors
  concurrency  clients of several domains at once, domains created and
             destroyed under them (also in suite tsan)
  load       many client processes (xsmd-load.c) with policy reloads, boolean
             commits, clients killed mid-call and malformed messages
             (also in suite tsan; scripts/xsmd-load.sh runs the full size)
  m32        a -m32 client on a 32-bit domain gives what the 64-bit client
             gives on a 64-bit domain; crossed, they do not
  tools      Debian's unmodified flask-* and xl, through xsm-run and
             libxsm-privcmd, as dom0 and as a guest (FLASK)
  noflask    the same tools under --xsm dummy and --xsm silo
  xc         a client of Debian's libxenctrl calls every xc_flask_* function;
             each result is checked against the daemon's state
  caller     PRIVCMD_FOR (the FUSE node's request): the named process's memory
             and only its, who may send it, framing, pidfds that name nothing
  fuse       xsm-run --fuse: a static raw-syscall client and Debian's tools
             through the FUSE privcmd node, no LD_PRELOAD; nothing left mounted

Judged by what the tools print and by the daemon's state (read back with the
C client), never by the tools' exit codes.  Exit 0, 1 (failures listed), or
77 after "skipped: <why>".
"""
import argparse
import errno
import os
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time

FAILS = []
DAEMONS = []


def check(cond, what, detail=""):
    if cond:
        print("ok   " + what)
    else:
        print("FAIL " + what + (": " + detail if detail else ""))
        FAILS.append(what)


def skip(why):
    print("skipped: " + why)
    sys.exit(77)


class Daemon:
    """One xsmd in its own directory, its log in a file."""

    def __init__(self, a, sockdir, *args, wait=True):
        self.a = a
        self.dir = sockdir
        self.logpath = sockdir + ".log"
        self.logf = open(self.logpath, "w")
        self.p = subprocess.Popen([a.xsmd, "--dir", sockdir] + list(args),
                                  stdout=self.logf, stderr=subprocess.STDOUT)
        DAEMONS.append(self.p)
        if wait:
            self.wait_ready()

    def wait_ready(self):
        t0 = time.time()
        while time.time() - t0 < 20:
            if "ready:" in self.log():
                return
            if self.p.poll() is not None:
                raise RuntimeError("xsmd exited %d:\n%s" % (self.p.returncode, self.log()))
            time.sleep(0.02)
        raise RuntimeError("xsmd not ready:\n" + self.log())

    def log(self):
        with open(self.logpath) as f:
            return f.read()

    def sock(self, dom=0):
        return os.path.join(self.dir, "control" if dom == 0 else "dom%d" % dom)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        self.logf.close()
        return rc

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.p.pid))

    def threads(self):
        with open("/proc/%d/status" % self.p.pid) as f:
            for line in f:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
        return -1


def client(a, sock, *cmds, exe=None, timeout=60):
    p = subprocess.run([exe or a.client, sock] + list(cmds), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return p.stdout


def line(out, prefix):
    for ln in out.splitlines():
        if ln.startswith(prefix):
            return ln
    return ""


def create(a, d, label, bits=64):
    out = client(a, d.sock(), "create", label, str(bits))
    ln = line(out, "create:")
    parts = ln.split()
    if len(parts) == 5 and parts[2] == "0" and int(parts[4]) > 0:
        return int(parts[4])
    raise RuntimeError("create failed: " + out)


def wait_for(cond, secs=10):
    t0 = time.time()
    while time.time() - t0 < secs:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


# ---- lifecycle -------------------------------------------------------------------

def listener(path, kind=socket.SOCK_SEQPACKET):
    s = socket.socket(socket.AF_UNIX, kind)
    s.bind(path)
    s.listen(4)
    return s


def xenstored(tmp):
    """xl only needs something that accepts where xenstored would be (the
    flask subcommands send it nothing); each connection is held until xl
    closes it, so the backlog never fills."""
    s = listener(os.path.join(tmp, "xenstored"), socket.SOCK_STREAM)

    def hold(c):
        with c:
            while c.recv(4096):
                pass

    def serve():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=hold, args=(c,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return s


def t_lifecycle(a, tmp):
    sd = os.path.join(tmp, "s")
    d = Daemon(a, sd)
    st = os.stat(d.sock())
    check(stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600,
          "control socket is a socket, mode 0600", oct(st.st_mode))
    check(stat.S_IMODE(os.stat(sd).st_mode) == 0o700, "socket directory created 0700")
    check("ready: xsm=flask" in d.log(), "default modules: flask", d.log())

    # A second daemon on the same directory must refuse and leave the first alone.
    d2 = Daemon(a, sd, wait=False)
    try:
        rc = d2.p.wait(20)
    except subprocess.TimeoutExpired:
        rc = None
    d2.stop()
    check(rc == 1, "second daemon on a live directory exits 1", "rc=%s" % rc)
    check("another xsmd" in d2.log(), "second daemon says why", d2.log())
    check("whoami: status 0 domid 0" in client(a, d.sock(), "whoami"),
          "first daemon still answers")

    # A live socket that is not ours (no lock held): refused, left in place.
    fd = os.path.join(tmp, "foreign")
    os.mkdir(fd, 0o700)
    ls = listener(os.path.join(fd, "control"))
    d3 = Daemon(a, fd, wait=False)
    rc = d3.p.wait(20)
    d3.stop()
    check(rc == 1 and "live daemon" in d3.log(), "live foreign socket: refused", d3.log())
    check(os.path.exists(os.path.join(fd, "control")), "live foreign socket left in place")
    ls.close()

    # The same name, nobody listening: stale, replaced.
    d4 = Daemon(a, fd)
    check("whoami: status 0 domid 0" in client(a, d4.sock(), "whoami"),
          "stale socket replaced; the new daemon answers")
    check(d4.stop() == 0, "stop (no clients): exit 0")

    # A regular file where the socket should be: not ours to remove.
    nd = os.path.join(tmp, "notsock")
    os.mkdir(nd, 0o700)
    open(os.path.join(nd, "control"), "w").close()
    d5 = Daemon(a, nd, wait=False)
    rc = d5.p.wait(20)
    d5.stop()
    check(rc == 1 and os.path.isfile(os.path.join(nd, "control")),
          "non-socket file in the way: refused, file kept", d5.log())

    # A directory others can write to (a pre-made /tmp/xsmd-UID): refused.
    wd = os.path.join(tmp, "open")
    os.mkdir(wd)
    os.chmod(wd, 0o777)
    d6 = Daemon(a, wd, wait=False)
    rc = d6.p.wait(20)
    d6.stop()
    check(rc == 1 and "not writable by others" in d6.log() and os.listdir(wd) == [],
          "socket directory writable by others: refused, nothing created", d6.log())

    # SIGTERM with an idle client attached and a guest domain: clean stop.
    n = create(a, d, "system_u:system_r:domU_t")
    idle = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    idle.connect(d.sock(n))
    busy = subprocess.Popen([a.client, d.sock(), "loop", "100000000"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(0.3)
    rc = d.stop()
    check(rc == 0, "SIGTERM with clients attached: exit 0", "rc=%s\n%s" % (rc, d.log()))
    idle.settimeout(5)
    check(idle.recv(64) == b"", "idle client sees the connection end")
    idle.close()
    busy.wait(10)
    left = sorted(x for x in os.listdir(sd) if x != "xsmd.lock")
    check(left == [], "sockets removed on stop", str(left))
    check("stopped after" in d.log(), "stop is logged")


# ---- protocol --------------------------------------------------------------------

def t_protocol(a, tmp):
    d = Daemon(a, os.path.join(tmp, "s"))
    c = d.sock()
    out = client(a, c, "whoami", "getenforce", "c2s", "system_u:system_r:domU_t")
    check("whoami: status 0 domid 0" in out, "dom0: whoami", out)
    check("getenforce: 1" in out, "dom0: getenforce is 1 (enforcing)", out)
    check(line(out, "c2s").startswith("c2s system_u:system_r:domU_t: 0 sid "), "dom0: c2s", out)

    n = create(a, d, "system_u:system_r:domU_t")
    st = os.stat(d.sock(n))
    check(stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600,
          "guest socket dom%d exists, mode 0600" % n)
    g = d.sock(n)
    out = client(a, g, "whoami", "getenforce", "setenforce", "0", "setbool",
                 "guest_writeconsole", "0", "getbool", "guest_writeconsole")
    check("whoami: status 0 domid %d" % n in out, "guest: whoami", out)
    check("getenforce: 1" in out, "guest: getenforce allowed", out)
    check("setenforce 0: -13" in out, "guest: setenforce denied -EACCES", out)
    check("setbool guest_writeconsole 0: -13" in out, "guest: setbool denied -EACCES", out)
    check("getbool guest_writeconsole: 0 cur 1 pend 1" in out, "guest: getbool allowed", out)
    out = client(a, c, "getenforce", "getbool", "guest_writeconsole")
    check("getenforce: 1" in out and "cur 1 pend 1" in out,
          "after the guest's denials nothing changed", out)
    check("avc:  denied  { setenforce } for current=d%d" % n in d.log(),
          "the denial is logged with the guest's domid")

    out = client(a, g, "create", "-", "64", "whoami")
    check("create: status 3" in out and "whoami: status 0" in out,
          "guest: CREATE refused (not control), connection kept", out)
    out = client(a, g, "destroy", "0", "whoami")
    check("destroy 0: status 3" in out and "whoami: status 0" in out,
          "guest: DESTROY refused (not control)", out)

    out = client(a, c, "efault-op", "efault-handle", "getenforce")
    check("efault-op: -14" in out, "op at an unmapped address: -EFAULT", out)
    check("efault-handle: -14" in out, "handle at an unmapped address: -EFAULT", out)
    check("getenforce: 1" in out, "connection usable after -EFAULT", out)
    out = client(a, g, "efault-op")
    check("efault-op: -14" in out, "guest: -EFAULT too", out)

    # Malformed and truncated messages: answered (where possible), then closed.
    for kind, want in [("short", "status 1, then closed"), ("long", "status 1, then closed"),
                       ("empty", "no reply, then closed"), ("magic", "status 1, then closed"),
                       ("version", "status 2, then closed"), ("type", "status 1, then closed"),
                       ("flags", "status 1, then closed"), ("whoami-arg", "status 1, then closed"),
                       ("hypercall-flags", "status 1, then closed"),
                       ("privcmd-nr", "status 1, then closed"),
                       ("privcmd-flags", "status 1, then closed"),
                       ("fds", "status 1, then closed")]:
        logged = d.log().count("malformed request") + d.log().count("unknown protocol version")
        out = client(a, c, "raw:" + kind)
        check(want in out, "malformed (%s): %s" % (kind, want), out)
        if kind != "empty":
            check(wait_for(lambda: d.log().count("malformed request") +
                           d.log().count("unknown protocol version") == logged + 1, 5),
                  "malformed (%s): one line in the log" % kind)
    # An empty message that carries a descriptor: malformed, and the descriptor,
    # which the kernel installed in the daemon, closed.
    time.sleep(0.2)
    fds0 = d.fds()
    out = client(a, c, "raw:empty-fds")
    check("status 1, then closed" in out, "empty message with a descriptor: status 1, closed", out)
    check(wait_for(lambda: d.fds() == fds0, 5), "empty message with a descriptor: the "
          "descriptor is not kept", "fds %d->%d" % (fds0, d.fds()))
    check(d.p.poll() is None and "getenforce: 1" in client(a, c, "getenforce"),
          "daemon serves on after malformed messages")
    create_destroy_bounds(d, n)

    # A connection used by another process (a forked child): refused, the owner goes on.
    out = client(a, c, "fork-share")
    check("fork-share: child reply status 4" in out, "forked child on the parent's socket: "
          "XSMD_ST_WRONG_PROCESS", out)
    check("fork-share: parent reply status 0" in out, "the parent goes on", out)

    # After exec the connection's memory is gone: -EFAULT, closed; never the new image's.
    out = client(a, c, "exec-self", "getenforce", "getenforce")
    check("getenforce: -14" in out and "FATAL" in out,
          "after exec: -EFAULT, then the connection is closed", out)

    # A process whose ids are mixed (as after a setuid exec) is not served.
    if os.geteuid() == 0 and shutil.which("setpriv"):
        p = subprocess.run(["setpriv", "--ruid", "65534", "--", a.client, c, "whoami"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        check("whoami: status" not in p.stdout and "cannot reach the peer" in d.log(),
              "a client with real uid != effective uid is refused", p.stdout)
    else:
        print("skipped: mixed-credentials client (needs root and setpriv)")

    # Clients killed in the middle of a call.
    big = os.path.join(tmp, "big.pol")
    with open(big, "wb") as f:
        f.write(struct.pack("<I", 0xf97cff8c) + b"\0" * (24 << 20))
    client(a, c, "getenforce")
    time.sleep(0.2)
    fds0, thr0 = d.fds(), d.threads()
    # The daemon audits every load (auditallow) and logs every parse failure;
    # a load with no parse failure is one whose read the kill cut short.
    # The kill must land while the daemon reads: how long after "sent" that
    # is depends on the machine's load, so the delays sweep 0 to 45 ms (on a
    # loaded machine 0 and 10 ms alone once missed the read 30 times).
    cut = 0
    for i in range(60):
        p = subprocess.Popen([a.client, c, "load-and-wait", big], stdout=subprocess.PIPE,
                             text=True)
        p.stdout.readline()  # "sent"
        if i % 10 != 0:
            time.sleep(0.005 * (i % 10))  # mid-read, or the reply finds the client gone
        p.kill()
        p.wait()
        p.stdout.close()
        # The connection's thread is gone once the daemon is done with the call.
        wait_for(lambda: d.threads() == thr0, 10)
        log = d.log()
        cut = log.count("{ load_policy }") - log.count("policy load failed")
        if cut >= 1 and i >= 5:
            break
    check(cut >= 1, "a client was killed while the daemon was reading its memory",
          "%d tries" % (i + 1))
    check(wait_for(lambda: d.fds() == fds0 and d.threads() == thr0),
          "killed clients: descriptors and threads back to before",
          "fds %d->%d threads %d->%d" % (fds0, d.fds(), thr0, d.threads()))
    check(d.p.poll() is None and "getenforce: 1" in client(a, c, "getenforce"),
          "daemon serves on after clients were killed mid-call")

    # Destroying a domain ends its connections and removes its socket.
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(g)
    out = client(a, c, "destroy", str(n))
    check("destroy %d: status 0 result 0" % n in out, "dom0 destroys the guest", out)
    check(not os.path.exists(g), "its socket is gone")
    s.send(struct.pack("<IHHII6Q", 0x444d5358, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0))
    s.settimeout(5)
    rep = s.recv(64)
    st = struct.unpack("<IHHqQQ", rep)[2] if len(rep) == 32 else None
    check(st == 5 and s.recv(64) == b"", "an open connection of the destroyed domain: "
          "XSMD_ST_NO_DOMAIN, closed", repr(rep))
    s.close()

    # PRIVCMD: Linux's privcmd_hypercall as it is (op, five arguments), as the bridge sends it.
    out = client(a, c, "privcmd-getenforce", "privcmd", str(1 << 32 | 27), "0",
                 "privcmd", "17", "0", "getenforce")
    check("privcmd-getenforce: status 0 result 1" in out, "PRIVCMD xsm_op GETENFORCE: 1", out)
    check("privcmd: status 0 result -38" in out, "PRIVCMD with op above 32 bits: -ENOSYS", out)
    check("privcmd: status 0 result %d" % (4 << 16 | 17) in out and "getenforce: 1" in out,
          "PRIVCMD xen_version 0 through the model; the connection goes on", out)

    # A hypercall other than xsm_op goes through the model (xen_version 0: 4.17).
    out = client(a, c, "hypercall", "17", "0", "0")
    check("hypercall 17: status 0 result %d" % (4 << 16 | 17) in out, "xen_version", out)
    check(d.stop() == 0, "clean stop")


def create_destroy_bounds(d, n):
    """CREATE and DESTROY compare lengths and domain ids whole (64 bits), before
    anything is read or created: no value is truncated into a valid one
    (docs/security.md).  This process is the client: its memory holds the label."""
    import ctypes
    label = b"system_u:system_r:domU_t"
    buf = ctypes.create_string_buffer(label)
    addr = ctypes.addressof(buf)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(d.sock())
    s.settimeout(10)

    def req(typ, *args):
        args = list(args) + [0] * (6 - len(args))
        s.send(struct.pack("<IHHII6Q", 0x444d5358, 1, typ, 0, 0, *args))
        rep = s.recv(64)
        return struct.unpack("<IHHqQQ", rep)[2:4] if len(rep) == 32 else None

    def doms():
        return sorted(f for f in os.listdir(d.dir) if f.startswith("dom"))

    before = doms()
    for what, args, want in [
            ("label length 2^32 + its length", (addr, (1 << 32) + len(label)), -22),
            ("label length 4097", (addr, 4097), -22),
            ("label length 2^64-1", (addr, (1 << 64) - 1), -22),
            ("domid 0x10005 (not domain 5)", (addr, len(label), 0x10005), -22),
            ("domid DOMID_SELF", (addr, len(label), 0x7ff0), -22),
            ("domid 2^64-1", (addr, len(label), (1 << 64) - 1), -22),
            ("label at an unmapped address", (4096, len(label)), -14)]:
        r = req(2, *args)
        check(r == (0, want), "CREATE with %s: %d" % (what, want), repr(r))
    check(doms() == before, "... and no domain was created", repr((before, doms())))
    for what, dom in [("0x10000 + an existing id", 0x10000 + n), ("2^64-1", (1 << 64) - 1),
                      ("DOMID_SELF", 0x7ff0)]:
        r = req(3, dom)
        check(r == (0, -22), "DESTROY of %s: -EINVAL" % what, repr(r))
    check(os.path.exists(d.sock(n)), "... and domain %d is still there" % n)
    s.close()


# ---- the bridge ------------------------------------------------------------------

BRIDGE_CMDS = ["getenforce", "dup", "efault-struct", "getenforce", "efault-op", "big-op",
               "other-ioctl", "regular-file", "reused-fd", "fork", "clone", "exec", "getenforce"]
BRIDGE_WANT = ["getenforce: 1", "dup: 1", "efault-struct: -1 errno 14", "getenforce: 1",
               "efault-op: -1 errno 14", "big-op: -1 errno 38", "other-ioctl: -1 errno 25",
               "regular-file: -1 errno 25", "reused-fd: same number yes",
               "reused-fd: -1 errno 25", "fork: child: 1", "fork: parent: 1", "clone: child: 1",
               "clone: parent: 1", "getenforce: 1"]


def t_bridge(a, tmp):
    """libxsm-privcmd as the Xen tools use it: ioctl(IOCTL_PRIVCMD_HYPERCALL)
    on the descriptor open() gave, dup'ed, inherited by fork and exec; a bad
    struct pointer is EFAULT (not a crash), an op above 32 bits ENOSYS, other
    privcmd ioctls ENOTTY; a descriptor that is not the bridge's (another
    memfd on a reused number, a file) is left to the kernel."""
    d = Daemon(a, os.path.join(tmp, "s"))
    n = create(a, d, DOMU)
    for dom in (0, n):
        cmd = [a.xsm_run, "--dir", d.dir] + (["--domain", str(n)] if dom else [])
        p = subprocess.run(cmd + ["--", a.privcmd_client] + BRIDGE_CMDS, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=60)
        got = p.stdout.splitlines()
        check(got == BRIDGE_WANT, "d%d: the bridge answers as the privcmd driver" % dom,
              "want %r\n got %r" % (BRIDGE_WANT, got))
    check(d.stop() == 0, "clean stop")


# ---- concurrency -----------------------------------------------------------------

def t_concurrency(a, tmp):
    """Clients of several domains at once: xsm_op (concurrent in the daemon),
    other hypercalls (serialised), boolean commits, domains created and
    destroyed under them.  Every call must succeed and the daemon stop
    cleanly (under ThreadSanitizer too: a race report fails its exit)."""
    d = Daemon(a, os.path.join(tmp, "s"))
    n1 = create(a, d, DOMU)
    n32 = create(a, d, DOMU, 32)
    k = str(a.calls)
    procs = [
        [d.sock(), "loop", k], [d.sock(), "loop", k], [d.sock(), "loop-hv", k],
        [d.sock(n1), "loop", k],
        [d.sock()] + ["setbool", "guest_writeconsole", "0", "setbool", "guest_writeconsole",
                      "1"] * 50,
        [d.sock()] + ["create", DOMU, "64", "c2s", DOMU] * 20,
    ]
    ps = [subprocess.Popen([a.client] + p, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True) for p in procs]
    ps.append(subprocess.Popen([a.client32, d.sock(n32), "loop", k] if a.client32 else
                               [a.client, d.sock(n1), "loop", k], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True))
    # Destroy the domains the creator makes while everything else runs.
    destroyed = 0
    t0 = time.time()
    while any(p.poll() is None for p in ps) and time.time() - t0 < 100:
        for name in os.listdir(d.dir):
            if name.startswith("dom") and name not in ("dom%d" % n1, "dom%d" % n32):
                out = client(a, d.sock(), "destroy", name[3:])
                destroyed += "result 0" in out
        time.sleep(0.01)
    outs = [p.communicate(timeout=60)[0] for p in ps]
    for p, out in zip(procs + [["32-bit loop"]], outs):
        check("FATAL" not in out and "STATUS" not in out and
              ("ops/s" in out or "setbool" in out or "create" in out),
              "concurrent client %s" % " ".join(p[1:3] if len(p) > 2 else p), out[-500:])
    creates = outs[5].count("create: status 0 result ")
    check(creates == 20 and outs[5].count("c2s %s: 0" % DOMU) == 20,
          "20 domains created while the others ran (%d destroyed meanwhile)" % destroyed,
          outs[5][-500:])
    check("getenforce: 1" in client(a, d.sock(), "getenforce"), "daemon serves on")
    check(d.stop() == 0, "clean stop", d.log()[-3000:])


# ---- load and faults -------------------------------------------------------------

def t_load(a, tmp):
    """Many client processes through the daemon at once (xsm_op GETENFORCE,
    ACCESS, CONTEXT_TO_SID, GETBOOL as dom0 and as guests) while policies A
    and B are loaded in turn and a boolean is committed, clients are killed
    mid-call and malformed messages arrive (xsmd-load.c checks every
    answer).  The daemon must survive it all with its descriptors and threads
    back to before, and stop cleanly."""
    if not (a.load and a.load_a and a.load_b):
        skip("no load driver or load policies given")
    d = Daemon(a, os.path.join(tmp, "s"), "--policy", a.load_a)
    guests = [create(a, d, DOMU) for _ in range(2)]
    check("getenforce: 1" in client(a, d.sock(), "getenforce"), "daemon up with load policy A")
    time.sleep(0.2)
    fds0, thr0 = d.fds(), d.threads()
    cmd = [a.load, "--policy-a", a.load_a, "--policy-b", a.load_b, "--clients", str(a.clients),
           "--calls", str(a.calls), "--kills", str(a.kills), "--malformed", str(a.malformed)]
    if a.seed is not None:
        cmd += ["--seed", str(a.seed)]
    cmd += [d.sock()] + [d.sock(n) for n in guests]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=a.load_timeout)
    print(p.stdout, end="")
    check(p.returncode == 0 and "result: ok" in p.stdout,
          "%d clients x %d calls with reloads, commits, %d kills, %d malformed messages: "
          "no error, every state seen" % (a.clients, a.calls, a.kills, a.malformed))
    check(d.p.poll() is None, "the daemon is still running", "exit %s" % d.p.returncode)
    check(wait_for(lambda: d.fds() == fds0 and d.threads() == thr0, 20),
          "descriptors and threads back to before",
          "fds %d->%d threads %d->%d" % (fds0, d.fds(), thr0, d.threads()))
    log = d.log()
    check(log.count("malformed request") + log.count("unknown protocol version") > 0,
          "the malformed messages were logged")
    for n in guests:
        check("whoami: status 0 domid %d" % n in client(a, d.sock(n), "whoami"),
              "guest d%d still served" % n)
    check("getenforce: 1" in client(a, d.sock(), "getenforce"), "dom0 still served")
    check(d.stop() == 0, "clean stop", log[-3000:])


# ---- 32-bit ----------------------------------------------------------------------

M32_CMDS = ["getenforce", "c2s", "system_u:system_r:domU_t", "c2s", "system_u:object_r:nic_dev_t",
            "s2c", "1", "s2c", "12", "getbool", "guest_writeconsole", "getbool#", "0",
            "getbool#", "1", "getbool#", "99", "setbool", "guest_writeconsole", "0",
            "getbool", "guest_writeconsole", "setbool", "guest_writeconsole", "1",
            "dtlabel", "/soc/uart@0", "system_u:object_r:nic_dev_t", "efault-handle"]


def t_m32(a, tmp):
    if not a.client32:
        skip("no -m32 client: " + a.why32)
    d = Daemon(a, os.path.join(tmp, "s"), "--flask", "permissive")
    n64 = create(a, d, "system_u:system_r:domU_t", 64)
    n32 = create(a, d, "system_u:system_r:domU_t", 32)
    out = client(a, d.sock(n32), "whoami", exe=a.client32)
    check("domid %d 32-bit" % n32 in out, "32-bit client on the 32-bit domain: whoami", out)
    cmds = M32_CMDS + ["load", a.policy, "getbool", "guest_writeconsole"]
    o64 = client(a, d.sock(n64), *cmds)
    o32 = client(a, d.sock(n32), *cmds, exe=a.client32)
    check("FATAL" not in o64 and "load: 0" in o64 and "c2s system_u:system_r:domU_t: 0" in o64
          and "getbool# 0: 0 name 'guest_writeconsole'" in o64,
          "64-bit client, 64-bit domain: every handle-carrying command works", o64)
    check(o32 == o64, "32-bit client, 32-bit domain: the same results",
          "\n--- 64:\n%s--- 32:\n%s" % (o64, o32))
    # Crossed: the layouts differ, so the results must too.
    x = client(a, d.sock(n32), "c2s", "system_u:system_r:domU_t", "getbool", "guest_writeconsole")
    check("c2s system_u:system_r:domU_t: 0" not in x or "getbool guest_writeconsole: 0" not in x,
          "64-bit client on the 32-bit domain is decoded with the compat layout (fails)", x)
    x = client(a, d.sock(n64), "c2s", "system_u:system_r:domU_t", "getbool", "guest_writeconsole",
               exe=a.client32)
    check("c2s system_u:system_r:domU_t: 0" not in x or "getbool guest_writeconsole: 0" not in x,
          "32-bit client on the 64-bit domain is decoded natively (fails)", x)
    check(d.stop() == 0, "clean stop")


# ---- the real tools --------------------------------------------------------------

class Tools:
    def __init__(self, a, d, xs):
        self.a, self.d, self.xs = a, d, xs

    def run(self, dom, tool, *args):
        cmd = [self.a.xsm_run, "--dir", self.d.dir]
        if dom:
            cmd += ["--domain", str(dom)]
        cmd += ["--", os.path.join(self.a.tools, tool)] + list(args)
        env = dict(os.environ, XENSTORED_PATH=self.xs)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=env, timeout=60)
        return p.stdout


def tools_available(a):
    if not os.path.isdir(a.tools) or not os.access(os.path.join(a.tools, "flask-getenforce"),
                                                   os.X_OK):
        skip("Xen tools not installed (%s; Debian package xen-utils-4.17)" % a.tools)


def pci_device():
    """A PCI device flask-label-pci can read (SBDF string, number) or None."""
    base = "/sys/bus/pci/devices"
    try:
        names = sorted(os.listdir(base))
    except OSError:
        return None
    for n in names:
        if os.path.exists(os.path.join(base, n, "resource")):
            seg, bus, rest = n.split(":")
            dev, fn = rest.split(".")
            return n, int(seg, 16) << 16 | int(bus, 16) << 8 | int(dev, 16) << 3 | int(fn)
    return None


def variant_policy(a, tmp):
    """The built-in policy plus one boolean, compiled as the build compiles it."""
    with open(a.policy_conf) as f:
        lines = f.read().splitlines(True)
    at = next(i for i, ln in enumerate(lines) if ln.startswith("user "))
    lines.insert(at, "bool xsmd_test_bool true;\n")
    conf = os.path.join(tmp, "variant.conf")
    out = os.path.join(tmp, "variant.pol")
    with open(conf, "w") as f:
        f.writelines(lines)
    p = subprocess.run([a.checkpolicy, "-t", "Xen", "-c", "30", "-o", out, conf],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode:
        raise RuntimeError("checkpolicy: " + p.stdout)
    return out


def t_tools(a, tmp):
    tools_available(a)
    d = Daemon(a, os.path.join(tmp, "s"))
    xs = xenstored(tmp)
    t = Tools(a, d, os.path.join(tmp, "xenstored"))
    c = d.sock()
    st = lambda *cmds: client(a, c, *cmds)  # noqa: E731 - the daemon's state, read back
    corrupt = os.path.join(tmp, "corrupt.pol")
    with open(a.policy, "rb") as f:
        good = f.read()
    with open(corrupt, "wb") as f:
        f.write(good[:len(good) // 3])
    variant = variant_policy(a, tmp)

    # dom0
    check(t.run(0, "flask-getenforce").strip() == "Enforcing", "dom0 flask-getenforce: Enforcing")
    out = t.run(0, "flask-setenforce", "0")
    check("getenforce: 0" in st("getenforce"), "dom0 flask-setenforce 0: daemon permissive", out)
    check(t.run(0, "flask-getenforce").strip() == "Permissive",
          "dom0 flask-getenforce: Permissive")
    t.run(0, "flask-setenforce", "1")
    check("getenforce: 1" in st("getenforce"), "dom0 flask-setenforce 1: daemon enforcing")

    out = t.run(0, "flask-get-bool", "-a")
    want = []
    for i in range(16):
        ln = line(st("getbool#", str(i)), "getbool#")
        if not ln.startswith("getbool# %d: 0 " % i):
            break
        want.append("%s: %s" % (ln.split("'")[1], ln.split(" cur ")[1].split()[0]))
    check(want and out.splitlines() == want, "dom0 flask-get-bool -a lists the daemon's booleans",
          "%r vs %r" % (out, want))
    check(t.run(0, "flask-get-bool", "guest_writeconsole").strip() == "guest_writeconsole: 1",
          "dom0 flask-get-bool NAME")
    out = t.run(0, "flask-get-bool", "nosuchbool")
    check("Unable to get boolean nosuchbool: No such file or directory" in out,
          "dom0 flask-get-bool of an unknown name: ENOENT", out)
    t.run(0, "flask-set-bool", "guest_writeconsole", "0")
    check("cur 0 pend 0" in st("getbool", "guest_writeconsole"),
          "dom0 flask-set-bool: committed in the daemon")
    t.run(0, "flask-set-bool", "guest_writeconsole", "1")
    check("cur 1 pend 1" in st("getbool", "guest_writeconsole"), "dom0 flask-set-bool back")

    # Load.  The variant policy has one more boolean, xsmd_test_bool: whether
    # it exists tells which policy is in force.
    has_tb = lambda: line(st("getbool", "xsmd_test_bool"), "getbool").split()[2] == "0"  # noqa
    check(not has_tb(), "the built-in policy has no xsmd_test_bool")
    out = t.run(0, "flask-loadpolicy", variant)
    check("Successfully loaded policy." in out and has_tb(),
          "dom0 flask-loadpolicy (good): the new policy is in force", out)
    out = t.run(0, "flask-loadpolicy", corrupt)
    check("Unable to load new Flask policy" in out, "dom0 flask-loadpolicy (corrupt) fails", out)
    check(has_tb() and "getenforce: 1" in st("getenforce") and
          line(st("c2s", "system_u:system_r:domU_t"), "c2s").split()[2] == "0",
          "after the corrupt load the old policy is still in force")
    dev = pci_device()
    if dev:
        out = t.run(0, "flask-label-pci", dev[0], "system_u:object_r:nic_dev_t")
        check("Unable" not in out and "failed" not in out, "dom0 flask-label-pci " + dev[0], out)
        check("delpci %d: 0" % dev[1] in st("delpci", str(dev[1])) and
              "delpci %d: -2" % dev[1] in st("delpci", str(dev[1])),
              "the device's label was in the daemon (removed once, then -ENOENT)")
    else:
        print("skipped: flask-label-pci (no PCI device with a resource file here)")

    out = t.run(0, "xl", "getenforce")
    check(out.strip().endswith("Enforcing"), "dom0 xl getenforce", out)
    t.run(0, "xl", "setenforce", "0")
    check("getenforce: 0" in st("getenforce"), "dom0 xl setenforce 0")
    check(t.run(0, "xl", "getenforce").strip().endswith("Permissive"), "dom0 xl getenforce again")
    t.run(0, "xl", "setenforce", "1")
    check("getenforce: 1" in st("getenforce"), "dom0 xl setenforce 1")
    out = t.run(0, "xl", "loadpolicy", a.policy)
    check("Successfully loaded policy." in out and not has_tb(), "dom0 xl loadpolicy (good)", out)
    out = t.run(0, "xl", "loadpolicy", corrupt)
    check("Successfully" not in out and not has_tb() and "getenforce: 1" in st("getenforce"),
          "dom0 xl loadpolicy (corrupt): refused, old policy in force", out)

    # An unprivileged guest: Xen's denials, and nothing changes.
    n = create(a, d, "system_u:system_r:domU_t")
    check(t.run(n, "flask-getenforce").strip() == "Enforcing", "guest flask-getenforce")
    out = t.run(n, "flask-setenforce", "0")
    check("XSM operation failed!" in out and "getenforce: 1" in st("getenforce"),
          "guest flask-setenforce: denied, still enforcing", out)
    check(t.run(n, "flask-get-bool", "guest_writeconsole").strip() == "guest_writeconsole: 1",
          "guest flask-get-bool NAME (no check in Xen)")
    out = t.run(n, "flask-set-bool", "guest_writeconsole", "0")
    check("XSM operation failed!" in out and "Permission denied" in out and
          "cur 1 pend 1" in st("getbool", "guest_writeconsole"), "guest flask-set-bool: denied",
          out)
    out = t.run(n, "flask-loadpolicy", variant)
    check("XSM operation failed!" in out and "Unable to load new Flask policy" in out and
          not has_tb(), "guest flask-loadpolicy: denied, policy not replaced", out)
    if dev:
        out = t.run(n, "flask-label-pci", dev[0], "system_u:object_r:nic_dev_t")
        check("Unable to set context of PCI device" in out and
              "delpci %d: -2" % dev[1] in st("delpci", str(dev[1])),
              "guest flask-label-pci: denied, no label added", out)
    check(t.run(n, "xl", "getenforce").strip().endswith("Enforcing"), "guest xl getenforce")
    out = t.run(n, "xl", "setenforce", "0")
    check("error occurred while setting enforcing mode" in out and
          "getenforce: 1" in st("getenforce"), "guest xl setenforce: denied", out)
    out = t.run(n, "xl", "loadpolicy", variant)
    check("Unable to load new Flask policy" in out and not has_tb(),
          "guest xl loadpolicy: denied", out)
    xs.close()
    check(d.stop() == 0, "clean stop")
    unprivileged(a, tmp)


def unprivileged(a, tmp):
    """Daemon and tool as 'nobody': the bridge needs no privilege."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        print("skipped: unprivileged run (needs root to switch to nobody, and setpriv)")
        return
    as_nobody = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--"]
    base = tempfile.mkdtemp(prefix="xsmd-nobody-")
    try:
        os.chmod(base, 0o755)
        # The build tree may sit in a directory nobody cannot enter (mktemp -d
        # makes 0700 ones): run copies from here.  xsm-run finds the preload
        # library beside itself; the daemon finds libopenxsm through
        # LD_LIBRARY_PATH.
        bindir = os.path.join(base, "bin")
        os.mkdir(bindir, 0o755)
        xsmd_bin = shutil.copy2(a.xsmd, bindir)
        xsm_run = shutil.copy2(a.xsm_run, bindir)
        shutil.copy2(a.libprivcmd, os.path.join(bindir, "libxsm-privcmd.so"))
        shutil.copy2(a.libopenxsm, os.path.join(bindir, "libopenxsm.so.0"))
        # In a coverage build (make coverage) the programs write their
        # counts into the build tree, where nobody may not: into a place of
        # nobody's instead (those counts are not kept), not onto stderr.
        gcov = os.path.join(base, "gcov")
        os.mkdir(gcov, 0o700)
        os.chown(gcov, 65534, 65534)
        env = dict(os.environ, LD_LIBRARY_PATH=bindir, GCOV_PREFIX=gcov)
        env.pop("XSM_PRIVCMD_LIB", None)
        sd = os.path.join(base, "s")
        os.mkdir(sd, 0o700)
        os.chown(sd, 65534, 65534)
        logf = open(os.path.join(tmp, "nobody.log"), "w")
        p = subprocess.Popen(as_nobody + [xsmd_bin, "--dir", sd], stdout=logf,
                             stderr=subprocess.STDOUT, env=env)
        DAEMONS.append(p)
        if not wait_for(lambda: os.path.exists(os.path.join(sd, "control")), 10):
            check(False, "daemon as nobody starts")
            return
        q = subprocess.run(as_nobody + [xsm_run, "--dir", sd, "--",
                                        os.path.join(a.tools, "flask-getenforce")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=env)
        check(q.stdout.strip() == "Enforcing", "as nobody: flask-getenforce through the bridge",
              q.stdout)
        p.send_signal(signal.SIGTERM)
        check(p.wait(20) == 0, "daemon as nobody: clean stop")
        logf.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def t_noflask(a, tmp):
    tools_available(a)
    xs = xenstored(tmp)
    for mods in ("dummy", "silo"):
        d = Daemon(a, os.path.join(tmp, mods), "--xsm", mods)
        check("ready: xsm=%s" % mods in d.log(), mods + ": started", d.log())
        t = Tools(a, d, os.path.join(tmp, "xenstored"))
        n = create(a, d, "-")
        for dom in (0, n):
            who = "%s d%d: " % (mods, dom)
            out = t.run(dom, "flask-getenforce")
            check("Unable to get enforcing mode" in out and "XSM operation failed" not in out,
                  who + "flask-getenforce fails without an XSM denial", out)
            out = t.run(dom, "flask-get-bool", "-a")
            check("Function not implemented" in out, who + "flask-get-bool -a: ENOSYS", out)
            out = t.run(dom, "flask-set-bool", "guest_writeconsole", "1")
            check("Function not implemented" in out, who + "flask-set-bool: ENOSYS", out)
            out = t.run(dom, "flask-loadpolicy", a.policy)
            check("Unable to load new Flask policy" in out, who + "flask-loadpolicy fails", out)
            check(t.run(dom, "xl", "getenforce").strip().endswith("Flask XSM Disabled"),
                  who + "xl getenforce: Flask XSM Disabled")
            check("Flask XSM disabled" in t.run(dom, "xl", "setenforce", "1"),
                  who + "xl setenforce: Flask XSM disabled")
            check("Flask XSM disabled" in t.run(dom, "xl", "loadpolicy", a.policy),
                  who + "xl loadpolicy: Flask XSM disabled")
        check(d.stop() == 0, mods + ": clean stop")
    xs.close()


# ---- libxenctrl ------------------------------------------------------------------

OCON = {"pirq": 1, "ioport": 2, "iomem": 3, "device": 4}  # Xen's OCON_* numbers
NIC = "system_u:object_r:nic_dev_t"
DOMU = "system_u:system_r:domU_t"


def t_xc(a, tmp):
    if not a.xc_client:
        skip("no libxenctrl client (Debian package libxen-dev)")
    d = Daemon(a, os.path.join(tmp, "s"))
    st = lambda *cmds: client(a, d.sock(), *cmds)  # noqa: E731 - the daemon's state

    def xc(dom, *cmds):
        cmd = [a.xsm_run, "--dir", d.dir] + (["--domain", str(dom)] if dom else [])
        p = subprocess.run(cmd + ["--", a.xc_client] + list(cmds), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=60)
        return p.stdout

    def field(out, name):
        """The word after 'name' in out."""
        w = out.split()
        return w[w.index(name) + 1] if name in w else None

    check(line(xc(0, "op"), "op:") == "op: 1", "xc_flask_op (GETENFORCE): 1")
    check(line(xc(0, "getenforce"), "getenforce:") == "getenforce: 1" and
          "getenforce: 1" in st("getenforce"), "xc_flask_getenforce: 1, as the daemon says")
    out = xc(0, "setenforce", "0")
    check(line(out, "setenforce:") == "setenforce: 0" and "getenforce: 0" in st("getenforce"),
          "xc_flask_setenforce 0: the daemon is permissive", out)
    xc(0, "setenforce", "1")
    check("getenforce: 1" in st("getenforce"), "xc_flask_setenforce 1: enforcing again")

    out = xc(0, "c2s", DOMU)
    sid = field(out, "sid")
    check(out.startswith("c2s: 0 ") and sid == field(st("c2s", DOMU), "sid"),
          "xc_flask_context_to_sid: the daemon's SID", out)
    out = xc(0, "s2c", sid)
    check(line(out, "s2c") == "s2c: 0 ctx '%s'" % DOMU, "xc_flask_sid_to_context", out)

    out = xc(0, "getbool", "guest_writeconsole")
    check(line(out, "getbool") == "getbool: 0 cur 1 pend 1" and
          "cur 1 pend 1" in st("getbool", "guest_writeconsole"), "xc_flask_getbool_byname", out)
    for i in range(3):
        x, s_ = xc(0, "getbool#", str(i)), st("getbool#", str(i))
        if s_.split()[2] == "0":
            ok = x.startswith("getbool#: 0 name '%s'" % s_.split("'")[1])
        else:
            ok = x.startswith("getbool#: -1 errno %s" % s_.split()[2].lstrip("-"))
        check(ok, "xc_flask_getbool_byid %d matches the daemon" % i, x + s_)
    xc(0, "setbool", "guest_writeconsole", "0", "0")
    check("cur 0 pend 0" in st("getbool", "guest_writeconsole"),
          "xc_flask_setbool: committed (4.17's libxenctrl always commits)")
    xc(0, "setbool", "guest_writeconsole", "1", "1")
    check("cur 1 pend 1" in st("getbool", "guest_writeconsole"), "xc_flask_setbool back")

    variant = variant_policy(a, tmp)
    out = xc(0, "load", variant)
    check(line(out, "load") == "load: 0" and
          line(st("getbool", "xsmd_test_bool"), "getbool").split()[2] == "0",
          "xc_flask_load: the new policy is in force", out)
    xc(0, "load", a.policy)
    check(line(st("getbool", "xsmd_test_bool"), "getbool").split()[2] == "-2",
          "xc_flask_load of the built-in policy: it is back")

    # Each label added through libxenctrl is in the daemon: the raw client removes it,
    # after which libxenctrl's delete finds nothing.
    for kind, args, lo, hi in [("pirq", ["33"], 33, 33), ("ioport", ["0x100", "0x1ff"], 256, 511),
                               ("iomem", ["0x1000", "0x1fff"], 4096, 8191),
                               ("device", ["8"], 8, 8)]:
        out = xc(0, "add" + kind, *(args + [NIC]))
        gone = st("delocon", str(OCON[kind]), str(lo), str(hi))
        again = xc(0, "del" + kind, *args)
        check(line(out, "add") == "add%s: 0" % kind and gone.split()[-1] == "0" and
              line(again, "del") == "del%s: -1 errno 2" % kind,
              "xc_flask_add_%s / xc_flask_del_%s against the daemon" % (kind, kind),
              out + gone + again)
    out = xc(0, "adddevice", "16", NIC, "deldevice", "16", "deldevice", "16")
    check(out.splitlines() == ["adddevice: 0", "deldevice: 0", "deldevice: -1 errno 2"],
          "xc_flask_add_device, del twice", out)

    dom0 = "system_u:system_r:dom0_t"
    out = xc(0, "access", dom0, DOMU, "3", "0xffffffff")
    raw = st("access", field(xc(0, "c2s", dom0), "sid"), sid, "3", "0xffffffff")
    check(field(out, "allowed") not in (None, "0") and
          [field(out, k) for k in ("allowed", "auditallow", "auditdeny", "seqno")] ==
          [field(raw, k) for k in ("allowed", "auditallow", "auditdeny", "seqno")],
          "xc_flask_access: the daemon's decision", out + raw)
    for what, word in (("cachestats", "lookups"), ("hashstats", "entries:")):
        out = xc(0, what)
        check(out.startswith(what + ": 0 ") and word in out, "xc_flask_avc_" + what, out)
    out = xc(0, "policyvers")
    check(line(out, "policyvers") == line(st("policyvers"), "policyvers") == "policyvers: 30",
          "xc_flask_policyvers: 30, as the daemon says", out)
    before = line(st("getthreshold"), "getthreshold")
    out = xc(0, "getthreshold", "setthreshold", "77")
    check(out.splitlines() == [before, "setthreshold: 0"] and
          "getthreshold: 77" in st("getthreshold"),
          "xc_flask_getavc_threshold / setavc_threshold against the daemon", before + "\n" + out)

    n = create(a, d, DOMU)
    iso = field(xc(0, "c2s", "system_u:system_r:isolated_domU_t"), "sid")
    out = xc(0, "relabel", str(n), iso)
    check(line(out, "relabel") == "relabel: -1 errno 13" and
          st("ssidref", str(n)).split()[-1] == sid,
          "xc_flask_relabel_domain: denied by the policy (no relabelfrom), label kept", out)

    # The same library as a guest: Xen's denials, nothing changed.
    out = xc(n, "getenforce", "setenforce", "0", "load", variant, "setbool",
             "guest_writeconsole", "0", "1", "adddevice", "24", NIC, "c2s", DOMU)
    check(out.splitlines()[:1] == ["getenforce: 1"] and
          all(ln.endswith("errno 13") or ln.startswith("c2s: -1 errno 13")
              for ln in out.splitlines()[1:] if not ln.startswith("XSM")),
          "as a guest: EACCES for every changing call", out)
    check("getenforce: 1" in st("getenforce") and
          "cur 1 pend 1" in st("getbool", "guest_writeconsole") and
          line(st("getbool", "xsmd_test_bool"), "getbool").split()[2] == "-2" and
          st("delocon", "4", "24", "24").split()[-1] == "-2", "as a guest: nothing changed")
    check(d.stop() == 0, "clean stop")


# ---- PRIVCMD_FOR and the FUSE node ---------------------------------------------

def t_caller(a, tmp):
    """PRIVCMD_FOR, the request xsm-run --fuse makes for an ioctl's caller: the
    daemon reads and writes the memory of the process the attached pidfd
    names, and nobody else's (the sender's copy of the same addresses is
    spoiled); only a sender that may touch any process's memory (root with
    CAP_SYS_PTRACE) may send it; a pidfd of an exited process, a descriptor
    that is no pidfd and the daemon itself are refused; malformed framing
    closes the connection; no descriptor is kept."""
    d = Daemon(a, os.path.join(tmp, "s"))
    n = create(a, d, DOMU)
    st = lambda *c: client(a, d.sock(), *c)  # noqa: E731
    time.sleep(0.2)
    fds0 = d.fds()
    for kind in ("for-nofd", "for-2fds", "for-unused", "for-nr"):
        out = st("raw:" + kind).strip()
        check(out == "raw:%s: status 1, then closed" % kind, "PRIVCMD_FOR framing: " + kind, out)
    if os.geteuid() != 0:
        out = st("for", "getenforce", "whoami")
        check(out.splitlines() == ["for getenforce: status 6 result 0",
                                   "whoami: status 0 domid 0"],
              "not root: NOT_PRIVILEGED, the connection stays open", out)
        check(d.stop() == 0, "clean stop")
        skip("the rest needs root (a sender that may touch any process's memory)")

    out = st("for", "getenforce")
    check(out.strip() == "for getenforce: status 0 result 1", "dom0: the named child's op", out)
    want_sid = line(st("c2s", DOMU), "c2s").split()[-1]
    out = st("for", "c2s", DOMU).splitlines()
    check(out == ["for c2s: status 0 result 0", "for c2s: our own op has sid 0",
                  "for c2s: the child's op has sid " + want_sid],
          "dom0: the SID is written into the child's op, not the sender's", "%r sid %s" % (out, want_sid))
    guest = client(a, d.sock(n), "c2s", DOMU).strip()
    out = client(a, d.sock(n), "for", "c2s", DOMU).splitlines()
    check(guest == "c2s %s: -13 sid 0" % DOMU and
          out[:2] == ["for c2s: status 0 result -13", "for c2s: our own op has sid 0"] and
          out[2:] == ["for c2s: the child's op has sid 0"],
          "guest: the request runs as the connection's domain (FLASK denies it)", "%s / %r" % (guest, out))
    for kind, want in (("efault", -errno.EFAULT), ("exited", -errno.ESRCH),
                       ("notpidfd", -errno.EBADF)):
        out = st("for", kind, "whoami").splitlines()
        check(out == ["for %s: status 0 result %d" % (kind, want), "whoami: status 0 domid 0"],
              "%s: %s, the connection stays open" % (kind, errno.errorcode[-want]), repr(out))
    out = st("for", "pid", str(d.p.pid)).strip()
    check(out == "for pid: status 0 result %d" % -errno.EPERM, "the daemon itself: EPERM", out)
    if shutil.which("setpriv"):
        out = subprocess.run(["setpriv", "--bounding-set", "-sys_ptrace", "--", a.client,
                              d.sock(), "for", "getenforce", "whoami"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=60).stdout
        check(out.splitlines() == ["for getenforce: status 6 result 0", "whoami: status 0 domid 0"],
              "root without CAP_SYS_PTRACE: NOT_PRIVILEGED, the connection stays open", out)
    else:
        print("skipped: root without CAP_SYS_PTRACE (no setpriv)")
    check(wait_for(lambda: d.fds() == fds0, 5), "no descriptor kept (%d, was %d)" % (d.fds(), fds0))
    check(d.stop() == 0, "clean stop")


def fuse_ready(a):
    if os.geteuid() != 0:
        skip("xsm-run --fuse needs root (a mount namespace, /dev/fuse)")
    if not os.path.exists("/dev/fuse"):
        skip("no /dev/fuse")
    if a.fuse_why:
        skip(a.fuse_why)
    if not a.static_client:
        skip(a.static_why or "no static client")


def mountinfo():
    with open("/proc/self/mountinfo") as f:
        return f.read()


def clean_env():
    """The environment without the bridge: nothing preloaded, no socket."""
    env = dict(os.environ)
    for k in ("LD_PRELOAD", "XSM_SOCKET", "XSM_PRIVCMD_LIB"):
        env.pop(k, None)
    return env


def run(cmd, timeout=60, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=timeout, env=clean_env(), **kw)


def t_fuse(a, tmp):
    """xsm-run --fuse: a statically linked client making raw syscall(SYS_ioctl)
    calls, and Debian's flask-getenforce and flask-setenforce, reach xsmd
    through the FUSE privcmd node without LD_PRELOAD, as dom0 and as a guest
    (FLASK's denials as the raw protocol gives them); a bad pointer is EFAULT,
    /dev/xen/hypercall ENOENT, other ioctls ENOTTY; the command's exit status
    comes back; nothing is mounted outside the command's namespace, during or
    after, and the daemon keeps no descriptor."""
    fuse_ready(a)
    d = Daemon(a, os.path.join(tmp, "s"))
    n = create(a, d, DOMU)
    n32 = create(a, d, DOMU, 32) if a.static_client32 else 0
    time.sleep(0.2)
    fds0, mounts0, xen0 = d.fds(), mountinfo(), os.path.exists("/dev/xen")
    static = a.static_client

    # Why the node exists: the preload bridge cannot reach this client.
    out = run([a.xsm_run, "--dir", d.dir, "--", static, "getenforce"]).stdout.strip()
    check(out == "open /dev/xen/privcmd: -1 errno 2",
          "the static client is out of the preload bridge's reach", out)

    fuse = [a.xsm_run, "--fuse", "--dir", d.dir]
    sid = line(client(a, d.sock(), "c2s", DOMU), "c2s").split()[-1]
    cmds = ["env", "getenforce", "c2s", DOMU, "thread", "efault-struct", "efault-op",
            "efault-handle", "big-op", "hypercall-node", "other-ioctl", "setenforce", "0"]
    want = ["preload: none", "getenforce: 1", "c2s %s: 0 sid %s" % (DOMU, sid), "thread: 1",
            "efault-struct: -1 errno 14", "efault-op: -1 errno 14",
            "efault-handle: -1 errno 14", "big-op: -1 errno 38", "hypercall-node: -1 errno 2",
            "other-ioctl: -1 errno 25", "setenforce 0: 0"]
    # The kernel's FUSE turns ENOSYS into ENOTTY, whatever the server says
    # (fs/fuse/ioctl.c); a kernel that stopped doing so would give ENOSYS.
    p = run(fuse + ["--", static] + cmds)
    got = p.stdout.splitlines()
    got = [ln if ln != "big-op: -1 errno %d" % errno.ENOTTY else "big-op: -1 errno 38" for ln in got]
    check(got == want and p.returncode == 0,
          "dom0: the static client through the node answers as the driver",
          "rc %d\n want %r\n got %r" % (p.returncode, want, p.stdout.splitlines()))
    check("getenforce: 0" in client(a, d.sock(), "getenforce"), "dom0: its setenforce reached xsmd")
    check("setenforce 1: 0" in client(a, d.sock(), "setenforce", "1"), "back to enforcing")

    # As a guest: FLASK's answers, the same as the raw protocol gives the guest.
    raw = client(a, d.sock(n), "c2s", DOMU, "setenforce", "0").splitlines()
    errs = [-int(ln.split()[2]) for ln in raw]
    gwant = ["getenforce: 1", "c2s %s: -1 errno %d" % (DOMU, errs[0]),
             "setenforce 0: -1 errno %d" % errs[1]]
    denial = "avc:  denied  { setenforce } for current=d%d" % n
    logged = d.log().count(denial)
    p = run(fuse + ["--domain", str(n), "--", static, "getenforce", "c2s", DOMU, "setenforce", "0"])
    check(errs == [errno.EACCES, errno.EACCES] and p.stdout.splitlines() == gwant,
          "guest: FLASK's denials, as on the raw socket", "raw %r\n want %r\n got %r" %
          (raw, gwant, p.stdout.splitlines()))
    check("getenforce: 1" in client(a, d.sock(), "getenforce"), "guest: nothing changed")
    check(d.log().count(denial) == logged + 1, "guest: the denial logged with the guest's domid",
          d.log()[-2000:])

    # A 32-bit caller on a 32-bit domain (FUSE's compat ioctls, i386's
    # system call numbers): the answers a 64-bit caller gets on a 64-bit guest.
    if a.static_client32:
        c32 = ["getenforce", "c2s", DOMU, "thread", "efault-struct", "efault-handle"]
        p32 = run(fuse + ["--domain", str(n32), "--", a.static_client32] + c32)
        p64 = run(fuse + ["--domain", str(n), "--", static] + c32)
        check(p32.stdout == p64.stdout and p64.stdout.startswith("getenforce: 1\n"),
              "32-bit caller on a 32-bit domain: what a 64-bit one gets on a 64-bit domain",
              "32: %r\n 64: %r" % (p32.stdout, p64.stdout))
    else:
        print("skipped: a 32-bit static caller (no static -m32 libc: gcc-multilib)")

    # Debian's tools, unmodified, no preload.
    tools = os.path.join(a.tools, "flask-getenforce")
    if os.access(tools, os.X_OK):
        p = run(fuse + ["--", os.path.join(a.tools, "flask-getenforce")])
        check(p.stdout.strip() == "Enforcing", "dom0: flask-getenforce through the node", p.stdout)
        p = run(fuse + ["--", os.path.join(a.tools, "flask-setenforce"), "0"])
        check("getenforce: 0" in client(a, d.sock(), "getenforce"),
              "dom0: flask-setenforce 0 through the node changes xsmd's mode", p.stdout)
        p = run(fuse + ["--", os.path.join(a.tools, "flask-getenforce")])
        check(p.stdout.strip() == "Permissive", "dom0: flask-getenforce says Permissive", p.stdout)
        client(a, d.sock(), "setenforce", "1")
        p = run(fuse + ["--domain", str(n), "--", os.path.join(a.tools, "flask-setenforce"), "0"])
        check("getenforce: 1" in client(a, d.sock(), "getenforce"),
              "guest: flask-setenforce 0 denied, nothing changed", p.stdout)
    else:
        print("skipped: Debian's tools (xen-utils-4.17 is not installed)")

    # The command's status comes back; a missing command is 127.
    check(run(fuse + ["--", "sh", "-c", "exit 7"]).returncode == 7, "COMMAND's exit status")
    check(run(fuse + ["--", os.path.join(tmp, "no-such-command")]).returncode == 127,
          "a missing COMMAND: 127")

    # COMMAND inherits nothing of the node (the FUSE device, the daemon's socket).
    fds = ["sh", "-c", "ls /proc/$$/fd"]
    plain, inside = run(fds).stdout.split(), run(fuse + ["--"] + fds).stdout.split()
    check(plain == inside, "COMMAND's descriptors are those it would have without the node",
          "%r / %r" % (plain, inside))

    # SIGTERM to xsm-run goes to COMMAND; its end is xsm-run's.
    q = subprocess.Popen(fuse + ["--", "sh", "-c", "echo up; exec sleep 30"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, env=clean_env())
    q.stdout.readline()
    q.send_signal(signal.SIGTERM)
    try:
        rc = q.wait(20)
    except subprocess.TimeoutExpired:
        q.kill()
        rc = q.wait()
    check(rc == 128 + signal.SIGTERM, "SIGTERM ends COMMAND, status 128+15", str(rc))

    # While a command runs, the node is in its namespace only.
    q = subprocess.Popen(fuse + ["--", "sh", "-c", "ls /dev/xen; echo up; read x"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, env=clean_env())
    inside = [q.stdout.readline().strip() for _ in range(2)]
    check(inside == ["privcmd", "up"], "inside: /dev/xen holds privcmd only", repr(inside))
    check(mountinfo() == mounts0 and os.path.exists("/dev/xen") == xen0,
          "outside, while it runs: no mount, no /dev/xen")
    q.communicate("\n", timeout=30)
    check(q.returncode == 0, "the waiting command ends", str(q.returncode))
    check(mountinfo() == mounts0 and os.path.exists("/dev/xen") == xen0,
          "afterwards: nothing left mounted, /dev/xen as before")
    check(wait_for(lambda: d.fds() == fds0, 5), "the daemon keeps no descriptor (%d, was %d)" %
          (d.fds(), fds0))
    check(d.stop() == 0, "clean stop")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("group", choices=["lifecycle", "protocol", "bridge", "concurrency", "load",
                                      "m32", "tools", "noflask", "xc", "caller", "fuse"])
    ap.add_argument("--calls", type=int, default=20000, help="calls per looping client")
    ap.add_argument("--clients", type=int, default=16, help="load: client processes")
    ap.add_argument("--kills", type=int, default=20, help="load: clients killed mid-call")
    ap.add_argument("--malformed", type=int, default=100, help="load: malformed messages")
    ap.add_argument("--seed", type=int, default=None, help="load: random seed")
    ap.add_argument("--load-timeout", dest="load_timeout", type=int, default=150)
    ap.add_argument("--privcmd-client", dest="privcmd_client", default="")
    ap.add_argument("--load", default="")
    ap.add_argument("--load-a", dest="load_a", default="")
    ap.add_argument("--load-b", dest="load_b", default="")
    ap.add_argument("--xsmd", required=True)
    ap.add_argument("--client", required=True)
    ap.add_argument("--client32", default="")
    ap.add_argument("--why32", default="")
    ap.add_argument("--xsm-run", dest="xsm_run", required=True)
    ap.add_argument("--libopenxsm", required=True)
    ap.add_argument("--libprivcmd", required=True)
    ap.add_argument("--policy", required=True)
    ap.add_argument("--policy-conf", dest="policy_conf", default="")
    ap.add_argument("--checkpolicy", default="checkpolicy")
    ap.add_argument("--tools", default="/usr/lib/xen-4.17/bin")
    ap.add_argument("--xc-client", dest="xc_client", default="")
    ap.add_argument("--static-client", dest="static_client", default="")
    ap.add_argument("--static-why", dest="static_why", default="")
    ap.add_argument("--static-client32", dest="static_client32", default="")
    ap.add_argument("--fuse-why", dest="fuse_why", default="")
    a = ap.parse_args()
    if sys.platform != "linux":
        skip("Linux only")
    with tempfile.TemporaryDirectory(prefix="xsmd-test-") as tmp:
        try:
            globals()["t_" + a.group](a, tmp)
        except (RuntimeError, subprocess.TimeoutExpired) as e:
            check(False, "harness", str(e))
        finally:
            for p in DAEMONS:  # only the daemons this test started
                if p.poll() is None:
                    p.kill()
                    p.wait()
        for f in sorted(os.listdir(tmp)):
            if f.endswith(".log") and FAILS:
                print("--- %s\n%s" % (f, open(os.path.join(tmp, f)).read()[-4000:]))
    if FAILS:
        print("%d failed" % len(FAILS))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
