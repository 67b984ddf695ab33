# SPDX-License-Identifier: GPL-2.0
"""The one numbering of the walker's invariants: TW_INVARIANTS' order."""

import unittest

from . import invariants

HEADER = """#define TW_INVARIANTS(X)\t\\
\tX(VIOLATIONS)\t\\
\tX(LEAKS)\t\\
\tX(GRACE_PERIOD_VIOLATIONS)

enum tw_counter {
"""
README = """<!-- TW_INVARIANTS: begin -->
1. `violations`: a table freed while held.
2. `leaks`: tables never freed.
3. `grace_period_violations`: freed too early.
<!-- TW_INVARIANTS: end -->
"""


class InvariantsTest(unittest.TestCase):
    def test_the_order_of_the_header(self):
        self.assertEqual(invariants.invariants(HEADER), ["violations", "leaks", "grace_period_violations"])

    def test_agreeing_mentions(self):
        self.assertEqual(invariants.problems(HEADER, README, {
            "docs/walker.md": "- **Invariant 3, a full grace period** (`grace_period_violations`): ...",
            "walker/track.c": " * Invariant 2 (leaks): ..."}), [])

    def test_a_mention_with_another_number(self):
        found = invariants.problems(HEADER, README, {"docs/walker.md": "invariant 1 (`leaks`)"})
        self.assertEqual(found, ['docs/walker.md: "invariant 1 (`leaks" names leaks, which is invariant 2 '
                                 'of TW_INVARIANTS'])

    def test_a_number_past_the_list(self):
        self.assertIn("TW_INVARIANTS has 3", invariants.problems(HEADER, README, {"a": "invariant 9 (see)"})[0])

    def test_the_readme_list_out_of_order(self):
        swapped = README.replace("1. `violations`", "1. `leaks`").replace("2. `leaks`", "2. `violations`")
        self.assertIn("is not TW_INVARIANTS in order", invariants.problems(HEADER, swapped, {})[0])


if __name__ == "__main__":
    unittest.main()
