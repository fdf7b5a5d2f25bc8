"""Service settings, from the environment (prefix ARRAIGO_) or a .env file."""

from functools import cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """What an operator may set without touching code."""

    model_config = SettingsConfigDict(env_prefix="ARRAIGO_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///arraigo.sqlite3"
    # Bearer tokens and the page cookie expire after this many hours.
    token_hours: float = 12.0
    # Send the session cookie only over HTTPS; browsers also accept it on localhost.
    cookie_secure: bool = True
    # The site's address as browsers see it (https://arraigo.example), which page posts
    # must come from; unset, the request's own scheme and Host (the reverse proxy must
    # then pass them on: Host and X-Forwarded-Proto).
    public_origin: str | None = None
    # Groups smaller than this are suppressed in exports for partners.
    min_group_size: int = 5
    # Where the matching engine keeps its embedding cache (default: the engine's own,
    # ~/.cache/arraigo/embeddings).
    cache_dir: str | None = None
    # Where checked uploads wait for confirmation, shared by the workers (default: a
    # folder of the machine's temporary space, one per database).
    pending_dir: str | None = None
    # Weeks a destinations import declares capacity for, when its rows carry no
    # declared_until: weekly plans reserve capacity for the arrivals expected until then.
    capacity_period_weeks: float = Field(default=4.0, gt=0, le=52)
    # ESCO normaliser: "lexical" fits in seconds; "full" also embeds every label (more
    # accurate, minutes of encoding the first time). See api/_scoring.py.
    taxonomy: Literal["lexical", "full"] = "lexical"
    # Threads per worker process for blocking work (database, ranking). Few threads
    # fight less over the interpreter lock and the database: with 50 clients on two
    # cores and PostgreSQL, 8 answered 1.7x the requests of 40 (FastAPI's default) at
    # 0.56x the p95; on SQLite both did the same (benchmarks/RESULTS.md, service load).
    threads: int = Field(default=8, ge=1, le=200)
    # argon2 cost of new password hashes: argon2-cffi's defaults (3 passes over 64 MiB).
    # Tests lower it to the minimum; an operator on a small machine may too.
    password_time_cost: int = Field(default=3, ge=1, le=20)
    password_memory_kib: int = Field(default=65536, ge=8, le=2**21)


@cache
def get_settings() -> Settings:
    return Settings()
