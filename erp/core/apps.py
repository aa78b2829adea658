from typing import Any

from django.apps import AppConfig


def _keep_prepared_statements(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A PostgreSQL connection with server-side binding keeps DB_PREPARED_MAX prepared statements and never prepares
    a text search (erp/core/db.py; config/django/base.py postgres_options)."""
    from django.conf import settings

    if connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get("server_side_binding") is True:
        from erp.core.db import PlannedWithValuesCursor

        connection.connection.prepared_max = settings.DB_PREPARED_MAX
        connection.connection.cursor_factory = PlannedWithValuesCursor


class CoreConfig(AppConfig):
    name = "erp.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from erp.core import orm
        from erp.core.logging import install_record_factory

        install_record_factory()
        orm.install()
        connection_created.connect(_keep_prepared_statements, dispatch_uid="erp.core.prepared_max")
