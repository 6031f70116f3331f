from django import forms
from django.core.exceptions import ValidationError

from blocs.models import Membership


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["board", "role", "confirmed", "source"]

    def _post_clean(self):
        super()._post_clean()
        # Django skips constraints on fields the form does not show; "year"
        # mirrors the bloc-year's and carries "one bloc per board and year",
        # so check those constraints once clean() has filled it in.
        for constraint in Membership._meta.constraints:
            if "year" in getattr(constraint, "fields", ()):
                try:
                    constraint.validate(Membership, self.instance)
                except ValidationError as error:
                    self._update_errors(error)
