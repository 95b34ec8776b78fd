"""Django's admin app, configured to use the two-factor admin site.

Kept apart from ``admin_site`` because app configs are imported before models
are ready, and the site's module imports forms that need them.
"""

from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin app, with ``StaffAdminSite`` as the default ``admin.site``."""

    default_site = "mediation.accounts.admin_site.StaffAdminSite"
