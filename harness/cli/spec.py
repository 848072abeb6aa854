"""``harness spec``: lint an OpenAPI document, diff two versions, or compare a live app with its spec.

Exit codes: 0 nothing at error severity (lint) / nothing breaking (diff, drift); 1 otherwise;
2 bad input (missing file, not YAML/JSON, not OpenAPI, bad option), raised as HarnessError.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import socket
from urllib.parse import urlsplit

from harness.core.errors import SpecError, UsageError

EXIT_OK = 0
EXIT_FOUND = 1
FORMATS = ("text", "json")
LIVE_TIMEOUT_S = 15.0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "spec", help="lint and diff OpenAPI specs (unions and discriminators included)"
    )
    commands = parser.add_subparsers(dest="spec_command", required=True, metavar="SUBCOMMAND")

    lint = commands.add_parser("lint", help="check one spec; exit 1 on an error-severity finding")
    lint.add_argument("spec", metavar="SPEC", help="spec file (YAML or JSON) or git:REF:PATH")
    _common(lint)
    lint.add_argument(
        "--rule",
        action="append",
        default=None,
        metavar="ID",
        help="run only this rule (repeatable; see `harness spec rules`)",
    )
    lint.set_defaults(func=_lint)

    diff = commands.add_parser(
        "diff", help="classify the changes from OLD to NEW; exit 1 on a breaking change"
    )
    diff.add_argument("specs", nargs="+", metavar="SPEC", help="OLD NEW, or only NEW together with --base")
    diff.add_argument(
        "--base",
        metavar="git:REF:PATH",
        help="take OLD from a git revision, e.g. git:origin/main:docs/openapi.yaml",
    )
    _common(diff)
    diff.set_defaults(func=_diff)

    drift = commands.add_parser("drift", help="compare a running app's /openapi.json with the committed spec")
    drift.add_argument(
        "--live",
        required=True,
        metavar="URL_OR_FILE",
        help="loopback URL of the app (or of its /openapi.json), or a saved copy",
    )
    drift.add_argument("committed", metavar="COMMITTED", help="the committed spec file (or git:REF:PATH)")
    _common(drift)
    drift.set_defaults(func=_drift)

    rules = commands.add_parser("rules", help="list the lint rules with their default severity")
    rules.set_defaults(func=_rules)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument(
        "--suppressions",
        metavar="FILE",
        help="reviewed YAML file of accepted findings/changes (by JSON pointer)",
    )
    parser.add_argument(
        "--all", action="store_true", help="text output: list every warning and info item too"
    )


def _lint(args: argparse.Namespace) -> int:
    from harness.spectools import lint_json, lint_report, lint_text

    report = lint_report(args.spec, args.suppressions, rules=args.rule)
    print(lint_json(report) if args.format == "json" else lint_text(report, show_all=args.all))
    return EXIT_FOUND if report.failed else EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    if args.base:
        if len(args.specs) != 1:
            raise UsageError(
                "with --base, give only the NEW spec",
                value=args.specs,
                allowed="harness spec diff --base git:REF:PATH NEW",
                fix="drop OLD, or drop --base",
            )
        old, new = args.base, args.specs[0]
        if not old.startswith("git:"):
            raise UsageError(
                "--base takes a git revision",
                value=old,
                allowed="git:REF:PATH, e.g. git:origin/main:docs/openapi.yaml",
                fix="write it as git:REF:PATH, or pass OLD as a positional file",
            )
    elif len(args.specs) == 2:
        old, new = args.specs
    else:
        raise UsageError(
            f"spec diff takes OLD and NEW, got {len(args.specs)} spec(s)",
            value=args.specs,
            allowed="harness spec diff OLD NEW  |  harness spec diff --base git:REF:PATH NEW",
            fix="pass both specs",
        )
    from harness.spectools import diff, load_spec

    old_spec, new_spec = load_spec(old), load_spec(new)
    return _report_changes(args, old_spec.source, new_spec.source, diff(old_spec, new_spec))


def _drift(args: argparse.Namespace) -> int:
    from harness.spectools import drift, load_spec

    live_doc, live_name = _read_live(args.live)
    committed = load_spec(args.committed)
    return _report_changes(args, committed.source, live_name, drift(live_doc, committed))


def _report_changes(args: argparse.Namespace, old: str, new: str, changes: list) -> int:
    from harness.spectools import changes_json, changes_text, load_suppressions, partition

    split = partition(changes, load_suppressions(args.suppressions))
    print(
        changes_json(old, new, split)
        if args.format == "json"
        else changes_text(old, new, split, show_all=args.all)
    )
    return EXIT_FOUND if any(c.impact.value == "breaking" for c in split.kept) else EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from harness.spectools import RULES

    for rule in RULES.values():
        print(f"{rule.id:<40} {rule.severity.value:<8} {rule.summary}")
    return EXIT_OK


def _read_live(source: str) -> tuple[dict, str]:
    if not source.startswith(("http://", "https://")):
        from harness.spectools import load_spec

        return load_spec(source).doc, source
    url = _openapi_url(source)
    _require_loopback(url)
    import httpx

    try:
        # trust_env=False: a proxy from the environment must never carry this request off the machine
        with httpx.Client(timeout=LIVE_TIMEOUT_S, trust_env=False, follow_redirects=False) as client:
            response = client.get(url)
    except httpx.HTTPError as error:
        raise UsageError(
            f"could not fetch {url}: {error}",
            value=url,
            allowed="the URL of a running app on loopback",
            fix="start the app, or save its /openapi.json and pass the file",
        ) from None
    if response.status_code != 200:
        raise SpecError(
            f"{url} answered {response.status_code}, not the OpenAPI document",
            value=url,
            allowed="a URL that answers 200 with the OpenAPI JSON",
            fix="check the app serves /openapi.json (FastAPI does by default)",
        )
    try:
        doc = response.json()
    except (json.JSONDecodeError, ValueError):
        raise SpecError(
            f"{url} did not answer JSON",
            value=response.text[:120],
            allowed="the app's OpenAPI JSON",
            fix="point --live at the app's /openapi.json",
        ) from None
    return doc, url


def _openapi_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.path in ("", "/"):
        return url.rstrip("/") + "/openapi.json"
    return url


def _require_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    allowed = "a loopback host: 127.0.0.1 (any 127.x), ::1 or localhost"
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        if host != "localhost":
            raise UsageError(
                f"--live may only fetch from loopback, not {host!r}",
                value=url,
                allowed=allowed,
                fix="run the app locally, or save its /openapi.json and pass the file",
            ) from None
        addresses = {
            ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in socket.getaddrinfo(host, None)
        }
    if not addresses or not all(a.is_loopback for a in addresses):
        raise UsageError(
            f"--live may only fetch from loopback, not {host!r}",
            value=url,
            allowed=allowed,
            fix="run the app locally, or save its /openapi.json and pass the file",
        )
