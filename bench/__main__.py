"""Every benchmark of the portal, one table: ``python -m bench [--quick]``.

Steps (each a subprocess on its own database, so that each sees only its data):
1. databases: the demo (``load_demo``) on SQLite; a copy with the scale data
   (``generate_scale_data``); a copy with one 11-board, 40-indicator bloc;
2. pages: SQL queries and median latency of each main page and admin list
   on the demo and on the scale data (``bench.pages``);
3. PDF: the summary report through the portal and through bare WeasyPrint;
4. import: a 10,000-row values file through the admin's import;
5. load: gunicorn on PostgreSQL, requests per second against a trivial view:
   repeat GETs (page-cache hits) and the deadline-day mix (every request
   cold: officers GET, save, GET, submit; a reader after each write);
6. signing: what signing adds to the summary report's render (bench.signing);
7. api: the API's list endpoints under load against the trivial view (bench.api).
8. reminders: 1,000 reminders mailed by one task worker (``bench.reminders``).
The table is Markdown (bench/README.md shows the latest one); the exit status
is 1 when a goal fails. ``--only STEP`` (repeatable) runs only the steps named,
e.g. ``bench/run --only load --quick`` (the load step needs no SQLite data).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
IMPORT_ROWS = 10_000
STEPS = ("pages", "pdf", "import", "load", "signing", "api", "reminders")
PDF_GOAL, IMPORT_GOAL, LOAD_GOAL, MIX_GOAL = 1.3, 10.0, 0.5, 0.33
SIGNING_GOAL = 0.2
REMINDERS, REMINDERS_GOAL = 1_000, 60.0


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def env_for(db: Path | None) -> dict:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    env["PYTHONWARNINGS"] = "ignore"
    if db is not None:
        env["DATABASE_URL"] = f"sqlite:///{db}"
    return env


def run(args: list[str], db: Path | None) -> str:
    done = subprocess.run(
        args, cwd=ROOT, env=env_for(db), capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"bench: failed: {' '.join(args)}")
    return done.stdout


def manage(db: Path, *args: str) -> str:
    return run([PY, "manage.py", *args], db)


def cpu_parts(cpu: dict) -> str:
    return f"{cpu['app']:.1f} + {cpu['database']:.1f} + {cpu['client']:.1f}"


def cpu_split(cpu: dict, trivial: dict) -> str:
    """Where a request's CPU went, beside the trivial view's."""
    return (
        "CPU ms per request (app server + database + client): "
        f"{cpu_parts(cpu)}, trivial {cpu_parts(trivial)}"
    )


def step(module: str, db: Path | None, *args) -> dict:
    out = run([PY, "-m", f"bench.{module}", *map(str, args)], db)
    return json.loads(out.strip().splitlines()[-1])


def prepare(work: Path, size: dict) -> dict[str, Path]:
    demo, scale, pdf = (
        work / "demo.sqlite3",
        work / "scale.sqlite3",
        work / "pdf.sqlite3",
    )
    say("demo database: migrate, load_demo")
    manage(demo, "migrate", "--no-input", "-v0")
    manage(demo, "createcachetable")
    manage(demo, "load_demo")
    shutil.copy(demo, scale)
    shutil.copy(demo, pdf)
    say(
        "scale database: generate_scale_data "
        + " ".join(f"--{k} {v}" for k, v in size.items())
    )
    started = time.perf_counter()
    manage(scale, "generate_scale_data", *[f"--{k}={v}" for k, v in size.items()])
    seconds = time.perf_counter() - started
    say(f"scale data generated in {seconds:.0f} s")
    manage(
        pdf,
        "generate_scale_data",
        "--blocs=1",
        "--boards=11",
        "--years=2",
        "--indicators=40",
    )
    return {"demo": demo, "scale": scale, "pdf": pdf, "generate_s": seconds}


class Table:
    def __init__(self):
        self.rows: list[tuple[str, str, str, str]] = []
        self.failed = False

    def add(self, what: str, value: str, goal: str, ok: bool | None) -> None:
        result = "n/a" if ok is None else ("OK" if ok else "FAIL")
        self.failed |= ok is False
        self.rows.append((what, value, goal, result))

    def markdown(self) -> str:
        head = ("measure", "figure", "goal", "result")
        lines = ["| " + " | ".join(head) + " |", "|---|---|---|---|"]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def pages_rows(table: Table, demo: dict, scale: dict) -> None:
    for name, small in demo["pages"].items():
        big = scale["pages"].get(name)
        if small is None or big is None:
            table.add(name, "n/a (no such page)", "queries equal", None)
            continue
        statuses = {small["status"], big["status"]}
        # Cold: the first request after a data change (bench/pages.py).
        figure = (
            f"cold: queries {small['queries']} / {big['queries']}, "
            f"median {small['ms']:.0f} / {big['ms']:.0f} ms; "
            f"cached: {small['ms_cached']:.0f} / {big['ms_cached']:.0f} ms"
        )
        if statuses != {200}:
            figure += f"; HTTP {small['status']} / {big['status']}"
        table.add(
            name,
            figure,
            "queries equal",
            small["queries"] == big["queries"] and statuses == {200},
        )


def signing_rows(table: Table, result: dict) -> None:
    table.add(
        f"signing the summary report ({result['boards']} boards, "
        f"{result['indicators']} indicators)",
        f"sign {result['sign_s']:.3f} s / render {result['render_s']:.2f} s = "
        f"{result['ratio']:.2f} (median of {result['runs']})",
        f"ratio <= {SIGNING_GOAL}",
        result["ratio"] <= SIGNING_GOAL,
    )


def api_rows(table: Table, result: dict) -> None:
    if "skipped" in result:
        table.add("API under load", "skipped: no PostgreSQL", "", None)
        return
    trivial = result["pages"].pop("trivial")["rps"]
    table.add("API load: trivial view", f"{trivial:.0f} req/s", "", None)
    for name, page in result["pages"].items():
        ratio = page["rps"] / trivial if trivial else 0
        errors = result["requests"] - page["ok"]
        cached = " (repeat GETs: cached)" if name in result.get("cached", ()) else ""
        table.add(
            f"{name} under load",
            f"{page['rps']:.1f} req/s = {ratio:.2f} of trivial{cached}"
            + (f"; {errors} failed" if errors else ""),
            f">= {LOAD_GOAL} of trivial",
            ratio >= LOAD_GOAL and not errors,
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller data, fewer runs")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--skip-load", action="store_true", help="no PostgreSQL load test"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=STEPS,
        metavar="STEP",
        help=f"run only this step (repeatable): {', '.join(STEPS)}",
    )
    args = parser.parse_args(argv)
    steps = set(args.only or STEPS)
    if args.skip_load:
        steps.discard("load")
    if args.quick:
        size = {"blocs": 14, "boards": 15, "years": 2, "indicators": 50}
        reps, pdf_runs, load_requests = 5, 3, 100
    else:
        size = {"blocs": 20, "boards": 15, "years": 10, "indicators": 50}
        reps, pdf_runs, load_requests = 20, 7, 400
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    table = Table()
    try:
        if steps & {"pages", "pdf", "import", "signing"}:
            dbs = prepare(work, size)
            table.add(
                "scale data (SQLite)",
                "{blocs} blocs x {boards} boards x {years} years x "
                "{indicators} indicators".format(**size)
                + f" in {dbs['generate_s']:.0f} s",
                "minutes",
                dbs["generate_s"] < 600,
            )
        if "pages" in steps:
            say("pages on the demo data")
            demo = step("pages", dbs["demo"], "demo", reps)
            say("pages on the scale data")
            scale = step("pages", dbs["scale"], "scale", reps)
            table.add(
                "pages measured",
                f"demo: {demo['year']}; scale: {scale['year']}",
                "",
                None,
            )
            pages_rows(table, demo, scale)
        if "pdf" in steps:
            say("PDF: summary report")
            pdf = step("pdfbench", dbs["pdf"], pdf_runs)
            table.add(
                f"PDF summary report ({pdf['boards']} boards, "
                f"{pdf['indicators']} indicators)",
                f"portal {pdf['portal_s']:.2f} s / bare WeasyPrint "
                f"{pdf['bare_s']:.2f} s = {pdf['ratio']:.2f} (median of {pdf['runs']})",
                f"ratio <= {PDF_GOAL}",
                pdf["ratio"] <= PDF_GOAL,
            )
        if "import" in steps:
            say(f"import of {IMPORT_ROWS} rows")
            imported = step("importing", dbs["scale"], IMPORT_ROWS)
            table.add(
                f"import of {imported['rows']:,} rows",
                f"{imported['total_s']:.1f} s (admin preview "
                f"{imported['preview_s']:.1f} s, "
                f"confirm {imported['confirm_s']:.1f} s); "
                f"{imported['written']:,} values written",
                f"< {IMPORT_GOAL:.0f} s",
                imported["ok"]
                and imported["written"] == imported["rows"]
                and imported["total_s"] < IMPORT_GOAL,
            )
        if args.skip_load:
            table.add("load (gunicorn, PostgreSQL)", "skipped (--skip-load)", "", None)
        elif "load" in steps:
            say("load: PostgreSQL, demo + scale data, gunicorn")
            load = step("load", None, load_requests, size["blocs"], size["years"])
            if "skipped" in load:
                table.add(
                    "load (gunicorn, PostgreSQL)", "skipped: no PostgreSQL", "", None
                )
            else:
                table.add(
                    "scale data (PostgreSQL)",
                    f"{load['blocs']} blocs x 15 boards x {load['years']} years x 50 "
                    f"indicators in {load['generate_s']} s",
                    "minutes",
                    load["generate_s"] < 600,
                )
                trivial = load["pages"]["trivial"]["rps"]
                trivial_cpu = load["pages"]["trivial"].get("cpu_ms")
                table.add(
                    "load: trivial view",
                    f"{trivial:.0f} req/s ({load['workers']} workers, "
                    f"{load['clients']} clients, {load['requests']} requests)",
                    "",
                    None,
                )
                for name in ("board form", "ministry overview"):
                    result = load["pages"].get(name)
                    if result is None:
                        table.add(f"load: {name}", "n/a (no such page)", "", None)
                        continue
                    ratio = result["rps"] / trivial if trivial else 0
                    errors = load["requests"] - result["ok"]
                    split = (
                        "; " + cpu_split(result["cpu_ms"], trivial_cpu)
                        if result.get("cpu_ms")
                        else ""
                    )
                    table.add(
                        f"load: {name}",
                        f"{result['rps']:.1f} req/s = {ratio:.2f} of trivial "
                        f"(repeat GETs: cached){split}"
                        + (f"; {errors} failed" if errors else ""),
                        f">= {LOAD_GOAL} of trivial",
                        ratio >= LOAD_GOAL and not errors,
                    )
                day = load.get("deadline_day")
                if day is None:
                    table.add("load: deadline-day mix", "n/a", "", None)
                else:
                    reference = day["trivial_rps"]
                    ratio = day["rps"] / reference if reference else 0
                    table.add(
                        "load: deadline-day mix",
                        f"{day['officers']} officers x (GET, save, GET, submit) + a "
                        f"reader after each write, all cold: {day['rps']:.1f} req/s "
                        f"= {ratio:.2f} of trivial ({reference:.0f} req/s just "
                        f"before and after); p50 {day['p50_ms']} ms, "
                        f"p95 {day['p95_ms']} ms; "
                        f"{cpu_split(day['cpu_ms'], day['trivial_cpu_ms'])}"
                        + (f"; {day['failed']} failed" if day["failed"] else ""),
                        f">= {MIX_GOAL} of trivial",
                        ratio >= MIX_GOAL and not day["failed"],
                    )
        if "signing" in steps:
            signing_rows(table, step("signing", dbs["pdf"], pdf_runs))
        if "api" in steps and not args.skip_load:
            say("API: PostgreSQL, demo + scale data, gunicorn")
            api = step("api", None, load_requests, size["blocs"], size["years"])
            api_rows(table, api)
        if "reminders" in steps:
            say(f"reminders: {REMINDERS:,} sent by one worker over SMTP")
            sent = step("reminders", work / "reminders.sqlite3", REMINDERS)
            table.add(
                f"{sent['reminders']:,} reminders by one worker (SMTP on loopback)",
                f"send_reminders {sent['enqueue_s']:.1f} s, worker "
                f"{sent['worker_s']:.1f} s ({sent['per_s']:.0f} mails/s); "
                f"{sent['received']:,} received",
                f"< {REMINDERS_GOAL:.0f} s, all received",
                sent["worker_s"] < REMINDERS_GOAL and sent["received"] == REMINDERS,
            )
    finally:
        if args.keep:
            say(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    mode = "quick" if args.quick else "full"
    if args.only:
        mode += ", only " + ", ".join(sorted(steps, key=STEPS.index))
    print(f"\nBenchmarks ({mode} run, {time.perf_counter() - started:.0f} s)\n")
    print(table.markdown())
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main())
