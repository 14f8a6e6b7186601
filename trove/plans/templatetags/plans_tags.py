from django import template

register = template.Library()


@register.filter
def fields_named(form, names: str) -> list:
    """The bound fields of ``form`` named in ``names`` (separated by spaces), in that order."""
    return [form[name] for name in names.split() if name in form.fields]
