"""Request and response bodies. Records reuse the data contract's row models, so a
column is described once."""

import datetime as dt
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from arraigo.data import DestinationRow, FamilyRow, PersonRow, VacancyRow


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
    role: Literal["admin", "relocation_staff", "employment_officer", "partner"]
    password: str = Field(min_length=8, max_length=256, examples=["una-clave-larga"])


class UserPatch(BaseModel):
    role: Literal["admin", "relocation_staff", "employment_officer", "partner"] | None = None
    active: bool | None = None
    password: str | None = Field(default=None, min_length=8, max_length=256)


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
    problems: list[ProblemOut] = []
    counts: dict[str, dict[str, int]] = Field(
        default={},
        examples=[{"people": {"new": 120, "updated": 3, "unchanged": 40}}],
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
    pass


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
    isco: str = Field(pattern=r"^\d{1,4}$", examples=["7212"])
    esco_id: str | None = Field(default=None, max_length=80)
    label: str | None = Field(default=None, max_length=255, examples=["soldador/soldadora"])
    note: str | None = Field(default=None, max_length=2000)


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
