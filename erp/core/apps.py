from typing import Any

from django.apps import AppConfig


def _keep_prepared_statements(sender: Any, connection: Any, **kwargs: Any) -> None:
    """A PostgreSQL connection keeps DB_PREPARED_MAX prepared statements (config/django/base.py postgres_options)."""
    from django.conf import settings

    if connection.vendor == "postgresql" and hasattr(connection.connection, "prepared_max"):
        connection.connection.prepared_max = settings.DB_PREPARED_MAX


class CoreConfig(AppConfig):
    name = "erp.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from erp.core.logging import install_record_factory

        install_record_factory()
        connection_created.connect(_keep_prepared_statements, dispatch_uid="erp.core.prepared_max")
