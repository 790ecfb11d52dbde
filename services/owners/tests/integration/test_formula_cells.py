"""Formula-like text is kept as typed where it is stored, and neutralised where an export is written.

A service centre's records hold what residents and spreadsheets gave it: a name that starts with
``=`` or ``@``, a mobile written ``+86 ...``. The import keeps them faithful (refusing or stripping
them would lose a real resident's name); servicekit.spreadsheet neutralises every such cell in any
CSV or XLSX export, which is where a formula could run.
"""

from __future__ import annotations

from servicekit.spreadsheet import csv_bytes


def test_the_import_keeps_formula_like_text_and_an_export_neutralises_it(client, auth, make_place, db):
    estate = make_place("XL")["estate"]
    body = 'building,unit,role,name,mobile\n1,101,owner,"=HYPERLINK(""x"")",+86 139 0000 1111\n1,102,owner,@王,\n'
    response = client.post(f"/api/v1/estates/{estate}/household-imports", data=body.encode(),
                           content_type="text/csv", headers=auth())
    assert response.status_code == 201, response.json
    hits = client.get(f"/api/v1/people?phone=13900001111&estate_id={estate}", headers=auth()).json["items"]
    assert [h["name"] for h in hits] == ['=HYPERLINK("x")'] and hits[0]["mobiles"] == ["139****1111"]
    at = client.get(f"/api/v1/people?unit=102&estate_id={estate}", headers=auth()).json["items"]
    assert [h["name"] for h in at] == ["@王"]
    exported = csv_bytes(["name"], [[h["name"]] for h in hits + at]).decode("utf-8-sig").splitlines()
    assert exported[1:] == ["\"'=HYPERLINK(\"\"x\"\")\"", "'@王"]
