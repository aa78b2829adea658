from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from erp.accounts.models import Branch, SecurityEvent, User
from erp.accounts.roles import RoleKey
from erp.customers import services
from erp.customers.models import ContactPerson, Customer, CustomerCategory, CustomerNote, CustomerType
from erp.customers.tests import factories
from erp.inventory.tests import factories as inventory_factories

pytestmark = pytest.mark.django_db


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/customers/?{query}")
    assert response.status_code == 200
    return [c.code for c in response.context["page"].rows]


# --------------------------------------------------------------------------------------------------------------
# Search and list


def test_search_folds_arabic_and_matches_code_and_both_phone_forms(manager_a: User, branch_a: Branch) -> None:
    ahmed = factories.customer(branch=branch_a, name="أحمد عبد الرحمن", phone="+201012345678")
    other = factories.customer(branch=branch_a, name="منى السيد", phone="+201198765432")
    client = login(manager_a)
    assert listed(client, "search=احمد") == [ahmed.code]  # hamza folded
    assert listed(client, f"search={ahmed.code.lower()}") == [ahmed.code]
    assert listed(client, "search=01012345678") == [ahmed.code]  # local form
    assert listed(client, "search=%2B201012345678") == [ahmed.code]  # E.164
    assert listed(client, "search=٠١٠١٢٣٤٥٦٧٨") == [ahmed.code]  # Arabic-Indic digits
    assert listed(client, "search=010 1234 5678") == [ahmed.code]  # typed with spaces
    assert listed(client, "search=0119876") == [other.code]  # a partial number
    assert listed(client, "search=لا+يوجد") == []


def test_search_text_has_a_trigram_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'customers_search_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "gin_trgm_ops" in definition


def test_list_is_scoped_filtered_and_sorted(
    make_user: Callable[..., User], seller_a: User, manager_a: User, branch_a: Branch, branch_b: Branch
) -> None:
    mine = factories.customer(branch=branch_a, created_by=seller_a, name="ب عميل")
    colleague = factories.customer(branch=branch_a, name="أ عميل", status=Customer.Status.BLOCKED)
    far = factories.customer(branch=branch_b, type_code="wholesale")
    assert listed(login(seller_a)) == [mine.code]
    manager = login(manager_a)
    assert set(listed(manager)) == {mine.code, colleague.code}
    assert listed(manager, "status=blocked") == [colleague.code]
    assert listed(manager, "ordering=name") == [colleague.code, mine.code]
    boss = login(make_user(RoleKey.SALES_MANAGER, branch=branch_a))
    assert listed(boss, f"branch={branch_b.pk}") == [far.code]
    assert listed(boss, f"customer_type={far.customer_type_id}") == [far.code]
    assert listed(boss)[0] == far.code  # newest first by default


def test_list_keyset_pages(manager_a: User, branch_a: Branch) -> None:
    factories.bulk_customers(count=30, branch=branch_a)
    client = login(manager_a)
    first = client.get("/customers/?ordering=code")
    cursor = first.context["page"].next_cursor
    assert cursor and len(first.context["page"].rows) == 25
    second = client.get("/customers/", {"ordering": "code", "after": cursor})
    codes = [c.code for c in first.context["page"].rows] + [c.code for c in second.context["page"].rows]
    assert len(codes) == len(set(codes)) == 30 and codes == sorted(codes)


def test_export_needs_the_permission_and_is_a_security_event(seller_a: User, manager_a: User, branch_a: Branch) -> None:
    factories.customer(branch=branch_a, created_by=seller_a)
    assert login(seller_a).get("/customers/?export=xlsx").status_code == 403
    response = login(manager_a).get("/customers/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT, user=manager_a)
    assert event.detail == {"what": "customers"}


def test_export_holds_only_scoped_rows(seller_a: User, branch_a: Branch, branch_b: Branch, make_user: Any) -> None:
    import io

    from openpyxl import load_workbook

    manager = make_user(RoleKey.BRANCH_MANAGER, branch=branch_a)
    ours = factories.customer(branch=branch_a)
    factories.customer(branch=branch_b)
    book = load_workbook(io.BytesIO(login(manager).get("/customers/?export=xlsx").content))
    codes = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert codes == [ours.code]


# --------------------------------------------------------------------------------------------------------------
# Customer page


def test_customer_page_by_code_within_scope_only(seller_a: User, seller_b: User, branch_a: Branch) -> None:
    customer = factories.customer(branch=branch_a, created_by=seller_a)
    CustomerNote.objects.create(customer=customer, text="يفضل الاتصال مساءً")
    response = login(seller_a).get(f"/customers/{customer.code}/")
    assert response.status_code == 200
    assert "يفضل الاتصال مساءً" in response.content.decode()
    assert login(seller_b).get(f"/customers/{customer.code}/").status_code == 404


def test_add_note(seller_a: User, branch_a: Branch) -> None:
    customer = factories.customer(branch=branch_a, created_by=seller_a)
    client = login(seller_a)
    response = client.post(f"/customers/{customer.code}/notes/", {"text": "  طلب معاينة  "})
    assert response.status_code == 302
    note = CustomerNote.objects.get(customer=customer)
    assert note.text == "طلب معاينة" and note.created_by == seller_a
    client.post(f"/customers/{customer.code}/notes/", {"text": ""})
    assert CustomerNote.objects.filter(customer=customer).count() == 1


def test_status_actions_need_their_permissions(
    seller_a: User, make_user: Callable[..., User], branch_a: Branch
) -> None:
    customer = factories.customer(branch=branch_a, created_by=seller_a)
    seller = login(seller_a)
    page = seller.get(f"/customers/{customer.code}/").content.decode()
    assert 'value="inactive"' in page and 'value="blocked"' not in page  # no block button without the permission
    assert seller.post(f"/customers/{customer.code}/status/", {"status": "blocked"}).status_code == 403
    assert seller.post(f"/customers/{customer.code}/status/", {"status": "inactive"}).status_code == 302
    customer.refresh_from_db()
    assert customer.status == Customer.Status.INACTIVE
    manager = login(make_user(RoleKey.SALES_MANAGER, branch=branch_a))  # blocking is the sales manager's
    page = manager.get(f"/customers/{customer.code}/").content.decode()
    assert 'value="blocked"' in page and "data-confirm" in page
    manager.post(f"/customers/{customer.code}/status/", {"status": "blocked"})
    customer.refresh_from_db()
    assert customer.status == Customer.Status.BLOCKED
    assert seller.post(f"/customers/{customer.code}/status/", {"status": "active"}).status_code == 403  # unblock
    manager.post(f"/customers/{customer.code}/status/", {"status": "nonsense"})
    customer.refresh_from_db()
    assert customer.status == Customer.Status.BLOCKED


# --------------------------------------------------------------------------------------------------------------
# Create and edit


def _form(customer_type: CustomerType, **extra: Any) -> dict[str, Any]:
    data = {
        "name": "سارة فهمي",
        "customer_type": customer_type.pk,
        "phone": "0100 111 2233",
        "location_type": "open",
        "credit_limit": "0",
        "payment_terms_days": "0",
    }
    data.update(extra)
    return data


def test_create_page_numbers_and_normalises(seller_a: User, branch_a: Branch) -> None:
    retail = factories.customer_type("retail")
    client = login(seller_a)
    assert client.get("/customers/new/").status_code == 200
    response = client.post("/customers/new/", _form(retail, branch=branch_a.pk))
    customer = Customer.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.code}/"
    assert customer.code == f"{branch_a.code}-0001" and customer.phone == "+201001112233"
    assert customer.created_by == seller_a


def test_create_errors_are_next_to_the_field_and_nothing_is_saved(
    seller_a: User, branch_a: Branch, branch_b: Branch
) -> None:
    retail = factories.customer_type("retail")
    owner = factories.customer(branch=branch_a, created_by=seller_a, phone="+201001112233")
    client = login(seller_a)
    response = client.post("/customers/new/", _form(retail, branch=branch_a.pk))
    assert response.status_code == 200
    assert owner.code in " ".join(response.context["form"].errors["phone"])
    response = client.post("/customers/new/", _form(retail, branch=branch_a.pk, phone="123", phone2="0100"))
    assert set(response.context["form"].errors) == {"phone", "phone2"}
    response = client.post("/customers/new/", _form(retail, branch=branch_b.pk, phone="01099998888"))
    assert "branch" in response.context["form"].errors  # not a branch the salesperson may use
    assert Customer.objects.count() == 1


def test_create_errors_in_english_when_asked(seller_a: User, branch_a: Branch) -> None:
    retail = factories.customer_type("retail")
    seller_a.preferred_language = "en"
    seller_a.save()
    client = login(seller_a)
    client.cookies["django_language"] = "en"
    response = client.post("/customers/new/", _form(retail, branch=branch_a.pk, phone="123"))
    assert "Enter a valid phone number." in response.context["form"].errors["phone"]


def test_edit_page(seller_a: User, seller_b: User, branch_a: Branch) -> None:
    customer = factories.customer(branch=branch_a, created_by=seller_a)
    client = login(seller_a)
    assert client.get(f"/customers/{customer.code}/edit/").status_code == 200
    data = _form(customer.customer_type, name="اسم جديد", phone=customer.phone, address="المعادي")
    assert client.post(f"/customers/{customer.code}/edit/", data).status_code == 302
    customer.refresh_from_db()
    assert customer.name == "اسم جديد" and customer.address == "المعادي" and customer.updated_by == seller_a
    assert "اسم جديد".replace("أ", "ا") in customer.search_text
    assert login(seller_b).get(f"/customers/{customer.code}/edit/").status_code == 404


def test_phone_check_names_the_owner_only_when_visible(
    seller_a: User, seller_b: User, manager_a: User, branch_a: Branch
) -> None:
    owner = factories.customer(branch=branch_a, created_by=seller_a, name="كريم منصور", phone="+201055555555")
    visible = login(manager_a).get("/customers/check-phone/?field=phone&phone=01055555555").content.decode()
    assert "كريم منصور" in visible and f"/customers/{owner.code}/" in visible
    hidden = login(seller_b).get("/customers/check-phone/?field=phone&phone=01055555555").content.decode()
    with translation.override("ar"):  # pages are Arabic-first
        neutral = gettext("This phone is already registered to another customer.")
    assert "كريم منصور" not in hidden and owner.code not in hidden and neutral in hidden
    own = login(seller_a).get(f"/customers/check-phone/?field=phone2&phone2=01055555555&exclude={owner.pk}")
    assert "✓" in own.content.decode()  # editing the owner itself: not a duplicate
    invalid = login(seller_a).get("/customers/check-phone/?field=phone&phone=0105").content.decode()
    with translation.override("ar"):
        assert gettext("This does not look like a valid phone number.") in invalid


def test_form_wires_the_phone_check(seller_a: User) -> None:
    page = login(seller_a).get("/customers/new/").content.decode()
    assert 'hx-get="/customers/check-phone/?field=phone"' in page and 'id="phone-check"' in page


# --------------------------------------------------------------------------------------------------------------
# Contact persons


def test_contacts_formset_for_corporate_customers(seller_a: User, branch_a: Branch) -> None:
    customer = factories.customer(branch=branch_a, created_by=seller_a, type_code="corporate")
    client = login(seller_a)
    url = f"/customers/{customer.code}/contacts/"
    assert client.get(url).status_code == 200
    data = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "0",
        "form-0-name": "م. هاني سالم",
        "form-0-title": "مدير المشتريات",
        "form-0-phone": "01233334444",
        "form-0-is_primary": "on",
        "form-1-name": "نهى رشاد",
        "form-1-phone": "",
        "form-2-name": "",
    }
    assert client.post(url, data).status_code == 302
    contacts = list(customer.contacts.order_by("position"))
    assert [(c.name, c.position, c.is_primary, c.phone) for c in contacts] == [
        ("م. هاني سالم", 1, True, "+201233334444"),
        ("نهى رشاد", 2, False, ""),
    ]
    bad = dict(data, **{"form-1-is_primary": "on", "form-0-phone": "0123"})
    response = client.post(url, bad)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["phone"]
    assert response.context["formset"].non_form_errors()
    assert ContactPerson.objects.filter(customer=customer).count() == 2  # unchanged


def test_contacts_page_is_for_corporate_customers_only(seller_a: User, branch_a: Branch) -> None:
    customer = factories.customer(branch=branch_a, created_by=seller_a, type_code="retail")
    assert login(seller_a).get(f"/customers/{customer.code}/contacts/").status_code == 404


# --------------------------------------------------------------------------------------------------------------
# Types and categories


def test_type_management(make_user: Callable[..., User], branch_a: Branch, seller_a: User) -> None:
    manager = login(make_user(RoleKey.SALES_MANAGER, branch=branch_a))
    warehouse = inventory_factories.warehouse(branch=branch_a, code="WOF")
    assert manager.get("/customers/types/").status_code == 200
    data = {
        "code": "designer",
        "name": "مهندس ديكور",
        "pricing_type": "discount",
        "discount_percentage": "0",
        "discount_warehouses": [warehouse.pk],
        "badge_colour": "#123456",
        "is_active": "on",
    }
    response = manager.post("/customers/types/new/", data)
    assert response.status_code == 200 and "discount_percentage" in response.context["form"].errors
    assert not CustomerType.objects.filter(code="designer").exists()
    assert manager.post("/customers/types/new/", dict(data, discount_percentage="10")).status_code == 302
    designer = CustomerType.objects.get(code="designer")
    assert [w.pk for w in designer.discount_warehouses.all()] == [warehouse.pk]
    assert services.customer_type_price_discount(designer, warehouse_id=warehouse.pk) == 10
    edit = dict(data, pricing_type="retail", discount_percentage="10")
    assert manager.post(f"/customers/types/{designer.pk}/edit/", edit).status_code == 302
    designer.refresh_from_db()
    assert designer.discount_percentage == 0 and not designer.discount_warehouses.exists()
    seller = login(seller_a)
    assert seller.get("/customers/types/").status_code == 403
    assert seller.post("/customers/types/new/", data).status_code == 403


def test_category_management_keeps_one_default(make_user: Callable[..., User], branch_a: Branch) -> None:
    admin = login(make_user(RoleKey.SALES_MANAGER, branch=branch_a))
    assert admin.post("/customers/categories/", {"name": "أفراد", "is_default": "on"}).status_code == 302
    assert admin.post("/customers/categories/", {"name": "شركات", "is_default": "on"}).status_code == 302
    assert list(CustomerCategory.objects.filter(is_default=True).values_list("name", flat=True)) == ["شركات"]
    first = CustomerCategory.objects.get(name="أفراد")
    assert admin.post(f"/customers/categories/{first.pk}/edit/", {"name": "أفراد ٢"}).status_code == 302
    first.refresh_from_db()
    assert first.name == "أفراد ٢"
    response = admin.post("/customers/categories/", {"name": "شركات"})
    assert response.status_code == 200 and "name" in response.context["form"].errors  # unique
    branch_manager = login(make_user(RoleKey.BRANCH_MANAGER, branch=branch_a))
    assert branch_manager.get("/customers/categories/").status_code == 403


# --------------------------------------------------------------------------------------------------------------
# Demo data


def test_demo_customers_are_realistic_and_numbered_from_the_counters() -> None:
    import io
    import re

    from django.core.management import call_command

    from erp.core.models import Counter

    call_command("demo_data", size="small", seed=3, stdout=io.StringIO())
    customers = Customer.objects.select_related("branch", "customer_type", "created_by")
    assert customers.count() == 60
    assert set(customers.values_list("customer_type__code", flat=True)) >= {"retail", "wholesale"}
    assert {"blocked", "inactive", "active"} >= set(customers.values_list("status", flat=True))
    designer = CustomerType.objects.get(code="designer")
    assert designer.pricing_type == "discount" and designer.discount_percentage == 10
    assert designer.discount_warehouses.filter(is_official_fabric=True).exists()
    assert not ContactPerson.objects.exclude(customer__customer_type__code="corporate").exists()
    arabic = re.compile("[\u0600-\u06ff]")
    for c in customers:
        assert re.fullmatch(r"\+201[0125]\d{8}", c.phone) and arabic.search(c.name) and c.address
        assert c.created_by is not None and c.created_by.branch_id == c.branch_id
        assert c.search_text and c.code.startswith(c.branch.code + "-")
    branches = Branch.objects.all()
    assert {c.branch_id for c in customers} == {b.pk for b in branches}  # every demo branch
    for branch in branches:
        used = customers.filter(branch=branch).count()
        assert Counter.objects.get(key=f"customers.customer:{branch.pk}").value == used
    main = branches.order_by("pk")[0]
    seller: Any = customers.filter(branch=main)[0].created_by
    made = services.customer_create(
        actor=seller, branch=main, name="عميل جديد", customer_type=designer, phone="01000000000"
    )
    last = Counter.objects.get(key=f"customers.customer:{main.pk}").value
    assert made.code == f"{main.code}-{last:04d}" and last == customers.filter(branch=main).count()
    assert not Customer.objects.filter(code=made.code).exclude(pk=made.pk).exists()
