from typing import Any

from erp.core.testing.urlbudget import ANONYMOUS, Exempt, UrlSpec

SPECS = [
    UrlSpec("healthz", (ANONYMOUS,), grow=lambda w, n: None),
    UrlSpec("readyz", (ANONYMOUS,), grow=lambda w, n: None),
    UrlSpec(
        "set_language",
        (ANONYMOUS,),
        grow=lambda w, n: None,
        method="post",
        data=lambda w: {"language": "en"},
        status=302,
    ),
    UrlSpec("api-schema", ("salesperson",), grow=lambda w, n: None),
    UrlSpec("api-docs", ("salesperson",), grow=lambda w, n: None, static_budget=False),
]

EXEMPT = [Exempt("admin:*", "the Django admin is a superuser's tool, outside the application's budget")]


# Background exports (erp/core/exportjobs.py): the owner's progress page, its polled status and the download.
EXPORTER = "branch_manager"


def _grow_jobs(world: Any, n: int) -> None:
    from erp.core.models import ExportJob

    ExportJob.objects.bulk_create(
        ExportJob(kind="customers", user=world.users[EXPORTER], params={}, status="failed") for _ in range(n)
    )


def _a_job(world: Any) -> dict[str, int]:
    """A finished customers export of the branch manager (built once, with its file)."""
    from erp.core.exportjobs import export_job_run
    from erp.core.models import ExportJob

    if "export_job" not in world.extra:
        job = ExportJob.objects.create(kind="customers", user=world.users[EXPORTER], params={})
        world.extra["export_job"] = export_job_run(job_id=job.pk)
    return {"pk": world.extra["export_job"].pk}


SPECS += [
    UrlSpec("exports:job_detail", (EXPORTER,), _grow_jobs, kwargs=_a_job),
    UrlSpec("exports:job_status", (EXPORTER,), _grow_jobs, kwargs=_a_job),
    UrlSpec("exports:job_download", (EXPORTER,), _grow_jobs, kwargs=_a_job),
]
