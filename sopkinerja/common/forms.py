"""Forms the apps share: the login form, and a file input that takes several files, each checked
like an evidence file."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from sopkinerja.common.uploads import validate_upload, validate_upload_size


class LoginForm(AuthenticationForm):
    # Django's Indonesian catalogue repeats "nama pengguna" in its own wording of this message.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is wrong. Both are case-sensitive."),
    }


def options_read_once(field, shared: list | None = None) -> None:
    """Give a model choice field's select its options as a list, read with one query. Django's select
    otherwise reads the queryset twice while rendering (once to decide its `required` attribute, once
    for the options), a query each. Forms of one formset can pass the same (first empty) `shared`
    list: the first form fills it, the others reuse it. Validation still checks the queryset."""
    # iter(): list() of the iterator itself would first ask its len(), a COUNT query.
    if shared is None:
        field.widget.choices = list(iter(field.choices))
        return
    if not shared:
        shared.extend(iter(field.choices))
    field.widget.choices = shared


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked like an evidence file."""

    widget = MultipleFileInput
    default_validators = [validate_upload, validate_upload_size]

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(file, initial) for file in files]
