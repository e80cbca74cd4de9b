"""How Alembic compares and writes our column types (shared by env.py and the migration tests).

Migrations must not import the application's enums or type decorators: a revision is a frozen
record of a schema, and the models it was written against change. So every TypeDecorator
(StrEnumType, UTCDateTime) and SQLModel's AutoString is written into a revision as the plain
SQLAlchemy type it stores, and compared against the database the same way.
"""

from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel.sql.sqltypes import AutoString


def stored_type(type_: TypeEngine[Any]) -> TypeEngine[Any]:
    """The plain SQLAlchemy type a column's values are stored as."""
    if isinstance(type_, AutoString):
        return String(type_.length)
    if isinstance(type_, TypeDecorator):
        return stored_type(type_.impl_instance)
    return type_


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:  # noqa: ARG001 (Alembic's hook signature)
    """Write decorated types as their stored type, e.g. `sa.String(length=16)`."""
    if type_ == "type" and isinstance(obj, TypeDecorator | AutoString):
        plain = stored_type(obj)
        return f"sa.{plain!r}"
    return False


def compare_type(
    context: Any,
    inspected_column: Any,
    metadata_column: Any,
    inspected_type: TypeEngine[Any],
    metadata_type: TypeEngine[Any],
) -> bool | None:
    """True when the database's column type differs from the model's (None: Alembic decides).

    On SQLite every integer is 64-bit whatever the declared name, so INTEGER and BIGINT are the
    same column there; on PostgreSQL INTEGER versus BIGINT is the 32-bit-id bug and a difference.
    """
    declared = stored_type(metadata_type)
    if context.dialect.name == "sqlite" and isinstance(inspected_type, Integer):
        return not isinstance(declared, Integer)
    if declared is not metadata_type:
        return bool(
            context.impl.compare_type(inspected_column, _with_type(metadata_column, declared))
        )
    return None


def _with_type(column: Any, type_: TypeEngine[Any]) -> Any:
    copy = column._copy()
    copy.type = type_
    return copy


MIGRATION_OPTIONS: dict[str, Any] = {
    "compare_type": compare_type,
    "compare_server_default": False,
    "render_item": render_item,
}
