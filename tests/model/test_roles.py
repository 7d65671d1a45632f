"""Dataloop's role names accepted wherever a role is given (issue 13 item 6)."""
from __future__ import annotations

import pytest

from faas_jupyter.errors import ValidationError
from faas_jupyter.model import DATALOOP_ROLE_NAMES, ROLES, Member, normalize_role


@pytest.mark.parametrize(("given", "ours"), [
    ("Project Owner", "owner"), ("Developer", "developer"), ("Annotation Manager", "annotationManager"),
    ("Annotator", "annotator"), ("project_owner", "owner"), ("annotation-manager", "annotationManager"),
    ("OWNER", "owner"), ("annotationManager", "annotationManager"),
])
def test_dataloops_spellings_map_to_our_roles(given, ours):
    assert normalize_role(given) == ours
    assert Member(user="bob", role=given).role == ours
    assert Member.from_json({"user": "bob", "role": given}).to_json() == {"user": "bob", "role": ours}


def test_every_dataloop_name_is_one_of_our_roles():
    assert {normalize_role(n) for n in DATALOOP_ROLE_NAMES} == set(ROLES)


def test_an_unknown_role_is_still_refused_with_the_valid_ones():
    assert normalize_role("Viewer") == "Viewer" and normalize_role(None) is None
    with pytest.raises(ValidationError, match="invalid role 'Viewer'; use one of: owner, developer"):
        Member(user="bob", role="Viewer")
