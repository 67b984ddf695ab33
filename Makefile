# SPDX-License-Identifier: GPL-2.0
# The RCU table-free appliance: config -> patches -> UML kernel + walker
# module -> initramfs -> run / test / gdb. Every stage is its own target.

.DELETE_ON_ERROR:
SHELL := /bin/bash

BUILD := $(CURDIR)/build
# make splits paths at spaces and kbuild refuses a source tree with one:
# from such a clone, read it through a link and build where no space is.
ifneq ($(words $(CURDIR)),1)
SPACELESS := $(shell "$(CURDIR)/scripts/spaceless.sh" "$(CURDIR)")
$(if $(SPACELESS),,$(error no directory without spaces to build in: see above))
CURDIR := $(SPACELESS)/src
BUILD := $(SPACELESS)/build
endif

# User-facing variables: make help prints the ## lines, one a variable
# (NAME=DEFAULT: meaning) or target (make NAME: what it does).
## KSRC=: a Linux 6.12 tree to use instead of Debian's linux-source-6.12
KSRC ?=
## APPLY_PATCHES=: with KSRC, 1 applies the series to that tree (else it must have it)
APPLY_PATCHES ?=
## KASAN=0: 1 builds and uses a KASAN kernel (build/kernel-kasan/)
KASAN ?= 0
## COVERAGE=0: 1 builds and uses the gcov kernel (build/kernel-coverage/; make coverage sets it)
COVERAGE ?= 0
## MEM=256M: guest memory, 64M to 16G
MEM ?= 256M
## ARGS=: extra kernel arguments for the guest
ARGS ?=
## TESTS=: suites to run, by name (default all; make list names them)
TESTS ?=
## QUICK=: 1 runs the quick profile (tests/mutate/quick-profile) and skips make check
QUICK ?=
## JOBS=nproc: kbuild jobs, and suites make test runs at once
JOBS ?= $(shell nproc)
## GDB_ARGS=: extra gdb arguments for make gdb (-batch -x my.gdb for a script)
GDB_ARGS ?=
## SEED=: the storms' and walkers' seed in make test (default random; a failure prints it)
SEED ?=
## FALLBACK_FIX=: 1 also applies patches/optional/ (the fallback waits for a grace period)
FALLBACK_FIX ?=
## DURATION=: seconds each storm runs (default the suite's 1-3 s); make soak needs it
DURATION ?=
## SHARD=: I/N runs the I-th of N shares of the suites (tests/README.md, sharding)
SHARD ?=
## DIRS=: make merge-results: the results directories to merge into build/results
DIRS ?=
## HOST_SIM=: 11008, 2696, 832 or 0: boot every guest as on a host whose XSTATE regset is that big (0: no XSAVE; tests/host-sim/)
HOST_SIM ?=

# Where UML keeps each guest's mconsole socket and pid file (not ~/.uml).
export UML_DIR := $(BUILD)/uml
# The host facts make doctor writes, for the KTAP header and summary.json.
export HOST_FACTS := $(BUILD)/host.json
# The host simulator (tests/host-sim/): HOST_SIM=N boots every guest as if
# the host's XSTATE regset were N bytes; the host-* suites pick N themselves.
export XSTATE_SHIM := $(BUILD)/host-sim/xstate-shim.so
HOST_SIM_SHAPES_FILE := $(CURDIR)/tests/host-sim/shapes
ifneq ($(HOST_SIM),)
ifeq ($(shell awk '$$1 == "$(HOST_SIM)" && !/^\#/' $(HOST_SIM_SHAPES_FILE)),)
$(error HOST_SIM=$(HOST_SIM) is not a host shape: use $(shell awk '!/^\#/ { printf "%s%s (%s)", sep, $$1, $$2; sep = ", " }' $(HOST_SIM_SHAPES_FILE)), or leave it unset for this host)
endif
export XSTATE_SIM_SIZE := $(HOST_SIM)
SIM_SHIM := $(XSTATE_SHIM)
endif

DEBIAN_TARBALL := /usr/src/linux-source-6.12.tar.xz
DEBIAN_TREE := $(BUILD)/linux-source-6.12
COVERAGE_TREE := $(DEBIAN_TREE)-coverage
COVERAGE_KOBJ := $(BUILD)/kernel-coverage
COVERAGE_DIR := $(BUILD)/coverage
PATCHES := $(sort $(wildcard $(CURDIR)/patches/[0-9]*.patch))
ifeq ($(FALLBACK_FIX),1)
PATCHES += $(sort $(wildcard $(CURDIR)/patches/optional/[0-9]*.patch))
endif
FRAGMENTS := $(sort $(wildcard $(CURDIR)/kernel-config/[0-9]*.config))
# The coverage kernel has a tree of its own: its patches (the UML gcov fix,
# the walker built in) never reach the tree the other kernels build from.
ifeq ($(COVERAGE),1)
ifneq ($(KSRC),)
$(error COVERAGE=1 builds its own copy of Debian's linux-source-6.12 with patches/coverage/ applied: leave KSRC unset)
endif
ifeq ($(KASAN),1)
$(error COVERAGE=1 with KASAN=1 is not supported (never tried): use one of them)
endif
DEBIAN_TREE := $(COVERAGE_TREE)
PATCHES += $(sort $(wildcard $(CURDIR)/patches/coverage/[0-9]*.patch))
else ifneq ($(COVERAGE),0)
$(error COVERAGE=$(COVERAGE): use make coverage (or COVERAGE=1) for the coverage kernel, or leave it unset)
endif

ifeq ($(KSRC),)
KTREE := $(DEBIAN_TREE)
KTREE_READY := $(DEBIAN_TREE)/.appliance-patched
KOBJ := $(BUILD)/kernel
else
KTREE := $(abspath $(KSRC))
KTREE_READY := $(BUILD)/.ksrc-checked
KOBJ := $(BUILD)/kernel-ksrc
endif
ifeq ($(KASAN),1)
FRAGMENTS += $(CURDIR)/kernel-config/kasan.config
KOBJ := $(KOBJ)-kasan
else ifneq ($(KASAN),0)
$(error KASAN=$(KASAN): use KASAN=1 for the KASAN kernel or leave it unset)
endif
ifeq ($(COVERAGE),1)
FRAGMENTS += $(CURDIR)/kernel-config/coverage.config
KOBJ := $(COVERAGE_KOBJ)
endif

# Checked here, by the script boot-guest.sh checks it with, so that a bad
# MEM stops make before anything boots.
MEM_MIB := $(shell $(CURDIR)/scripts/mem-mib.sh '$(MEM)' 2>/dev/null)
ifeq ($(MEM_MIB),)
$(error $(shell $(CURDIR)/scripts/mem-mib.sh '$(MEM)' 2>&1))
endif

LINUX := $(KOBJ)/linux
KMAKE := $(MAKE) -C $(KTREE) O=$(KOBJ) ARCH=um -j$(JOBS)
WALKER_SRC := $(wildcard $(CURDIR)/walker/*.c $(CURDIR)/walker/*.h) $(CURDIR)/walker/Kbuild
WALKER_OBJ := $(KOBJ)/walker
WALKER_KO := $(WALKER_OBJ)/table_walker.ko
# No modules with gcov: the coverage kernel builds the walker in, from a
# link to walker/ in its tree (patches/coverage/0002); the coverage report
# (make coverage-report, which runs without COVERAGE=1) maps it back.
WALKER_IN_TREE := mm/table_walker
ifeq ($(COVERAGE),1)
WALKER_KO :=
WALKER_LINK := $(KTREE)/$(WALKER_IN_TREE)
endif
# One program per *_storm.c; storm_*.c is the library every storm links.
STORM_LIB := $(wildcard $(CURDIR)/rootfs/storms/storm_*.c)
STORM_HDR := $(wildcard $(CURDIR)/rootfs/storms/*.h)
STORM_BIN := $(patsubst $(CURDIR)/rootfs/storms/%.c,$(BUILD)/rootfs/bin/%,$(wildcard $(CURDIR)/rootfs/storms/*_storm.c))
# The guest's checks (rootfs/checks/): fpstate_check is fpstate_*.c and fpstate_regs.S.
FPSTATE_SRC := $(wildcard $(CURDIR)/rootfs/checks/fpstate_*.c $(CURDIR)/rootfs/checks/fpstate_*.S)
CHECK_BIN := $(BUILD)/rootfs/bin/fpstate_check
ROOTFS_FILES := $(shell find $(CURDIR)/rootfs/etc $(CURDIR)/rootfs/sbin -type f)
INITRAMFS := $(KOBJ)/initramfs.cpio
RESULTS := $(BUILD)/results
ifeq ($(COVERAGE),1)
RESULTS := $(COVERAGE_DIR)/results
endif

BUILD_PACKAGES := gcc:gcc make:make flex:flex bison:bison bc:bc xz-utils:xz \
	linux-source-6.12:$(DEBIAN_TARBALL) libc6-dev:/usr/include/stdio.h patch:patch
ROOTFS_PACKAGES := busybox-static:/bin/busybox
TEST_PACKAGES := expect:expect procps:ps util-linux:setsid python3:python3
CHECK_PACKAGES := python3:python3 shellcheck:shellcheck libxml2-utils:xmllint mypy:mypy
GDB_PACKAGES := gdb:gdb python3:python3

# Everything the named goals need, checked once before any other stamp,
# so that a first run names every missing package, not one group a run.
goal_packages = $(if $(filter-out check merge-results,$(or $(MAKECMDGOALS),all)),$(BUILD_PACKAGES) $(ROOTFS_PACKAGES)) \
	$(if $(filter test mutate bench coverage,$(MAKECMDGOALS)),$(TEST_PACKAGES)) \
	$(if $(filter check merge-results,$(MAKECMDGOALS))$(if $(filter test,$(MAKECMDGOALS)),$(TEST_CHECK)),$(CHECK_PACKAGES)) \
	$(if $(filter gdb,$(MAKECMDGOALS)),$(GDB_PACKAGES)) \
	$(if $(filter bench,$(MAKECMDGOALS)),$(BENCH_PACKAGES)) \
	$(if $(filter coverage coverage-report,$(MAKECMDGOALS)),$(COVERAGE_PACKAGES))

# The package stamps: each list checked once, and again when the Makefile
# (where the lists are) changes.
$(BUILD)/.packages-goals: $(CURDIR)/Makefile
	@$(CURDIR)/scripts/need-packages.sh "$(or $(MAKECMDGOALS),all)" $(goal_packages)
	@mkdir -p $(@D) && touch $@

## make all: the kernel, the walker and the initramfs (kernel rootfs)
.PHONY: all
all: kernel rootfs

## make help: these targets and the variables, from the Makefile's ## lines
.PHONY: help
help:
	@echo "Targets:"
	@sed -n 's/^## make \([^:]*\): \(.*\)/\1\t\2/p' $(CURDIR)/Makefile | \
		awk -F'\t' '{ printf "  make %-16s %s\n", $$1, $$2 }'
	@echo "Variables (make TARGET VAR=value):"
	@sed -n 's/^## \([A-Z_]*\)=\([^:]*\): \(.*\)/\1=\2\t\3/p' $(CURDIR)/Makefile | \
		awk -F'\t' '{ printf "  %-22s %s\n", $$1, $$2 }'

# --- host packages -----------------------------------------------------------
## make packages: install (or, not as root, name) the Debian packages make test needs
.PHONY: packages
packages:
	@$(CURDIR)/scripts/need-packages.sh packages $(BUILD_PACKAGES) $(ROOTFS_PACKAGES) $(TEST_PACKAGES) \
		$(CHECK_PACKAGES) $(HOST_SIM_PACKAGES)

$(BUILD)/.packages-build: $(CURDIR)/Makefile | $(BUILD)/.packages-goals
	@$(CURDIR)/scripts/need-packages.sh kernel $(BUILD_PACKAGES)
	@mkdir -p $(@D) && touch $@

# --- kernel source -----------------------------------------------------------
# Unpacked once and never overwritten: edits made in it are what the next
# build tests. make distclean removes it.
$(DEBIAN_TREE)/.appliance-unpacked: | $(BUILD)/.packages-build
	@echo "  UNPACK  $(DEBIAN_TARBALL) -> $(DEBIAN_TREE)"
	@if [ -e $(DEBIAN_TREE)/Makefile ]; then \
		echo "make: $(DEBIAN_TREE) exists but was not fully unpacked; remove it (make distclean) and retry." >&2; exit 1; fi
	@mkdir -p $(DEBIAN_TREE)
	@tar -C $(DEBIAN_TREE) --strip-components=1 -xf $(DEBIAN_TARBALL)
	@touch $@

# Patches already in the tree are skipped, so a patch added later (or
# FALLBACK_FIX=1) is applied on the next build.
$(DEBIAN_TREE)/.appliance-patched: $(PATCHES) | $(DEBIAN_TREE)/.appliance-unpacked
	@$(CURDIR)/scripts/patch-tree.sh apply $(DEBIAN_TREE) $(PATCHES)
	@touch $@

# A tree the user names is never modified unless APPLY_PATCHES=1.
$(BUILD)/.ksrc-checked: FORCE | $(BUILD)/.packages-build
	@$(CURDIR)/scripts/check-ksrc.sh $(KTREE) $(if $(APPLY_PATCHES),apply,check) $(PATCHES)
	@mkdir -p $(@D) && touch $@

## make source: Debian's linux-source-6.12 unpacked and patched (or KSRC checked)
.PHONY: source
source: $(KTREE_READY)

# --- configuration -----------------------------------------------------------
# Regenerated only when a fragment changes, so menuconfig edits survive.
$(KOBJ)/.config: $(FRAGMENTS) $(CURDIR)/kernel-config/merge.sh | $(KTREE_READY)
	@$(CURDIR)/kernel-config/merge.sh $(KTREE) $(KOBJ) $(FRAGMENTS)

## make config: the merged .config (kernel-config/ fragments)
## make menuconfig: the kernel's menuconfig on that .config
.PHONY: config menuconfig
config: $(KOBJ)/.config

menuconfig: $(KOBJ)/.config
	$(KMAKE) menuconfig

# --- kernel and walker module ------------------------------------------------
# kbuild decides what to rebuild: it always runs, and is quick when
# nothing changed.
## make kernel: the patched UML kernel
.PHONY: kernel
kernel: $(LINUX)

$(LINUX): $(KOBJ)/.config FORCE | $(WALKER_LINK)
	@echo "  KBUILD  $(KMAKE) all"
	@$(KMAKE) all >$(KOBJ)/build.log 2>&1 || { tail -n 40 $(KOBJ)/build.log >&2; \
		echo "make: the kernel build failed; whole log: $(KOBJ)/build.log" >&2; exit 1; }

ifeq ($(COVERAGE),1)
$(WALKER_LINK): | $(KTREE_READY)
	@echo "  LINK    $@ -> $(CURDIR)/walker"
	@ln -sfn $(CURDIR)/walker $@
endif

$(WALKER_KO): $(WALKER_SRC) $(LINUX)
	@mkdir -p $(WALKER_OBJ)
	@cp -p $(WALKER_SRC) $(WALKER_OBJ)/
	@echo "  MODULE  $(MAKE) -C $(KOBJ) M=$(WALKER_OBJ) ARCH=um modules"
	@$(MAKE) -C $(KOBJ) M=$(WALKER_OBJ) ARCH=um modules >$(WALKER_OBJ)/build.log 2>&1 || \
		{ cat $(WALKER_OBJ)/build.log >&2; exit 1; }

## make walker: the walker module, table_walker.ko
.PHONY: walker
walker: $(WALKER_KO)

# --- root filesystem ---------------------------------------------------------
$(BUILD)/.packages-rootfs: $(CURDIR)/Makefile | $(BUILD)/.packages-goals
	@$(CURDIR)/scripts/need-packages.sh rootfs $(ROOTFS_PACKAGES) $(BUILD_PACKAGES)
	@mkdir -p $(@D) && touch $@

$(BUILD)/rootfs/bin/%: $(CURDIR)/rootfs/storms/%.c $(STORM_LIB) $(STORM_HDR) | $(BUILD)/.packages-rootfs
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@gcc -static -O2 -Wall -Wextra -Werror -pthread -o $@ $< $(STORM_LIB)

$(BUILD)/rootfs/bin/fpstate_check: $(FPSTATE_SRC) $(CURDIR)/rootfs/checks/fpstate.h | $(BUILD)/.packages-rootfs
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@gcc -static -O2 -Wall -Wextra -Werror -pthread -o $@ $(FPSTATE_SRC)

# In /usr/bin with the storms: make-initramfs.sh packs all of $(BUILD)/rootfs/bin.
$(INITRAMFS): $(CHECK_BIN)

# gen_init_cpio comes with the kernel, which the module brings in otherwise.
ifeq ($(COVERAGE),1)
$(INITRAMFS): $(LINUX)
endif
$(INITRAMFS): $(STORM_BIN) $(WALKER_KO) $(ROOTFS_FILES) $(CURDIR)/rootfs/make-initramfs.sh | $(BUILD)/.packages-rootfs
	@$(CURDIR)/rootfs/make-initramfs.sh $@ $(KOBJ)/usr/gen_init_cpio /bin/busybox \
		$(CURDIR)/rootfs $(BUILD)/rootfs/bin $(WALKER_KO)

## make rootfs: the initramfs: busybox, storms, checks, the walker
## make storms: the storm programs alone
.PHONY: rootfs storms
rootfs: $(INITRAMFS)
storms: $(STORM_BIN)

# --- use ---------------------------------------------------------------------
# The host's CPU and XSAVE size, and the known causes of a boot death
# (scripts/doctor.sh), before any guest boots.
## make doctor: the host: CPU, XSAVE size, ptrace, TMPDIR, memory (before any boot)
.PHONY: doctor
doctor: $(SIM_SHIM) | $(KTREE_READY)
	@$(CURDIR)/scripts/doctor.sh $(KTREE) $(BUILD) $(MEM_MIB)

## make run: boot the appliance with its shell on this terminal
.PHONY: run
run: $(INITRAMFS) $(SIM_SHIM) doctor
	@$(CURDIR)/scripts/boot-guest.sh $(LINUX) $(INITRAMFS) $(MEM) $(ARGS)

# What a failing suite's replay line sets besides TESTS and SEED: every
# variable that changes the kernel or the run. The runner gets each, and the list.
REPLAY_VARS := KSRC KASAN FALLBACK_FIX DURATION MEM ARGS HOST_SIM
# shell_env VAR...: VAR='value' words for a recipe's environment
shell_env = $(foreach v,$(1),$(v)='$(subst ','\'',$($(v)))')
HARNESS := $(CURDIR)/tests/harness.sh
# The interpreter behind python3, found once, by the first make: a version
# manager's shim (pyenv's is a shell script) costs 0.5 s a call, and make
# test, make check and make mutate make dozens. Sub-makes inherit it.
ifndef PYTHON
PYTHON := $(shell python3 -c 'import sys; print(sys.executable)' 2>/dev/null || echo python3)
endif
export PYTHON
# The suites, one NAME.exp each, and the runner (make test, make bench).
SUITES := $(CURDIR)/tests/suites
RUN_SUITES := $(HARNESS) run --tests $(SUITES)
# $(call suite_group,NAME): the suites of group NAME (tests/suites/groups);
# for recursive variables only, so that python runs only when one is used.
suite_group = $(or $(shell $(HARNESS) group --tests $(SUITES) $(1)),$(error suite group $(1): $(shell $(HARNESS) group --tests $(SUITES) $(1) 2>&1 >/dev/null)))
QUICK_PROFILE := $(CURDIR)/tests/mutate/quick-profile

## make list: every suite and what it shows, from its # summary: header
.PHONY: list
list:
	@$(HARNESS) list $(SUITES)

# QUICK=1: the suites of the quick profile, which still catch every
# fault knob and every mutant the full suite catches (tests/README.md).
ifeq ($(QUICK),1)
ifneq ($(TESTS),)
$(error QUICK=1 runs the suites of tests/mutate/quick-profile: leave TESTS unset, or drop QUICK=1)
endif
TESTS := $(strip $(shell sed 's/\#.*//' $(QUICK_PROFILE)))
# An edit of the kernel cannot change the harness's own tests: the edit to
# verdict loop skips make check (the full make test runs it).
TEST_CHECK :=
else ifneq ($(QUICK),)
$(error QUICK=$(QUICK): use QUICK=1 for the quick profile, or leave it unset for every suite)
else
# How make test runs make check first; make mutate, which runs make check
# once, sets it empty for its many runs of the suites.
TEST_CHECK := check
endif

# Checked here, by the runner's own rules, so that a suite name that is no
# suite or a bad SHARD stops make before make check and the kernel build run.
ifneq ($(filter test,$(MAKECMDGOALS))$(SHARD),)
SELECT_ERROR := $(shell SHARD='$(SHARD)' DURATION='$(DURATION)' $(HARNESS) select --tests $(SUITES) $(TESTS) 2>&1 >/dev/null)
ifneq ($(SELECT_ERROR),)
$(error $(SELECT_ERROR))
endif
endif

# The harness's own tests run first: a broken judge must not judge guests.
## make test: make check, then every suite (TESTS=): KTAP, build/results/
.PHONY: test
test: $(TEST_CHECK) $(INITRAMFS) $(XSTATE_SHIM) doctor | $(BUILD)/.packages-test
	@$(call shell_env,$(REPLAY_VARS) SEED SHARD) REPLAY_VARS='$(REPLAY_VARS)' \
		LINUX=$(LINUX) INITRAMFS=$(INITRAMFS) FRAGMENTS='$(FRAGMENTS)' \
		$(RUN_SUITES) --results $(RESULTS) --jobs $(JOBS) $(TESTS)

# The harness's unit tests (tests/harness/test_*.py: the runner with
# stand-in suites, verdicts, results, KTAP read back by the kernel's
# kunit.py), those of bench/ and scripts/ beside their code, mypy on the
# harness and shellcheck on every shell script: seconds, no guest, no
# kernel build.
SHELL_SCRIPTS = $(shell cd $(CURDIR) && find . \( -path ./build -o -path ./.git \) -prune -o -type f -exec \
	awk 'FNR == 1 && /^\#!.*\/(ba)?sh/ { print substr(FILENAME, 3) } { nextfile }' {} + | sort)
## make check: the harness's own tests, no guest: seconds
.PHONY: check
check: | $(BUILD)/.packages-check
	@cd $(CURDIR) && PYTHONDONTWRITEBYTECODE=1 KUNIT_TREE=$(KTREE) $(PYTHON) tests/run_checks.py \
		"unittest tests/harness (the runner, judge, reports)" \
			"cd tests && $(PYTHON) -m unittest discover -q -s harness -t ." \
		"unittest scripts (need-packages, mconsole)" "$(PYTHON) -m unittest discover -q -s scripts" \
		"unittest tests/mutate (save and restore)" "$(PYTHON) -m unittest discover -q -s tests/mutate" \
		"unittest kernel-config (merge.sh)" "$(PYTHON) -m unittest discover -q -s kernel-config" \
		"unittest bench (its figures)" "$(PYTHON) -m unittest discover -q -s bench" \
		"mypy --config-file tests/mypy.ini tests/harness tests/run_checks.py" \
			"cd tests && mypy --config-file mypy.ini --cache-dir $(BUILD)/mypy harness run_checks.py" \
		"tests/mutate/quick-profile covers every fault knob" \
			"$(HARNESS) quick-check $(SUITES) $(QUICK_PROFILE)" \
		"docs/how-a-test-flows.md lists the suites as make list does" \
			"$(HARNESS) list-check $(SUITES) docs/how-a-test-flows.md" \
		"docs/ci/github-actions.yml names only make's targets and variables" \
			"$(HARNESS) workflow-check docs/ci/github-actions.yml Makefile" \
		"every 'invariant N' of the docs is N-th in TW_INVARIANTS" \
			"$(HARNESS) invariants-check $(CURDIR)" \
		"every user-facing variable has its ## line (make help)" \
			"$(HARNESS) help-check Makefile" \
		"shellcheck ($(words $(SHELL_SCRIPTS)) scripts)" \
			"shellcheck $(SHELL_SCRIPTS)" \
		$(HOST_SIM_CHECKS)

$(BUILD)/.packages-check: $(CURDIR)/Makefile | $(BUILD)/.packages-goals
	@$(CURDIR)/scripts/need-packages.sh check $(CHECK_PACKAGES)
	@mkdir -p $(@D) && touch $@

# Many results directories (shards, hosts) into one summary.json and
# junit.xml in RESULTS (tests/README.md).
## make merge-results: join results directories (DIRS=) into one summary.json and junit.xml
.PHONY: merge-results
merge-results: | $(BUILD)/.packages-check
	@[ -n '$(DIRS)' ] || { echo 'make merge-results: set DIRS to the results directories to merge, e.g. DIRS="a/results b/results"' >&2; exit 2; }
	@$(HARNESS) merge $(RESULTS) $(DIRS)

# The same kernel and initramfs under gdb; GDB_ARGS='-batch -x my.gdb' for a script.
## make gdb: the guest under gdb (GDB_ARGS=)
.PHONY: gdb
gdb: $(INITRAMFS) $(SIM_SHIM) doctor | $(BUILD)/.packages-gdb
	@BOOT_WRAPPER="$(CURDIR)/scripts/gdb-wrapper.sh $(GDB_ARGS) --args" \
		$(CURDIR)/scripts/boot-guest.sh $(LINUX) $(INITRAMFS) $(MEM) $(ARGS)

$(BUILD)/.packages-gdb: $(CURDIR)/Makefile | $(BUILD)/.packages-goals
	@$(CURDIR)/scripts/need-packages.sh gdb $(GDB_PACKAGES)
	@mkdir -p $(@D) && touch $@

# The storm suites for as long as asked (seconds per storm), JOBS guests at once.
SOAK_TESTS = $(call suite_group,soak)
## make soak: the storm suites for DURATION seconds each
.PHONY: soak
soak:
	@case '$(DURATION)' in ''|*[!0-9]*) \
		echo "make soak: set DURATION to the seconds each storm runs, e.g. make soak DURATION=600" >&2; exit 2;; esac
	@$(MAKE) --no-print-directory test TESTS="$(SOAK_TESTS)" DURATION=$(DURATION)

# The harness's own negative controls and bad-input checks (also in make test).
SELFTESTS = $(call suite_group,selftest)
## make selftest: the harness's own negative controls (selftest-*)
.PHONY: selftest
selftest:
	@$(MAKE) --no-print-directory test TESTS="$(SELFTESTS)"

$(BUILD)/.packages-test: $(CURDIR)/Makefile | $(BUILD)/.packages-goals
	@$(CURDIR)/scripts/need-packages.sh test $(TEST_PACKAGES)
	@mkdir -p $(@D) && touch $@

# --- host simulator ----------------------------------------------------------
# Another host's XSTATE regset on this one: an LD_PRELOAD shim for the UML
# binary (tests/host-sim/README.md), and its native tests, in make check.
HOST_SIM_DIR := $(BUILD)/host-sim
HOST_SIM_SRC := $(CURDIR)/tests/host-sim
HOST_SIM_PACKAGES := gcc:gcc \
	libc6-dev:/usr/include/stdio.h \
	binutils:nm
goal_packages += $(if $(filter test check check-host-sim host-sim,$(MAKECMDGOALS)),$(HOST_SIM_PACKAGES))

# The shapes as C: HOST_SHAPES, the sizes, and HOST_SHAPES_TEXT for messages.
$(HOST_SIM_DIR)/shapes.h: $(HOST_SIM_SHAPES_FILE)
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	@awk '!/^#/ && NF { sizes = sizes sep $$1; text = text sep $$1 " (" $$2 ")"; sep = ", " } \
		END { print "/* Generated from tests/host-sim/shapes. */"; \
		print "#define HOST_SHAPES { " sizes " }"; print "#define HOST_SHAPES_TEXT \"" text "\"" }' $< >$@

$(XSTATE_SHIM): $(HOST_SIM_SRC)/xstate_shim.c $(HOST_SIM_DIR)/shapes.h | $(BUILD)/.packages-host-sim
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@gcc -shared -fPIC -O2 -Wall -Wextra -Werror -I$(HOST_SIM_DIR) -o $@ $< -ldl

$(HOST_SIM_DIR)/test_xstate_shim: $(HOST_SIM_SRC)/test_xstate_shim.c $(HOST_SIM_DIR)/shapes.h | $(BUILD)/.packages-host-sim
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@gcc -O2 -Wall -Wextra -Werror -I$(HOST_SIM_DIR) -o $@ $<

# Static, as the guest's programs are: the glibc they carry is this one.
$(HOST_SIM_DIR)/ifunc_targets: $(HOST_SIM_SRC)/ifunc_targets.c | $(BUILD)/.packages-host-sim
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@gcc -static -O2 -Wall -Wextra -Werror -o $@ $< -lm

## make host-sim: the host simulator, build/host-sim/xstate-shim.so
## make check-host-sim: the host simulator's native tests
.PHONY: host-sim check-host-sim
host-sim: $(XSTATE_SHIM)

# The shim's rules for every host shape on a traced child, each shape's
# GLIBC_TUNABLES against this glibc, and which gdb commands an AMX host
# refuses: NAME COMMAND pairs for tests/run_checks.py, also run by make check.
HOST_SIM_TESTS := $(XSTATE_SHIM) $(HOST_SIM_DIR)/test_xstate_shim $(HOST_SIM_DIR)/ifunc_targets
HOST_SIM_CHECKS = \
	"host-sim: the shim's regset rules for every host shape" \
		"$(HOST_SIM_DIR)/test_xstate_shim $(XSTATE_SHIM)" \
	"host-sim: each shape's GLIBC_TUNABLES against this glibc" \
		"$(HOST_SIM_SRC)/test-glibc-tunables.sh $(HOST_SIM_DIR)/ifunc_targets" \
	"host-sim: the gdb commands an AMX host refuses" \
		"$(HOST_SIM_SRC)/test-gdb-xstate-writes.sh $(XSTATE_SHIM) $(HOST_SIM_DIR)/ifunc_targets"
check-host-sim: $(HOST_SIM_TESTS)
	@$(PYTHON) $(CURDIR)/tests/run_checks.py $(HOST_SIM_CHECKS)

check: $(HOST_SIM_TESTS)

$(BUILD)/.packages-host-sim: $(CURDIR)/Makefile | $(BUILD)/.packages-goals
	@$(CURDIR)/scripts/need-packages.sh host-sim $(HOST_SIM_PACKAGES)
	@mkdir -p $(@D) && touch $@

# --- coverage ----------------------------------------------------------------
# The suites (TESTS, default the coverage group of tests/suites/groups) on
# the gcov kernel (COVERAGE=1: its own tree and build/kernel-coverage), each
# guest's counters kept apart, then summed (gcov-tool), one lcov tracefile,
# genhtml's report and summary.json in build/coverage/.
COVERAGE_TESTS = $(call suite_group,coverage)
COVERAGE_PACKAGES := lcov:lcov \
	lcov:genhtml \
	gcc:gcov-tool
## make coverage: the suites on a gcov kernel, and the report (build/coverage/)
## make coverage-report: the report alone, from the last make coverage
.PHONY: coverage coverage-report
coverage: | $(BUILD)/.packages-coverage
	@status=0; $(MAKE) --no-print-directory COVERAGE=1 test TESTS="$(or $(TESTS),$(COVERAGE_TESTS))" || status=$$?; \
	$(MAKE) --no-print-directory coverage-report || exit $$?; exit $$status

# The report alone, from the last make coverage's results; the files of the
# series are reported, not those of patches/coverage/.
coverage-report: | $(BUILD)/.packages-coverage
	@WALKER_IN_TREE=$(WALKER_IN_TREE) $(CURDIR)/tests/coverage/coverage.sh $(COVERAGE_KOBJ) $(COVERAGE_TREE) \
		$(COVERAGE_DIR)/results $(COVERAGE_DIR) $(sort $(wildcard $(CURDIR)/patches/[0-9]*.patch))

$(BUILD)/.packages-coverage: $(CURDIR)/Makefile | $(BUILD)/.packages-goals
	@$(CURDIR)/scripts/need-packages.sh coverage $(COVERAGE_PACKAGES)
	@mkdir -p $(@D) && touch $@

# --- mutate ------------------------------------------------------------------
# Detection power: each mutant of tests/mutate/mutants/ applied to the tree, the
# kernel rebuilt, MUTATE_TESTS run RUNS times, the tree restored byte for
# byte; then a clean run. A KSRC tree is mutated only with MUTATE_KSRC=1.
## MUTANTS=: make mutate: the mutants to run, by name (default all of tests/mutate/mutants/)
MUTANTS ?=
## RUNS=3: make mutate: runs of the suites per mutant
RUNS ?= 3
## MUTATE_TESTS=mutate group: make mutate: the suites of a mutant with no Suites: line (tests/suites/groups)
MUTATE_TESTS ?= $(call suite_group,mutate)
## MUTATE_KSRC=: with KSRC, 1 lets make mutate patch (and restore) that tree
MUTATE_KSRC ?=
## make mutate: each mutant of tests/mutate/mutants/ applied, built and tested (MUTANTS=, RUNS=)
.PHONY: mutate
mutate: check $(KTREE_READY) | $(BUILD)/.packages-test $(BUILD)/.packages-rootfs
	@TOP=$(CURDIR) KTREE=$(KTREE) KSRC='$(KSRC)' MUTATE_KSRC='$(MUTATE_KSRC)' \
		FALLBACK_FIX='$(FALLBACK_FIX)' MUTANTS='$(MUTANTS)' RUNS='$(RUNS)' \
		MUTATE_TESTS='$(MUTATE_TESTS)' MAKE='$(MAKE)' $(CURDIR)/tests/mutate/mutate.sh

# --- bench -------------------------------------------------------------------
# Build, boot, suite, storm and walker figures as ratios against peers
# (KUnit, Debian's user-mode-linux, the host) in build/bench/: bench/README.md.
## BENCH_QUICK=0: make bench: 1 skips the cold builds
BENCH_QUICK ?= 0
## BENCH_STAGES=boot storms suite console build loop: make bench: the stages to run (and coverage)
BENCH_STAGES ?= boot storms suite console build loop
## BENCH_RUNS=3: make bench: runs per figure
BENCH_RUNS ?= 3
BENCH_PACKAGES := hyperfine:hyperfine \
	gnuplot-nox:gnuplot \
	user-mode-linux:/usr/bin/linux.uml \
	python3:python3

## make bench: figures against peers (bench/README.md)
.PHONY: bench
bench: $(INITRAMFS) doctor | $(BUILD)/.packages-bench $(BUILD)/.packages-test
	@TOP=$(CURDIR) BUILD=$(BUILD) KTREE=$(KTREE) FRAGMENTS="$(FRAGMENTS)" \
		LINUX=$(LINUX) INITRAMFS=$(INITRAMFS) MEM=$(MEM) STORM_BIN=$(BUILD)/rootfs/bin \
		BENCH_QUICK=$(BENCH_QUICK) BENCH_STAGES="$(BENCH_STAGES)" BENCH_RUNS=$(BENCH_RUNS) \
		COVERAGE_TESTS="$(COVERAGE_TESTS)" RUN_SUITES='$(RUN_SUITES)' $(CURDIR)/bench/run.sh

$(BUILD)/.packages-bench: $(CURDIR)/Makefile | $(BUILD)/.packages-goals
	@$(CURDIR)/scripts/need-packages.sh bench $(BENCH_PACKAGES)
	@mkdir -p $(@D) && touch $@

# --- housekeeping ------------------------------------------------------------
# clean keeps the unpacked (and perhaps edited) kernel tree; distclean
# removes everything the build made.
## make clean: the kernels' objects, the rootfs and the results (keeps .config)
## make distclean: everything under build/
.PHONY: clean distclean
clean:
	@for k in $(wildcard $(BUILD)/kernel $(BUILD)/kernel-*); do \
		echo "  CLEAN   $$k (keeps .config)"; \
		$(MAKE) -s -C $$k ARCH=um clean; \
		rm -rf $$k/walker $$k/initramfs.cpio $$k/initramfs.cpio.list; \
	done
	rm -rf $(BUILD)/rootfs $(BUILD)/results $(BUILD)/bench $(COVERAGE_DIR)

distclean:
	rm -rf $(BUILD)

.PHONY: FORCE
FORCE:
