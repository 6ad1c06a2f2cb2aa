"""The PostgreSQL server the figures make throwaway databases on: the one ``DATABASE_URL`` names,
or the local one."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import psycopg
from psycopg import sql


def pg_base() -> str:
    """The server's URL without a database name."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url.rsplit("/", 1)[0]
    return "postgres://postgres@127.0.0.1:5432"


@contextlib.contextmanager
def pg_database(name: str) -> Iterator[str]:
    """An empty database made from ``template0``, dropped afterwards: its URL."""
    base = pg_base()
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
        try:
            yield f"{base}/{name}"
        finally:
            admin.execute(drop)
