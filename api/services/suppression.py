"""Small-cell suppression for partners, everywhere they look: a figure about fewer than
the minimum number of people is withheld, and so many others with it that no sum,
difference or other table gives it back.

Two rules, in every table a partner sees:
- primary: a group of fewer than ``minimum`` people is withheld;
- complementary: if the withheld groups of a table hold fewer than ``minimum`` people
  together, or only one group is withheld, the smallest groups shown are withheld too,
  so the total of the table (which a partner can read from any other dimension's
  table) minus the groups shown never gives a small group back.
The capacity view withholds the use of every city the indicators by city withhold.
"""

import pandas as pd


def withheld(people: pd.Series, minimum: int) -> pd.Series:
    """Which groups to withhold, given each group's number of people."""
    hidden = people < minimum
    if not hidden.any():
        return hidden
    for index in people[~hidden].sort_values().index:
        if people[hidden].sum() >= minimum and hidden.sum() >= 2:
            break
        hidden[index] = True
    return hidden
