"""The data contract as code: one pydantic row model per file.

Every cell arrives as text (CSV, or a Parquet/Excel value turned into text) and each
field's validator turns it into a typed value or raises a problem code from
``_messages.MESSAGES``. Fields default to ``None`` so a file may omit an optional
column; which columns a file must have is ``REQUIRED_COLUMNS``.
"""

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Final, Literal

import pycountry
from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from ._messages import MESSAGES
from ._reference import read_reference
from ._vocab import DOCUMENTS, EDUCATION_LEVELS, HEALTH_NEEDS, MAX_AGE, SEXES

Kind = Literal["people", "families", "destinations", "vacancies", "outcomes"]
KINDS: Final[tuple[Kind, ...]] = ("people", "families", "destinations", "vacancies", "outcomes")


def fail(code: str, **context: Any) -> PydanticCustomError:
    """A validation error carrying one of our problem codes and its context."""
    return PydanticCustomError(code, MESSAGES[code][1], context)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# Cell parsers: text in, typed value out. Each takes "required" so that an empty cell
# in a required column is reported, and an empty optional cell becomes None.


def _cell(parse: Callable[[str], Any], required: bool, empty: Any = None) -> BeforeValidator:
    def validate(value: Any) -> Any:
        if _blank(value):
            if required:
                raise fail("required")
            return empty
        return parse(_text(value))

    return BeforeValidator(validate)


def _identifier(text: str) -> str:
    return text


def _integer(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            number = float(text)
        except ValueError:
            raise fail("not_integer", value=text) from None
        if not number.is_integer():
            raise fail("not_integer", value=text)
        if not low <= number <= high:
            raise fail("out_of_range", value=text, low=low, high=high)
        return int(number)

    return parse


def _number(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            raise fail("not_number", value=text) from None
        if number != number or not low <= number <= high:  # NaN or outside
            if number < 0 <= low:
                raise fail("negative", value=text)
            raise fail("out_of_range", value=text, low=low, high=high)
        return number

    return parse


def _choice(allowed: tuple[str, ...], lower: bool = True) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.lower() if lower else text.upper()
        if value not in allowed:
            raise fail("choice", value=text, allowed=", ".join(allowed))
        return value

    return parse


def split_list(text: str) -> list[str]:
    """Split a ``;``-separated cell into its stripped, non-empty items."""
    return [item.strip() for item in text.split(";") if item.strip()]


def _unique(items: list[str], key: Callable[[str], str] = str.lower) -> tuple[str, ...]:
    seen: set[str] = set()
    for item in items:
        if key(item) in seen:
            raise fail("repeated_item", value=item)
        seen.add(key(item))
    return tuple(items)


def _choice_list(allowed: tuple[str, ...]) -> Callable[[str], tuple[str, ...]]:
    one = _choice(allowed)
    return lambda text: _unique([one(item) for item in split_list(text)])


def _health_needs(text: str) -> tuple[str, ...]:
    needs = _choice_list(HEALTH_NEEDS)(text)
    if "none" in needs and len(needs) > 1:
        raise fail("none_combined")
    return tuple(n for n in needs if n != "none")


def _country(text: str) -> str:
    code = text.upper()
    if len(code) != 3 or pycountry.countries.get(alpha_3=code) is None:
        raise fail("country_code", value=text)
    return code


@cache
def _is_language(code: str) -> bool:
    if len(code) == 2:
        return pycountry.languages.get(alpha_2=code) is not None
    return len(code) == 3 and pycountry.languages.get(alpha_3=code) is not None


def _languages(text: str) -> tuple[str, ...]:
    codes = [item.lower() for item in split_list(text)]
    for code in codes:
        if not _is_language(code):
            raise fail("language_code", value=code)
    if not codes:
        raise fail("required")
    return _unique(codes)


_TRUE = frozenset({"1", "true", "yes", "sí", "si", "verdadero", "x"})
_FALSE = frozenset({"0", "false", "no", "falso"})


def _boolean(text: str) -> bool:
    value = text.lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise fail("boolean", value=text)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:  # a spreadsheet's date cell arrives as a midnight timestamp
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise fail("date", value=text) from None
    if moment.time() != dt.time():
        raise fail("date", value=text)
    return moment.date()


@cache
def isco_codes() -> frozenset[str]:
    """Every ISCO-08 code (1 to 4 digits) in the shipped ESCO reference file."""
    return frozenset(read_reference("isco_groups.csv")["code"])


def _isco(text: str) -> str:
    code = text.split(".")[0] if re.fullmatch(r"\d{1,4}\.0", text) else text
    if code not in isco_codes():
        raise fail("isco", value=text)
    return code


_PHONE = re.compile(r"\+?[\d\s\-()]{7,20}")


def _phone(text: str) -> str:
    if not _PHONE.fullmatch(text):
        raise fail("phone", value=text)
    return text


def _cities(text: str) -> tuple[str, ...]:
    return _unique(split_list(text))


# Field types. The name says what a cell holds; Required/Optional whether it may be empty.
Id = Annotated[str | None, _cell(_identifier, True)]
Text = Annotated[str | None, _cell(_identifier, True)]
FreeText = Annotated[str | None, BeforeValidator(lambda v: _text(v))]
OptionalText = Annotated[str | None, _cell(_identifier, False)]
OptionalDate = Annotated[dt.date | None, _cell(lambda t: _date(t), False)]
Boolean = Annotated[bool | None, _cell(_boolean, True)]
Age = Annotated[int | None, _cell(_integer(0, MAX_AGE), True)]
Years = Annotated[float | None, _cell(_number(0, 90), True)]
Sex = Annotated[str | None, _cell(_choice(SEXES, lower=False), True)]
Country = Annotated[str | None, _cell(_country, True)]
Languages = Annotated[tuple[str, ...] | None, _cell(_languages, True)]
Education = Annotated[str | None, _cell(_choice(EDUCATION_LEVELS), True)]
OptionalEducation = Annotated[str | None, _cell(_choice(EDUCATION_LEVELS), False)]
HealthNeeds = Annotated[tuple[str, ...], _cell(_health_needs, False, ())]
Documents = Annotated[tuple[str, ...], _cell(_choice_list(DOCUMENTS), False, ())]
Cities = Annotated[tuple[str, ...], _cell(_cities, False, ())]
Date = Annotated[dt.date | None, _cell(_date, True)]
Latitude = Annotated[float | None, _cell(_number(-90, 90), True)]
Longitude = Annotated[float | None, _cell(_number(-180, 180), True)]
Positions = Annotated[int | None, _cell(_integer(1, 1_000_000), True)]
Salary = Annotated[float | None, _cell(_number(0, 10_000_000), False)]
Isco = Annotated[str | None, _cell(_isco, False)]
Phone = Annotated[str | None, _cell(_phone, False)]


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class PersonRow(_Row):
    """A person in a family waiting for relocation (people.csv)."""

    person_id: Id = None
    family_id: Id = None
    age: Age = None
    sex: Sex = None
    nationality: Country = None
    languages: Languages = None
    education: Education = None
    skills_text: FreeText = ""
    work_experience_years: Years = None
    health_needs: HealthNeeds = ()
    documents: Documents = ()
    full_name: OptionalText = None
    phone: Phone = None

    @model_validator(mode="after")
    def _experience_fits_age(self) -> "PersonRow":
        years, age = self.work_experience_years, self.age
        if years is not None and age is not None and years > age:
            raise PydanticCustomError(
                "experience_exceeds_age",
                MESSAGES["experience_exceeds_age"][1],
                {"value": years, "age": age, "column": "work_experience_years"},
            )
        return self


class FamilyRow(_Row):
    """A family (families.csv); ``use_<resource>`` columns are read separately."""

    family_id: Id = None
    origin: Text = None
    preferred_cities: Cities = ()
    excluded_cities: Cities = ()
    registered_at: Date = None
    ties_city: OptionalText = None


class DestinationRow(_Row):
    """A destination city (destinations.csv); ``cap_<resource>`` columns are read separately."""

    city: Id = None
    state: Text = None
    lat: Latitude = None
    lon: Longitude = None


class VacancyRow(_Row):
    """A vacancy published by the SNE (vacancies.csv)."""

    vacancy_id: Id = None
    employer: Text = None
    title: Text = None
    description: FreeText = ""
    city: Text = None
    state: Text = None
    positions: Positions = None
    salary_mxn_month: Salary = None
    education_min: OptionalEducation = None
    requires: Documents = ()
    isco: Isco = None


class OutcomeRow(_Row):
    """A past referral and what came of it (outcomes.csv): training data for the
    outcome model."""

    person_id: Id = None
    vacancy_id: OptionalText = None
    city: Text = None
    placed_at: OptionalDate = None
    hired: Boolean = None
    employed_90d: Boolean = None

    @model_validator(mode="after")
    def _kept_only_if_hired(self) -> "OutcomeRow":
        if self.employed_90d and self.hired is False:
            raise PydanticCustomError(
                "employed_not_hired",
                MESSAGES["employed_not_hired"][1],
                {"column": "employed_90d"},
            )
        return self


ROW_MODELS: Final[dict[Kind, type[_Row]]] = {
    "people": PersonRow,
    "families": FamilyRow,
    "destinations": DestinationRow,
    "vacancies": VacancyRow,
    "outcomes": OutcomeRow,
}

# The columns a file must have. "minimal" is what matching needs to rank anything.
REQUIRED_COLUMNS: Final[dict[Kind, tuple[str, ...]]] = {
    "people": (
        "person_id",
        "family_id",
        "age",
        "sex",
        "nationality",
        "languages",
        "education",
        "skills_text",
        "work_experience_years",
        "health_needs",
        "documents",
    ),
    "families": ("family_id", "origin", "preferred_cities", "excluded_cities", "registered_at"),
    "destinations": ("city", "state", "lat", "lon"),
    "vacancies": (
        "vacancy_id",
        "employer",
        "title",
        "description",
        "city",
        "state",
        "positions",
    ),
    "outcomes": ("person_id", "city", "hired", "employed_90d"),
}
MINIMAL_COLUMNS: Final[dict[Kind, tuple[str, ...]]] = {
    "people": ("person_id", "skills_text"),
    "families": REQUIRED_COLUMNS["families"],
    "destinations": REQUIRED_COLUMNS["destinations"],
    "vacancies": ("vacancy_id", "title"),
    "outcomes": REQUIRED_COLUMNS["outcomes"],
}
ID_COLUMNS: Final[dict[Kind, str]] = {
    "people": "person_id",
    "families": "family_id",
    "destinations": "city",
    "vacancies": "vacancy_id",
}
# Columns whose values are lists written with ";" in files.
LIST_COLUMNS: Final = frozenset(
    {
        "languages",
        "health_needs",
        "documents",
        "preferred_cities",
        "excluded_cities",
        "requires",
    }
)
# Personal data: only roles allowed to see people may receive these.
PERSONAL_COLUMNS: Final = frozenset({"full_name", "phone"})
