"""The notice centre: each user's own notices, marking them read, choices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from blocs.notifications import selectors, services
from blocs.notifications.forms import PreferenceForm, SubscriptionForm
from blocs.notifications.models import Preference, Subscription
from blocs.permissions import is_ministry_viewer

PAGE_SIZE = 50


@require_safe
@login_required
def notice_list(request):
    notices = selectors.notices_list_for_user(user=request.user)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    for notice in page.object_list:
        selectors.notice_rendered(notice)
    return render(request, "notifications/notice_list.html", {"page": page})


@require_POST
@login_required
def notice_open(request, pk: int):
    """Marks one of the user's own notices read and follows its link."""
    notice = get_object_or_404(
        selectors.notices_list_for_user(user=request.user), pk=pk
    )
    services.notices_mark_read(user=request.user, ids=[notice.pk])
    target = notice.link
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "notifications:list"
    return redirect(target)


@require_POST
@login_required
def notices_read(request):
    ids = request.POST.getlist("notice")
    try:
        ids = [int(pk) for pk in ids] if ids else None
    except ValueError:
        messages.error(request, _("Choose notices from the list."))
        return redirect("notifications:list")
    count = services.notices_mark_read(user=request.user, ids=ids)
    messages.success(request, _("%(count)s notices marked as read.") % {"count": count})
    return redirect("notifications:list")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def preferences(request):
    user = request.user
    pref = Preference.objects.filter(user=user).first()
    initial = {
        "email_optional": pref.email_optional if pref else True,
        "language": pref.language if pref else request.LANGUAGE_CODE,
    }
    ministry = is_ministry_viewer(user)
    subscribed = (
        list(Subscription.objects.filter(user=user).values_list("bloc", flat=True))
        if ministry
        else []
    )
    form = PreferenceForm(request.POST or None, initial=initial)
    subs = (
        SubscriptionForm(request.POST or None, initial={"blocs": subscribed})
        if ministry
        else None
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and (subs is None or subs.is_valid())
    ):
        services.preference_set(
            user=user,
            email_optional=form.cleaned_data["email_optional"],
            language=form.cleaned_data["language"],
        )
        if subs is not None:
            services.subscriptions_set(user=user, blocs=subs.cleaned_data["blocs"])
        messages.success(request, _("Your choices were saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "subscriptions": subs},
    )
