from typing import Any

import factory
from factory.django import DjangoModelFactory

from erp.accounts.models import Branch, Role, User

DEFAULT_PASSWORD = "Correct-Horse-42"


class BranchFactory(DjangoModelFactory[Branch]):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"B{n:02d}")
    name = factory.Sequence(lambda n: f"فرع {n}")
    phone = "+20223456789"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "أحمد"
    last_name = factory.Sequence(lambda n: f"محمد {n}")
    branch = factory.SubFactory(BranchFactory)
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805 - factory_boy hook
        if not create:
            return
        obj.save()
        if extracted:
            keys = [extracted] if isinstance(extracted, str) else list(extracted)
            obj.roles.set(Role.objects.filter(key__in=keys))

    @factory.post_generation
    def managed(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805 - factory_boy hook
        if create and extracted:
            obj.managed_branches.set(extracted)


def bulk_users(*, branch: Branch, count: int, role: str | None = None) -> list[User]:
    """Many users in three queries (for query-budget tests that grow the data)."""
    import uuid

    from django.contrib.auth.hashers import make_password

    password = make_password(DEFAULT_PASSWORD)
    stamp = uuid.uuid4().hex[:8]
    users = User.objects.bulk_create(
        User(username=f"bulk-{stamp}-{i}", first_name="سعيد", last_name=f"بكر {i}", branch=branch, password=password)
        for i in range(count)
    )
    if role:
        role_id = Role.objects.get(key=role).pk
        User.roles.through.objects.bulk_create(User.roles.through(user_id=u.pk, role_id=role_id) for u in users)
    return users
