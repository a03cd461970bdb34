"""Security headers on every response: no inline script, no framing by other sites."""

from __future__ import annotations

from urllib.parse import urlsplit

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def init_app(app, config=None) -> None:
    csp = CSP
    if config is not None and config.oidc:
        # « Se déconnecter » posts here, then goes on to end the identity provider's session
        # too: a form's redirect to another site is held to form-action
        parties = urlsplit(config.oidc_emetteur)
        csp = CSP.replace("form-action 'self'", f"form-action 'self' {parties.scheme}://{parties.netloc}")

    @app.after_request
    def entetes(reponse):
        # our own recap page shows the PDF in a frame: that one response may be framed by us
        cadre = "'self'" if reponse.mimetype == "application/pdf" else "'none'"
        reponse.headers["Content-Security-Policy"] = csp.replace(
            "frame-ancestors 'none'", f"frame-ancestors {cadre}")
        reponse.headers["X-Frame-Options"] = "SAMEORIGIN" if cadre == "'self'" else "DENY"
        reponse.headers["X-Content-Type-Options"] = "nosniff"
        reponse.headers["Referrer-Policy"] = "same-origin"
        reponse.headers.setdefault("Cache-Control", "no-store")
        return reponse
