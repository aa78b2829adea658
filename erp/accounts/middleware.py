import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

_ACTIVITY_KEY = "_last_activity"


class ActivityMiddleware:
    """Idle timeout and "last seen", cheaply.

    The session's activity stamp and the user's `last_seen` are written at most once per LAST_SEEN_INTERVAL, so
    an ordinary request writes nothing. A session idle for longer than the timeout is ended server-side.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in getattr(settings, "SESSION_ACTIVITY_IGNORED_PATHS", ()):
            # Background polls (the bell) are not activity: they must not keep an idle session alive, and the
            # bell's "nothing changed" answer must not load the user.
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(_ACTIVITY_KEY)
            timeout = settings.SESSION_IDLE_TIMEOUT_SUPERUSER if user.is_superuser else settings.SESSION_IDLE_TIMEOUT
            if last is not None and now - int(last) > timeout:
                logout(request)
            elif last is None or now - int(last) >= settings.LAST_SEEN_INTERVAL:
                from erp.accounts.services import user_touch_last_seen

                request.session[_ACTIVITY_KEY] = now
                if (
                    user.last_seen is None
                    or (timezone.now() - user.last_seen).total_seconds() >= settings.LAST_SEEN_INTERVAL
                ):
                    user_touch_last_seen(user=user)
        return self.get_response(request)
