"""Staff authentication: Django's model backend, reading the user's roles and
confirmed two-factor devices with the user.

Every staff page needs the signed-in user's roles (``staff_scope``) and checks
the session's two-factor device (``StaffOTPMiddleware``). Django reads the
user once per request through ``get_user``; this backend adds both to that
query as columns, so the page spends no query of its own on them, and compiles
that query once (``CompiledQuery``): building it cost more than running it
(decision 0016). Everything else is ``ModelBackend``'s.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from mediation.accounts.models import User
from mediation.accounts.selectors import with_devices, with_roles
from mediation.compiled import CompiledQuery

_USER = CompiledQuery(lambda pk: with_devices(with_roles(User._default_manager.filter(pk=pk))))


class StaffBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = _USER.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
