#!/bin/sh
# Install the Debian packages a target needs, only when some are missing.
#   scripts/deps.sh build   - compiler, meson, ninja, m4 and checkpolicy (default policy)
#   scripts/deps.sh demo    - plus Debian's Xen tools, which make demo drives
#   scripts/deps.sh test    - plus what the test suite uses
#   scripts/deps.sh lint    - build, plus clang, clang-tidy, cppcheck, scan-build (make lint)
#   scripts/deps.sh coverage - test, plus gcovr (make coverage)
#   scripts/deps.sh state   - the installed versions of the test packages (scripts/configure.sh)
set -eu
build="gcc libc6-dev meson ninja-build pkg-config python3 m4 checkpolicy"
demo="$build xen-utils-4.17"
test="$build g++ gcc-multilib libxen-dev xen-utils-4.17 fuse3 libfuse3-dev secilc libsepol-dev clang libclang-rt-14-dev selinux-policy-default selinux-policy-mls policycoreutils-python-utils"
lint="$build git clang clang-tidy clang-tools cppcheck"
coverage="$test gcovr"
case "${1:-build}" in
build) want=$build ;;
demo) want=$demo ;;
test) want=$test ;;
lint) want=$lint ;;
coverage) want=$coverage ;;
state)
    # shellcheck disable=SC2086
    dpkg-query -W -f='${Package}=${Version} ${Status}\n' $test 2>/dev/null | sort || true
    exit 0
    ;;
*) echo "usage: $0 build|demo|test|lint|coverage|state" >&2; exit 2 ;;
esac
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
    echo "deps: not root; run as root: apt-get install --no-install-recommends$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
