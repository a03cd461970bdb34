"""« Mes sessions » (/compte/sessions): an account sees its open sessions and ends them."""

from __future__ import annotations

import re

from tests.web.outils import Navigateur, texte


def _cles(page: str) -> list[str]:
    return re.findall(r'name="cle" value="([0-9a-f]{64})"', page)


def test_terminer_une_autre_session_la_ferme_vraiment(app, connecte):
    bureau, ecole = connecte("tuteur"), connecte("tuteur")
    page = texte(bureau.get("/compte/sessions"))
    assert "Mes sessions" in page and "(cette session)" in page and "127.0.0.1" in page
    assert re.search(r"\d\d/\d\d/\d{4} à \d\d:\d\d", page)
    # the other account's sessions are not listed, nor can they be ended from here
    autre = connecte("stagiaire")
    cles = _cles(page)
    assert len(cles) >= 2
    # the key listed as « cette session » is the bureau's; end the other one (the école's)
    actuelle = re.search(r'value="([0-9a-f]{64})">\s*<button[^>]*>Terminer \(vous', page).group(1)
    ecole_cle = [c for c in cles if c != actuelle][0]
    refuse = autre.post("/compte/sessions/terminer", {"cle": ecole_cle}, page="/compte/sessions")
    assert "Aucune session terminée" in texte(autre.get("/compte/sessions"))
    assert refuse.status_code == 302 and ecole.get("/").status_code == 200
    reponse = bureau.post("/compte/sessions/terminer", {"cle": ecole_cle}, page="/compte/sessions")
    assert reponse.status_code == 302
    assert "1 session terminée" in texte(bureau.get("/compte/sessions"))
    # the école's cookie is refused at its next request; the bureau goes on
    assert "/connexion" in ecole.get("/").headers["Location"]
    assert bureau.get("/").status_code == 200


def test_terminer_toutes_les_autres_sessions(app, connecte):
    ici, la, labas = connecte("secretariat"), connecte("secretariat"), connecte("secretariat")
    assert "Terminer toutes les autres sessions" in texte(ici.get("/compte/sessions"))
    ici.post("/compte/sessions/terminer", {"autres": "1"}, page="/compte/sessions")
    page = texte(ici.get("/compte/sessions"))
    assert "1 session ouverte" in page and "Terminer toutes les autres" not in page
    assert la.get("/").status_code == 302 and labas.get("/").status_code == 302
    # ending one's own session signs out
    ici.post("/compte/sessions/terminer", {"cle": _cles(page)[0]}, page="/compte/sessions")
    assert "/connexion" in ici.get("/compte/sessions").headers["Location"]


def test_sans_jeton_csrf_rien_ne_se_termine(app, connecte):
    qui, autre = connecte("admin"), connecte("admin")
    cles = _cles(texte(qui.get("/compte/sessions")))
    reponse = qui.client.post("/compte/sessions/terminer", data={"autres": "1", "cle": cles[0]},
                              base_url="https://localhost",
                              headers={"Referer": "https://localhost/compte/sessions"})
    assert reponse.status_code == 400
    assert autre.get("/").status_code == 200 and qui.get("/").status_code == 200


def test_le_lien_est_dans_le_bandeau(app):
    navigateur = Navigateur(app)
    navigateur.connexion("stagiaire")
    assert 'href="/compte/sessions"' in texte(navigateur.get("/"))
