# Thin wrapper over meson + ninja.  `make demo` and `make check` install what
# they need on a Debian 12 machine (as root) before building.
BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps configure build demo check bench fmt clean

all: build

deps:
	@scripts/deps.sh build

# Configured again whenever the installed packages changed (scripts/configure.sh).
configure: deps
	@scripts/configure.sh $(BUILD) $(MESON_OPTS)

build: configure
	ninja -C $(BUILD)
	@scripts/link-bins.sh $(BUILD)

# The demo needs only the library and the demo program, not the test suite.
demo: configure
	ninja -C $(BUILD) src/tools/xsm-demo
	@scripts/link-bins.sh $(BUILD)
	$(BUILD)/xsm-demo

# The whole suite: normal build, the same suite under ASan+UBSan, and bounded
# libFuzzer runs.  Ends with one line "N passed, N failed, N skipped".
check:
	@scripts/deps.sh test
	@scripts/check.sh

bench:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory build
	$(BUILD)/bench-ss
	$(BUILD)/bench-flask
	$(BUILD)/bench-xsmd

fmt:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-tsan build-fuzz
