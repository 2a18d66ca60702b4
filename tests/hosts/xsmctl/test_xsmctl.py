#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""xsmctl and the daemon's questions, end to end: a real xsmd per group in a
temporary directory.  One group per meson test:

  commands   every command, human and --json (the JSON parsed), each result
             checked by other means: the raw-protocol test client
             (xsmd-client), a raw xsm_op from this process, or the daemon's
             log
  errors     the exit codes: usage (2), refused (1), no daemon (3), denied
             access (4), a guest's denials, control-only requests as a guest
  m32        a 32-bit domain: handle-carrying commands through xsmctl give
             what they give a 64-bit domain
  protocol   the daemon's questions (EXPLAIN, CLASSES, LABEL, DOMAINS) on
             the raw wire: answers, -ERANGE with the size, -EFAULT, the
             fields that must be zero, control only, without FLASK or policy
  why        xsmctl why on a policy that denies by each reason (why.te):
             the kind, names, rule and failing part; audit lines in every
             form; a denial from the daemon's own log
  audit2why  the same denials through Debian's audit2why -p: the same
             cause, and for constraints the same failing comparisons
  demo       scripts/demo.py runs and exits 0

Exit 0, 1 (failures listed), or 77 after "skipped: <why>".
"""
import argparse
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

FAILS = []
DAEMONS = []
MAGIC = 0x444D5358
T_HYPERCALL, T_CREATE, T_DESTROY, T_WHOAMI = 1, 2, 3, 4
T_EXPLAIN, T_CLASSES, T_LABEL, T_DOMAINS = 5, 6, 7, 8
T_CONSOLE = 11
ST_OK, ST_BAD_REQUEST, ST_NOT_CONTROL = 0, 1, 3
EINVAL, ENOENT, EFAULT, ERANGE, ENOSYS, ENODATA, EACCES = 22, 2, 14, 34, 38, 61, 13
ESRCH = 3


def check(cond, what, detail=""):
    if cond:
        print("ok   " + what)
    else:
        print("FAIL " + what + (": " + str(detail) if detail != "" else ""))
        FAILS.append(what)


def skip(why):
    print("skipped: " + why)
    sys.exit(77)


class Daemon:
    def __init__(self, a, tmp, *args):
        self.dir = os.path.join(tmp, "s%d" % len(DAEMONS))
        self.logpath = self.dir + ".log"
        self.logf = open(self.logpath, "w")
        self.p = subprocess.Popen([a.xsmd, "--dir", self.dir] + list(args),
                                  stdout=self.logf, stderr=subprocess.STDOUT)
        DAEMONS.append(self)
        t0 = time.time()
        while "ready:" not in self.log():
            if self.p.poll() is not None or time.time() - t0 > 20:
                raise RuntimeError("xsmd did not start:\n" + self.log())
            time.sleep(0.02)

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


class Ctl:
    """xsmctl against one daemon."""

    def __init__(self, a, d):
        self.a, self.d = a, d

    def run(self, *args, domain=None, json_=False, stdin=None):
        argv = [self.a.xsmctl, "--dir", self.d.dir]
        if domain is not None:
            argv += ["--domain", str(domain)]
        if json_:
            argv.append("--json")
        p = subprocess.run(argv + [str(x) for x in args], input=stdin, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def json(self, *args, domain=None, stdin=None):
        rc, out, err = self.run(*args, domain=domain, json_=True, stdin=stdin)
        try:
            obj = json.loads(out)
        except ValueError:
            obj = {"unparsable": out}
        if out.count("\n") != 1:
            obj["not_one_line"] = out
        return rc, obj


def client(a, sock, *cmds):
    p = subprocess.run([a.client, sock] + [str(c) for c in cmds], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=60)
    return p.stdout


# ---- the raw wire, from this process (its memory is the guest memory) -----

class Raw:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.s.connect(path)
        self.keep = []

    def buf(self, data_or_len):
        b = ctypes.create_string_buffer(data_or_len)
        self.keep.append(b)
        return b, ctypes.addressof(b)

    def req(self, typ, nr=0, flags=0, args=(0, 0, 0, 0, 0, 0)):
        args = list(args) + [0] * (6 - len(args))
        try:
            self.s.send(struct.pack("<IHHII6Q", MAGIC, 1, typ, nr, flags, *args))
            rep = self.s.recv(64)
        except OSError:
            return None
        if len(rep) != 32:
            return None
        _, _, st, res, val, _ = struct.unpack("<IHHqQQ", rep)
        return st, res, val

    def closed(self):
        self.s.settimeout(5)
        try:
            return self.s.recv(64) == b""
        except OSError:
            return True

    def answer(self, typ, nr=0, a0=0, a1=0, a2=0, a3=0, cap=1 << 16):
        b, addr = self.buf(cap)
        r = self.req(typ, nr, 0, (a0, a1, a2, a3, addr, cap))
        if r and r[0] == ST_OK and r[1] >= 0:
            return r, b.raw[:r[1]].decode("ascii")
        return r or (None, None, None), None

    def xsm_op(self, op40):
        b, addr = self.buf(op40)
        r = self.req(T_HYPERCALL, 27, 0, (addr,))
        return r[1], b.raw

    def console_write(self, text):
        b, addr = self.buf(text.encode())
        r = self.req(T_HYPERCALL, 18, 0, (0, len(text), addr))
        return r[1] if r else -1


def sid_of(ctl, ctx):
    rc, out, _ = ctl.run("context-to-sid", ctx)
    return int(out) if rc == 0 else None


# ---- commands --------------------------------------------------------------

def t_commands(a, tmp):
    d = Daemon(a, tmp)
    c = Ctl(a, d)
    cs = d.sock()

    rc, j = c.json("info")
    check(rc == 0 and j.get("ok") is True and j.get("abi_version") == 1, "info --json", j)
    check([m["name"] for m in j.get("active", [])] == ["flask"], "info: flask is the stack", j)
    check(sorted(m["name"] for m in j.get("inactive", [])) == ["dummy", "silo"],
          "info: dummy and silo built, inactive", j)
    check(j.get("flask", {}).get("enforcing") is True and j["flask"].get("policyvers") == 30,
          "info: FLASK enforcing, policy version 30", j)
    rc, out, _ = c.run("info")
    check(rc == 0 and "flask" in out and "enforcing" in out, "info (text)", out)

    rc, out, _ = c.run("getenforce")
    check(rc == 0 and out == "Enforcing\n", "getenforce", out)
    rc, j = c.json("setenforce", "permissive")
    check(rc == 0 and j.get("enforcing") is False, "setenforce permissive --json", j)
    check("getenforce: 0" in client(a, cs, "getenforce"), "setenforce 0 is in the daemon")
    rc, j = c.json("getenforce")
    check(rc == 0 and j.get("enforcing") is False and j.get("value") == 0, "getenforce --json", j)
    rc, out, _ = c.run("setenforce", "1")
    check(rc == 0 and "getenforce: 1" in client(a, cs, "getenforce"), "setenforce 1", out)

    # booleans
    rc, j = c.json("bool", "list")
    names = [(b["name"], b["value"], b["pending"]) for b in j.get("booleans", [])]
    check(rc == 0 and names == [("guest_writeconsole", 1, 1), ("prot_doms_locked", 0, 0)],
          "bool list --json: the default policy's two booleans", j)
    rc, out, _ = c.run("bool", "set", "prot_doms_locked", "1")
    st = client(a, cs, "getbool", "prot_doms_locked")
    check(rc == 0 and "cur 0 pend 1" in st, "bool set (pending only)", st)
    rc, out, _ = c.run("bool", "list")
    check("prot_doms_locked                 0 (pending 1)" in out, "bool list shows pending", out)
    rc, j = c.json("bool", "commit")
    st = client(a, cs, "getbool", "prot_doms_locked")
    check(rc == 0 and j.get("ok") and "cur 1 pend 1" in st, "bool commit", st)
    rc, j = c.json("bool", "get", "prot_doms_locked")
    check(rc == 0 and j.get("value") == 1 and j.get("id") == 1, "bool get --json", j)
    rc, j = c.json("bool", "set", "prot_doms_locked", "0", "--commit")
    check(rc == 0 and j.get("committed") is True and
          "cur 0 pend 0" in client(a, cs, "getbool", "prot_doms_locked"), "bool set --commit", j)
    rc, j = c.json("bool", "get", "no_such_bool")
    check(rc == 1 and j.get("ok") is False and j.get("errno") == ENOENT,
          "bool get of an unknown boolean: exit 1, ENOENT", j)

    # contexts and SIDs
    rc, j = c.json("context-to-sid", "system_u:system_r:domU_t")
    ref = client(a, cs, "c2s", "system_u:system_r:domU_t")
    check(rc == 0 and ("sid %d" % j.get("sid", -1)) in ref, "context-to-sid = the daemon's", ref)
    rc, j = c.json("sid-to-context", j.get("sid", 0))
    check(rc == 0 and j.get("context") == "system_u:system_r:domU_t", "sid-to-context", j)
    rc, out, _ = c.run("sid-to-context", "3")
    check(rc == 0 and out == "system_u:system_r:dom0_t\n", "sid-to-context 3 (text)", out)
    rc, j = c.json("context-to-sid", "system_u:vm_r:dom0_t")
    check(rc == 1 and j.get("errno") == EINVAL, "an invalid context: exit 1, EINVAL", j)

    # access
    dom0, domu, sec = "system_u:system_r:dom0_t", "system_u:system_r:domU_t", \
        "system_u:system_r:security_t"
    rc, j = c.json("access", dom0, sec, "security", "setenforce", "load_policy")
    ref = client(a, cs, "access", sid_of(c, dom0), sid_of(c, sec), 11, 0x50)
    check(rc == 0 and j.get("granted") is True and
          ("allowed %#x" % j.get("allowed", 0)) in ref, "access granted: exit 0, = FLASK_ACCESS", ref)
    check([p["name"] for p in j.get("permissions", [])] == ["load_policy", "setenforce"],
          "access --json lists each permission by name", j)
    rc, j = c.json("access", domu, sec, "security", "setenforce", "compute_av")
    check(rc == 4 and j.get("granted") is False and
          all(not p["granted"] for p in j.get("permissions", [])), "access denied: exit 4", j)
    rc, out, _ = c.run("access", domu, dom0, "domain", "getdomaininfo", "pause")
    check(rc == 4 and re.search(r"getdomaininfo\s+denied", out) and re.search(r"pause\s+denied", out),
          "access (text)", out)
    rc, out, _ = c.run("access", dom0, domu, "3", "0x2")
    check(rc == 0 and re.search(r"pause\s+granted", out), "access with a class number and a mask",
          out)

    # labels
    nic = sid_of(c, "system_u:object_r:nic_dev_t")
    for kind, what, show, default in [("pirq", "33", "33", 10), ("ioport", "0x60-0x6f", "0x65", 8),
                                      ("iomem", "0xfe000-0xfe0ff", "0xfe010", 9),
                                      ("pci", "0000:03:02.0", "03:02.0", 11),
                                      ("dt", "/soc/eth0", "/soc/eth0", 11)]:
        rc, j = c.json("label", "show", kind, show)
        check(rc == 0 and j.get("sid") == default, "label show %s before: the default SID %d"
              % (kind, default), j)
        rc, j = c.json("label", "add", kind, what, "system_u:object_r:nic_dev_t")
        check(rc == 0 and j.get("sid") == nic, "label add " + kind, j)
        rc, j = c.json("label", "show", kind, show)
        check(rc == 0 and j.get("sid") == nic and j.get("context") == "system_u:object_r:nic_dev_t",
              "label show %s after add" % kind, j)
        rc, out, _ = c.run("label", "del", kind, what)
        check(rc == 0, "label del " + kind, out)
        rc, j = c.json("label", "show", kind, show)
        check(rc == 0 and j.get("sid") == default, "label show %s after del" % kind, j)
    rc, j = c.json("label", "del", "pirq", "44")
    check(rc == 1 and j.get("errno") == ENOENT, "label del of no label: exit 1, ENOENT", j)
    # pci: flask-label-pci's sbdf
    c.run("label", "add", "pci", "0x310", "system_u:object_r:nic_dev_t")
    rc, out, _ = c.run("label", "show", "pci", "0000:03:02.0")
    check("pci 0000:03:02.0: SID %d system_u:object_r:nic_dev_t" % nic in out,
          "pci 0x310 is 0000:03:02.0", out)

    # the AVC
    rc, j = c.json("avc", "stats")
    cpus = j.get("cpus", [])
    check(rc == 0 and set(j.get("hash", {})) == {"entries", "buckets_used", "buckets_total",
                                                 "max_chain_len"}
          and len(cpus) >= 1 and cpus[0]["cpu"] == 0 and cpus[0]["lookups"] > 0,
          "avc stats --json: hash and per-CPU statistics", j)
    rc, out, _ = c.run("avc", "stats")
    check(rc == 0 and "lookups" in out and "buckets" in out, "avc stats (text)", out)
    rc, j = c.json("avc", "threshold", "700")
    check(rc == 0 and "getthreshold: 700" in client(a, cs, "getthreshold"), "avc threshold N", j)
    rc, j = c.json("avc", "threshold")
    check(rc == 0 and j.get("threshold") == 700, "avc threshold", j)

    # domains
    rc, j = c.json("domain", "create", "--label", domu)
    n = j.get("domid", 0)
    check(rc == 0 and n > 0 and os.path.exists(d.sock(n)) and j.get("socket") == "dom%d" % n,
          "domain create --json: a domain, its socket", j)
    rc, j = c.json("domain", "create", "--label", domu, "--32", "--domid", "7")
    check(rc == 0 and j.get("domid") == 7 and j.get("bits") == 32, "domain create --32 --domid 7", j)
    rc, j = c.json("domain", "list")
    doms = {x["domid"]: x for x in j.get("domains", [])}
    check(rc == 0 and doms.get(0, {}).get("label") == dom0 and doms[0].get("socket") == "control",
          "domain list: dom0 with its label and socket", j)
    check(doms.get(n, {}).get("label") == domu and doms[n].get("bits") == 64 and
          doms[n].get("socket") == "dom%d" % n, "domain list: the guest", j)
    check(doms.get(7, {}).get("bits") == 32, "domain list: the 32-bit guest", j)
    ssid = client(a, cs, "ssidref", n)
    check(("ssidref %d" % doms.get(n, {}).get("ssidref", -1)) in ssid, "domain list ssidref = getdomaininfo's", ssid)
    rc, out, _ = c.run("domain", "list")
    check(rc == 0 and re.search(r"^%d\s+64\s+running\s+dom%d\s+\d+\s+%s$" % (n, n, re.escape(domu)),
                                out, re.M), "domain list (text)", out)
    rc, j = c.json("domain", "destroy", 7)
    check(rc == 0 and not os.path.exists(d.sock(7)), "domain destroy", j)
    rc, j = c.json("domain", "list")
    check(7 not in [x["domid"] for x in j.get("domains", [])], "the destroyed domain is gone", j)
    rc, j = c.json("domain", "destroy", 7)
    check(rc == 1 and j.get("errno") == 3, "destroying it again: exit 1, ESRCH", j)
    rc, j = c.json("domain", "create", "--label", "system_u:vm_r:dom0_t")
    check(rc == 1 and j.get("errno") == EINVAL, "an invalid label: exit 1, EINVAL", j)

    # the console ring: a guest writes, xsmctl reads and clears
    raw = Raw(d.sock(n))
    check(raw.console_write("hello from the guest\n") >= 0, "the guest writes to the console")
    rc, j = c.json("console", "read")
    check(rc == 0 and "(d%d) hello from the guest" % n in j.get("text", ""), "console read --json", j)
    rc, out, _ = c.run("console", "read", "--clear")
    check(rc == 0 and "hello from the guest" in out, "console read --clear", out)
    rc, j = c.json("console", "read")
    check(rc == 0 and j.get("text") == "", "the ring is empty after --clear", j)
    raw.console_write("again\x1b[2J\n")
    rc, out, _ = c.run("console", "read")
    check("\x1b" not in out, "no escape byte reaches the terminal", repr(out))
    rc, j = c.json("console", "clear")
    rc2, j2 = c.json("console", "read")
    check(rc == 0 and j.get("cleared") is True and j2.get("text") == "", "console clear", j2)

    # load
    rc, j = c.json("load", a.policy)
    check(rc == 0 and j.get("bytes") == os.path.getsize(a.policy), "load --json", j)
    check("policyvers: 30" in client(a, cs, "policyvers"), "the loaded policy is in force")
    bad = os.path.join(tmp, "corrupt.pol")
    with open(a.policy, "rb") as f, open(bad, "wb") as g:
        g.write(f.read()[:200])
    rc, j = c.json("load", bad)
    check(rc == 1 and j.get("errno") == EINVAL, "load of a corrupt policy: exit 1, EINVAL", j)
    rc, j = c.json("load", a.why_policy)
    check(rc == 1 and j.get("errno") == EINVAL, "load of an MLS policy over a non-MLS one: EINVAL", j)
    check(d.stop() == 0, "the daemon stops cleanly")


# ---- errors and exit codes -------------------------------------------------------------

def t_errors(a, tmp):
    d = Daemon(a, tmp)
    c = Ctl(a, d)
    for args, what in [((), "no command"), (("frobnicate",), "unknown command"),
                       (("setenforce", "2"), "setenforce 2"), (("bool", "set", "x", "5"), "bool set x 5"),
                       (("sid-to-context", "abc"), "sid-to-context abc"),
                       (("label", "add", "gpio", "1", "x"), "an unknown label kind"),
                       (("label", "add", "ioport", "9-1", "x"), "a backwards range"),
                       (("label", "show", "pci", "100000000:03:02.0"),
                        "a PCI segment too large for 32 bits"),
                       (("access", "a", "b"), "access with two arguments"),
                       (("load", os.path.join(tmp, "none")), "load of a missing file"),
                       (("why", "avc: denied nothing"), "why of a line that is no AVC line"),
                       (("domain", "create", "--domid", "x"), "domain create --domid x")]:
        rc, out, err = c.run(*args)
        check(rc == 2 and (err.startswith("xsmctl: ") or err.startswith("usage: ")),
              "exit 2: " + what, (rc, err))
    rc, j = c.json("frobnicate")
    check(rc == 2 and j.get("ok") is False and j.get("usage") is True, "exit 2 --json", j)
    dom0 = "system_u:system_r:dom0_t"
    rc, j = c.json("access", dom0, dom0, "nosuchclass", "x")
    check(rc == 2 and "nosuchclass" in j.get("error", ""), "access: an unknown class, exit 2", j)
    rc, j = c.json("access", dom0, dom0, "domain", "nosuchperm")
    check(rc == 2 and "nosuchperm" in j.get("error", ""), "access: an unknown permission, exit 2", j)

    # no daemon
    p = subprocess.run([a.xsmctl, "--dir", os.path.join(tmp, "nowhere"), "--json", "getenforce"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    j = json.loads(p.stdout or "{}")
    check(p.returncode == 3 and j.get("ok") is False and j.get("errno") == ENOENT,
          "no daemon: exit 3, ENOENT", (p.returncode, p.stdout))

    # a guest: FLASK's denials, and the control domain's requests refused
    rc, j = c.json("domain", "create", "--label", "system_u:system_r:domU_t")
    n = j["domid"]
    rc, j = c.json("setenforce", "0", domain=n)
    check(rc == 1 and j.get("errno") == EACCES, "a guest's setenforce: exit 1, EACCES", j)
    check("getenforce: 1" in client(a, d.sock(), "getenforce"), "... and nothing changed")
    check(re.search(r"avc:  denied  \{ setenforce \} for current=d%d " % n, d.log()) is not None,
          "... and the daemon logged the guest's denial")
    for args in [("domain", "create"), ("domain", "destroy", "1"), ("label", "show", "pirq", "1"),
                 ("why", dom0, dom0, "domain", "pause")]:
        rc, j = c.json(*args, domain=n)
        check(rc == 1 and j.get("ok") is False and "control" in j.get("error", ""),
              "as a guest, control only: " + " ".join(args), j)
    rc, j = c.json("access", dom0, dom0, "domain", "pause", domain=n)
    check(rc == 2 and "control" in j.get("error", "") and "number" in j.get("error", ""),
          "as a guest, access by names says to give numbers", j)
    rc, j = c.json("getenforce", domain=n)
    check(rc == 0 and j.get("domain") == n, "a guest may read the mode", j)
    # a destroyed domain
    c.run("domain", "destroy", n)
    rc, out, err = c.run("getenforce", domain=n)
    check(rc == 3, "a destroyed domain's socket: exit 3", (rc, err))
    check(d.stop() == 0, "the daemon stops cleanly")


# ---- a 32-bit domain ---------------------------------------------------------------------

def t_m32(a, tmp):
    d = Daemon(a, tmp, "--flask", "permissive")
    c = Ctl(a, d)
    ids = {}
    for bits in (64, 32):
        args = ["domain", "create", "--label", "system_u:system_r:domU_t"] + (["--32"] if bits == 32 else [])
        rc, j = c.json(*args)
        ids[bits] = j.get("domid")
    check(all(ids.values()), "a 64-bit and a 32-bit guest", ids)
    res = {}
    for bits, n in ids.items():
        out = []
        for args in [("bool", "get", "prot_doms_locked"), ("bool", "list"),
                     ("context-to-sid", "system_u:system_r:domU_t"), ("sid-to-context", "12"),
                     ("bool", "set", "guest_writeconsole", "1"), ("load", a.policy),
                     ("label", "add", "dt", "/bits%d" % bits, "system_u:object_r:nic_dev_t"),
                     ("info",)]:
            rc, j = c.json(*args, domain=n)
            j.pop("domain", None)
            j.pop("path", None)
            out.append((rc, json.dumps(j, sort_keys=True)))
        res[bits] = out
        # the label went in with the right path (the handle decoded); a later load drops it
        rc, j = c.json("label", "show", "dt", "/bits%d" % bits)
        check(j.get("context") == "system_u:object_r:nic_dev_t", "the %d-bit guest's label" % bits, j)
    for i, (o64, o32) in enumerate(zip(res[64], res[32])):
        check(o64 == o32 and o64[0] == 0, "32-bit domain, command %d: as the 64-bit one" % i, (o64, o32))
    rc, out, _ = c.run("info", domain=ids[32])
    check("32-bit" in out, "info says the domain is 32-bit", out)
    check(d.stop() == 0, "the daemon stops cleanly")


# ---- the daemon's questions on the raw wire -----------------------------------------------

def access_vectors(a, cls):
    """Permission names of a class from policy/abi/access_vectors, in bit order."""
    text = open(a.access_vectors).read()
    text = re.sub(r"#[^\n]*", "", text)
    m = re.search(r"\bclass\s+%s\s*\{([^}]*)\}" % cls, text)
    return m.group(1).split() if m else None


def t_protocol(a, tmp):
    d = Daemon(a, tmp)
    c = Ctl(a, d)
    raw = Raw(d.sock())

    r, text = raw.answer(T_CLASSES)
    lines = text.splitlines() if text else []
    check(r and r[0] == ST_OK and r[1] == len(text) and r[2] == r[1] and len(lines) == 13,
          "CLASSES: 13 lines, result and value = the length", (r, lines[:2]))
    dom = [ln.split("\t") for ln in lines if ln.split("\t")[2:3] == ["domain"]]
    check(dom and dom[0][:2] == ["class", "3"] and dom[0][3:] == access_vectors(a, "domain"),
          "CLASSES: domain is 3, permissions in the order of access_vectors", dom)
    name, addr = raw.buf(b"security")
    r, text = raw.answer(T_CLASSES, 0, addr, 8)
    check(text and text.split("\t")[:3] == ["class", "11", "security"] and text.count("\n") == 1,
          "CLASSES by name", text)
    name, addr = raw.buf(b"nosuch")
    check(raw.answer(T_CLASSES, 0, addr, 6)[0][1] == -ENOENT, "CLASSES of an unknown name: -ENOENT")
    name, addr = raw.buf(b"sec\0rity")
    check(raw.answer(T_CLASSES, 0, addr, 8)[0][1] == -EINVAL, "CLASSES of a name with a NUL: -EINVAL")
    check(raw.answer(T_CLASSES, 0, addr, 257)[0][1] == -EINVAL, "CLASSES of a 257-byte name: -EINVAL")

    # -ERANGE: nothing written, the size in value; -EFAULT; the connection stays
    (_, full, _), _ = raw.answer(T_CLASSES)
    b, addr = raw.buf(b"\xaa" * 64)
    r = raw.req(T_CLASSES, 0, 0, (0, 0, 0, 0, addr, 64))
    check(r == (ST_OK, -ERANGE, full) and b.raw[:64] == b"\xaa" * 64,
          "a short buffer: -ERANGE, value = the size needed, nothing written", r)
    r = raw.req(T_CLASSES, 0, 0, (0, 0, 0, 0, 4096, 1 << 20))
    check(r and r[1] == -EFAULT, "an answer buffer not mapped: -EFAULT", r)
    check(raw.req(T_WHOAMI) == (ST_OK, 0, 0), "the connection is still open")

    # EXPLAIN
    domu, sec = sid_of(c, "system_u:system_r:domU_t"), sid_of(c, "system_u:system_r:security_t")
    r, text = raw.answer(T_EXPLAIN, 0, domu, sec, 11, 0x40)
    lines = [ln.split("\t") for ln in (text or "").splitlines()]
    check(lines and lines[0] == ["decision", "00000000", "00000000", lines[0][3], lines[0][4], "0", "1"],
          "EXPLAIN: the decision line (nothing allowed, enforcing)", lines[:1])
    check(len(lines) == 2 and lines[1][:8] == ["reason", "te", "setenforce", "primary", "0", "0", "",
                                               "allow domU_t security_t:security setenforce;"]
          and len(lines[1]) == 9, "EXPLAIN: one reason, no allow rule, and the rule", lines)
    r, text = raw.answer(T_EXPLAIN, 0, domu, sec, 11, 0)
    perms = {ln.split("\t")[2] for ln in text.splitlines()[1:]}
    check(perms == set(access_vectors(a, "security")), "EXPLAIN of every permission", perms)
    check(raw.answer(T_EXPLAIN, 0, domu, sec, 999, 1)[0][1] == -EINVAL, "EXPLAIN of class 999: -EINVAL")
    check(raw.answer(T_EXPLAIN, 0, domu, sec, 11, 1 << 20)[0][1] == -EINVAL,
          "EXPLAIN of a bit the class lacks: -EINVAL")
    check(raw.answer(T_EXPLAIN, 0, 1 << 40)[0][1] == -EINVAL, "EXPLAIN of a SID above 32 bits: -EINVAL")

    # LABEL
    check(raw.req(T_LABEL, 1, 0, (33,)) == (ST_OK, 0, 10), "LABEL pirq 33: the default (irq) SID")
    c.run("label", "add", "pirq", "33", "system_u:object_r:nic_dev_t")
    nic = sid_of(c, "system_u:object_r:nic_dev_t")
    check(raw.req(T_LABEL, 1, 0, (33,)) == (ST_OK, 0, nic), "LABEL pirq 33 after the label")
    p, addr = raw.buf(b"/soc/eth0")
    check(raw.req(T_LABEL, 5, 0, (addr, 9)) == (ST_OK, 0, 11), "LABEL dt: the default device SID")
    check(raw.req(T_LABEL, 5, 0, (addr, 0))[1] == -EINVAL, "LABEL dt of an empty path: -EINVAL")
    p, addr = raw.buf(b"/soc\0eth0")
    check(raw.req(T_LABEL, 5, 0, (addr, 9))[1] == -EINVAL, "LABEL dt of a path with a NUL: -EINVAL")
    check(raw.req(T_LABEL, 5, 0, (addr, 4097))[1] == -EINVAL, "LABEL dt of 4097 bytes: -EINVAL")
    check(raw.req(T_LABEL, 6, 0, (1,))[1] == -EINVAL, "LABEL of kind 6: -EINVAL")
    check(raw.req(T_LABEL, 1, 0, (1, 1))[1] == -EINVAL, "LABEL pirq with a length: -EINVAL")
    check(raw.req(T_LABEL, 5, 0, (4096, 5))[1] == -EFAULT, "LABEL dt of an unmapped path: -EFAULT")

    # DOMAINS
    rc, j = c.json("domain", "create", "--label", "system_u:system_r:domU_t", "--32")
    n = j["domid"]
    r, text = raw.answer(T_DOMAINS)
    rows = sorted(ln.split("\t") for ln in (text or "").splitlines())
    # xsmctl's own connections end asynchronously: the control socket has ours, maybe more
    check(len(rows) == 2 and rows[0][:3] == ["domain", "0", "64"] and int(rows[0][3]) >= 1 and
          rows[0][4] == "control" and rows[1] == ["domain", str(n), "32", "0", "dom%d" % n],
          "DOMAINS: the control domain and the 32-bit guest", repr(text))

    # CONSOLE: a KVM guest's PV console (kvm-ring-xsmd); a process domain has none
    check(raw.answer(T_CONSOLE, 0, n)[0][1] == -ENOENT, "CONSOLE of a process domain: -ENOENT")
    check(raw.answer(T_CONSOLE, 0, 4321)[0][1] == -ESRCH, "CONSOLE of no domain: -ESRCH")
    check(raw.answer(T_CONSOLE, 0, 0x7ff0)[0][1] == -EINVAL, "CONSOLE of DOMID_SELF: -EINVAL")

    # control only; unused fields must be zero
    g = Raw(d.sock(n))
    for typ, nr in [(T_EXPLAIN, 0), (T_CLASSES, 0), (T_LABEL, 1), (T_DOMAINS, 0), (T_CONSOLE, 0)]:
        r = g.req(typ, nr)
        check(r and r[0] == ST_NOT_CONTROL, "type %d on a guest's socket: NOT_CONTROL" % typ, r)
    check(g.req(T_WHOAMI)[0] == ST_OK, "... and its connection stays open")
    for typ, nr, flags, args in [(T_EXPLAIN, 1, 0, ()), (T_EXPLAIN, 0, 1, ()),
                                 (T_CLASSES, 0, 0, (0, 0, 1)), (T_CLASSES, 1, 0, ()),
                                 (T_LABEL, 1, 0, (0, 0, 0, 1)), (T_LABEL, 1, 0, (0, 0, 0, 0, 0, 1)),
                                 (T_DOMAINS, 0, 0, (1,)), (T_DOMAINS, 2, 0, ()),
                                 (T_CONSOLE, 0, 0, (1, 0, 1)), (T_CONSOLE, 0, 1, (1,))]:
        x = Raw(d.sock())
        r = x.req(typ, nr, flags, args)
        check(r and r[0] == ST_BAD_REQUEST and x.closed(),
              "type %d with a field it does not use: BAD_REQUEST, closed" % typ, r)
    check(d.stop() == 0, "the daemon stops cleanly")

    # without FLASK, and before a policy
    d = Daemon(a, tmp, "--xsm", "dummy")
    raw = Raw(d.sock())
    for what, r in [("EXPLAIN", raw.answer(T_EXPLAIN, 0, 1, 1, 1, 1)[0]),
                    ("CLASSES", raw.answer(T_CLASSES)[0]), ("LABEL", raw.req(T_LABEL, 1, 0, (1,)))]:
        check(r[0] == ST_OK and r[1] == -ENOSYS, "--xsm dummy: %s is -ENOSYS" % what, r)
    check(raw.answer(T_DOMAINS)[1] == "domain\t0\t64\t1\tcontrol\n", "--xsm dummy: DOMAINS works")
    check(d.stop() == 0, "the dummy daemon stops cleanly")
    d = Daemon(a, tmp, "--flask", "late")
    raw = Raw(d.sock())
    check(raw.answer(T_CLASSES)[0][1] == -ENODATA, "no policy yet: CLASSES is -ENODATA")
    check(raw.answer(T_EXPLAIN, 0, 1, 1, 1, 1)[0][1] == -ENODATA, "no policy yet: EXPLAIN is -ENODATA")
    check(d.stop() == 0, "the late daemon stops cleanly")


# ---- why -------------------------------------------------------------------------------

# One request per reason of why.te (see its header), with what its source says.
WHY = [
    ("te", "system_u:system_r:domU_t:s0", "system_u:system_r:security_t:s0", "security", "setenforce"),
    ("boolean", "system_u:system_r:domU_t:s0", "system_u:system_r:dom0_t:s0", "domain", "pause"),
    ("constraint", "user_1:vm_r:domU_t:s0", "system_u:system_r:domU_t:s0", "domain", "destroy"),
    ("mls", "system_u:system_r:domU_t:s0", "system_u:system_r:dom0_t:s1", "domain", "getdomaininfo"),
    ("role", "system_u:system_r:domU_t:s0", "system_u:vm_r:trans_t:s0", "domain", "transition"),
    ("bounds", "system_u:system_r:child_t:s0", "system_u:system_r:domU_t:s0", "domain", "unpause"),
]


def audit_line(kind, s, t, cls, perm, prefix="(XEN) "):
    return "%savc:  denied  { %s } for current=d1 scontext=%s tcontext=%s tclass=%s" % (
        prefix, perm, s, t, cls)


def t_why(a, tmp):
    d = Daemon(a, tmp, "--policy", a.why_policy)
    c = Ctl(a, d)
    got = {}
    for kind, s, t, cls, perm in WHY:
        rc, j = c.json("why", s, t, cls, perm)
        ps = j.get("permissions", [])
        reasons = ps[0]["reasons"] if ps else []
        got[kind] = reasons
        check(rc == 0 and len(ps) == 1 and ps[0]["name"] == perm and ps[0]["granted"] is False and
              reasons and reasons[0]["kind"] == kind and reasons[0]["primary"],
              "why %s %s: the first reason is %s" % (cls, perm, kind), j)
    r = got.get("te", [{}])[0]
    check(r.get("rule") == "allow domU_t security_t:security setenforce;" and
          "allow domain_type security_t:security compute_av;" in r.get("detail", ""),
          "te: the rule that would allow it, and the rule the pair has", r)
    r = got.get("boolean", [{}])[0]
    check(r.get("boolean") == "lock" and r.get("value") == 0 and r.get("alone") is True and
          r.get("rule") == "allow domU_t dom0_t:domain pause;", "boolean: lock, 0, alone", r)
    r = got.get("constraint", [{}])[0]
    check(r.get("rule") == "constrain domain destroy (u1 == u2 or t1 == dom0_t);" and
          "u1 == u2 is false (u1=user_1 u2=system_u)" in r.get("detail", "") and
          "t1 == dom0_t is false (t1=domU_t)" in r.get("detail", ""),
          "constraint: written out, and both failing comparisons", r)
    r = got.get("mls", [{}])[0]
    check(r.get("rule") == "mlsconstrain domain getdomaininfo (l1 dom l2);" and
          r.get("detail") == "l1 dom l2 is false (l1=s0 l2=s1)", "mls: the level check", r)
    r = got.get("role", [{}])[0]
    check(r.get("rule") == "allow system_r vm_r;", "role: the role allow rule", r)
    r = got.get("bounds", [{}])[0]
    check(r.get("bound") == "parent_t" and r.get("rule") == "allow parent_t domU_t:domain unpause;",
          "bounds: the bounding type and the rule it lacks", r)

    # two booleans, one deciding alone; the human text says how to flip it
    rc, j = c.json("why", WHY[1][1], WHY[1][2], "domain", "unpause")
    rs = j.get("permissions", [{}])[0].get("reasons", [])
    check(sorted((x["boolean"], x["value"], x["alone"]) for x in rs) ==
          [("open_a", 1, False), ("open_b", 0, True)], "if (open_a && open_b): open_b alone", rs)
    rc, out, _ = c.run("why", WHY[1][1], WHY[1][2], "domain", "unpause")
    check("xsmctl bool set open_b 1 --commit" in out and "open_a is 1" in out,
          "why (text) gives the command that flips open_b", out)
    c.run("bool", "set", "open_b", "1", "--commit")
    rc, j = c.json("why", WHY[1][1], WHY[1][2], "domain", "unpause")
    p = j.get("permissions", [{}])[0]
    check(p.get("granted") is True and p["reasons"][0]["kind"] == "allowed",
          "after flipping it: granted, by the conditional rule", j)
    # a secondary reason
    rc, j = c.json("why", "user_1:vm_r:domU_t:s0", "system_u:system_r:domU_t:s0", "domain", "shutdown")
    rs = j.get("permissions", [{}])[0].get("reasons", [])
    check([(x["kind"], x["primary"]) for x in rs] == [("te", True), ("constraint", False)],
          "no rule, and a constraint that would deny it too (secondary)", rs)

    # the forms of an audit line
    kind, s, t, cls, perm = WHY[2]
    for form, args in [("quoted, (XEN) prefix", [audit_line(kind, s, t, cls, perm)]),
                       ("quoted, xsmd's prefix", [audit_line(kind, s, t, cls, perm, "xsmd: ")]),
                       ("unquoted", audit_line(kind, s, t, cls, perm, "").split())]:
        rc, j = c.json("why", *args)
        check(rc == 0 and j.get("scontext") == s and j.get("class") == cls and
              j["permissions"][0]["reasons"][0]["kind"] == "constraint", "why of an audit line, " + form, j)
    lines = "\n".join(audit_line(*w) for w in WHY) + "\nnot an avc line\n"
    rc, j = c.json("why", "-", stdin=lines)
    kinds = [e["permissions"][0]["reasons"][0]["kind"] for e in j.get("explanations", [])]
    check(rc == 0 and kinds == [w[0] for w in WHY], "why - (stdin): each line explained", j)
    rc, j = c.json("why", "-", stdin=audit_line("te", "nosuch_u:r:t:s0", s, cls, perm) + "\n" +
                   audit_line(*WHY[0]) + "\n")
    ex = j.get("explanations", [])
    check(rc == 1 and len(ex) == 2 and ex[0].get("ok") is False and
          ex[1]["permissions"][0]["reasons"][0]["kind"] == "te",
          "why -: a line with an unknown context fails alone", j)
    rc, out, _ = c.run("why", audit_line(*WHY[3]))
    check(rc == 0 and re.search(r"MLS constraint \d+ of class domain fails", out) and
          "l1 dom l2 is false" in out,
          "why (text) of the MLS denial", out)

    # a denial the daemon itself logged
    rc, j = c.json("domain", "create", "--label", "system_u:system_r:domU_t:s0")
    n = j["domid"]
    c.run("setenforce", "0", domain=n)
    logged = [ln for ln in d.log().splitlines() if "avc:  denied" in ln and "current=d%d" % n in ln]
    rc, j = c.json("why", logged[-1] if logged else "")
    check(rc == 0 and j.get("permissions", [{}])[0].get("reasons", [{}])[0].get("rule") ==
          "allow domU_t security_t:security setenforce;", "why of a denial from xsmd's log", j)
    check(d.stop() == 0, "the daemon stops cleanly")


def t_audit2why(a, tmp):
    if not shutil.which("audit2why"):
        skip("audit2why not installed (Debian package policycoreutils-python-utils)")
    d = Daemon(a, tmp, "--policy", a.why_policy)
    c = Ctl(a, d)
    lines = [audit_line(*w) for w in WHY]
    src = os.path.join(tmp, "denials.log")
    with open(src, "w") as f:
        f.write("\n".join(lines) + "\n")
    p = subprocess.run(["audit2why", "-p", a.why_policy, "-i", src], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=120)
    blocks = re.split(r"(?m)^(?=\(XEN\) avc:)", p.stdout)
    blocks = [b for b in blocks if b.startswith("(XEN) avc:")]
    check(len(blocks) == len(WHY), "audit2why explains each line", p.stdout)
    causes = {"te": "Missing type enforcement (TE) allow rule", "boolean": "The boolean lock was set incorrectly",
              "constraint": "#\tconstrain domain", "mls": "#\tmlsconstrain domain",
              "role": "Missing role allow rule", "bounds": "Typebounds violation"}
    for w, b in zip(WHY, blocks):
        rc, j = c.json("why", audit_line(*w))
        ours = j.get("permissions", [{}])[0].get("reasons", [{}])[0]
        check(ours.get("kind") == w[0] and causes[w[0]] in b,
              "%s: audit2why and xsmctl why name the same cause" % w[0], (ours, b))
        if w[0] in ("constraint", "mls"):
            # audit2why marks each failing comparison "-Fail-"; ours lists them
            failing = re.findall(r"\(([^()]*?) -Fail-\)", b)
            check(failing and all((f + " is false") in ours.get("detail", "") for f in failing),
                  "%s: the same failing comparisons %s" % (w[0], failing), (ours, b))
    check(d.stop() == 0, "the daemon stops cleanly")


def t_demo(a, tmp):
    if not os.access(os.path.join(a.tools, "flask-getenforce"), os.X_OK):
        skip("Xen tools not installed (%s; Debian package xen-utils-4.17)" % a.tools)
    p = subprocess.run([sys.executable, a.demo, "--build", a.build, "--tools", a.tools],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
    out = p.stdout
    check(p.returncode == 0, "scripts/demo.py exits 0", out[-3000:])
    for marker in ["== 1. Start the daemon", "flask-loadpolicy", "xl getenforce", "flask-get-bool -a",
                   "no allow rule", "prot_doms_locked is 1", "constraint 0 of class event",
                   "demo: every step went as shown"]:
        check(marker in out, "the transcript has: " + marker)
    check("UNEXPECTED" not in out, "no step unexpected")


# ---- untrusted strings ---------------------------------------------------------

def t_untrusted(a, tmp):
    """Names from the policy in force reach xsmctl's text output with their
    control bytes as \\xHH: why.te with an escape byte spliced into a boolean
    name and a type name (same lengths), loaded by the daemon; then every
    command that prints such a name."""
    with open(a.why_policy, "rb") as f:
        img = f.read()
    for old, new in [(b"open_a", b"op\x1bn_a"), (b"trans_t", b"tr\x1bns_t")]:
        check(img.count(old) == 1, "why.te's image names %r once" % old)
        img = img.replace(old, new)
    path = os.path.join(tmp, "esc.bin")
    with open(path, "wb") as f:
        f.write(img)
    d = Daemon(a, tmp, "--policy", path)
    c = Ctl(a, d)
    ctx = "system_u:system_r:tr\x1bns_t:s0"
    sid = sid_of(c, ctx)
    check(sid is not None, "the context with an escape byte has a SID")
    runs = [("bool list",), ("bool", "get", "op\x1bn_a"), ("sid-to-context", sid),
            ("domain", "create", "--label", ctx), ("domain", "list")]
    for args in runs:
        args = tuple(x for w in args for x in w.split(" ")) if len(args) == 1 else args
        rc, out, err = c.run(*args)
        shown = " ".join(str(x).replace("\x1b", "<ESC>") for x in args)
        check(rc == 0, "xsmctl %s: exit 0" % shown, err)
        bad = [ch for ch in out if (ord(ch) < 0x20 and ch != "\n") or ord(ch) >= 0x7f]
        check(not bad, "xsmctl %s: no control byte in its output" % shown, repr(out))
        check("\\x1b" in out, "xsmctl %s: the byte shown as \\x1b" % shown, repr(out))
    check(d.stop() == 0, "clean stop")


GROUPS = {"untrusted": t_untrusted, "commands": t_commands, "errors": t_errors, "m32": t_m32, "protocol": t_protocol,
          "why": t_why, "audit2why": t_audit2why, "demo": t_demo}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--xsmd", required=True)
    ap.add_argument("--xsmctl", required=True)
    ap.add_argument("--client", required=True)
    ap.add_argument("--policy", required=True)
    ap.add_argument("--why-policy", required=True)
    ap.add_argument("--access-vectors", required=True)
    ap.add_argument("--demo", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--tools", default="/usr/lib/xen-4.17/bin")
    ap.add_argument("group", choices=sorted(GROUPS))
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="xsmctl-test.")
    try:
        GROUPS[a.group](a, tmp)
    finally:
        for d in DAEMONS:
            if d.p.poll() is None:
                d.p.kill()
                d.p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILS:
        print("%d failed: %s" % (len(FAILS), "; ".join(FAILS)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
