"""The synthetic batch: the programme's destination cities with capacities for the
families waiting, and SNE-style vacancies there. Deterministic for a seed.

Capacities follow city size (INEGI metro populations); see data/reference/README.md.
"""

import datetime as dt

import numpy as np
import pandas as pd

from ._dataset import Dataset
from ._population import waiting_families
from ._reference import reference_destinations, vacancy_templates
from ._use import derive_use
from ._vocab import CAP_PREFIX, STANDARD_RESOURCES

# SNE postings per family waiting: about 2.9 positions each.
VACANCIES_PER_FAMILY = 0.9

_SCHEDULES = (
    "lunes a viernes de 7:00 a 16:00",
    "lunes a sábado de 8:00 a 17:00",
    "turnos rotativos",
    "turno nocturno de 22:00 a 6:00",
    "jornada 12x12",
    "lunes a viernes de 9:00 a 18:00",
)
_EMPLOYER_WORDS = {
    "automotive": ("Autopartes", "Ensambladora", "Componentes Automotrices", "Arneses"),
    "metalwork": ("Metalmecánica", "Aceros", "Troquelados", "Estructuras"),
    "electronics": ("Electrónica", "Manufacturas Electrónicas", "Línea Blanca"),
    "aerospace": ("Aeroestructuras", "Componentes Aeronáuticos"),
    "logistics": ("Logística", "Distribuidora", "Transportes", "Almacenes"),
    "construction": ("Constructora", "Edificaciones", "Obras Civiles"),
    "services": ("Servicios Integrales", "Hotel", "Restaurante", "Limpieza Profesional"),
    "commerce": ("Comercializadora", "Tiendas", "Abarrotes"),
    "food": ("Alimentos", "Procesadora", "Panificadora"),
    "agro": ("Agrícola", "Empacadora", "Invernaderos"),
    "dairy": ("Lácteos", "Establo"),
    "leather": ("Calzado", "Curtidos", "Zapatera"),
    "textiles": ("Textiles", "Confecciones", "Maquiladora"),
}
_EMPLOYER_TAILS = ("del Norte", "del Bajío", "de México", "Industriales", "Unidos", "del Centro")
_EDUCATION_TEXT = {
    "none": "sin requisito de escolaridad",
    "primaria": "primaria terminada",
    "secundaria": "secundaria terminada",
    "bachillerato": "preparatoria terminada",
    "tecnico": "carrera técnica",
    "licenciatura": "licenciatura con título",
    "posgrado": "posgrado",
}


def _destinations(rng: np.random.Generator, use: pd.DataFrame, tightness: float) -> pd.DataFrame:
    """Capacities that follow city size, scaled to a share of the batch's total demand."""
    cities = reference_destinations()
    weight = cities["population_k"].to_numpy() ** 0.7
    weight = weight / weight.sum()
    frame = cities[["city", "state", "lat", "lon"]].copy()
    # Until when the numbers hold is the programme's to say when it imports them.
    frame["declared_until"] = None
    for resource in STANDARD_RESOURCES:
        demand = use[resource].sum()
        noise = rng.uniform(0.7, 1.3, len(cities))
        capacity = np.floor(demand * tightness * weight * noise)
        if resource.startswith("school_"):
            capacity[rng.random(len(cities)) < 0.05] = 0  # no seats left at that level
        frame[CAP_PREFIX + resource] = capacity
    return frame


def _employer(rng: np.random.Generator, industry: str, city: str) -> str:
    words = _EMPLOYER_WORDS[industry]
    tail = _EMPLOYER_TAILS[rng.integers(len(_EMPLOYER_TAILS))]
    return f"{words[rng.integers(len(words))]} {tail} de {city} S.A. de C.V."


def _vacancies(rng: np.random.Generator, n: int, prefix: str = "") -> pd.DataFrame:
    cities = reference_destinations()
    templates = vacancy_templates()
    weight = cities["population_k"].to_numpy() ** 0.8 * np.where(
        cities["programme"] == "yes", 1.3, 1.0
    )
    city_index = rng.choice(len(cities), n, p=weight / weight.sum())
    city_records = cities.to_dict("records")
    by_industry = {i: g.to_dict("records") for i, g in templates.groupby("industry")}
    general = {"services", "commerce", "construction"}
    rows = []
    for k, c in enumerate(city_index):
        city = city_records[c]
        industries = city["industries"].split(";")
        # Plants post more vacancies than shops and sites.
        p = np.array([1.0 if i in general else 2.0 for i in industries])
        industry = industries[rng.choice(len(industries), p=p / p.sum())]
        pool = by_industry[industry]
        t = pool[rng.integers(len(pool))]
        salary = float(np.round(rng.uniform(t["salary_min"], t["salary_max"]), -2))
        schedule = _SCHEDULES[rng.integers(len(_SCHEDULES))]
        requires = tuple(t["requires"].split(";")) if t["requires"] else ()
        docs = ", ".join(d.upper() for d in requires) or "ninguno"
        description = (
            f"{t['duties']} Horario: {schedule}. Sueldo: ${salary:,.0f} mensuales. "
            f"Escolaridad: {_EDUCATION_TEXT[t['education_min']]}. "
            f"{t['experience'].capitalize()}. Documentos: {docs}. Prestaciones de ley."
        )
        rows.append(
            {
                "vacancy_id": f"{prefix}V{k + 1:06d}",
                "employer": _employer(rng, industry, city["city"]),
                "title": t["title"],
                "description": description,
                "city": city["city"],
                "state": city["state"],
                "positions": int(min(30, rng.geometric(0.35))),
                "salary_mxn_month": salary,
                "education_min": t["education_min"],
                "requires": requires,
                "isco": t["isco"],
            }
        )
    return pd.DataFrame(rows)


def synthetic_batch(
    rng: np.random.Generator,
    families: int,
    vacancies: int,
    tightness: float,
    as_of: dt.date,
    prefix: str = "",
) -> tuple[Dataset, dict[str, str]]:
    """Families waiting, destinations with room for ``tightness`` of their demand and
    ``vacancies`` postings; with each worker's real trade (ISCO) for simulating outcomes."""
    family_frame, people, trade_isco = waiting_families(rng, families, as_of, prefix)
    use = derive_use(people, family_frame, STANDARD_RESOURCES)
    dataset = Dataset(
        people=people,
        families=family_frame,
        destinations=_destinations(rng, use, tightness),
        vacancies=_vacancies(rng, vacancies, prefix) if vacancies > 0 else None,
    )
    return dataset, trade_isco


def generate_scenario(
    families: int = 500,
    seed: int = 0,
    vacancies: int | None = None,
    tightness: float = 0.8,
    as_of: dt.date = dt.date(2026, 11, 2),
    id_prefix: str = "",
) -> Dataset:
    """A synthetic batch of families with destinations and vacancies.

    ``tightness`` is total capacity as a share of the batch's demand for each
    resource (below 1, not everyone can move). ``vacancies`` is the number of
    postings (default 0.9 per family, about 2.9 positions each). ``as_of`` is the
    date registrations count back from, so output does not depend on the clock.
    ``id_prefix`` starts every family, person and vacancy id (``W2-F00001``,
    ``W2-P00001-1``, ``W2-V000001``), so a later week's batch never reuses an id.
    """
    if families < 1:
        raise ValueError("families must be at least 1")
    count = round(VACANCIES_PER_FAMILY * families) if vacancies is None else vacancies
    rng = np.random.default_rng(seed)
    dataset, _ = synthetic_batch(rng, families, count, tightness, as_of, prefix=id_prefix)
    return dataset
