"""Moving all data between databases (SQLite to PostgreSQL and back) as one JSON file.

Every table the schema knows is written, catalogue tables included, so revision
numbers (and with them calendar SEQUENCE) and the reminder outbox survive the move:
nothing is sent twice and no calendar sees an older version.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, func, insert, select, text
from sqlmodel import SQLModel

FORMAT = "obligations-export"
VERSION = 1
SKIPPED = frozenset({"alembic_version"})


class TransferError(Exception):
    """The file or the target database is not fit for an import; the message is Dutch."""


def _tables() -> list[Table]:
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in SKIPPED]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def export_all(engine: Engine) -> dict[str, Any]:
    tables: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for table in _tables():
            key = [column for column in table.primary_key.columns]
            rows = connection.execute(select(table).order_by(*key)).mappings()
            tables[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return {"format": FORMAT, "version": VERSION, "tables": tables}


def _python_type(column: Any) -> type | None:
    """The Python type behind a column; a TypeDecorator (UTCDateTime) answers for its impl."""
    candidates: tuple[Any, ...] = (column.type, getattr(column.type, "impl_instance", None))
    for kind in candidates:
        try:
            found: type = kind.python_type
        except (NotImplementedError, AttributeError):  # JSON and friends: kept as they are
            continue
        if found is not object:  # TypeDecorators say "object"; their impl knows better
            return found
    return None


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for name, value in row.items():
        column = table.columns.get(name)
        if column is None:
            raise TransferError(f"onbekende kolom {table.name}.{name}")
        kind = _python_type(column)
        if value is not None and kind in (datetime, date, time):
            value = kind.fromisoformat(value)
        values[name] = value
    return values


def import_all(engine: Engine, data: dict[str, Any]) -> dict[str, int]:
    """Load an export into an empty, migrated database, in one transaction."""
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise TransferError("dit is geen exportbestand van obligations (versie 1)")
    counts: dict[str, int] = {}
    with engine.begin() as connection:
        for table in _tables():
            if connection.execute(select(func.count()).select_from(table)).scalar_one():
                raise TransferError(
                    f"de doeldatabase is niet leeg (tabel {table.name}); "
                    "importeer in een lege database"
                )
        for table in _tables():
            rows = [_typed(table, row) for row in data["tables"].get(table.name, [])]
            if rows:
                connection.execute(insert(table), rows)
            counts[table.name] = len(rows)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return counts


def _reset_sequences(connection: Any) -> None:
    """Explicit ids were inserted; move each serial counter past them."""
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto"
                and column.type.python_type is int
                and len(table.primary_key.columns) == 1
                and table.name != "chat"
            ):
                sequence = connection.execute(
                    text("SELECT pg_get_serial_sequence(:table, :column)"),
                    {"table": table.name, "column": column.name},
                ).scalar()
                if sequence:
                    connection.execute(
                        text(
                            f"SELECT setval('{sequence}', COALESCE((SELECT MAX({column.name}) "
                            f"FROM {table.name}), 0) + 1, false)"
                        )
                    )


def write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def read(path: Path) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TransferError(f"kan {path} niet lezen: {exc}") from exc
    return loaded
