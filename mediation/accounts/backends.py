"""Staff authentication: Django's model backend, reading the user's roles with the user.

Every staff page needs the signed-in user's roles (``staff_scope``). Django
reads the user once per request through ``get_user``; this backend adds the
roles to that query as one column, so the page does not spend a second query
on them (decision 0016). Everything else is ``ModelBackend``'s.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from mediation.accounts.models import User
from mediation.accounts.selectors import with_roles


class StaffBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = with_roles(User._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None
