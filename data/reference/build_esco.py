"""Build the compact ESCO files that Arraigo ships, from the ESCO CSV exports.

Run once by a developer (the exports are not shipped):
    python data/reference/build_esco.py ../shared/data/esco

Writes esco_occupations.csv.gz (one row per occupation, labels in es/en/fr, alternative
labels joined with "|"), isco_groups.csv (ISCO-08 codes 1 to 4 digits, labels) and
esco_skills.csv.gz (skills and knowledge with their Spanish and French labels, the ones
short enough to be named in a posting: gaps are named as ESCO skills).
This service uses the ESCO classification of the European Commission.
"""

import sys
from pathlib import Path

import pandas as pd

LANGS = ("es", "en", "fr")


def _occupations(src: Path) -> pd.DataFrame:
    frames = []
    for lang in LANGS:
        occ = pd.read_csv(src / f"occupations_{lang}.csv", dtype=str, keep_default_na=False)
        alt = occ["altLabels"].str.replace("\r", "").str.split("\n")
        occ = pd.DataFrame(
            {
                "concept_uri": occ["conceptUri"],
                "isco": occ["iscoGroup"],
                f"label_{lang}": occ["preferredLabel"].str.strip(),
                f"alt_{lang}": alt.map(lambda a: "|".join(s.strip() for s in a if s.strip())),
            }
        )
        frames.append(occ.set_index(["concept_uri", "isco"]))
    out = pd.concat(frames, axis=1).reset_index()
    out["esco_id"] = out["concept_uri"].str.rsplit("/", n=1).str[-1]
    cols = ["esco_id", "isco"] + [f"{k}_{lang}" for lang in LANGS for k in ("label", "alt")]
    return out[cols].fillna("").sort_values("esco_id").reset_index(drop=True)


def _isco_groups(src: Path) -> pd.DataFrame:
    frames = []
    for lang in LANGS:
        g = pd.read_csv(src / f"ISCOGroups_{lang}.csv", dtype=str, keep_default_na=False)
        frames.append(g.set_index("code")["preferredLabel"].rename(f"label_{lang}"))
    out = pd.concat(frames, axis=1).reset_index().rename(columns={"index": "code"})
    return out.sort_values("code").reset_index(drop=True)


# Labels longer than this many words are left out: no posting names a skill at that length.
MAX_SKILL_WORDS = 6


def _skills(src: Path) -> pd.DataFrame:
    frames = []
    for lang in ("es", "fr"):
        skills = pd.read_csv(src / f"skills_{lang}.csv", dtype=str, keep_default_na=False)
        short = skills["preferredLabel"].str.split().str.len() <= MAX_SKILL_WORDS
        alt = skills["altLabels"].str.replace("\r", "").str.split("\n")
        alt = alt.map(lambda a: [s.strip() for s in a if 0 < len(s.split()) <= MAX_SKILL_WORDS])
        frame = pd.DataFrame(
            {
                "skill_id": skills["conceptUri"].str.rsplit("/", n=1).str[-1],
                f"label_{lang}": skills["preferredLabel"].str.strip(),
                f"alt_{lang}": alt.map("|".join),
                f"short_{lang}": short,
            }
        )
        frames.append(frame.set_index("skill_id"))
    out = pd.concat(frames, axis=1).reset_index()
    out = out[out["short_es"] & out["label_fr"].notna()].drop(columns=["short_es", "short_fr"])
    return out.fillna("").sort_values("skill_id").reset_index(drop=True)


def main(src: str) -> None:
    src_path = Path(src)
    here = Path(__file__).parent
    _occupations(src_path).to_csv(here / "esco_occupations.csv.gz", index=False)
    _isco_groups(src_path).to_csv(here / "isco_groups.csv", index=False)
    _skills(src_path).to_csv(here / "esco_skills.csv.gz", index=False)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/esco")
