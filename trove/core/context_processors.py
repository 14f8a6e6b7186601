from django.http import HttpRequest

from trove.core.models import Installation


def installation(request: HttpRequest) -> dict:
    """Tell every page whether this database holds demo data, so the header can say so."""
    return {"is_demo": Installation.is_demo}
