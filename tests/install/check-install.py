#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Install the build into a temporary DESTDIR and use it as a user would.

  1. `meson install --destdir`: the shared library (with its SONAME and
     links), the static library, every public header, openxsm.pc, the tools
     and the man pages must be where the configured directories say;
  2. every installed header compiles on its own as C11 and as C++17 (g++,
     clang++) with -Wall -Wextra -pedantic -Werror;
  3. tests/install/consumer.c is built out of tree with nothing but
     `pkg-config --cflags --libs openxsm`, as C and as C++, against the
     shared library and once against the static one, and run;
  4. the installed tools run from DESTDIR; the man pages format cleanly;
  5. the example hosts (examples/*.c, --examples) build the same way, as
     strict C11, and run to success.

Exits 0, 1 on the first failed step, or 77 ("skipped: <why>") when a
required tool is missing or the build cannot be used from outside.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

STRICT_C = ["-std=c11", "-Wall", "-Wextra", "-pedantic", "-Werror"]
STRICT_CXX = ["-std=c++17", "-Wall", "-Wextra", "-pedantic", "-Werror"]


def skip(why):
    print("skipped: " + why)
    sys.exit(77)


def fail(why):
    print("FAIL: " + why)
    sys.exit(1)


def run(cmd, env=None, what=None):
    """Run cmd; on failure print its output and fail."""
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        print("$ " + " ".join(cmd))
        print(p.stdout)
        fail("%s exited %d" % (what or cmd[0], p.returncode))
    return p.stdout


def dynamic_section(path):
    """(SONAME or None, [NEEDED...], [RPATH/RUNPATH...]) from readelf -d."""
    out = run(["readelf", "-d", path])
    soname, needed, paths = None, [], []
    for line in out.splitlines():
        m = re.search(r"\((SONAME|NEEDED|RPATH|RUNPATH)\)\s+.*\[(.*)\]", line)
        if not m:
            continue
        if m.group(1) == "SONAME":
            soname = m.group(2)
        elif m.group(1) == "NEEDED":
            needed.append(m.group(2))
        else:
            paths.append(m.group(2))
    return soname, needed, paths


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip", default="", help="reason this build cannot be tested")
    ap.add_argument("--meson", required=True, nargs="+")
    ap.add_argument("--build-root", required=True)
    ap.add_argument("--source-include", required=True, help="include/ of the source tree")
    ap.add_argument("--consumer", required=True)
    ap.add_argument("--cc", required=True, nargs="+")
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--libdir", required=True)
    ap.add_argument("--includedir", required=True)
    ap.add_argument("--bindir", required=True)
    ap.add_argument("--mandir", required=True)
    ap.add_argument("--soversion", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--tools", nargs="*", default=[])
    # Installed programs that speak to xsmd and link nothing of the library.
    ap.add_argument("--clients", nargs="*", default=[])
    ap.add_argument("--examples", nargs="*", default=[])
    ap.add_argument("--sanitize", default="none", help="the build's b_sanitize")
    a = ap.parse_args()
    # A sanitizer build: every program we build links the same runtime as the
    # library, and only the build's compiler family may build them (a gcc
    # ASan library with clang's ASan runtime is two runtimes' worth of ABI).
    san = [] if a.sanitize == "none" else ["-fsanitize=" + a.sanitize,
                                            "-fno-sanitize-recover=all"]
    gnu = "clang" not in os.path.basename(a.cc[0])

    if a.skip:
        skip(a.skip)
    for tool in ("pkg-config", "readelf"):
        if shutil.which(tool) is None:
            skip("no %s (Debian: %s)" % (tool, "pkg-config" if tool == "pkg-config" else "binutils"))

    def under(destdir, d):
        d = d if os.path.isabs(d) else os.path.join(a.prefix, d)
        return destdir + d

    with tempfile.TemporaryDirectory(prefix="openxsm-install-") as tmp:
        destdir = os.path.join(tmp, "root")
        run(a.meson + ["install", "-C", a.build_root, "--no-rebuild", "--quiet",
                       "--destdir", destdir], what="meson install")
        libdir = under(destdir, a.libdir)
        incdir = under(destdir, a.includedir)
        bindir = under(destdir, a.bindir)
        mandir = under(destdir, a.mandir)

        # 1. The layout.
        soname = "libopenxsm.so." + a.soversion
        expect = [os.path.join(libdir, f) for f in
                  ("libopenxsm.so", soname, "libopenxsm.so." + a.version, "libopenxsm.a",
                   "pkgconfig/openxsm.pc")]
        headers = []
        for root, _, files in os.walk(os.path.join(a.source_include, "openxsm")):
            for f in files:
                if f.endswith(".h"):
                    rel = os.path.relpath(os.path.join(root, f), a.source_include)
                    headers.append(rel)
                    expect.append(os.path.join(incdir, rel))
        expect += [os.path.join(bindir, t) for t in a.tools + a.clients]
        expect += [os.path.join(mandir, "man1", t + ".1") for t in a.tools + a.clients]
        expect.append(os.path.join(mandir, "man3", "libopenxsm.3"))
        missing = [p[len(destdir):] for p in expect if not os.path.exists(p)]
        if missing:
            fail("not installed: " + ", ".join(missing))
        real, _, _ = dynamic_section(os.path.join(libdir, "libopenxsm.so"))
        if real != soname:
            fail("SONAME of libopenxsm.so is %r, want %r" % (real, soname))
        if os.path.realpath(os.path.join(libdir, soname)) != os.path.join(
                libdir, "libopenxsm.so." + a.version):
            fail("%s does not lead to libopenxsm.so.%s" % (soname, a.version))
        print("ok: installed layout, SONAME " + soname)

        # 2. Each header on its own, in every language and compiler at hand.
        compilers = [("C", a.cc, STRICT_C)]
        if shutil.which("clang") and os.path.basename(a.cc[0]) != "clang":
            compilers.append(("C", ["clang"], STRICT_C))
        cxx = [c for c in ("g++", "clang++") if shutil.which(c)]
        if san:
            cxx = [c for c in cxx if (c == "g++") == gnu]
        if not cxx:
            skip("no C++ compiler (Debian: g++)")
        compilers += [("C++", [c], STRICT_CXX) for c in cxx]
        for rel in sorted(headers):
            src = ""
            if rel.endswith("hook-defs.h"):  # an X-macro list: the user defines the macros
                src = "#define XSM_HOOK(...)\n#define XSM_HOOK_OTHER(...)\n"
            src += "#include <%s>\nint main(void) { return 0; }\n" % rel
            for lang, comp, flags in compilers:
                p = subprocess.run(comp + ["-x", "c" if lang == "C" else "c++"] + flags +
                                   ["-I", incdir, "-fsyntax-only", "-"], input=src, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                if p.returncode != 0:
                    print(p.stdout)
                    fail("<%s> does not compile alone as %s with %s" % (rel, lang, comp[0]))
        print("ok: %d headers alone as C (%s) and C++ (%s)" %
              (len(headers), ", ".join(c[1][0] for c in compilers if c[0] == "C"),
               ", ".join(cxx)))

        # 3. The consumer, through pkg-config only.
        env = dict(os.environ)
        env["PKG_CONFIG_LIBDIR"] = os.path.join(libdir, "pkgconfig")
        env.pop("PKG_CONFIG_PATH", None)
        env["PKG_CONFIG_SYSROOT_DIR"] = destdir
        cflags = run(["pkg-config", "--cflags", "openxsm"], env=env).split()
        libs = run(["pkg-config", "--libs", "openxsm"], env=env).split()
        static_libs = run(["pkg-config", "--static", "--libs", "openxsm"], env=env).split()
        if [f for f in libs if f.startswith("-l")] != ["-lopenxsm"]:
            fail("pkg-config --libs openxsm gives %s, want one -lopenxsm" % libs)
        # Link the archive itself: -l:NAME is GNU ld's "this file name".
        static_libs = ["-l:libopenxsm.a" if f == "-lopenxsm" else f for f in static_libs]

        runenv = dict(os.environ)
        runenv["LD_LIBRARY_PATH"] = libdir
        builds = [("c-shared", a.cc, "c", STRICT_C, libs)]
        builds += [(c + "-shared", [c], "c++", STRICT_CXX, libs) for c in cxx]
        builds.append(("c-static", a.cc, "c", STRICT_C, static_libs))
        for name, comp, lang, flags, lflags in builds:
            exe = os.path.join(tmp, "consumer-" + name)
            run(comp + ["-x", lang] + flags + san + cflags + [a.consumer, "-x", "none", "-o", exe] +
                lflags, what="building the consumer (%s)" % name)
            _, needed, _ = dynamic_section(exe)
            shared = soname in needed
            if shared != name.endswith("-shared"):
                fail("consumer-%s: NEEDED %s" % (name, needed))
            if shared:  # the loader must pick the installed copy, not the build tree's
                trace = dict(runenv, LD_TRACE_LOADED_OBJECTS="1")
                out = run([exe], env=trace, what="listing the libraries of consumer-" + name)
                where = [ln.split("=>")[1].split()[0] for ln in out.splitlines()
                         if ln.strip().startswith(soname + " =>")]
                if not where or not where[0].startswith(libdir + os.sep):
                    fail("consumer-%s loads %s from %s, not %s" % (name, soname, where, libdir))
            out = run([exe], env=runenv, what="consumer-" + name)
            if "all checks passed" not in out:
                fail("consumer-%s said: %s" % (name, out))
            print("ok: consumer as %s (%s%s)" % (name, " ".join(comp), " " + " ".join(san) if san else ""))

        # 4. The installed tools and man pages.
        for t in a.tools:
            exe = os.path.join(bindir, t)
            _, needed, paths = dynamic_section(exe)
            if soname not in needed:
                fail("%s does not use the shared library (NEEDED %s)" % (t, needed))
            if any(a.build_root in p for p in paths):
                fail("%s keeps a run path into the build tree: %s" % (t, paths))
            run([exe, "--help"], env=runenv, what="installed " + t)
        for t in a.clients:
            run([os.path.join(bindir, t), "--help"], env=runenv, what="installed " + t)
        print("ok: installed tools run (%s)" % ", ".join(a.tools + a.clients))
        if shutil.which("groff"):
            pages = [os.path.join(mandir, "man1", t + ".1") for t in a.tools + a.clients]
            pages.append(os.path.join(mandir, "man3", "libopenxsm.3"))
            for page in pages:
                p = subprocess.run(["groff", "-man", "-ww", "-z", page], text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                if p.returncode != 0 or p.stdout.strip():
                    print(p.stdout)
                    fail("groff warns about " + os.path.basename(page))
            print("ok: man pages format without warnings")
        else:
            print("note: no groff, man pages not formatted")

        # 5. The examples, as a reader of docs/embedding.md builds them.
        for src in a.examples:
            name = os.path.splitext(os.path.basename(src))[0]
            exe = os.path.join(tmp, "example-" + name)
            run(a.cc + STRICT_C + san + cflags + [src, "-o", exe] + libs,
                what="building example " + name)
            run([exe], env=runenv, what="example " + name)
            print("ok: example %s built with pkg-config and run" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
