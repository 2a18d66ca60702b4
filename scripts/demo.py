#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""make demo: openxsm as a running service, driven by Debian's unmodified
Xen tools and by xsmctl, with a readable transcript.

  scripts/demo.py [--build DIR] [--tools DIR] [--quiet]

It starts xsmd (FLASK, the built-in policy, a temporary socket directory),
then: discovery; a policy load with flask-loadpolicy; the enforcing mode
with flask-setenforce and xl; booleans with flask-get-bool and xsmctl; a
guest domain whose request FLASK denies, and `xsmctl why` on the denial
from the daemon's log; a denial caused by a boolean and one by a
constraint, each explained; a device label; AVC statistics; where
/dev/kvm is usable, real guests (KVM VMs booted from our test guest, a
Xen PVH kernel): two talk over an event channel, two share a page by a
grant (map and copy), and a device-model guest
is refused the bind, with the audit line and `xsmctl why`; then it stops
the daemon.  Every step's outcome is checked: exit 0 when all went as the
transcript says, 1 otherwise (the step that did not is marked UNEXPECTED).
"""
import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

UNEXPECTED = []


class Demo:
    def __init__(self, args):
        self.build = os.path.abspath(args.build)
        self.tools = args.tools
        self.quiet = args.quiet
        self.tmp = tempfile.mkdtemp(prefix="xsm-demo.")
        self.dir = os.path.join(self.tmp, "xsmd")
        self.log = os.path.join(self.tmp, "xsmd.log")
        self.bin = {
            "xsmd": os.path.join(self.build, "src/hosts/xsmd/xsmd"),
            "xsm-run": os.path.join(self.build, "src/hosts/privcmd/xsm-run"),
            "xsmctl": os.path.join(self.build, "src/hosts/xsmctl/xsmctl"),
        }
        self.policy = os.path.join(self.build, "policy/xenpolicy.bin")
        self.daemon = None
        self.logpos = 0
        self.step_no = 0

    # ---- output ------------------------------------------------------------

    def say(self, text=""):
        print(text, flush=True)

    def step(self, title):
        self.step_no += 1
        self.say("\n== %d. %s" % (self.step_no, title))

    def expect(self, cond, what):
        if not cond:
            UNEXPECTED.append(what)
            self.say("   !! UNEXPECTED: " + what)

    def shown(self, argv):
        """The command as a reader would type it (short names for our tools)."""
        out = []
        for a in argv:
            for name, path in self.bin.items():
                if a == path:
                    a = name
            if self.tools and a.startswith(self.tools + "/"):
                a = os.path.basename(a)
            a = a.replace(self.dir, "$DIR").replace(self.build + "/", "build/")
            out.append(shlex.quote(a) if a != "$DIR" and " " in a else a)
        return " ".join(out)

    def run(self, *argv, env=None, quiet=False):
        """Run, print "$ command" and its output; return (exit status, output).
        quiet: print nothing (polling)."""
        argv = list(argv)
        if not quiet:
            self.say("$ " + self.shown(argv))
        e = dict(os.environ)
        if env:
            e.update(env)
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           env=e, timeout=60)
        out = p.stdout
        for line in out.splitlines() if not quiet else []:
            self.say("  " + line.replace(self.dir, "$DIR"))
        return p.returncode, out

    def ctl(self, *args, domain=None):
        argv = [self.bin["xsmctl"], "--dir", self.dir]
        if domain is not None:
            argv += ["--domain", str(domain)]
        return self.run(*(argv + list(args)))

    def tool(self, name, *args, domain=None, env=None):
        argv = [self.bin["xsm-run"], "--dir", self.dir]
        if domain is not None:
            argv += ["--domain", str(domain)]
        return self.run(*(argv + ["--", os.path.join(self.tools, name)] + list(args)), env=env)

    def new_log(self):
        """What the daemon logged since the last call."""
        with open(self.log) as f:
            f.seek(self.logpos)
            text = f.read()
            self.logpos = f.tell()
        return text

    def show_log(self, text, pattern):
        lines = [ln for ln in text.splitlines() if re.search(pattern, ln)]
        for ln in lines:
            self.say("  [xsmd log] " + ln.replace(self.dir, "$DIR"))
        return lines

    # ---- the daemon ----------------------------------------------------------

    def start(self):
        self.say("$ xsmd --dir $DIR          # FLASK, enforcing, the policy built into the library")
        self.logf = open(self.log, "w")
        self.daemon = subprocess.Popen([self.bin["xsmd"], "--dir", self.dir],
                                       stdout=self.logf, stderr=subprocess.STDOUT)
        t0 = time.time()
        while time.time() - t0 < 20:
            with open(self.log) as f:
                if "ready:" in f.read():
                    break
            if self.daemon.poll() is not None:
                break
            time.sleep(0.05)
        text = self.new_log()
        self.show_log(text, r"ready:|Flask:")
        self.expect("ready:" in text, "xsmd starts and logs ready:")
        return "ready:" in text

    def stop(self):
        if not self.daemon:
            return
        if self.daemon.poll() is None:
            self.say("$ kill -TERM $(pidof xsmd)")
            self.daemon.send_signal(signal.SIGTERM)
        try:
            rc = self.daemon.wait(20)
        except subprocess.TimeoutExpired:
            self.daemon.kill()
            rc = self.daemon.wait()
        self.logf.close()
        self.show_log(self.new_log(), r"signal|stopped")
        self.expect(rc == 0, "xsmd stops cleanly (exit 0)")
        self.daemon = None

    def xenstored(self):
        """xl wants a listening xenstore socket; its FLASK subcommands send it nothing."""
        path = os.path.join(self.tmp, "xenstored")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.listen(8)

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
        self.xs_sock = s
        return path

    # ---- the scenario --------------------------------------------------------

    def scenario(self):
        self.say("openxsm demo: the hypervisor model runs as a daemon (xsmd); Debian's unmodified")
        self.say("Xen tools reach it through xsm-run (an LD_PRELOAD privcmd bridge) and issue")
        self.say("hypercall 27 exactly as on Xen; xsmctl is openxsm's own client.")
        self.say("Tools: " + self.tools + "; build: " + self.build + "; DIR=" + self.dir)

        self.step("Start the daemon")
        if not self.start():
            return

        self.step("What runs: XSM discovery (the core module of the common xsm_op)")
        rc, out = self.ctl("info")
        self.expect(rc == 0 and "flask" in out and "enforcing" in out, "xsmctl info shows FLASK")

        self.step("Load a policy with Debian's flask-loadpolicy (the built-in one, again)")
        rc, out = self.tool("flask-loadpolicy", self.policy)
        self.show_log(self.new_log(), r"[Pp]olicy|load")
        rc, out = self.ctl("info")
        self.expect("policy version 30" in out, "after the load FLASK has a version-30 policy")

        self.step("Enforcing mode: flask-getenforce, flask-setenforce, xl, xsmctl")
        rc, out = self.tool("flask-getenforce")
        self.expect(out.strip() == "Enforcing", "flask-getenforce says Enforcing")
        self.tool("flask-setenforce", "0")
        rc, out = self.ctl("getenforce")
        self.expect(out.strip() == "Permissive", "xsmctl getenforce: Permissive after flask-setenforce 0")
        env = {"XENSTORED_PATH": self.xenstored()}
        self.tool("xl", "setenforce", "1", env=env)
        rc, out = self.tool("xl", "getenforce", env=env)
        self.expect(out.strip().endswith("Enforcing"), "xl getenforce: Enforcing after xl setenforce 1")

        self.step("Booleans: flask-get-bool -a, then xsmctl")
        rc, out = self.tool("flask-get-bool", "-a")
        self.expect("prot_doms_locked: 0" in out, "flask-get-bool lists prot_doms_locked: 0")
        rc, out = self.ctl("bool", "list")
        self.expect(re.search(r"guest_writeconsole\s+1", out) is not None,
                    "xsmctl bool list shows guest_writeconsole 1")

        self.step("A guest domain: xsmctl asks the daemon for one, labelled domU_t")
        rc, out = self.ctl("domain", "create", "--label", "system_u:system_r:domU_t")
        m = re.search(r"domain (\d+) created", out)
        self.expect(rc == 0 and m is not None, "xsmctl domain create makes a domain")
        if not m:
            return
        guest = int(m.group(1))
        rc, out = self.ctl("domain", "list")
        self.expect("system_u:system_r:domU_t" in out, "xsmctl domain list shows the guest's label")

        self.step("The guest runs flask-setenforce 0: FLASK denies it")
        self.new_log()
        rc, out = self.tool("flask-setenforce", "0", domain=guest)
        lines = self.show_log(self.new_log(), r"avc:  denied")
        self.expect(len(lines) == 1 and "setenforce" in lines[0], "one AVC denial for setenforce")
        rc, out = self.ctl("getenforce")
        self.expect(out.strip() == "Enforcing", "still Enforcing")
        if lines:
            self.say("\nWhy?  xsmctl why takes the audit line as the log has it:")
            line = lines[0].split("xsmd: ", 1)[-1]
            rc, out = self.ctl("why", line)
            self.expect(rc == 0 and "no allow rule" in out and
                        "allow domU_t security_t:security setenforce;" in out,
                        "xsmctl why: no allow rule, and the rule that would allow it")

        self.step("A denial caused by a boolean: lock prot_domU_t, then create one")
        self.tool("flask-set-bool", "prot_doms_locked", "1")
        self.new_log()
        rc, out = self.ctl("domain", "create", "--label", "system_u:system_r:prot_domU_t")
        self.expect(rc != 0 and "Permission denied" in out, "creating a prot_domU_t domain is denied")
        lines = self.show_log(self.new_log(), r"avc:  denied")
        if lines:
            rc, out = self.ctl("why", lines[-1].split("xsmd: ", 1)[-1])
            self.expect("boolean" in out and "prot_doms_locked is 1" in out,
                        "xsmctl why names the boolean prot_doms_locked and its value")
        self.expect(len(lines) >= 1, "the denial is in the daemon's log")
        self.ctl("bool", "set", "prot_doms_locked", "0", "--commit")
        rc, out = self.ctl("domain", "create", "--label", "system_u:system_r:prot_domU_t")
        self.expect(rc == 0, "with the boolean back at 0 the domain is created")
        m = re.search(r"domain (\d+) created", out)
        if m:
            self.ctl("domain", "destroy", m.group(1))

        self.step("A denial caused by a constraint: users may not share event channels")
        chan, peer = "user_1:object_r:domU_t_channel", "user_2:vm_r:domU_t"
        rc, out = self.ctl("access", chan, peer, "event", "bind")
        self.expect(rc == 4 and "denied" in out, "xsmctl access: bind denied (exit 4)")
        rc, out = self.ctl("why", chan, peer, "event", "bind")
        self.expect("constraint 0 of class event" in out and "u1 == u2 is false" in out,
                    "xsmctl why names the constraint and the comparison that failed")

        self.step("Device labels: label a PCI device, read it back")
        dev = pci_device()
        if dev:
            self.tool("flask-label-pci", dev, "system_u:object_r:nic_dev_t")
        else:
            dev = "0000:03:02.0"
            self.say("(no PCI device here for flask-label-pci to read: xsmctl labels one instead)")
            self.ctl("label", "add", "pci", dev, "system_u:object_r:nic_dev_t")
        rc, out = self.ctl("label", "show", "pci", dev)
        self.expect("nic_dev_t" in out, "the device reads back as nic_dev_t")

        self.step("The AVC behind all these decisions")
        rc, out = self.ctl("avc", "stats")
        self.expect(rc == 0 and "lookups" in out, "xsmctl avc stats")

        self.guests()

        self.step("Clean up: destroy the guest, stop the daemon")
        self.ctl("domain", "destroy", str(guest))
        self.stop()


    # ---- real guests ---------------------------------------------------------

    def console_until(self, marks):
        """xsmd's console (console_io) once every mark is in it, or after 15 s."""
        out = ""
        for _ in range(300):
            rc, out = self.run(self.bin["xsmctl"], "--dir", self.dir, "console", "read",
                               quiet=True)
            if all(m in out for m in marks):
                break
            time.sleep(0.05)
        return out

    def guests(self):
        """KVM guests (our test guest, a Xen PVH kernel) under FLASK: two
        talk over an event channel; a device model paired with neither is
        refused, with the audit line and xsmctl why."""
        g = os.path.join(self.build, "tests/hosts/kvm/guest64")
        if not os.access("/dev/kvm", os.R_OK | os.W_OK):
            self.say("\n(the KVM guests are left out: no usable /dev/kvm here)")
            return
        if not os.path.exists(g):
            subprocess.run(["ninja", "-C", self.build, "tests/hosts/kvm/guest64"],
                           capture_output=True)
        if not os.path.exists(g):
            self.say("\n(the KVM guests are left out: the test guest cannot be built here)")
            return
        domu, dm = "system_u:system_r:domU_t", "system_u:system_r:dm_dom_t"

        self.step("Real guests: two KVM guests under FLASK ping-pong over an event channel")
        # The client first: the server's port is allocated for a domain that exists.
        self.ctl("create", "--kernel", g, "--label", domu, "--domid", "22",
                 "--cmdline", "evtchn-client peer=21")
        self.ctl("create", "--kernel", g, "--label", domu, "--domid", "21",
                 "--cmdline", "evtchn-server peer=22")
        out = self.console_until(["(d21) bye", "(d22) bye"])
        for ln in out.splitlines():
            if re.match(r"\(d2[12]\) evtchn (port|bind|sent|received)", ln):
                self.say("  " + ln)
        self.expect("(d21) evtchn received: 100" in out and "(d22) evtchn received: 100" in out,
                    "100 events each way: upcalls into each guest, sched_op block")

        self.step("Real guests share a page: d25 grants it, d26 maps it into its memory")
        self.ctl("create", "--kernel", g, "--label", domu, "--domid", "25",
                 "--cmdline", "grant peer=26")
        self.ctl("create", "--kernel", g, "--label", domu, "--domid", "26",
                 "--cmdline", "grant peer=25")
        out = self.console_until(["(d25) bye", "(d26) bye"])
        for ln in out.splitlines():
            if re.match(r"\(d2[56]\) (map status|mapper|granter|copy status)", ln):
                self.say("  " + ln)
        self.expect("(d26) mapper reads the grant: 1" in out and
                    "(d25) granter sees the mapper's write: 1" in out and
                    "(d25) granter sees the copy: 1" in out,
                    "the page is shared both ways, and grant copy reaches it")

        self.step("A guest denied: a device model may not bind to a guest it does not serve")
        self.new_log()
        self.ctl("create", "--kernel", g, "--label", dm, "--domid", "24",
                 "--cmdline", "evtchn-client peer=23")
        self.ctl("create", "--kernel", g, "--label", domu, "--domid", "23",
                 "--cmdline", "evtchn-server peer=24")
        out = self.console_until(["(d23) bye", "(d24) bye"])
        for ln in out.splitlines():
            if re.match(r"\(d2[34]\) evtchn (port|bind|no peer)", ln):
                self.say("  " + ln)
        self.expect("(d24) evtchn bind: -13" in out, "d24 (dm_dom_t) gets -EACCES from bind")
        lines = self.show_log(self.new_log(), r"avc:  denied .*scontext=\S*dm_dom_t")
        self.expect(bool(lines), "xsmd logs the denial in Xen's audit format")
        if lines:
            avc = lines[0][lines[0].index("avc:"):]
            rc, out = self.ctl("why", avc)
            self.expect(rc == 0 and "allow" in out, "xsmctl why explains the audit line")
        for d in (21, 22, 23, 24, 25, 26):
            self.ctl("domain", "destroy", str(d))


def pci_device():
    base = "/sys/bus/pci/devices"
    try:
        for n in sorted(os.listdir(base)):
            if os.path.exists(os.path.join(base, n, "resource")):
                return n
    except OSError:
        pass
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--tools", default="/usr/lib/xen-4.17/bin")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    d = Demo(args)
    missing = [p for p in list(d.bin.values()) + [d.policy] if not os.path.exists(p)]
    if missing:
        print("demo: not built: " + ", ".join(missing) + " (make demo builds them)")
        return 1
    if not os.access(os.path.join(args.tools, "flask-getenforce"), os.X_OK):
        print("demo: Debian's Xen tools are not in %s (package xen-utils-4.17; "
              "scripts/deps.sh demo installs it)" % args.tools)
        return 1
    try:
        d.scenario()
    finally:
        d.stop()
        shutil.rmtree(d.tmp, ignore_errors=True)
    print()
    if UNEXPECTED:
        print("demo: %d step(s) did not go as shown: %s" % (len(UNEXPECTED), "; ".join(UNEXPECTED)))
        return 1
    print("demo: every step went as shown; the daemon stopped cleanly.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
