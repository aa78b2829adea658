from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "erp.complaints"
    label = "complaints"

    def ready(self) -> None:
        from erp.complaints import (
            exports,  # noqa: F401  (registers the background export)
            scoping,  # noqa: F401  (registers the "complaints" scope)
        )
        from erp.complaints.sections import register_sections

        register_sections()
