"""Who counts as a worker: the one rule that matching, planning and the service share."""

import pandas as pd

from ._vocab import WORKING_AGE


def working_members(people: pd.DataFrame) -> pd.Series:
    """True for each person who may be matched to a vacancy: aged 18 to 64 (both
    included, ``WORKING_AGE``). A person whose age is unknown is not counted: a child
    must never be offered a job because a cell was empty. A table that gives no age at
    all (no age column, or an empty one: skills profiles for ``arraigo match``) says
    nothing about age, so everyone in it counts."""
    age = pd.to_numeric(people.get("age", pd.Series(index=people.index)), errors="coerce")
    if age.isna().all():
        return pd.Series(True, index=people.index)
    return age.between(*WORKING_AGE).fillna(False).astype(bool)
