"""DRF throttles that obey the rate-limit feature flag (read per request, so it can be switched off by env)."""

from typing import Any

from rest_framework import throttling

from erp.core.flags import rate_limits_enabled


class _Flagged:
    def allow_request(self, request: Any, view: Any) -> bool:
        if not rate_limits_enabled():
            return True
        return super().allow_request(request, view)  # type: ignore[misc, no-any-return]


class UserRateThrottle(_Flagged, throttling.UserRateThrottle):
    pass


class AnonRateThrottle(_Flagged, throttling.AnonRateThrottle):
    pass


class ScopedRateThrottle(_Flagged, throttling.ScopedRateThrottle):
    pass
