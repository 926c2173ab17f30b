"""The django-axes lockout backend, first in AUTHENTICATION_BACKENDS."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses sign-in while a username and address pair is locked out (django-axes).

    Axes needs the request to know the address. An authenticate() call without one (the
    test client's login(), a management command) comes from inside the machine, not from
    a browser or API client, so there is no address to lock and it is let through to the
    password check instead of failing with a ValueError."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
