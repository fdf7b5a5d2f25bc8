"""The synthetic population waiting in the southern border states: families and their
members (ages, languages, schooling, trades as people write them, health, papers).

Proportions are approximate public figures (COMAR applications 2021–2023, UNHCR
reports on the local integration programme); see data/reference/README.md. Nothing
here is real personal data.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._reference import reference_destinations, reference_origins, trades
from ._vocab import ADULT_AGE, EDUCATION_LEVELS


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
        table = trades()
        self.isco_of = dict(zip(table["trade"], table["isco"], strict=True))
        self.by_sector = {s: list(g["trade"]) for s, g in table.groupby("sector")}
        self.phrases = {
            (row["trade"], lang): row[f"skills_{lang}"].replace("; ", ", ").split("|")
            for row in table.to_dict("records")
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
        if age < ADULT_AGE:
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
        if sex == "F" and ADULT_AGE <= age <= 42 and rng.random() < 0.08:
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
        if age >= ADULT_AGE and "curp" in docs and rng.random() < 0.35:
            docs.append("rfc")
        return tuple(docs)

    def _education(self, age: int) -> str:
        if age >= ADULT_AGE:
            return EDUCATION_LEVELS[self.rng.choice(7, p=_ADULT_EDUCATION)]
        if age < 7:
            return "none"
        if age < 13:
            return "none" if self.rng.random() < 0.1 else "primaria"
        return "primaria" if age < 16 else "secundaria"

    def add_family(
        self,
        family_id: str,
        person_stem: str,
        nationality: str,
        origin_city: str,
        members: list[tuple[int, str]],
    ) -> None:
        """Add a family's members, with ids ``<person_stem>-1``, ``-2``…"""
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
            person_id = f"{person_stem}-{index}"
            if trade is not None:
                self.trade_isco[person_id] = self.isco_of[trade]
            phone = ""
            if age >= ADULT_AGE and rng.random() < 0.8:
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

    def adult(low: int = ADULT_AGE, high: int = 55) -> int:
        return int(rng.integers(low, high + 1))

    def children(n: int, parent_age: int) -> list[tuple[int, str]]:
        oldest = max(0, min(ADULT_AGE - 1, parent_age - 17))
        return [(int(rng.integers(0, oldest + 1)), "FM"[rng.integers(2)]) for _ in range(n)]

    sex = "FM"[rng.integers(2)] if rng.random() > 0.01 else "X"
    if shape == "single":
        return [(adult(ADULT_AGE, 60), "M" if rng.random() < 0.62 else sex)]
    head = adult(19, 50)
    partner = max(ADULT_AGE, head + int(rng.integers(-5, 6)))
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


def waiting_families(
    rng: np.random.Generator, n: int, as_of: dt.date, prefix: str = ""
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """``n`` families (ids ``<prefix>F00001``…) and their members, registered up to 120
    days before ``as_of``, with each worker's real trade as an ISCO code (never a
    column: it drives simulated outcomes)."""
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
        members = _members(rng, _pick(rng, _COMPOSITIONS))
        people.add_family(family_id, f"{prefix}P{i + 1:05d}", nationality, origin, members)
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
