from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "erp.core"
    label = "core"

    def ready(self) -> None:
        from erp.core.logging import install_record_factory

        install_record_factory()
