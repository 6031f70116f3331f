"""Roles as groups with model permissions; object scope lives in permissions.py.

The groups are kept in step with this table after every ``migrate`` (see
``BlocsConfig.ready``), the way Django itself creates model permissions.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from blocs.models import User

# Group name per role, and "app_label.codename" permissions it carries. Later
# apps add their own rows through register_role_permissions().
ROLE_GROUPS: dict[str, str] = {
    User.Role.SECRETARIAT: "Secretariat",
    User.Role.BOARD_OFFICER: "Board officer",
    User.Role.MINISTRY_VIEWER: "Ministry viewer",
}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    User.Role.SECRETARIAT: {
        "blocs.view_ministry",
        "blocs.view_bloc",
        "blocs.change_bloc",
        "blocs.view_board",
        "blocs.add_board",
        "blocs.change_board",
        "blocs.view_blocyear",
        "blocs.add_blocyear",
        "blocs.change_blocyear",
        "blocs.view_membership",
        "blocs.add_membership",
        "blocs.change_membership",
        "blocs.delete_membership",
        "blocs.view_official",
        "blocs.add_official",
        "blocs.change_official",
        "blocs.view_boardname",
        "blocs.view_boardsuccession",
    },
    User.Role.BOARD_OFFICER: set(),
    User.Role.MINISTRY_VIEWER: {
        "blocs.view_ministry",
        "blocs.view_bloc",
        "blocs.view_board",
        "blocs.view_blocyear",
        "blocs.view_membership",
        "blocs.view_official",
        "blocs.view_boardname",
        "blocs.view_boardsuccession",
    },
}


def register_role_permissions(role: str, permissions: set[str]) -> None:
    """Hook for higher apps (pledges, scoring, reports) to grant their models."""
    ROLE_PERMISSIONS[role] |= permissions


def roles_sync(**_kwargs) -> None:
    """Create each role's group and set exactly its permissions."""
    for role, group_name in ROLE_GROUPS.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        query = Q(pk__in=[])
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".")
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(query))


def group_for_role(role: str) -> Group | None:
    name = ROLE_GROUPS.get(role)
    return Group.objects.get(name=name) if name else None
