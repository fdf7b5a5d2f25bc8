"""A validated set of the contract's tables, as typed pandas DataFrames."""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ._io import write_table
from ._use import derive_use
from ._vocab import CAP_PREFIX, KINDS, STANDARD_RESOURCES


@dataclass(frozen=True)
class Dataset:
    """People, families, destinations, vacancies and past outcomes, each validated
    (or absent).

    List columns (languages, documents, preferred_cities…) hold tuples of strings;
    an empty capacity cell is NaN and means unlimited.
    """

    people: pd.DataFrame | None = None
    families: pd.DataFrame | None = None
    destinations: pd.DataFrame | None = None
    vacancies: pd.DataFrame | None = None
    outcomes: pd.DataFrame | None = None

    @property
    def resources(self) -> tuple[str, ...]:
        """Resources with a ``cap_`` column: the standard ones first, then the user's."""
        if self.destinations is None:
            return ()
        names = [c.removeprefix(CAP_PREFIX) for c in self.destinations if c.startswith(CAP_PREFIX)]
        standard = [r for r in STANDARD_RESOURCES if r in names]
        return tuple(standard + sorted(set(names) - set(standard)))

    def capacity(self) -> pd.DataFrame:
        """Capacity per city (rows) and resource (columns); NaN is unlimited."""
        columns = [CAP_PREFIX + r for r in self.resources]
        frame = self.destinations.set_index("city")[columns]
        return frame.rename(columns=lambda c: c.removeprefix(CAP_PREFIX))

    def family_use(self) -> pd.DataFrame:
        """Units of each resource each family uses (derived, or its ``use_`` override)."""
        return derive_use(self.people, self.families, self.resources)

    def write(self, directory: Path | str, suffix: str = ".csv") -> list[Path]:
        """Write each present table as ``<kind><suffix>`` in a folder; returns the paths."""
        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for kind in KINDS:
            frame = getattr(self, kind)
            if frame is not None:
                path = folder / f"{kind}{suffix}"
                write_table(frame, path)
                written.append(path)
        return written
