"""Bodies of sign-in, users, imports and the records as each role may see them. Records
reuse the data contract's row models, so a column is described once."""

import datetime as dt
import re
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from arraigo.data import DestinationRow, FamilyRow, PersonRow, VacancyRow

from ..vocab import Role


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"
    version: str = Field(examples=["0.1.0"])


class TokenOut(BaseModel):
    access_token: str = Field(examples=["0f3b…"])
    token_type: Literal["bearer"] = "bearer"
    role: str = Field(examples=["relocation_staff"])
    expires_in: int = Field(description="Seconds until the token expires.", examples=[43200])


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    username: str = Field(examples=["maria.comar"])
    role: str = Field(examples=["relocation_staff"])
    active: bool = True


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=80, examples=["maria.comar"])
    role: Role
    password: str = Field(min_length=12, max_length=256, examples=["una-clave-larga"])


class UserPatch(BaseModel):
    role: Role | None = None
    active: bool | None = None
    password: str | None = Field(default=None, min_length=12, max_length=256)


class ProblemOut(BaseModel):
    file: str = Field(examples=["people.csv"])
    row: int = Field(description="Row as a spreadsheet shows it; 0 = whole file.", examples=[4])
    column: str = Field(examples=["age"])
    severity: Literal["error", "warning"]
    code: str = Field(examples=["out_of_range"])
    message_es: str = Field(examples=["130 está fuera del rango permitido (0 a 110)."])
    message_en: str = Field(examples=["130 is outside the allowed range (0 to 110)."])


class ImportOut(BaseModel):
    ok: bool
    dry_run: bool = False
    problems: list[ProblemOut] = Field(
        default=[], description="The first 200 problems; all are counted below."
    )
    problems_total: int = 0
    problem_counts: dict[str, int] = Field(
        default={}, description="How many problems of each kind.", examples=[{"age_range": 3}]
    )
    counts: dict[str, dict[str, int]] = Field(
        default={},
        examples=[{"people": {"new": 120, "updated": 3, "unchanged": 40}}],
    )
    existing: dict[str, dict[str, int]] = Field(
        default={},
        description="Before storing: people and families new, already stored, already placed "
        "and changed.",
        examples=[{"people": {"new": 250, "stored": 3, "placed": 1, "changed": 1}}],
    )
    duplicates_flagged: int = 0
    import_ids: list[int] = []


class ImportRecord(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    filename: str
    sha256: str
    created_by: str
    created_at: dt.datetime
    counts: dict[str, Any]


class Versioned(BaseModel):
    version: int = 1
    erased: bool = False


class PersonOut(PersonRow, Versioned):
    """A person as the caller's role may see it: personal fields are null for roles
    that may not see them."""

    skills_text: str | None = Field(
        description="Null once the person's data is erased, and for an employment officer "
        "outside their own cases."
    )
    # An employment officer sees these only for their own cases (services/privacy.py).
    nationality: str | None = None
    health_needs: tuple[str, ...] | None = None
    documents: tuple[str, ...] | None = None
    corrected_isco: str | None = Field(
        default=None, description="The occupation staff corrected, if any."
    )


class FamilyOut(FamilyRow, Versioned):
    use: dict[str, float] = Field(default={}, examples=[{"housing_units": 1, "school_primaria": 2}])


class DestinationOut(DestinationRow, Versioned):
    capacity: dict[str, float | None] = Field(
        default={}, description="Capacity per resource; null is unlimited."
    )


class VacancyOut(VacancyRow, Versioned):
    positions_held: int = Field(
        default=0, description="Positions held by placements not released (planned or hired)."
    )
    positions_remaining: int = Field(
        default=0, description="Positions less those held; negative when over-booked."
    )


class HistoryOut(BaseModel):
    version: int
    current: bool
    created_at: dt.datetime
    import_id: int | None
    data: dict[str, Any]


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    total: int
    items: list[T]


class DuplicateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_a: str
    person_b: str
    reason: Literal["same_name_age", "same_phone"]
    status: str
    note: str | None = None
    reviewed_by: str | None = None


class DuplicateDecision(BaseModel):
    status: Literal["distinct", "same_person"] = Field(
        description="distinct: two people; same_person: one person entered twice "
        "(staff then correct the files; nothing is merged automatically)."
    )
    note: str = Field(min_length=1, max_length=2000, examples=["Hermanos, no duplicado."])


class OccupationIn(BaseModel):
    """The occupation staff confirmed: an ESCO occupation (its id or URI; its ISCO-08 unit
    group follows) or an ISCO-08 unit group of four digits. Either must exist."""

    isco: str | None = Field(
        default=None,
        examples=["7212"],
        description="ISCO-08 unit group, four digits; optional when esco_id is given.",
    )
    esco_id: str | None = Field(
        default=None,
        max_length=120,
        examples=["http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"],
        description="ESCO occupation, as its URI or the id at the URI's end.",
    )
    label: str | None = Field(default=None, max_length=255, examples=["soldador/soldadora"])
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("isco")
    @classmethod
    def _four_digits(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{4}", value.strip()):
            raise ValueError(
                f"isco must be an ISCO-08 unit group of four digits (such as 7212), not {value!r}"
            )
        return None if value is None else value.strip()

    @field_validator("esco_id")
    @classmethod
    def _esco_tail(cls, value: str | None) -> str | None:
        return None if value is None or not value.strip() else value.strip().rsplit("/", 1)[-1]

    @model_validator(mode="after")
    def _names_an_occupation(self) -> "OccupationIn":
        if self.isco is None and self.esco_id is None:
            raise ValueError("name the occupation: esco_id (ESCO) or isco (four digits)")
        return self


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    username: str
    action: str
    entity: str
    entity_id: str | None
    detail: dict[str, Any]


class ErasureOut(BaseModel):
    person_id: str
    versions_erased: int
