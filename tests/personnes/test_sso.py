"""The single sign-on's role rules (INSPE_OIDC_ROLES): read once at start, a wrong one said in
French; the first rule the claims satisfy gives the role, a claim being a value or a list."""

from __future__ import annotations

import pytest

from service.personnes.sso import Regle, regles, role_de


def test_rules_are_read_in_order_and_a_wrong_one_stops_the_start():
    assert regles(" groups:scolarite=secretariat, groups:enseignants=tuteur,") == (
        Regle("groups", "scolarite", "secretariat"), Regle("groups", "enseignants", "tuteur"))
    assert regles("") == ()
    with pytest.raises(ValueError, match="« groups=tuteur » n’est pas de la forme revendication:valeur=rôle"):
        regles("groups=tuteur")
    with pytest.raises(ValueError, match="rôle inconnu « tuteur_inspe »"):
        regles("groups:enseignants=tuteur_inspe")


def test_the_first_rule_the_claims_satisfy_gives_the_role():
    correspondance = regles("groups:scolarite=secretariat,groups:enseignants=tuteur,"
                            "eduPersonAffiliation:staff=inspecteur")
    assert role_de({"groups": ["enseignants", "scolarite"]}, correspondance) == "secretariat"
    assert role_de({"groups": "enseignants"}, correspondance) == "tuteur"
    assert role_de({"eduPersonAffiliation": "staff"}, correspondance) == "inspecteur"
    assert role_de({"groups": ["visiteurs"], "scolarite": "groups"}, correspondance) is None
    assert role_de({}, ()) is None
