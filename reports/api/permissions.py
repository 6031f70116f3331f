"""Who may call the API. No endpoint has a write handler, so a write answers
405 whoever asks; what each user reads is decided by the scoped querysets of
the apps' ``permissions`` modules, the same as the pages'."""

from rest_framework import permissions


class ReadOnlyAuthenticated(permissions.BasePermission):
    """A token (or a session)."""

    def has_permission(self, request, view):
        return request.user is not None and request.user.is_authenticated


class ReadOnlyPublic(permissions.BasePermission):
    """Anyone: published documents and the verification of a code."""

    def has_permission(self, request, view):
        return True
