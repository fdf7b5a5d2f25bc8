"""The data contract, its validated loaders and the synthetic Mexico scenario.

``load_dataset`` and ``validate_paths`` read people, families, destinations,
vacancies and past outcomes (CSV, Parquet or .xlsx), report every problem with file,
row and column, and return typed DataFrames only when the input is clean. See
data/README.md.
"""

from ._dataset import Dataset
from ._history import generate_history
from ._io import kind_of
from ._messages import Problem
from ._reference import base_map, read_reference, reference_origins, reference_path
from ._scenario import generate_scenario
from ._schema import (
    KEY_COLUMNS,
    LIST_COLUMNS,
    MATCHING_COLUMNS,
    PERSONAL_COLUMNS,
    DestinationRow,
    FamilyRow,
    PersonRow,
    VacancyRow,
)
from ._summary import city_summary, population_summary
from ._text import fold
from ._use import USE_PEOPLE_COLUMNS, use_family_columns
from ._validate import DataValidationError, load_dataset, validate_against, validate_paths
from ._vocab import DOCUMENTS, EDUCATION_LEVELS, KINDS, resource_label
from ._workers import working_members

__all__ = [
    "DOCUMENTS",
    "EDUCATION_LEVELS",
    "KEY_COLUMNS",
    "KINDS",
    "LIST_COLUMNS",
    "MATCHING_COLUMNS",
    "PERSONAL_COLUMNS",
    "USE_PEOPLE_COLUMNS",
    "DataValidationError",
    "Dataset",
    "DestinationRow",
    "FamilyRow",
    "PersonRow",
    "Problem",
    "VacancyRow",
    "base_map",
    "city_summary",
    "fold",
    "generate_history",
    "generate_scenario",
    "kind_of",
    "load_dataset",
    "population_summary",
    "read_reference",
    "reference_origins",
    "reference_path",
    "resource_label",
    "use_family_columns",
    "validate_against",
    "validate_paths",
    "working_members",
]
