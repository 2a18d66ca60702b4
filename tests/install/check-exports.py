#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The shared library exports the public API, all of it and nothing else.

The public API is every function declared in the installed headers
(include/openxsm/**.h), found by running them through the C preprocessor
(the hook wrappers are generated there from the X-macro list) and taking
each identifier with a public prefix (xsm_, ss_, hv_) that is followed by
"(".  Three sets must be equal:

  - those functions,
  - the names in the version script (src/lib/libopenxsm.map),
  - the symbols `nm -D --defined-only` finds in libopenxsm.so, each bound to
    a version node of that script.

A symbol exported but not declared is a leaked internal; one declared but
not exported is a hole in the ABI.  Exits 0, 1, or 77 without nm.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

PREFIXES = ("xsm_", "ss_", "hv_")


def skip(why):
    print("skipped: " + why)
    sys.exit(77)


def header_functions(cc, include):
    """Public functions declared by the headers under include/openxsm."""
    names = []
    for root, _, files in os.walk(os.path.join(include, "openxsm")):
        for f in files:
            # hook-defs.h is an X-macro list, reached through hooks.h.
            if f.endswith(".h") and f != "hook-defs.h":
                names.append(os.path.relpath(os.path.join(root, f), include))
    src = "".join("#include <%s>\n" % n for n in sorted(names))
    p = subprocess.run(cc + ["-std=c11", "-E", "-P", "-I", include, "-x", "c", "-"], input=src,
                       text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        print(p.stderr)
        sys.exit(1)
    pattern = r"\b((?:%s)[A-Za-z0-9_]*)\s*\(" % "|".join(PREFIXES)
    return set(re.findall(pattern, p.stdout))


def map_symbols(path):
    """(names listed as global, version node names) of a GNU version script."""
    text = re.sub(r"/\*.*?\*/", " ", open(path).read(), flags=re.S)
    names, nodes = set(), set()
    for m in re.finditer(r"([A-Za-z0-9_.]+)\s*\{(.*?)\}", text, flags=re.S):
        nodes.add(m.group(1))
        body = m.group(2)
        glob = re.search(r"global\s*:(.*?)(?:local\s*:|$)", body, flags=re.S)
        if glob:
            names |= {n.strip() for n in glob.group(1).split(";") if n.strip()}
    return names, nodes


def exported(lib):
    """{name: version} of the defined dynamic symbols of lib."""
    out = subprocess.run(["nm", "-D", "--defined-only", "--with-symbol-versions", lib],
                         text=True, stdout=subprocess.PIPE, check=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        name, _, version = parts[2].partition("@")
        syms[name] = (parts[1], version.lstrip("@"))
    return syms


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True)
    ap.add_argument("--map", required=True)
    ap.add_argument("--include", required=True)
    ap.add_argument("--cc", required=True, nargs="+")
    a = ap.parse_args()
    if shutil.which("nm") is None:
        skip("no nm (Debian: binutils)")

    api = header_functions(a.cc, a.include)
    listed, nodes = map_symbols(a.map)
    syms = exported(a.lib)
    bad = []
    for n in sorted(api - listed):
        bad.append("declared in a public header, missing from %s: %s" %
                   (os.path.basename(a.map), n))
    for n in sorted(listed - api):
        bad.append("in %s but declared in no public header: %s" % (os.path.basename(a.map), n))
    # The version nodes themselves show up as absolute symbols.
    dyn = {n: v for n, v in syms.items() if not (v[0] == "A" and n in nodes)}
    for n in sorted(set(dyn) - api):
        bad.append("leaked internal symbol: %s (%s)" % (n, dyn[n][0]))
    for n in sorted(api - set(dyn)):
        bad.append("public function not exported: " + n)
    for n in sorted(set(dyn) & api):
        if dyn[n][1] not in nodes:
            bad.append("%s has no version node of the map (version %r)" % (n, dyn[n][1]))
    for line in bad:
        print("FAIL: " + line)
    if bad:
        return 1
    print("ok: %d public functions (%s), all exported with a version, nothing else" %
          (len(api), ", ".join("%s %d" % (p, sum(1 for n in api if n.startswith(p)))
                               for p in PREFIXES)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
