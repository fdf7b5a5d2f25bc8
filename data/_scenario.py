"""The synthetic Mexico scenario: families in the southern border states waiting to be
relocated, the programme's destination cities with their capacities, and SNE-style
vacancies. Deterministic for a seed.

Proportions are approximate public figures (COMAR applications 2021–2023, UNHCR
reports on the local integration programme, INEGI metro populations); see
data/reference/README.md. Nothing here is real personal data.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from ._dataset import Dataset
from ._reference import read_reference, reference_path
from ._use import derive_use
from ._vocab import CAP_PREFIX, EDUCATION_LEVELS, STANDARD_RESOURCES
from ._workers import working_members


@dataclass(frozen=True)
class _Origin:
    """How applicants of one nationality look: languages, skills-text language, names."""

    share: float
    languages: tuple[tuple[str, float], ...]  # (code, probability of speaking it)
    text_language: tuple[tuple[str, float], ...]  # language their skills are written in
    names: str  # key into _NAMES
    recognition: float  # share with refugee recognition already


# Applicants by nationality, approximate COMAR shares 2021–2023.
NATIONALITIES: dict[str, _Origin] = {
    "HTI": _Origin(
        0.30,
        (("ht", 1.0), ("fr", 0.7), ("es", 0.45), ("pt", 0.2)),
        (("ht", 0.55), ("fr", 0.3), ("es", 0.15)),
        "haiti",
        0.15,
    ),
    "HND": _Origin(0.26, (("es", 1.0), ("en", 0.05)), (("es", 1.0),), "central", 0.25),
    "CUB": _Origin(0.12, (("es", 1.0), ("en", 0.1)), (("es", 1.0),), "central", 0.3),
    "VEN": _Origin(0.08, (("es", 1.0), ("en", 0.15)), (("es", 1.0),), "central", 0.6),
    "SLV": _Origin(0.06, (("es", 1.0),), (("es", 1.0),), "central", 0.3),
    "GTM": _Origin(
        0.06, (("es", 1.0), ("quc", 0.1), ("mam", 0.08)), (("es", 1.0),), "central", 0.2
    ),
    "NIC": _Origin(0.04, (("es", 1.0),), (("es", 1.0),), "central", 0.25),
    "COL": _Origin(0.03, (("es", 1.0), ("en", 0.1)), (("es", 1.0),), "central", 0.3),
    "ECU": _Origin(0.02, (("es", 1.0),), (("es", 1.0),), "central", 0.2),
    "CMR": _Origin(
        0.012, (("fr", 1.0), ("en", 0.6)), (("fr", 0.7), ("en", 0.3)), "west_africa", 0.2
    ),
    "SEN": _Origin(0.008, (("fr", 1.0), ("wo", 0.8)), (("fr", 1.0),), "west_africa", 0.2),
    "GIN": _Origin(0.006, (("fr", 1.0),), (("fr", 1.0),), "west_africa", 0.2),
    "GHA": _Origin(0.004, (("en", 1.0),), (("en", 1.0),), "west_africa", 0.2),
}

_NAMES = {
    "central": (
        "María José Ana Luis Carlos Rosa Juan Karla Jorge Dayana Yeni Wilmer Kevin Génesis "
        "Nelson Marvin Sandra Elvin Yolanda Óscar Dania Alexis Yarelis Brayan Mayra Josué".split(),
        "López Hernández Martínez García Rodríguez Pérez Mejía Flores Castillo Reyes Cruz "
        "Ramírez Álvarez Zelaya Romero Pineda Sánchez Díaz Torres Suazo Matute Rivas".split(),
    ),
    "haiti": (
        "Jean Marie Pierre Joseph Rose Jacques Nadège Wilner Guerline Fritz Daphné Ketly "
        "Jonas Mirlande Frantz Roseline Kervens Widline Stevenson Nathalie Réginald".split(),
        "Joseph Pierre Jean-Baptiste Louis Charles Saint-Fleur Desir Augustin Dorvil "
        "François Jean-Louis Noël Philippe Alexis Célestin Toussaint Michel".split(),
    ),
    "west_africa": (
        "Mamadou Aminata Ibrahima Fatou Moussa Awa Ousmane Mariama Kwame Abena Emmanuel "
        "Aïssatou Boubacar Esther".split(),
        "Diallo Ndiaye Traoré Camara Mensah Fofana Sow Kamga Ngono Boateng Keita".split(),
    ),
}

# Origins' phone area codes (Mexican numbers given at registration).
_AREA_CODES = {
    "Tapachula": "962",
    "Palenque": "916",
    "Tenosique": "934",
    "Villahermosa": "993",
    "Acayucan": "924",
}

# Previous work of adults: services 38%, construction 26%, agriculture 13% (UNHCR).
_SECTORS = {
    "services": 0.38,
    "construction": 0.26,
    "agriculture": 0.13,
    "manufacturing": 0.10,
    "commerce": 0.07,
    "transport": 0.06,
}
_EXPERIENCE = {
    "es": "{n} años de experiencia",
    "fr": "{n} ans d'expérience",
    "ht": "{n} lane eksperyans",
    "en": "{n} years of experience",
}
_ADULT_EDUCATION = (0.07, 0.25, 0.30, 0.20, 0.09, 0.08, 0.01)  # EDUCATION_LEVELS order
_COMPOSITIONS = {  # family shapes and their shares
    "single": 0.22,
    "couple": 0.10,
    "couple_children": 0.40,
    "single_parent": 0.22,
    "extended": 0.06,
}
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


@cache
def reference_destinations() -> pd.DataFrame:
    """The destination cities with state, coordinates, metro population and industries."""
    frame = read_reference("destinations_mx.csv")
    for column in ("lat", "lon", "population_k"):
        frame[column] = frame[column].astype(float)
    return frame


@cache
def reference_origins() -> pd.DataFrame:
    """The southern cities where claims are filed, with their share of applicants."""
    frame = read_reference("origins_mx.csv")
    for column in ("lat", "lon", "share"):
        frame[column] = frame[column].astype(float)
    return frame


def base_map() -> str:
    """TopoJSON of North America (land, coasts, borders) for maps drawn offline; plotly
    reads it as ``window.PlotlyGeoAssets.topojson["north-america_110m"]``."""
    return reference_path("north-america_110m.json").read_text(encoding="utf-8")


@cache
def _trades() -> pd.DataFrame:
    return read_reference("trades.csv")


@cache
def _vacancy_templates() -> pd.DataFrame:
    frame = read_reference("vacancy_templates.csv")
    frame[["salary_min", "salary_max"]] = frame[["salary_min", "salary_max"]].astype(float)
    return frame


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.fromiter(weights.values(), dtype=float)
    return keys[rng.choice(len(keys), p=p / p.sum())]


class _People:
    """Builds people one family at a time (ages, languages, skills, documents…)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.rows: list[dict] = []
        # The trade each person really has, for simulating outcomes (never a column).
        self.trade_isco: dict[str, str] = {}
        trades = _trades()
        self.isco_of = dict(zip(trades["trade"], trades["isco"], strict=True))
        self.by_sector = {s: list(g["trade"]) for s, g in trades.groupby("sector")}
        self.phrases = {
            (row["trade"], lang): row[f"skills_{lang}"].replace("; ", ", ").split("|")
            for row in trades.to_dict("records")
            for lang in _EXPERIENCE
        }

    def _languages(self, origin: _Origin) -> list[str]:
        spoken = [code for code, p in origin.languages if p >= 1.0 or self.rng.random() < p]
        return spoken or [origin.languages[0][0]]

    def _skills(
        self, origin: _Origin, languages: list[str], age: int, education: str
    ) -> tuple[str, float, str | None]:
        """Skills text in one of the person's languages, years of work, and the trade."""
        rng = self.rng
        if age < 15:
            return "", 0.0, None
        choices = {lang: p for lang, p in origin.text_language if lang in languages}
        lang = _pick(rng, choices) if choices else languages[0]
        if lang not in _EXPERIENCE:
            lang = "es"
        if age < 18:
            if rng.random() < 0.7:
                return "", 0.0, None
            return self._phrase("labourer", lang), 1.0, "labourer"
        if education in ("licenciatura", "posgrado") and rng.random() < 0.6:
            sector = "professional"
        else:
            sector = _pick(rng, _SECTORS)
        pool = self.by_sector[sector]
        trade = pool[rng.integers(len(pool))]
        years = float(min(age - 15, round(rng.gamma(2.0, 3.0))))
        text = self._phrase(trade, lang)
        if rng.random() < 0.25:  # a second trade, as people list several jobs
            other = pool[rng.integers(len(pool))]
            if other != trade:
                text += ". " + self._phrase(other, lang)
        if years >= 1:
            text += ". " + _EXPERIENCE[lang].format(n=int(years))
        return text, years, trade

    def _phrase(self, trade: str, lang: str) -> str:
        variants = self.phrases[trade, lang]
        return variants[self.rng.integers(len(variants))]

    def _health(self, age: int, sex: str) -> tuple[str, ...]:
        rng = self.rng
        needs = []
        if rng.random() < (0.04 if age < 40 else 0.14):
            needs.append("chronic")
        if rng.random() < 0.03:
            needs.append("disability")
        if sex == "F" and 18 <= age <= 42 and rng.random() < 0.08:
            needs.append("pregnancy")
        if age >= 12 and rng.random() < 0.05:
            needs.append("mental_health")
        return tuple(needs)

    def _documents(self, age: int, origin: _Origin) -> tuple[str, ...]:
        rng = self.rng
        if rng.random() < origin.recognition:
            docs = ["refugee_recognition", "curp"]
        else:
            docs = ["constancia"]
            if rng.random() < 0.7:
                docs.append("tvrh")
                if rng.random() < 0.85:
                    docs.append("curp")
        if age >= 18 and "curp" in docs and rng.random() < 0.35:
            docs.append("rfc")
        return tuple(docs)

    def _education(self, age: int) -> str:
        if age >= 18:
            return EDUCATION_LEVELS[self.rng.choice(7, p=_ADULT_EDUCATION)]
        if age < 7:
            return "none"
        if age < 13:
            return "none" if self.rng.random() < 0.1 else "primaria"
        return "primaria" if age < 16 else "secundaria"

    def add_family(
        self, family_id: str, nationality: str, origin_city: str, members: list[tuple[int, str]]
    ) -> None:
        rng = self.rng
        origin = NATIONALITIES[nationality]
        first_names, last_names = _NAMES[origin.names]
        surname = last_names[rng.integers(len(last_names))]
        for index, (age, sex) in enumerate(members, start=1):
            person_nationality = nationality
            languages = self._languages(origin)
            if nationality == "HTI" and age < 9 and rng.random() < 0.5:
                # Many Haitian children were born in Chile or Brazil on the way.
                person_nationality = "CHL" if rng.random() < 0.7 else "BRA"
                languages = ["ht", "es" if person_nationality == "CHL" else "pt"]
            education = self._education(age)
            skills, years, trade = self._skills(origin, languages, age, education)
            person_id = f"{family_id.replace('F', 'P', 1)}-{index}"
            if trade is not None:
                self.trade_isco[person_id] = self.isco_of[trade]
            phone = ""
            if age >= 18 and rng.random() < 0.8:
                number = rng.integers(1_000_000, 9_999_999)
                phone = (
                    f"+52 {_AREA_CODES[origin_city]} {number // 10_000:03d} {number % 10_000:04d}"
                )
            self.rows.append(
                {
                    "person_id": person_id,
                    "family_id": family_id,
                    "age": age,
                    "sex": sex,
                    "nationality": person_nationality,
                    "languages": tuple(languages),
                    "education": education,
                    "skills_text": skills,
                    "work_experience_years": years,
                    "health_needs": self._health(age, sex),
                    "documents": self._documents(age, origin),
                    "full_name": f"{first_names[rng.integers(len(first_names))]} {surname}",
                    "phone": phone or None,
                }
            )


def _members(rng: np.random.Generator, shape: str) -> list[tuple[int, str]]:
    """Ages and sexes of a family of the given shape."""

    def adult(low: int = 18, high: int = 55) -> int:
        return int(rng.integers(low, high + 1))

    def children(n: int, parent_age: int) -> list[tuple[int, str]]:
        oldest = max(0, min(17, parent_age - 17))
        return [(int(rng.integers(0, oldest + 1)), "FM"[rng.integers(2)]) for _ in range(n)]

    sex = "FM"[rng.integers(2)] if rng.random() > 0.01 else "X"
    if shape == "single":
        return [(adult(18, 60), "M" if rng.random() < 0.62 else sex)]
    head = adult(19, 50)
    partner = max(18, head + int(rng.integers(-5, 6)))
    if shape == "couple":
        return [(head, "M"), (partner, "F")]
    kids = 1 + int(rng.poisson(1.4))
    if shape == "couple_children":
        return [(head, "M"), (partner, "F"), *children(kids, min(head, partner))]
    if shape == "single_parent":
        parent_sex = "F" if rng.random() < 0.85 else "M"
        return [(head, parent_sex), *children(kids, head)]
    elder = (adult(58, 78), "FM"[rng.integers(2)])
    return [(head, "M"), (partner, "F"), *children(kids + 1, min(head, partner)), elder]


def _families(
    rng: np.random.Generator, n: int, as_of: dt.date, prefix: str = ""
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    people = _People(rng)
    cities = reference_destinations()
    origins = reference_origins()
    pull = cities["population_k"].to_numpy() ** 0.8
    pull = pull / pull.sum()
    city_names = list(cities["city"])
    origin_names, origin_p = list(origins["city"]), origins["share"].to_numpy()
    nat_codes = list(NATIONALITIES)
    nat_p = np.array([NATIONALITIES[c].share for c in nat_codes])
    nat_p = nat_p / nat_p.sum()
    rows = []
    for i in range(n):
        family_id = f"{prefix}F{i + 1:05d}"
        nationality = nat_codes[rng.choice(len(nat_codes), p=nat_p)]
        origin = origin_names[rng.choice(len(origin_names), p=origin_p)]
        people.add_family(family_id, nationality, origin, _members(rng, _pick(rng, _COMPOSITIONS)))
        ranked = [city_names[j] for j in rng.choice(len(city_names), 3, replace=False, p=pull)]
        ties = ranked[0] if rng.random() < 0.1 else None
        preferred = ranked[: rng.choice(4, p=[0.25, 0.35, 0.25, 0.15])]
        if ties and ties not in preferred:
            preferred = [ties, *preferred]
        excluded: tuple[str, ...] = ()
        if rng.random() < 0.12:
            others = sorted(set(city_names) - set(ranked))
            excluded = (others[rng.integers(len(others))],)
        rows.append(
            {
                "family_id": family_id,
                "origin": origin,
                "preferred_cities": tuple(preferred),
                "excluded_cities": excluded,
                "registered_at": as_of - dt.timedelta(days=int(rng.integers(0, 120))),
                "ties_city": ties,
            }
        )
    return pd.DataFrame(rows), pd.DataFrame(people.rows), people.trade_isco


def _destinations(rng: np.random.Generator, use: pd.DataFrame, tightness: float) -> pd.DataFrame:
    """Capacities that follow city size, scaled to a share of the batch's total demand."""
    cities = reference_destinations()
    weight = cities["population_k"].to_numpy() ** 0.7
    weight = weight / weight.sum()
    frame = cities[["city", "state", "lat", "lon"]].copy()
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
    templates = _vacancy_templates()
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


def generate_scenario(
    families: int = 500,
    seed: int = 0,
    vacancies: int | None = None,
    tightness: float = 0.8,
    as_of: dt.date = dt.date(2026, 11, 2),
) -> Dataset:
    """A synthetic batch of families with destinations and vacancies.

    ``tightness`` is total capacity as a share of the batch's demand for each
    resource (below 1, not everyone can move). ``vacancies`` is the number of
    postings (default 0.9 per family, about 2.9 positions each). ``as_of`` is the
    date registrations count back from, so output does not depend on the clock.
    """
    if families < 1:
        raise ValueError("families must be at least 1")
    rng = np.random.default_rng(seed)
    family_frame, people, _ = _families(rng, families, as_of)
    use = derive_use(people, family_frame, STANDARD_RESOURCES)
    destinations = _destinations(rng, use, tightness)
    count = round(0.9 * families) if vacancies is None else vacancies
    return Dataset(
        people=people,
        families=family_frame,
        destinations=destinations,
        vacancies=_vacancies(rng, count) if count > 0 else None,
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _simulate_outcomes(
    rng: np.random.Generator,
    people: pd.DataFrame,
    vacancies: pd.DataFrame,
    trade_isco: dict[str, str],
    as_of: dt.date,
) -> pd.DataFrame:
    """Past placements of working-age adults and whether each led to a job kept 90 days.

    The chance of being hired rises with how close the vacancy's ISCO group is to the
    person's real trade, meeting the education minimum and the documents asked, and
    speaking Spanish; the chance of staying 90 days with the same fit and the salary.
    Nationality and sex play no part. The weights are assumptions, not estimates.
    """
    adults = people[working_members(people)].reset_index(drop=True)
    adults = adults[rng.random(len(adults)) < 0.85].reset_index(drop=True)  # were referred
    isco = adults["person_id"].map(trade_isco).fillna("").to_numpy()
    by_major = {m: g.index.to_numpy() for m, g in vacancies.groupby(vacancies["isco"].str[:2])}
    chosen = rng.integers(len(vacancies), size=len(adults))
    # Half of referrals follow the caseworker's judgement of the person's trade.
    for i in np.flatnonzero(rng.random(len(adults)) < 0.5):
        pool = by_major.get(isco[i][:2])
        if pool is not None:
            chosen[i] = pool[rng.integers(len(pool))]
    offer = vacancies.iloc[chosen].reset_index(drop=True)
    same_unit = isco == offer["isco"].to_numpy()
    same_major = np.char.equal(
        np.array([c[:2] for c in isco]), offer["isco"].str[:2].to_numpy().astype(str)
    )
    rank = {level: i for i, level in enumerate(EDUCATION_LEVELS)}
    education_ok = (
        adults["education"].map(rank).to_numpy()
        >= offer["education_min"].map(lambda e: rank.get(e, 0)).to_numpy()
    )
    missing_docs = np.array(
        [
            not set(needed) <= set(held)
            for needed, held in zip(offer["requires"], adults["documents"], strict=True)
        ]
    )
    spanish = adults["languages"].map(lambda langs: "es" in langs).to_numpy()
    years = np.minimum(adults["work_experience_years"].to_numpy(), 10)
    health = adults["health_needs"].map(lambda n: bool({"chronic", "disability"} & set(n)))
    hire = _sigmoid(
        -1.2
        + 1.6 * same_unit
        + 0.9 * (same_major & ~same_unit)
        + 0.6 * education_ok
        - 1.3 * missing_docs
        + 0.7 * spanish
        + 0.06 * years
        - 0.3 * health.to_numpy()
    )
    salary = offer["salary_mxn_month"].to_numpy()
    stay = _sigmoid(0.3 + 0.9 * same_unit + 0.4 * same_major + 0.8 * (salary - 11000) / 4000)
    hired = rng.random(len(adults)) < hire
    kept = hired & (rng.random(len(adults)) < stay)
    placed = [as_of - dt.timedelta(days=int(d)) for d in rng.integers(100, 365, len(adults))]
    return pd.DataFrame(
        {
            "person_id": adults["person_id"],
            "vacancy_id": offer["vacancy_id"],
            "city": offer["city"],
            "placed_at": placed,
            "hired": hired,
            "employed_90d": kept,
        }
    )


def generate_history(
    families: int = 2000, seed: int = 0, as_of: dt.date = dt.date(2026, 11, 2)
) -> Dataset:
    """A past cohort, relocated and referred to vacancies, with simulated outcomes.

    Returns the cohort's tables (ids prefixed with H, so they never collide with a
    current batch) with its outcomes table: person_id, vacancy_id, city, placed_at,
    hired, employed_90d. This is training data for the outcome model; see
    ``_simulate_outcomes`` for what drives success.
    """
    rng = np.random.default_rng([seed, 2016])  # a stream of its own, apart from batches
    family_frame, people, trade_isco = _families(rng, families, as_of, prefix="H")
    use = derive_use(people, family_frame, STANDARD_RESOURCES)
    destinations = _destinations(rng, use, tightness=1.0)
    vacancies = _vacancies(rng, round(0.9 * families), prefix="H")
    outcomes = _simulate_outcomes(rng, people, vacancies, trade_isco, as_of)
    return Dataset(people, family_frame, destinations, vacancies, outcomes)
