"""Forms as crispy renders them, kept in this process's memory while nothing they are made of changes."""

import hashlib

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms, template
from django.core.cache import caches
from django.utils.translation import get_language

from sopkinerja.common.stamped_cache import LOCAL_SECONDS

register = template.Library()


@register.filter
def crispy_kept(form: forms.Form) -> str:
    """`{{ form|crispy }}`, from this process's memory for an unbound form seen before. The markup of
    an unbound form is made only of its fields (labels, help texts, widgets and their attributes,
    choices) and initial values in the language of the request, which the key names, so a kept one
    is never stale. A bound form (the values posted, its errors) is rendered each time, and so is a
    form with a crispy helper (its layout is not in the key)."""
    if form.is_bound or hasattr(form, "helper"):
        return as_crispy_form(form)
    key = "crispy:" + hashlib.sha256(repr(_made_of(form)).encode()).hexdigest()
    local = caches["local"]
    markup = local.get(key)
    if markup is None:
        markup = as_crispy_form(form)
        local.set(key, markup, LOCAL_SECONDS)
    return markup


def _made_of(form: forms.Form) -> tuple:
    fields = []
    for name, field in form.fields.items():
        widget = field.widget
        choices = [(str(value), str(label)) for value, label in getattr(widget, "choices", ())]
        fields.append(
            (
                name,
                type(field).__qualname__,
                str(field.label),
                str(field.help_text),
                field.required,
                field.disabled,
                field.show_hidden_initial,
                f"{type(widget).__module__}.{type(widget).__qualname__}",
                sorted((key, str(value)) for key, value in widget.attrs.items()),
                choices,
                str(form.get_initial_for_field(field, name)),
            )
        )
    return (
        f"{type(form).__module__}.{type(form).__qualname__}",
        form.prefix,
        form.auto_id,
        form.label_suffix,
        form.use_required_attribute,
        get_language(),
        fields,
    )
