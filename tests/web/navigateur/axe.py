"""axe-core (vendored: neither Node nor npm is needed) run on the page as it is."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"


def violations(page) -> list[str]:
    """axe-core's violations on ``page``, each as one readable line (the rule, its help, the
    first three elements at fault). The page's context must let the script in (bypass_csp)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => v.id + ' : ' + v.help + ' — ' + v.nodes.slice(0, 3)"
        ".map(n => n.target.join(' ')).join(' | '))")
