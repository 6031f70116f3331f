from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from blocs.models import Bloc


class PreferenceForm(forms.Form):
    email_optional = forms.BooleanField(
        label=_("E-mail me what is not essential"),
        required=False,
        help_text=_(
            "Deadlines, returned reports and password messages are always sent."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of e-mails"), choices=settings.LANGUAGES
    )


class SubscriptionForm(forms.Form):
    blocs = forms.ModelMultipleChoiceField(
        label=_("Tell me when these blocs publish documents"),
        queryset=Bloc.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
