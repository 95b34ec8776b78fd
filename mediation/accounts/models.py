"""Staff accounts, communities, and roles scoped to communities."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from mediation.choices import ChoiceLabels


class Community(models.Model):
    """A community or mediation centre: the coarse place a resident asks for help."""

    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name_en = models.CharField(_("name in English"), max_length=120)
    name_zh = models.CharField(_("name in Chinese"), max_length=120)
    is_accepting_requests = models.BooleanField(_("accepting requests"), default=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    def display_name(self, language_code: str | None) -> str:
        """Return the community's name in the given language (English otherwise)."""
        if language_code and language_code.lower().startswith("zh"):
            return self.name_zh
        return self.name_en


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    MEDIATOR = "mediator", _("Mediator")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    ADMINISTRATOR = "administrator", _("Administrator")


class User(AbstractUser):
    """A member of staff. Residents never have accounts.

    The name fields of AbstractUser are dropped: staff are shown by their
    username (a work handle) so that no more of their identity than needed
    is held.
    """

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    session_generation = models.PositiveIntegerField(
        _("session generation"),
        default=0,
        editable=False,
        help_text=_("Raised to end every session of the user at once."),
    )

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")

    def __str__(self) -> str:
        return f"user {self.pk}"

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Return Django's session hash, bound to the session generation as well.

        Django stores this hash in the session at sign-in and compares it on
        every request, flushing the session on a mismatch. A password change
        already alters it; raising ``session_generation`` (deactivation,
        two-factor reset) does the same, so every session of the user ends
        without having to find their rows in the session table.
        """
        key_salt = "mediation.accounts.User.get_session_auth_hash"
        return salted_hmac(
            key_salt,
            f"{self.password}|{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class RoleAssignment(ChoiceLabels, models.Model):
    """A role held by a user, in one community (or everywhere, for administrators)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        null=True,
        blank=True,
        help_text=_("Empty only for administrators, whose role is not tied to a community."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "community"], name="unique_role_per_community"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role="administrator", community__isnull=True)
                    | (~models.Q(role="administrator") & models.Q(community__isnull=False))
                ),
                name="community_role_needs_community",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} in community {self.community_id}"
