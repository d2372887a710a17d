"""Session limits: an idle timeout and an absolute lifetime for every signed-in session."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

_STARTED = "_steward_started"
_SEEN = "_steward_seen"


class SessionTimeoutMiddleware:
    """Sign a user out after ``STEWARD_SESSION_IDLE_SECONDS`` without a request, or
    ``STEWARD_SESSION_ABSOLUTE_SECONDS`` after sign-in, whichever comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(_STARTED, now)
            seen = request.session.get(_SEEN, now)
            idle = settings.STEWARD_SESSION_IDLE_SECONDS
            absolute = settings.STEWARD_SESSION_ABSOLUTE_SECONDS
            if now - seen > idle or now - started > absolute:
                logout(request)
            else:
                request.session[_SEEN] = now
        return self.get_response(request)
