# SPDX-License-Identifier: GPL-2.0
"""The test runner (runner.py, make test) and its judging and reporting: facts -> verdict -> results, KTAP."""
