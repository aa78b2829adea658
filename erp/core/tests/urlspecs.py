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
