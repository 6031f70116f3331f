"""Notifications: notices in the portal's notice centre and their e-mail.

The foundation's part of issue 13. Higher apps call :func:`services.notify`
from their own services (the event and its recipients are theirs to know);
the kinds they use are registered in :mod:`blocs.notifications.kinds`.
"""
