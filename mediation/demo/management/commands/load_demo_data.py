"""Load demo communities, staff and a few dozen encrypted cases, and print the logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mediation.accounts.demo import demo_second_factor
from mediation.accounts.models import Community, Role, RoleAssignment, User
from mediation.audit.context import audit_context
from mediation.audit.models import Channel
from mediation.cases.models import Case
from mediation.cases.seeding import SeedStaff, seed_cases
from mediation.demo.casework import load_casework

ACCESS_LOGGING = (
    "logs: each seeded case has its creation event (cases.seeding) and the demo casework is "
    "made through the services, which log; refused in production"
)

COMMUNITIES = [
    ("riverside", "Riverside Community Mediation Centre", "河畔社区调解中心"),
    ("hillview", "Hillview People's Mediation Committee", "山景人民调解委员会"),
]

# username, role, community slug (None for administrators)
STAFF: list[tuple[str, Role, str | None]] = [
    ("coordinator", Role.COORDINATOR, "riverside"),
    ("mediator1", Role.MEDIATOR, "riverside"),
    ("mediator2", Role.MEDIATOR, "riverside"),
    ("mediator3", Role.MEDIATOR, "hillview"),
    ("privacy", Role.PRIVACY_OFFICER, "riverside"),
    ("admin", Role.ADMINISTRATOR, None),
]


def demo_password(username: str) -> str:
    return f"{username}-demo-2026"


class Command(BaseCommand):
    help = "Load demo data (refused in production). Safe to run again: prints the logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, default=36, help="Cases to create (first run).")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Demo data is never loaded in production.")
        with transaction.atomic():
            created = self._load(options["cases"])
            second_factors = {
                user.username: demo_second_factor(user)
                for user in User.objects.filter(username__in=[row[0] for row in STAFF])
            }
        self.stdout.write(
            self.style.SUCCESS("Demo data loaded.") if created else "Demo data already present."
        )
        self.stdout.write(
            "\nDemo logins at http://127.0.0.1:8000/staff/login/ : the password, then the\n"
            "6-digit code from an authenticator app holding the user's key (time-based,\n"
            "SHA-1, 30 s; e.g. `oathtool --totp -b KEY`), or one unused recovery code."
        )
        for username, role, community in STAFF:
            where = f" ({community})" if community else ""
            self.stdout.write(
                f"  {username:<12} password {demo_password(username):<24} {role.label}{where}"
            )
            second = second_factors.get(username)
            if second is None:
                continue
            self.stdout.write(f"  {'':<12} authenticator key  {second.authenticator_key}")
            codes = second.recovery_codes or ["(all used: run this command again)"]
            for start in range(0, len(codes), 4):
                label = "recovery codes" if start == 0 else ""
                self.stdout.write(f"  {'':<12} {label:<18} {'  '.join(codes[start : start + 4])}")
        self.stdout.write("Residents use http://127.0.0.1:8000/request/ (no login).\n")

    def _load(self, case_count: int) -> bool:
        if User.objects.filter(username="coordinator").exists():
            return False
        communities: dict[str, Community] = {}
        for slug, name_en, name_zh in COMMUNITIES:
            communities[slug], _ = Community.objects.get_or_create(
                slug=slug, defaults={"name_en": name_en, "name_zh": name_zh}
            )
        mediators: dict[int, list[User]] = {}
        for username, role, community_slug in STAFF:
            user = User.objects.create_user(
                username=username,
                password=demo_password(username),
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR,
            )
            community = communities[community_slug] if community_slug else None
            RoleAssignment.objects.create(user=user, role=role, community=community)
            if role == Role.MEDIATOR and community:
                mediators.setdefault(community.pk, []).append(user)
        if not Case.objects.exists():
            seed_cases(
                communities=list(communities.values()),
                staff=SeedStaff(mediators_by_community=mediators),
                count=case_count,
            )
        with audit_context(channel=Channel.COMMAND):
            load_casework(
                communities=communities, coordinator=User.objects.get(username="coordinator")
            )
        return True
