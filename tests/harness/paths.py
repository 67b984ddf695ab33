# SPDX-License-Identifier: GPL-2.0
"""Where the appliance keeps what the harness reads: one place for each path."""

import os

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOP = os.path.dirname(TESTS)
SUITES = os.path.join(TESTS, "suites")
QUICK_PROFILE = os.path.join(TESTS, "mutate", "quick-profile")
COVERAGE_CONTROLS = os.path.join(TESTS, "coverage", "controls")
COVERAGE_REASONS = os.path.join(TESTS, "coverage", "reasons")
KILL_GUEST = os.path.join(TOP, "scripts", "kill-guest.sh")
BOOT_GUEST = os.path.join(TOP, "scripts", "boot-guest.sh")
