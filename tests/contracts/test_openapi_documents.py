"""Each service's OpenAPI document holds its own API only, however many apps one process builds
(the test run, a gateway aggregating documents): the spec of one app once carried every schema of
the apps built before it, so the committed documents went stale in a whole-suite run."""

from servicekit.openapi import openapi_document


def test_an_apps_document_does_not_change_when_another_services_app_is_built_first() -> None:
    from owners.service import SERVICE as OWNERS
    from tickets.service import SERVICE as TICKETS

    owners_alone = openapi_document(OWNERS)
    tickets_alone = openapi_document(TICKETS)
    assert openapi_document(OWNERS) == owners_alone
    assert openapi_document(TICKETS) == tickets_alone
    assert not set(owners_alone["components"]["schemas"]) & {"Ticket", "Attachment", "Policy"}
