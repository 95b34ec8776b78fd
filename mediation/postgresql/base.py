"""Django's PostgreSQL backend, with bulk writes in batches of at most 65,535 parameters.

With parameters bound by the server (settings: ``DB_SERVER_SIDE_BINDING``), one
statement may carry at most 65,535 of them, where client-side binding had no
limit; Django's PostgreSQL backend still writes a whole ``bulk_create`` or
``bulk_update`` in one statement. Here the batch is cut to fit, as Django does
for SQLite's limit. Everything else is Django's backend.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base, operations

# The protocol counts a statement's parameters in 16 bits.
MAX_PARAMETERS = 65_535


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields: Any, objs: Any) -> int:
        size: int = super().bulk_batch_size(fields, objs)
        if self.connection.features.uses_server_side_binding and fields:  # type: ignore[attr-defined]
            return max(1, min(size, MAX_PARAMETERS // len(fields)))
        return size


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
