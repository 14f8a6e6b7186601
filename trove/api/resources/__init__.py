"""The resources of the API, one module each. A module defines ``router = ninja.Router(tags=[...])`` with its
operations; adding a resource is one module and one line here. Each operation looks records up through the policy
(``trove.api.lookups``), calls the app's actions, and marks what it changed or revealed with
``trove.api.auditing.touched``/``reveal`` so the call is audited with the token used."""

from trove.api.resources import (
    account,
    agencies,
    cases,
    decisions,
    intakes,
    intel,
    persons,
    places,
    plans,
    protection,
    referrals,
    registries,
    statistics,
    support,
    verification,
)

ROUTERS = [
    account.router,
    cases.router,
    intakes.router,
    persons.router,
    verification.router,
    decisions.router,
    registries.router,
    protection.router,
    support.router,
    referrals.router,
    intel.router,
    plans.router,
    statistics.router,
    agencies.router,
    places.router,
]
