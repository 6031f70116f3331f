"""Shared by the benchmark steps: Django set-up, users, the objects measured."""

import json
import os
import statistics
import sys


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def emit(result: dict) -> None:
    """A step's result: one JSON line, the last of its output."""
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    sys.stdout.flush()


def median(values) -> float:
    return statistics.median(values)


def bench_user(
    username: str, role: str = "", *, bloc=None, board=None, superuser=False
):
    """A benchmark login (not a demo account: those work only with DEBUG on)."""
    from blocs import services
    from blocs.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, is_superuser=superuser, is_staff=superuser)
        user.set_unusable_password()
        user.save()
        user = services.user_set_role(user=user, role=role, bloc=bloc, board=board)
    return user


def login(client, user) -> None:
    """Log the test client in as ``user``; a superuser's session has also
    passed the second factor (blocs.two_factor), as after entering a code,
    so the admin pages measured are the pages, not the code page."""
    client.force_login(user)
    if not user.is_superuser:
        return
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from blocs import two_factor

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[two_factor.SESSION_KEY] = True
    session.save()


def officer_for(board):
    return bench_user(f"bench.officer.{board.pk}", "board_officer", board=board)


def secretariat_for(bloc):
    return bench_user(f"bench.secretariat.{bloc.pk}", "secretariat", bloc=bloc)


def ministry_viewer():
    return bench_user("bench.ministry", "ministry_viewer")


def superuser():
    return bench_user("bench.admin", superuser=True)


def measured_year(kind: str):
    """The bloc-year whose pages are measured: on the demo data, the demo's
    fullest year (closed rounds first); on the scale data, the last year of
    the first synthetic bloc, which is at the same stage."""
    from django.db.models import Count, Exists, OuterRef, Q

    from blocs.models import BlocYear
    from demodata import scale
    from scoring.models import VotingRound

    synthetic = Q(bloc__short_name__startswith=scale.PREFIX)
    years = BlocYear.objects.filter(synthetic if kind == "scale" else ~synthetic)
    closed = VotingRound.objects.filter(bloc_year=OuterRef("pk"), status="closed")
    return (
        years.annotate(subs=Count("submissions"), closed=Exists(closed))
        .filter(subs__gt=0)
        .select_related("bloc")
        .order_by("-closed", "-subs", "bloc__short_name", "-year")
        .first()
    )
