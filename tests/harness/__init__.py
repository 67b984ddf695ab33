# SPDX-License-Identifier: GPL-2.0
"""The test runner's judging and reporting, run by tests/run.sh: facts -> verdict -> results, KTAP."""
