#!/bin/sh
# Configure a build directory; configure it again from scratch when the
# packages a build looks for have changed since it was configured.  A build
# directory that `make demo` configured before `make check` installed the
# test packages (libsepol-dev, checkpolicy's peers, the Xen tools) would
# otherwise keep the answers of its first configuration and leave out the
# tests and benchmarks that need them.
#   scripts/configure.sh BUILDDIR [MESON-OPTIONS...]
set -eu
b=$1
shift
state=$(scripts/deps.sh state)
if [ -f "$b/build.ninja" ]; then
    if [ "$(cat "$b/.deps-state" 2>/dev/null)" = "$state" ]; then
        exit 0
    fi
    echo "configure: the installed packages changed since $b was configured: configuring it again"
    meson setup --wipe "$b" "$@"
else
    meson setup "$b" "$@"
fi
printf '%s\n' "$state" >"$b/.deps-state"
