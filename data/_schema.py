"""The data contract as code: a pydantic row model per file, the one description of its
columns (which are required, which hold lists, which are personal; the minimal form
matching reads is derived from it).

A field without a default is a column the file must have; whether its cells may be
blank is its type's (``_cells``).
"""

from typing import Annotated, Final, get_origin

from pydantic import BaseModel, ConfigDict, create_model, model_validator
from pydantic.fields import FieldInfo

from ._cells import (
    Age,
    Boolean,
    Cities,
    Country,
    Date,
    Documents,
    Education,
    FreeText,
    HealthNeeds,
    Id,
    Isco,
    Languages,
    Latitude,
    Longitude,
    OptionalDate,
    OptionalEducation,
    OptionalText,
    Phone,
    Positions,
    Salary,
    Sex,
    Text,
    Years,
    fail,
)
from ._vocab import Kind

# The column that names each record: unique in its file, and how other files refer to it.
KEY_COLUMNS: Final[dict[Kind, str]] = {
    "people": "person_id",
    "families": "family_id",
    "destinations": "city",
    "vacancies": "vacancy_id",
}


class _Personal:
    """Marks a column of personal data: only roles allowed to see people receive it."""


PERSONAL: Final = _Personal()


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class PersonRow(_Row):
    """A person in a family waiting for relocation (people.csv)."""

    person_id: Id
    family_id: Id
    age: Age
    sex: Sex
    nationality: Country
    languages: Languages
    education: Education
    skills_text: FreeText
    work_experience_years: Years
    health_needs: HealthNeeds
    documents: Documents
    full_name: Annotated[OptionalText, PERSONAL] = None
    phone: Annotated[Phone, PERSONAL] = None

    @model_validator(mode="after")
    def _experience_fits_age(self) -> "PersonRow":
        years, age = self.work_experience_years, self.age
        if years is not None and age is not None and years > age:
            raise fail(
                "experience_exceeds_age", value=years, age=age, column="work_experience_years"
            )
        return self


class FamilyRow(_Row):
    """A family (families.csv); ``use_<resource>`` columns are read separately."""

    family_id: Id
    origin: Text
    preferred_cities: Cities
    excluded_cities: Cities
    registered_at: Date
    ties_city: OptionalText = None


class DestinationRow(_Row):
    """A destination city (destinations.csv); ``cap_<resource>`` columns are read separately."""

    city: Id
    state: Text
    lat: Latitude
    lon: Longitude
    declared_until: OptionalDate = None


class VacancyRow(_Row):
    """A vacancy published by the SNE (vacancies.csv)."""

    vacancy_id: Id
    employer: Text
    title: Text
    description: FreeText
    city: Text
    state: Text
    positions: Positions
    salary_mxn_month: Salary = None
    education_min: OptionalEducation = None
    requires: Documents = ()
    isco: Isco = None


class OutcomeRow(_Row):
    """A past referral and what came of it (outcomes.csv): training data for the
    outcome model."""

    person_id: Id
    vacancy_id: OptionalText = None
    city: Text
    placed_at: OptionalDate = None
    hired: Boolean
    employed_90d: Boolean

    @model_validator(mode="after")
    def _kept_only_if_hired(self) -> "OutcomeRow":
        if self.employed_90d and self.hired is False:
            raise fail("employed_not_hired", column="employed_90d")
        return self


ROW_MODELS: Final[dict[Kind, type[_Row]]] = {
    "people": PersonRow,
    "families": FamilyRow,
    "destinations": DestinationRow,
    "vacancies": VacancyRow,
    "outcomes": OutcomeRow,
}


def required_columns(model: type[BaseModel]) -> tuple[str, ...]:
    """The columns a file must have: the model's fields without a default."""
    return tuple(name for name, field in model.model_fields.items() if field.is_required())


def _minimal(model: type[_Row], needed: tuple[str, ...]) -> type[_Row]:
    """``model`` with every column but ``needed`` allowed to be absent (then None); a
    column that is given is checked as in ``model``."""
    absent = {
        name: (field.annotation | None, FieldInfo.merge_field_infos(field, default=None))
        for name, field in model.model_fields.items()
        if field.is_required() and name not in needed
    }
    return create_model(f"Minimal{model.__name__}", __base__=model, **absent)


# What matching alone reads (``arraigo match``): other tables stay whole.
MATCHING_COLUMNS: Final[dict[Kind, tuple[str, ...]]] = {
    "people": ("person_id", "skills_text"),
    "vacancies": ("vacancy_id", "title"),
}
MINIMAL_ROW_MODELS: Final[dict[Kind, type[_Row]]] = {
    kind: _minimal(model, MATCHING_COLUMNS[kind]) if kind in MATCHING_COLUMNS else model
    for kind, model in ROW_MODELS.items()
}

# Columns whose values are lists written with ";" in files.
LIST_COLUMNS: Final = frozenset(
    name
    for model in ROW_MODELS.values()
    for name, field in model.model_fields.items()
    if get_origin(field.annotation) is tuple
)
# Personal data: only roles allowed to see people may receive these.
PERSONAL_COLUMNS: Final = frozenset(
    name
    for model in ROW_MODELS.values()
    for name, field in model.model_fields.items()
    if PERSONAL in field.metadata
)
