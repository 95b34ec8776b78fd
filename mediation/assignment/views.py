"""Assignment pages. Thin: parse, call one service or selector, render. Scoping is below."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.paginator import InvalidPage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2.paginators import LazyPaginator

from mediation.accounts.decorators import staff_verified_required
from mediation.accounts.models import User
from mediation.accounts.selectors import staff_scope
from mediation.assignment import selectors, services
from mediation.assignment.forms import (
    AssignForm,
    ClearDeclarationsForm,
    DeclarationsForm,
    ObjectionForm,
    ProfileForm,
    RemoveDeclarationForm,
    UnassignForm,
)
from mediation.audit.coverage import logs_access
from mediation.cases.workflow import TransitionRefused

MEDIATORS_PER_PAGE = 100


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


# ---- the coordinator's pages --------------------------------------------------


@logs_access("list case")
@require_GET
@staff_verified_required
def queue(request: HttpRequest) -> HttpResponse:
    """Cases in screening that need a lead mediator, and cases whose mediator has left."""
    user = _user(request)
    awaiting = selectors.cases_awaiting_mediators(user=user)
    return render(
        request,
        "assignment/queue.html",
        {
            "awaiting": awaiting,
            "to_reassign": selectors.cases_to_reassign(user=user),
            "limit": selectors.QUEUE_LIMIT,
        },
    )


def _render_case_page(
    request: HttpRequest,
    reference: str,
    *,
    failed: AssignForm | UnassignForm | ObjectionForm | None = None,
    status: int = 200,
    page: selectors.AssignmentPage | None = None,
) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    if page is None:
        page = selectors.assignment_page(
            user=_user(request), reference=reference, show_all=show_all
        )
    objection_form = (
        failed
        if isinstance(failed, ObjectionForm)
        else ObjectionForm(parties=page.parties, mediators=page.mediators)
    )
    return render(
        request,
        "assignment/case.html",
        {
            "page": page,
            "case": page.case,
            "show_all": show_all,
            "failed": failed,
            "objection_form": objection_form,
        },
        status=status,
    )


@logs_access("view case")
@require_GET
@staff_verified_required
def case_assignment(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_case_page(request, reference)


@logs_access("update case", "view case")
@require_POST
@staff_verified_required
def case_assign(request: HttpRequest, reference: str) -> HttpResponse:
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            assignment = services.mediator_assign(
                user=_user(request),
                reference=reference,
                mediator_id=form.cleaned_data["mediator"],
                role=form.cleaned_data["role"],
                confirmed_in_person=form.cleaned_data["confirmed_in_person"],
            )
        except services.AssignmentRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                gettext("{name} is now on the case as {role}.").format(
                    name=assignment.mediator.username, role=assignment.get_role_display()
                ),
            )
            return redirect("assignment:case", reference=reference)
    return _render_case_page(request, reference, failed=form, status=400)


@logs_access("update case", "view case")
@require_POST
@staff_verified_required
def case_unassign(request: HttpRequest, reference: str) -> HttpResponse:
    form = UnassignForm(request.POST)
    if form.is_valid():
        try:
            assignment = services.mediator_unassign(
                user=_user(request),
                reference=reference,
                assignment_id=form.cleaned_data["assignment"],
            )
        except services.AssignmentRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                gettext("{name} is off the case; the assignment stays in the history.").format(
                    name=assignment.mediator.username
                ),
            )
            return redirect("assignment:case", reference=reference)
    return _render_case_page(request, reference, failed=form, status=400)


@logs_access("update case", "view case")
@require_POST
@staff_verified_required
def case_objection(request: HttpRequest, reference: str) -> HttpResponse:
    page = selectors.assignment_page(user=_user(request), reference=reference)
    form = ObjectionForm(request.POST, parties=page.parties, mediators=page.mediators)
    if form.is_valid():
        try:
            services.objection_record(
                user=_user(request),
                reference=reference,
                party_id=form.cleaned_data["party"],
                mediator_id=int(form.cleaned_data["mediator"]),
            )
        except services.AssignmentRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request, gettext("The objection is recorded: that mediator cannot be assigned.")
            )
            return redirect("assignment:case", reference=reference)
    # A refusal changed nothing: the page read before still holds.
    return _render_case_page(request, reference, failed=form, status=400, page=page)


@logs_access("update case")
@require_POST
@staff_verified_required
def case_mark_assigned(request: HttpRequest, reference: str) -> HttpResponse:
    """Move the case from screening to assigned, through the workflow service."""
    try:
        services.case_mark_assigned(user=_user(request), reference=reference)
    except TransitionRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, gettext("The case is now marked as assigned."))
    return redirect("assignment:case", reference=reference)


@logs_access("list mediator", "list case")
@require_GET
@staff_verified_required
def mediator_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    values = selectors.mediator_rows(user=user)
    paginator = LazyPaginator(values, MEDIATORS_PER_PAGE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except InvalidPage:
        page = paginator.page(1)
    return render(
        request,
        "assignment/mediators.html",
        {
            "page": page,
            "rows": selectors.mediator_page_rows(
                scope=staff_scope(user=user), values=list(page.object_list)
            ),
            "to_reassign": selectors.cases_to_reassign(user=user),
            "limit": selectors.QUEUE_LIMIT,
        },
    )


@logs_access(
    "view mediator_profile", "update mediator_profile", "update staff_user", "delete staff_session"
)
@require_http_methods(["GET", "POST"])
@staff_verified_required
def mediator_deactivate(request: HttpRequest, mediator_id: int) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        try:
            mediator = services.mediator_deactivate(user=user, mediator_id=mediator_id)
        except services.AssignmentRefused as refused:
            messages.error(request, str(refused.message))
            return redirect("assignment:mediators")
        count = len(selectors.cases_to_reassign(user=user, mediator_id=mediator.pk))
        messages.success(
            request,
            ngettext(
                "{name} is deactivated and signed out. {count} case is listed for reassignment.",
                "{name} is deactivated and signed out. {count} cases are listed for reassignment.",
                count,
            ).format(name=mediator.username, count=count),
        )
        return redirect("assignment:mediators")
    mediator = selectors.mediator_for_deactivation(user=user, mediator_id=mediator_id)
    cases = selectors.cases_to_reassign(
        user=user, mediator_id=mediator.pk, include_active_mediators=True
    )
    return render(request, "assignment/deactivate.html", {"mediator": mediator, "cases": cases})


# ---- profiles -----------------------------------------------------------------


def _profile_page(request: HttpRequest, mediator_id: int | None) -> HttpResponse:
    user = _user(request)
    view = selectors.profile_for_edit(user=user, mediator_id=mediator_id)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.mediator_profile_update(
                user=user, changes=form.changes(), mediator_id=view.mediator.pk
            )
            messages.success(request, gettext("The profile is saved."))
            if view.is_own:
                return redirect("assignment:own_profile")
            return redirect("assignment:profile", mediator_id=view.mediator.pk)
    else:
        profile = view.profile
        form = ProfileForm(
            initial={
                "languages": profile.languages,
                "categories": profile.categories,
                "availability": profile.availability,
                "max_active_cases": profile.max_active_cases,
                "is_available": profile.is_available,
            }
        )
    return render(
        request,
        "assignment/profile.html",
        {"form": form, "view": view},
        status=400 if form.is_bound and form.errors else 200,
    )


@logs_access("view mediator_profile", "update mediator_profile")
@require_http_methods(["GET", "POST"])
@staff_verified_required
def own_profile(request: HttpRequest) -> HttpResponse:
    return _profile_page(request, None)


@logs_access("view mediator_profile", "update mediator_profile")
@require_http_methods(["GET", "POST"])
@staff_verified_required
def mediator_profile(request: HttpRequest, mediator_id: int) -> HttpResponse:
    return _profile_page(request, mediator_id)


# ---- declarations -------------------------------------------------------------


def _declarations_page(
    request: HttpRequest,
    *,
    add: DeclarationsForm | None = None,
    remove: RemoveDeclarationForm | None = None,
    clear: ClearDeclarationsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    count = selectors.declaration_count(user=_user(request))
    failed = [form for form in (add, remove, clear) if form is not None]
    return render(
        request,
        "assignment/declarations.html",
        {
            "count": count,
            "add_form": add or DeclarationsForm(),
            "remove_form": remove or RemoveDeclarationForm(),
            "clear_form": clear or ClearDeclarationsForm(),
            "forms": failed,
            "has_errors": bool(failed),
        },
        status=status,
    )


@logs_access(
    "view conflict_declarations", "create conflict_declarations", "update conflict_declarations"
)
@require_http_methods(["GET", "POST"])
@staff_verified_required
def declarations(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _declarations_page(request)
    form = DeclarationsForm(request.POST)
    if not form.is_valid():
        return _declarations_page(request, add=form, status=400)
    result = services.declarations_add(user=_user(request), names=form.cleaned_data["names"])
    messages.success(
        request,
        ngettext("{added} name added.", "{added} names added.", result.added).format(
            added=result.added
        )
        + (
            " "
            + ngettext(
                "{already} was declared already.",
                "{already} were declared already.",
                result.already,
            ).format(already=result.already)
            if result.already
            else ""
        ),
    )
    return redirect("assignment:declarations")


@logs_access(
    "view conflict_declarations", "delete conflict_declarations", "update conflict_declarations"
)
@require_POST
@staff_verified_required
def declaration_remove(request: HttpRequest) -> HttpResponse:
    form = RemoveDeclarationForm(request.POST)
    if not form.is_valid():
        return _declarations_page(request, remove=form, status=400)
    removed = services.declaration_remove(user=_user(request), name=form.cleaned_data["name"])
    messages.success(
        request,
        gettext("That name is removed.")
        if removed
        else gettext("That name was not among your declarations: nothing changed."),
    )
    return redirect("assignment:declarations")


@logs_access(
    "view conflict_declarations", "delete conflict_declarations", "update conflict_declarations"
)
@require_POST
@staff_verified_required
def declarations_clear(request: HttpRequest) -> HttpResponse:
    form = ClearDeclarationsForm(request.POST)
    if not form.is_valid():
        return _declarations_page(request, clear=form, status=400)
    count = services.declarations_clear(user=_user(request))
    messages.success(
        request,
        ngettext(
            "{count} name removed. You can declare again below.",
            "{count} names removed. You can declare again below.",
            count,
        ).format(count=count),
    )
    return redirect("assignment:declarations")
