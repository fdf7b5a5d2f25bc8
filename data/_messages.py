"""Plain-language messages for every data problem, in Spanish and English.

A problem is identified by a code; the text is a template filled from the problem's
context. Staff read the Spanish; partners and developers may read the English.
"""

from dataclasses import dataclass, field
from typing import Any, Literal

from ._vocab import KINDS

MESSAGES: dict[str, tuple[str, str]] = {
    # File level
    "file_missing": ("No se encontró el archivo.", "The file was not found."),
    "file_kind_unknown": (
        "No se reconoce la tabla por el nombre del archivo; use "
        f"{', '.join(KINDS[:-1])} o {KINDS[-1]} (.csv, .parquet o .xlsx).",
        "Cannot tell which table this is from its name; use "
        f"{', '.join(KINDS[:-1])} or {KINDS[-1]} (.csv, .parquet or .xlsx).",
    ),
    "file_duplicate_kind": (
        "Se dio más de un archivo de la tabla {kind}.",
        "More than one file was given for the {kind} table.",
    ),
    "file_unreadable": (
        "No se pudo leer el archivo: {detail}",
        "The file could not be read: {detail}",
    ),
    "file_too_large": (
        "La hoja es demasiado grande: {detail}. Divida el archivo.",
        "The sheet is too large: {detail}. Split the file.",
    ),
    "file_encoding": (
        "El archivo no está en UTF-8 (byte {position}). Guárdelo como «CSV UTF-8».",
        "The file is not UTF-8 (byte {position}). Save it as 'CSV UTF-8'.",
    ),
    "file_empty": ("El archivo no tiene filas de datos.", "The file has no data rows."),
    "placed_identity_change": (
        "{person} ya está reubicada en {city}: cambiar {columns} requiere confirmar el cambio "
        "(queda registrado en la bitácora); si el id se reutilizó para otra persona, use un id "
        "nuevo.",
        "{person} is already relocated to {city}: changing {columns} needs an explicit "
        "confirmation (it is logged); if the id was reused for someone else, use a new id.",
    ),
    "erased_person_named": (
        "Los datos personales de {person} se borraron a su pedido, y este archivo trae su "
        "{columns}: confirme la importación para guardar el resto de la fila sin ellos "
        "(queda en la bitácora); la persona sigue borrada.",
        "{person}'s personal data was erased on request, and this file carries their "
        "{columns}: confirm the import to store the rest of the row without them (it is "
        "logged); the person stays erased.",
    ),
    "table_required": (
        "Falta la tabla {kind}; se necesita para planear.",
        "The {kind} table is missing; planning needs it.",
    ),
    "column_missing": (
        "Falta la columna obligatoria «{column}».",
        "The required column '{column}' is missing.",
    ),
    "column_duplicate": (
        "La columna «{column}» aparece más de una vez en el encabezado.",
        "The column '{column}' appears more than once in the header.",
    ),
    "column_unknown": (
        "La columna «{column}» no es parte del formato y se ignora.",
        "The column '{column}' is not part of the format and is ignored.",
    ),
    # Cell level
    "required": ("El valor es obligatorio y está vacío.", "The value is required and is empty."),
    "not_integer": ("«{value}» no es un número entero.", "'{value}' is not a whole number."),
    "not_number": ("«{value}» no es un número.", "'{value}' is not a number."),
    "out_of_range": (
        "{value} está fuera del rango permitido ({low} a {high}).",
        "{value} is outside the allowed range ({low} to {high}).",
    ),
    "negative": (
        "{value} es negativo; debe ser 0 o más.",
        "{value} is negative; it must be 0 or more.",
    ),
    "choice": (
        "«{value}» no es un valor permitido; use uno de: {allowed}.",
        "'{value}' is not an allowed value; use one of: {allowed}.",
    ),
    "none_combined": (
        "«none» no puede ir junto con otras necesidades de salud.",
        "'none' cannot be combined with other health needs.",
    ),
    "repeated_item": (
        "«{value}» está repetido en la lista.",
        "'{value}' is repeated in the list.",
    ),
    "country_code": (
        "«{value}» no es un código de país ISO 3166-1 alfa-3 (por ejemplo HND, HTI, VEN).",
        "'{value}' is not an ISO 3166-1 alpha-3 country code (for example HND, HTI, VEN).",
    ),
    "language_code": (
        "«{value}» no es un código de idioma ISO 639 (por ejemplo es, fr, ht, en).",
        "'{value}' is not an ISO 639 language code (for example es, fr, ht, en).",
    ),
    "date": (
        "«{value}» no es una fecha AAAA-MM-DD.",
        "'{value}' is not a YYYY-MM-DD date.",
    ),
    "isco": (
        "«{value}» no es un código ISCO-08 conocido (1 a 4 dígitos).",
        "'{value}' is not a known ISCO-08 code (1 to 4 digits).",
    ),
    "phone": (
        "«{value}» no parece un teléfono (solo dígitos, espacios, +, - y paréntesis).",
        "'{value}' does not look like a phone number (digits, spaces, +, - and brackets only).",
    ),
    "experience_exceeds_age": (
        "{value} años de experiencia no caben en una persona de {age} años.",
        "{value} years of experience do not fit a person aged {age}.",
    ),
    "boolean": (
        "«{value}» no es sí/no (use 1 o 0).",
        "'{value}' is not yes/no (use 1 or 0).",
    ),
    "employed_not_hired": (
        "employed_90d es 1 pero hired es 0: nadie sigue empleado sin haber sido contratado.",
        "employed_90d is 1 but hired is 0: nobody stays employed without being hired.",
    ),
    "unknown_person": (
        "La persona «{value}» no está en la tabla de personas (people).",
        "Person '{value}' is not in people.",
    ),
    "unknown_vacancy": (
        "La vacante «{value}» no está en la tabla de vacantes (vacancies).",
        "Vacancy '{value}' is not in vacancies.",
    ),
    "kind_not_allowed": (
        "Su rol no puede importar la tabla {kind}.",
        "Your role may not import the {kind} table.",
    ),
    "invalid": ("Valor no válido: {detail}", "Invalid value: {detail}"),
    # Cross-file
    "duplicate_id": (
        "«{value}» ya aparece en la fila {first_row}; cada identificador debe ser único.",
        "'{value}' already appears in row {first_row}; each identifier must be unique.",
    ),
    "family_split_origin": (
        "La familia «{value}» aparece con dos orígenes ({origins}); una familia viaja "
        "junta desde un solo lugar.",
        "Family '{value}' appears with two origins ({origins}); a family travels "
        "together from one place.",
    ),
    "unknown_family": (
        "La familia «{value}» no está en la tabla de familias (families).",
        "Family '{value}' is not in families.",
    ),
    "family_without_members": (
        "La familia «{value}» no tiene integrantes en la tabla de personas (people).",
        "Family '{value}' has no members in people.",
    ),
    "family_without_adult": (
        "La familia «{value}» no tiene ningún adulto ({adult_age} años o más); revise las edades.",
        "Family '{value}' has no adult ({adult_age} or older); check the ages.",
    ),
    "unknown_city": (
        "«{value}» no es una ciudad de la tabla de destinos (destinations).{hint_es}",
        "'{value}' is not a city in destinations.{hint_en}",
    ),
    "state_mismatch": (
        "La ciudad «{city}» está en {expected}, no en «{value}».",
        "The city '{city}' is in {expected}, not in '{value}'.",
    ),
    "preferred_and_excluded": (
        "«{value}» está a la vez en preferred_cities y en excluded_cities.",
        "'{value}' is both in preferred_cities and in excluded_cities.",
    ),
    "ties_excluded": (
        "La ciudad de vínculos «{value}» está también excluida.",
        "The ties city '{value}' is also excluded.",
    ),
    "use_without_capacity": (
        "Ningún destino tiene la columna cap_{resource}; use_{resource} no limita nada.",
        "No destination has a cap_{resource} column; use_{resource} limits nothing.",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One problem found in the input: where it is and what is wrong, in plain words.

    ``row`` is the row as a spreadsheet shows it (the header is row 1, the first
    record row 2); 0 means the problem concerns the whole file.
    """

    file: str
    row: int
    column: str
    code: str
    severity: Literal["error", "warning"] = "error"
    context: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def message_es(self) -> str:
        return MESSAGES[self.code][0].format(**self.context)

    @property
    def message_en(self) -> str:
        return MESSAGES[self.code][1].format(**self.context)

    def message(self, lang: str = "es") -> str:
        return self.message_en if lang == "en" else self.message_es

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": int(self.row),
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message_es": self.message_es,
            "message_en": self.message_en,
        }
