"""How a cell's text becomes a typed value: the parsers, and the field types the row
models are written in.

Every cell arrives as text (CSV, or a Parquet/Excel value turned into text); a
parser returns the typed value or raises a problem code from ``_messages.MESSAGES``.
"""

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any

import pycountry
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from ._messages import MESSAGES
from ._reference import read_reference
from ._vocab import DOCUMENTS, EDUCATION_LEVELS, HEALTH_NEEDS, MAX_AGE, SEXES


def fail(code: str, **context: Any) -> PydanticCustomError:
    """A validation error carrying one of our problem codes and its context."""
    return PydanticCustomError(code, MESSAGES[code][1], context)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


# A blank cell where the type has no empty value is refused as "required".
_REFUSED: Any = object()


def _cell(parse: Callable[[str], Any], empty: Any = _REFUSED) -> BeforeValidator:
    """A field's validator: the cell's stripped text parsed, or ``empty`` for a blank cell."""

    def validate(value: Any) -> Any:
        if not _blank(value):
            return parse(_text(value))
        if empty is _REFUSED:
            raise fail("required")
        return empty

    return BeforeValidator(validate)


def _as_written(text: str) -> str:
    return text


def _float(text: str, code: str) -> float:
    """The cell as a number, or the problem ``code`` when it is not one."""
    try:
        return float(text)
    except ValueError:
        raise fail(code, value=text) from None


def _integer(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        number = _float(text, "not_integer")
        if not number.is_integer():
            raise fail("not_integer", value=text)
        if not low <= number <= high:
            raise fail("out_of_range", value=text, low=low, high=high)
        return int(number)

    return parse


def _number(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        number = _float(text, "not_number")
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


def _split_list(text: str) -> list[str]:
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
    return lambda text: _unique([one(item) for item in _split_list(text)])


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
    codes = [item.lower() for item in _split_list(text)]
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
    return _unique(_split_list(text))


# Field types: the name says what a cell holds. A type that admits None, an empty
# tuple or empty text takes a blank cell as that; the others refuse a blank cell.
Text = Annotated[str, _cell(_as_written)]
Id = Text
FreeText = Annotated[str, _cell(_as_written, empty="")]
OptionalText = Annotated[str | None, _cell(_as_written, empty=None)]
Date = Annotated[dt.date, _cell(_date)]
OptionalDate = Annotated[dt.date | None, _cell(_date, empty=None)]
Boolean = Annotated[bool, _cell(_boolean)]
Age = Annotated[int, _cell(_integer(0, MAX_AGE))]
Years = Annotated[float, _cell(_number(0, 90))]
Sex = Annotated[str, _cell(_choice(SEXES, lower=False))]
Country = Annotated[str, _cell(_country)]
Languages = Annotated[tuple[str, ...], _cell(_languages)]
Education = Annotated[str, _cell(_choice(EDUCATION_LEVELS))]
OptionalEducation = Annotated[str | None, _cell(_choice(EDUCATION_LEVELS), empty=None)]
HealthNeeds = Annotated[tuple[str, ...], _cell(_health_needs, empty=())]
Documents = Annotated[tuple[str, ...], _cell(_choice_list(DOCUMENTS), empty=())]
Cities = Annotated[tuple[str, ...], _cell(_cities, empty=())]
Latitude = Annotated[float, _cell(_number(-90, 90))]
Longitude = Annotated[float, _cell(_number(-180, 180))]
Positions = Annotated[int, _cell(_integer(0, 1_000_000))]
Salary = Annotated[float | None, _cell(_number(0, 10_000_000), empty=None)]
Isco = Annotated[str | None, _cell(_isco, empty=None)]
Phone = Annotated[str | None, _cell(_phone, empty=None)]
