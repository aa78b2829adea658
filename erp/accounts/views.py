"""HTML pages for accounts. Each view: parse input, authorise, one selector or service call, render."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from erp.accounts import selectors, services
from erp.accounts.access import access_for, require_perm
from erp.accounts.exports import users_xlsx
from erp.accounts.filters import BranchFilter, SecurityEventFilter, UserFilter
from erp.accounts.forms import (
    BranchForm,
    LoginForm,
    ProfileForm,
    SetPasswordForm,
    StyledPasswordChangeForm,
    UserForm,
    apply_service_errors,
)
from erp.accounts.models import Branch, SecurityEvent, User
from erp.core.filters import filter_form
from erp.core.keyset import keyset_page
from erp.core.paging import PAGE_SIZE, paginate


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _set_language(response: HttpResponse, language: str) -> HttpResponse:
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response


# ---------------------------------------------------------------------------------------------------------------
# Authentication


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        translation.activate(user.preferred_language)
        return _set_language(response, user.preferred_language)


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.security_event_record(kind=SecurityEvent.Kind.PASSWORD_CHANGED, user=form.user, request=self.request)
        messages.success(self.request, _("Your password was changed."))
        return response


def lockout_response(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """What django-axes answers while a username is locked out: the login page with a clear message."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        from erp.api.exception_handlers import error_payload

        return JsonResponse(
            error_payload("locked_out", _("Too many failed attempts: this account is locked for a while.")), status=403
        )
    return render(request, "accounts/login.html", {"form": LoginForm(request), "locked_out": True}, status=403)


# ---------------------------------------------------------------------------------------------------------------
# Home and profile


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {"access": access_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    form = ProfileForm(request.POST or None, instance=user) if request.method == "POST" else ProfileForm(instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=user, user=user, data=form.cleaned_data, request=request)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Your profile was saved."))
            return _set_language(redirect("accounts:profile"), user.preferred_language)
    return render(request, "accounts/profile.html", {"form": form})


# ---------------------------------------------------------------------------------------------------------------
# Users


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "accounts.manage_users")
    actor = _actor(request)
    try:
        users = selectors.user_list(actor=actor, filters=request.GET).order_by(_ordering(request, USER_ORDERINGS))
    except ValidationError:
        users = User.objects.none()  # the filter form below shows what was wrong
    if request.GET.get("export") == "xlsx":
        services.security_event_record(
            kind=SecurityEvent.Kind.EXPORT, user=actor, request=request, detail={"what": "users"}
        )
        return users_xlsx(users)
    page = paginate(request, users)
    context = {
        "page": page,
        "filter_form": filter_form(UserFilter, request.GET, actor=actor),
        "ordering": request.GET.get("ordering", "username"),
        "query": _query_without(request, "page"),
    }
    template = "accounts/_user_rows.html" if request.headers.get("HX-Request") else "accounts/user_list.html"
    return render(request, template, context)


USER_ORDERINGS = {"username", "-username", "first_name", "-first_name", "last_seen", "-last_seen", "branch__code"}


def _ordering(request: HttpRequest, allowed: set[str], default: str = "username") -> str:
    value = request.GET.get("ordering", default)
    return value if value in allowed else default


def _query_without(request: HttpRequest, *keys: str) -> str:
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "accounts.manage_users")
    actor = _actor(request)
    form = UserForm(request.POST or None, actor=actor, creating=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password1")
        data.pop("password2", None)
        try:
            user = services.user_create(actor=actor, password=password, request=request, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("User “%(name)s” was created.") % {"name": user.display_name})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "accounts.manage_users")
    actor = _actor(request)
    user = selectors.user_get_for_user(actor=actor, pk=pk)
    return render(
        request,
        "accounts/user_detail.html",
        {"object": user, "can_manage": services.user_can_manage(actor=actor, target=user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "accounts.manage_users")
    actor = _actor(request)
    user = selectors.user_get_for_user(actor=actor, pk=pk)
    if not services.user_can_manage(actor=actor, target=user):
        raise PermissionDenied
    form = UserForm(request.POST or None, instance=user, actor=actor, creating=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=actor, user=user, data=dict(form.cleaned_data), request=request)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("User “%(name)s” was saved.") % {"name": user.display_name})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": False, "object": user})


@login_required
@require_POST
def user_toggle_active(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "accounts.manage_users")
    actor = _actor(request)
    user = selectors.user_get_for_user(actor=actor, pk=pk)
    if not services.user_can_manage(actor=actor, target=user):
        raise PermissionDenied
    services.user_set_active(actor=actor, user=user, active=not user.is_active, request=request)
    if user.is_active:
        messages.success(request, _("User “%(name)s” was activated.") % {"name": user.display_name})
    else:
        messages.warning(request, _("User “%(name)s” was deactivated.") % {"name": user.display_name})
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@require_http_methods(["GET", "POST"])
def user_set_password(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "accounts.manage_users")
    actor = _actor(request)
    user = selectors.user_get_for_user(actor=actor, pk=pk)
    if not services.user_can_manage(actor=actor, target=user):
        raise PermissionDenied
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(actor=actor, user=user, password=form.cleaned_data["password1"], request=request)
        except ValidationError as exc:
            exc = ValidationError({"password1": exc.message_dict.get("password", exc.messages)})
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The password of “%(name)s” was changed.") % {"name": user.display_name})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_set_password.html", {"form": form, "object": user})


# ---------------------------------------------------------------------------------------------------------------
# Branches


@login_required
def branch_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "accounts.manage_branches")
    try:
        branches = selectors.branch_list(actor=_actor(request), filters=request.GET).order_by("code")
    except ValidationError:
        branches = Branch.objects.none()
    page = paginate(request, branches)
    return render(
        request,
        "accounts/branch_list.html",
        {
            "page": page,
            "filter_form": filter_form(BranchFilter, request.GET, actor=_actor(request)),
            "query": _query_without(request, "page"),
            "can_create": access_for(request.user).sees_all_branches,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def branch_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "accounts.manage_branches")
    if not access_for(request.user).sees_all_branches:
        raise PermissionDenied
    form = BranchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            branch = services.branch_create(actor=_actor(request), data=form.cleaned_data, request=request)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Branch “%(name)s” was created.") % {"name": branch.name})
            return redirect("accounts:branch_list")
    return render(request, "accounts/branch_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def branch_update(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "accounts.manage_branches")
    actor = _actor(request)
    branch = selectors.branch_get_for_user(actor=actor, pk=pk)
    form = BranchForm(request.POST or None, instance=branch)
    if not access_for(actor).sees_all_branches:
        del form.fields["is_main"]
    if request.method == "POST" and form.is_valid():
        try:
            services.branch_update(actor=actor, branch=branch, data=form.cleaned_data, request=request)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Branch “%(name)s” was saved.") % {"name": branch.name})
            return redirect("accounts:branch_list")
    return render(request, "accounts/branch_form.html", {"form": form, "creating": False, "object": branch})


# ---------------------------------------------------------------------------------------------------------------
# Security events


@login_required
@never_cache
def security_event_list(request: HttpRequest) -> HttpResponse:
    """Keyset-paginated (newest first), never a COUNT over the whole table."""
    require_perm(request.user, "accounts.view_security_events")
    try:
        events = selectors.security_event_list(actor=_actor(request), filters=request.GET)
    except ValidationError:
        events = SecurityEvent.objects.none()
    page = keyset_page(events, order=("-id",), cursor=request.GET.get("after"), size=PAGE_SIZE)
    return render(
        request,
        "accounts/security_event_list.html",
        {
            "events": page.rows,
            "page": page,
            "filter_form": filter_form(SecurityEventFilter, request.GET, actor=_actor(request)),
            "query": _query_without(request, "after"),
        },
    )
