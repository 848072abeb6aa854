"""``harness cassettes``: scan for secrets, prune unused entries, import OGX recordings."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_SECRETS_FOUND = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("cassettes", help="work with record/replay cassettes")
    commands = parser.add_subparsers(dest="cassettes_command", required=True, metavar="SUBCOMMAND")

    scan = commands.add_parser(
        "scan",
        help="fail (exit 1) if a cassette holds a credential or key-like value "
        "(or the value of $HARNESS_UPSTREAM_API_KEY, when set)",
    )
    scan.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="cassette files or directories")
    scan.add_argument("--rules", type=Path, default=None, help="matching rule file (default: built-in v1)")
    scan.set_defaults(func=_scan)

    prune = commands.add_parser("prune", help="remove entries the last full replay run did not use")
    prune.add_argument(
        "--dir", type=Path, default=Path("cassettes"), help="cassette directory (default: cassettes)"
    )
    prune.add_argument("--usage", type=Path, default=None, help="usage file (default: DIR/.usage.json)")
    prune.add_argument("--rules", type=Path, default=None, help="matching rule file (default: built-in v1)")
    prune.add_argument("--dry-run", action="store_true", help="list what would be removed, change nothing")
    prune.set_defaults(func=_prune)

    ogx = commands.add_parser("import-ogx", help="import OGX's recordings/*.json into cassettes")
    ogx.add_argument("src_dir", type=Path, metavar="SRC_DIR")
    ogx.add_argument("dest", type=Path, metavar="DEST")
    ogx.add_argument("--rules", type=Path, default=None, help="matching rule file (default: built-in v1)")
    ogx.set_defaults(func=_import_ogx)


def _scan(args: argparse.Namespace) -> int:
    from harness.replay.rules import MatchRules
    from harness.replay.scan import cassette_files, scan_files

    missing = [p for p in args.paths if not p.exists()]
    if missing:
        from harness.core.errors import UsageError

        raise UsageError(
            f"no such file or directory: {missing[0]}",
            value=str(missing[0]),
            fix="pass cassette files or directories that exist",
        )
    files = cassette_files(args.paths)
    if not files:
        from harness.core.errors import UsageError
        from harness.replay.cassette import SUFFIXES

        shown = " ".join(str(p) for p in args.paths)
        raise UsageError(
            f"scanned nothing: {shown} hold{'s' if len(args.paths) == 1 else ''} no cassette files, so no secret could be found or ruled out",
            value=shown,
            allowed="cassette files, or directories holding them ("
            + ", ".join(f"*{s}" for s in SUFFIXES)
            + ")",
            fix="pass the directory the cassettes are in (e.g. cassettes/)",
        )
    from harness.replay.upstream import API_KEY_VAR

    # the run's own key, whatever it looks like (the recorder redacts it by value too)
    findings = scan_files(
        files, MatchRules.load(args.rules).with_secrets([os.environ.get(API_KEY_VAR, "").strip()]).redactor
    )
    for finding in findings:
        print(finding.render())
    if findings:
        print(
            f"{len(findings)} secret-like value(s) in {len({f.file for f in findings})} file(s): remove them "
            "(re-record with the harness, which redacts by default) and rotate any real key that was exposed",
            file=sys.stderr,
        )
        return EXIT_SECRETS_FOUND
    print(f"scanned {len(files)} cassette file(s): no secrets found")
    return 0


def _prune(args: argparse.Namespace) -> int:
    from harness.replay.library import display_path
    from harness.replay.rules import MatchRules
    from harness.replay.usage import prune

    result = prune(args.dir, rules=MatchRules.load(args.rules), usage_file=args.usage, dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    for path, index, key in result.removed:
        print(f"{verb} {display_path(path)}#{index} (key {key[:16]})")
    print(
        f"{verb} {len(result.removed)} unused entr{'y' if len(result.removed) == 1 else 'ies'}, kept {result.kept}"
    )
    return 0


def _import_ogx(args: argparse.Namespace) -> int:
    from harness.replay.ogx_import import import_ogx_recordings
    from harness.replay.rules import MatchRules

    report = import_ogx_recordings(args.src_dir, args.dest, rules=MatchRules.load(args.rules))
    print(report.render())
    return 0
