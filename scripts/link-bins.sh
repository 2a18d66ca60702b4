#!/bin/sh
# Put the user-facing binaries at the top of the build directory.
set -eu
b=$1
for f in src/tools/xsmpolicy src/tools/xsm-demo src/hosts/xsmd/xsmd src/hosts/privcmd/xsm-run src/hosts/privcmd/libxsm-privcmd.so src/hosts/xsmctl/xsmctl src/hosts/kvm/xsm-kvm-run bench/ss/bench-ss bench/flask/bench-flask bench/xsmd/bench-xsmd; do
    if [ -x "$b/$f" ]; then
        ln -sf "$f" "$b/$(basename "$f")"
    fi
done
