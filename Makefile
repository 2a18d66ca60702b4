# Thin wrapper over meson + ninja.  `make demo` and `make check` install what
# they need on a Debian 12 machine (as root) before building.
BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps configure build demo demo-inprocess check lint coverage bench fmt clean

all: build

deps:
	@scripts/deps.sh build

# Configured again whenever the installed packages changed (scripts/configure.sh).
configure: deps
	@scripts/configure.sh $(BUILD) $(MESON_OPTS)

build: configure
	ninja -C $(BUILD)
	@scripts/link-bins.sh $(BUILD)

# The demo: xsmd with the built-in policy, driven by Debian's unmodified Xen
# tools (xen-utils-4.17) and xsmctl (scripts/demo.py); it needs the daemon,
# the bridge, xsmctl and the policy, not the test suite.
DEMO_TARGETS = src/hosts/xsmd/xsmd src/hosts/privcmd/xsm-run \
	src/hosts/privcmd/libxsm-privcmd.so src/hosts/xsmctl/xsmctl policy/xenpolicy.bin
demo:
	@scripts/deps.sh demo
	@scripts/configure.sh $(BUILD) $(MESON_OPTS)
	ninja -C $(BUILD) $(DEMO_TARGETS)
	@scripts/link-bins.sh $(BUILD)
	python3 scripts/demo.py --build $(BUILD)

# The first demo: the hypervisor model in one process (dom0 and two guests
# under dummy, SILO and FLASK), no daemon, no Xen tools.
demo-inprocess: configure
	ninja -C $(BUILD) src/tools/xsm-demo
	@scripts/link-bins.sh $(BUILD)
	$(BUILD)/xsm-demo

# The whole suite: normal build, the same suite under ASan+UBSan, and bounded
# libFuzzer runs.  Ends with one line "N passed, N failed, N skipped".
check:
	@scripts/deps.sh test
	@scripts/check.sh

# Static analysis: a clang build, clang-tidy, cppcheck and scan-build, every
# finding fatal (scripts/lint.sh, docs/testing.md).  Run by .ci/run.
lint:
	@scripts/deps.sh lint
	@scripts/lint.sh

# Line and branch coverage of the library from the test suite, in build-cov
# (scripts/coverage.sh, docs/testing.md).  Slow; not part of CI.
coverage:
	@scripts/deps.sh coverage
	@scripts/coverage.sh

bench:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory build
	$(BUILD)/bench-ss
	$(BUILD)/bench-flask
	$(BUILD)/bench-xsmd
	python3 bench/kvm/bench-kvm.py --build $(BUILD)

fmt:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-tsan build-fuzz build-lint build-scan build-scan-report build-cov
