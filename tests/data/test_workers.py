"""Who counts as a worker: one rule for matching, planning and the service."""

import pandas as pd

from arraigo.data import working_members


def test_children_elders_and_unknown_ages_are_not_workers():
    people = pd.DataFrame({"age": [4, 17, 18, 40, 64, 65, None]})
    assert working_members(people).tolist() == [False, False, True, True, True, False, False]


def test_a_table_that_gives_no_age_counts_everyone():
    profiles = pd.DataFrame({"person_id": ["a", "b"], "skills_text": ["soldador", "cocinera"]})
    assert working_members(profiles).tolist() == [True, True]
    assert working_members(profiles.assign(age=None)).tolist() == [True, True]


def test_ages_read_as_text_follow_the_same_rule():
    people = pd.DataFrame({"age": ["30", "", "8"]})
    assert working_members(people).tolist() == [True, False, False]
