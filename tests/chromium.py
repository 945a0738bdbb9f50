"""Helpers for accessibility and validity tests of the public pages.

Browser side (Playwright's sync API in Debian's headless Chromium,
``chromium-headless-shell``, started once for a run of tests by tests/browser/conftest.py):

- ``chromium(playwright)`` launches the browser without any download;
- ``new_context(browser, viewport)`` opens a Danish browser context with
  ``bypass_csp=True`` that preloads ``node_modules/axe-core/axe.min.js`` into every page
  (an init script: parsed once per page before the page's own scripts, instead of a
  ``<script>`` tag injected after load, which the strict Content-Security-Policy would
  block; the page's own CSP compliance is tests/browser/test_csp_browser.py's matter,
  in a context without the bypass);
- ``axe_violations(page)`` returns the WCAG 2.0/2.1 A and AA violations of the page as
  loaded, once its web fonts are in (colour contrast depends on the rendered text);
- ``log_ind(context, live_server_url, bruger)`` logs a user in by giving the context a
  session cookie, as ``Client.force_login`` does; logging in through the real form is
  tested where the form is the point (tests/browser/test_overblik_browser.py,
  test_aaret_browser.py, test_csp_browser.py and others);
- ``format_violations(violations)`` turns them into a readable failure message;
- ``skaermbillede(page, sti)`` saves the whole page as a PNG, twice as fast as
  ``page.screenshot(full_page=True)`` for the same pixels (see its docstring).

HTML side:

- ``html_errors(html)`` validates a whole document with html-validate and the project's
  ``.htmlvalidate.json``; ``[]`` means valid.

Both tools come from ``package-lock.json`` (``make setup`` runs ``npm ci``).

About ``.htmlvalidate.json`` (JSON has no comments, so the reasons live here). It extends
``html-validate:recommended`` and changes only:

- ``doctype-style``: lowercase. ``templates/base.html`` writes ``<!doctype html>`` (the
  form the WHATWG spec and dkfds' own examples use); the rule's default demands
  uppercase. Mixed or other spellings are still errors.
- ``no-trailing-whitespace``: off. A Django tag on a line of its own (``{% block %}``,
  ``{% if %}``, ``{% for %}``) leaves that line's indentation behind in the output, so
  every readable template yields lines of bare spaces. They are invisible and harmless
  in HTML; avoiding them would mean unindented or one-line templates.

Everything else in the recommended preset applies unchanged, e.g. ``prefer-native-element``
(a scrollable table wrapper is ``<section class="table--responsive-scroll" tabindex="0"
aria-label="…">``, not ``<div role="region">``). Should a rule ever need relaxing for
Django or dkfds output, do it in ``.htmlvalidate.json`` and give the reason in this list.

html-validate 11 officially needs Node ≥ 22.22; it runs on Node 20 through its API
(only the CLI's file-pattern expansion uses ``fs.globSync`` from Node 22), which is what
``html_errors`` uses: one Node process per test process, ``tests/html_validate_server.mjs``.
Node 18 (Debian bookworm's ``nodejs``) is too old.
"""

from __future__ import annotations

import atexit
import base64
import json
import subprocess
import threading
from pathlib import Path

from django.conf import settings
from django.test import Client

BASE_DIR = Path(settings.BASE_DIR)
NODE_MODULES = BASE_DIR / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
HTML_VALIDATE = NODE_MODULES / ".bin" / "html-validate"
HTML_VALIDATE_CONFIG = BASE_DIR / ".htmlvalidate.json"
HTML_VALIDATE_SERVER = BASE_DIR / "tests" / "html_validate_server.mjs"

# Debian's chromium-headless-shell: the Blink of Debian's chromium without the browser
# around it (its UI renderers and compositor), as Playwright's own headless Chromium is.
# The browser tests' Chromium used half the CPU with it (147 → 71 s for tests/browser).
# The binary itself, not /usr/bin's wrapper script, so that Playwright's kill reaches it.
CHROMIUM = "/usr/lib/chromium/chromium-headless-shell"
# Site isolation gives cross-site frames processes of their own; the tests' pages come from
# one origin, and the extra processes cost about a fifth of Chromium's CPU in the CSP walk.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-site-isolation-trials",
    "--renderer-process-limit=2",
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}


def chromium(playwright):
    """Debian's headless Chromium through Playwright, without Playwright's download."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def new_context(browser, viewport: dict | None = None):
    """A Danish context for axe checks, axe preloaded; see the module docstring."""
    _require(AXE_JS)
    context = browser.new_context(locale="da-DK", viewport=viewport or DESKTOP, bypass_csp=True)
    context.add_init_script(path=str(AXE_JS))
    return context


def log_ind(context, live_server_url: str, bruger) -> None:
    """Log ``bruger`` in for every page of ``context`` without the login form: a session
    made the way ``django.test.Client.force_login`` makes it, as the context's cookie."""
    klient = Client()
    klient.force_login(bruger)
    cookie = klient.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server_url, "httpOnly": True}]
    )


def skaermbillede(page, sti: Path | str) -> None:
    """The whole page as a PNG at ``sti``, pixel for pixel what
    ``page.screenshot(full_page=True)`` gives: most of that call's time is Chromium's PNG
    compression (seconds for a long page), which ``optimizeForSpeed`` makes a faster,
    lighter one, for a larger file."""
    cdp = page.context.new_cdp_session(page)
    try:
        bredde, hoejde = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        billede = cdp.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "optimizeForSpeed": True,
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": bredde, "height": hoejde, "scale": 1},
            },
        )
    finally:
        cdp.detach()
    Path(sti).write_bytes(base64.b64decode(billede["data"]))


def _require(path: Path) -> None:
    if not path.exists():
        raise RuntimeError(f"{path} mangler; kør `make setup` (npm ci) først.")


def axe_violations(page) -> list[dict]:
    """WCAG 2.0/2.1 A+AA violations on the loaded page, as axe-core reports them.

    Each violation keeps axe's ``id``, ``impact``, ``help``, ``helpUrl`` and ``nodes``
    (each node with ``target``, ``html`` and ``failureSummary``). Assert on
    ``== []`` and pass ``format_violations(...)`` as the message.
    """
    _require(AXE_JS)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))  # a context not made by new_context
    result = page.evaluate(
        """async (tags) => {
            await document.fonts.ready;
            // The same rules and violations as axe's default reporter (v1); »no-passes«
            // only leaves out building the report of every passed check on the page, a
            // quarter of axe's time on an admin form. Each node's failureSummary is made
            // as v1 makes it, from the same messages and axe's own wording.
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],
                reporter: 'no-passes',
            });
            const opsummering = (n) => {
                const grupper = {none: n.none.concat(n.all), any: n.any};
                return Object.keys(grupper).map(art => {
                    if (!grupper[art].length) return undefined;
                    const tekst = axe._audit.data.failureSummaries[art];
                    return tekst.failureMessage(grupper[art].map(c => c.message || ''));
                }).filter(t => t !== undefined).join('\\n\\n');
            };
            return r.violations.map(v => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({
                    target: n.target,
                    html: n.html,
                    failureSummary: opsummering(n),
                })),
            }));
        }""",
        WCAG_TAGS,
    )
    return result


def format_violations(violations: list[dict]) -> str:
    """One paragraph per violation: id, impact, help, and every failing target."""
    if not violations:
        return "ingen axe-fejl"
    linjer = []
    for v in violations:
        linjer.append(f"{v['id']} ({v.get('impact')}): {v['help']} – {v.get('helpUrl', '')}")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            linjer.append(f"    {target}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                linjer.append(f"        {summary[:400]}")
    return "\n".join(linjer)


class _HtmlValidator:
    """One html-validate process per test process (``tests/html_validate_server.mjs``).

    Starting Node and loading html-validate for each document cost ~0.7 s; kept alive, a
    document takes a few hundredths of a second.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen:
        _require(HTML_VALIDATE)
        proc = subprocess.Popen(
            ["node", str(HTML_VALIDATE_SERVER), str(HTML_VALIDATE_CONFIG)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=BASE_DIR,
        )
        atexit.register(proc.kill)
        return proc

    def messages(self, html: str, filename: str) -> list[dict]:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._proc = self._start()
            assert self._proc.stdin and self._proc.stdout
            self._proc.stdin.write(json.dumps({"html": html, "filename": filename}) + "\n")
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
            if not line:
                fejl = self._proc.stderr.read() if self._proc.stderr else ""
                self._proc = None
                raise RuntimeError(f"html-validate stoppede; kræver Node ≥ 20:\n{fejl}")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"html-validate fejlede:\n{answer['error']}")
        return answer["messages"]


_validator = _HtmlValidator()


def html_errors(html: str, filename: str = "side.html") -> list[str]:
    """html-validate's errors (and warnings) for a whole HTML document, readable.

    Each message is ``"line:column rule-id: message (selector)"`` followed by the
    offending source line, so a failing assert shows where to look.
    """
    kilde = html.splitlines()
    fejl = []
    for m in _validator.messages(html, filename):
        linje, kolonne = m.get("line", 0), m.get("column", 0)
        selector = f" ({m['selector']})" if m.get("selector") else ""
        tekst = f"{linje}:{kolonne} {m.get('ruleId')}: {m['message']}{selector}"
        if 0 < linje <= len(kilde):
            tekst += f"\n    {kilde[linje - 1].strip()[:200]}"
        fejl.append(tekst)
    return fejl
