"""Medians, ratios and targets of one benchmark run, written as JSON and as a markdown table."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from . import runtime, scenarios

FIGURES = {
    "wall_seconds": ("Wall time", "s"),
    "peak_memory_bytes": ("Peak memory of the build", "MB"),
    "image_bytes": ("Image size", "MB"),
    "changed_layer_bytes": ("Changed layers vs previous image", "MB"),
    "first_200_seconds": ("docker run to first HTTP 200", "s"),
}
APPROACHES = ("A", "U", "P", "G", "H", "B", "C")
# Each ratio the tables show: pycnb against the Dockerfile and the floor, uv and Poetry against pip within
# pycnb, and the GeoDjango app (with its apt layer, and on the GIS builder) against the plain one.
RATIOS = (("A", "B"), ("A", "C"), ("U", "A"), ("P", "A"), ("G", "A"), ("H", "A"))


def _median(samples: list[dict], figure: str) -> float | None:
    values = [sample[figure] for sample in samples if sample.get(figure) is not None]
    return statistics.median(values) if values else None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None:
        return None
    if denominator == 0:
        return None if numerator else 1.0
    return round(numerator / denominator, 3)


def summarize(samples: dict[str, dict[str, list[dict]]]) -> dict:
    """Per scenario: the median of each figure per approach, the ratios A/B and A/C, and A's
    median phase profile."""
    summary = {}
    for scenario, by_approach in samples.items():
        medians = {key: {figure: _median(runs, figure) for figure in FIGURES} for key, runs in by_approach.items()}
        phases: dict[str, float] = {}
        for name in dict.fromkeys(name for run in by_approach.get("A", []) for name in run.get("phases", {})):
            phases[name] = statistics.median(run.get("phases", {}).get(name, 0.0) for run in by_approach["A"])
        summary[scenario] = {
            "median": medians,
            "ratio": {
                f"{top}/{bottom}": {figure: _ratio(medians.get(top, {}).get(figure), medians.get(bottom, {}).get(figure))
                                    for figure in FIGURES}
                for top, bottom in RATIOS
            },
            "phases_A": phases,
            "runs": by_approach,
        }
    return summary


def targets(summary: dict, runtime_summary: dict | None = None, stacks: dict[str, int] | None = None) -> list[dict]:
    """The issues' goals, each with the measured value and whether it was met (None: not measured in this run)."""
    def median(scenario, approach, figure):
        return summary.get(scenario, {}).get("median", {}).get(approach, {}).get(figure)

    def ratio(scenario, pair, figure):
        return summary.get(scenario, {}).get("ratio", {}).get(pair, {}).get(figure)

    first_200 = [median(scenario, "A", "first_200_seconds") for scenario in summary]
    first_200 = [value for value in first_200 if value is not None]
    def megabytes(name):
        return None if not stacks or name not in stacks else stacks[name] / 1e6

    def slowest(pair):
        values = [value for value in (ratio(scenario, pair, "wall_seconds") for scenario in summary) if value is not None]
        return max(values) if values else None

    goals = [
        ("cold: wall time A/B", ratio(scenarios.COLD, "A/B", "wall_seconds"), "<=", 1.1),
        ("code-only change: wall time A/B", ratio(scenarios.CODE_CHANGE, "A/B", "wall_seconds"), "<=", 1.0),
        ("one dependency added: wall time A/B", ratio(scenarios.ADD_DEPENDENCY, "A/B", "wall_seconds"), "<=", 1.0),
        ("one dependency added: wall time A/B (stretch)", ratio(scenarios.ADD_DEPENDENCY, "A/B", "wall_seconds"), "<=", 0.5),
        ("rebuild with no change: A wall time (s)", median(scenarios.NO_CHANGE, "A", "wall_seconds"), "<=", 2.5),
        ("code-only change: A wall time (s)", median(scenarios.CODE_CHANGE, "A", "wall_seconds"), "<=", 4.0),
        ("one dependency removed: A wall time (s)", median(scenarios.REMOVE_DEPENDENCY, "A", "wall_seconds"), "<=", 4.0),
        ("uv as fast as pip: U/A wall time, slowest scenario", slowest("U/A"), "<=", 1.1),
        ("Poetry as fast as pip: P/A wall time, slowest scenario", slowest("P/A"), "<=", 1.1),
        ("GeoDjango, no change: G/A wall time", ratio(scenarios.NO_CHANGE, "G/A", "wall_seconds"), "<=", 1.2),
        ("GeoDjango, code change: G/A wall time", ratio(scenarios.CODE_CHANGE, "G/A", "wall_seconds"), "<=", 1.2),
        ("GeoDjango on the GIS builder, no change: H/A wall time", ratio(scenarios.NO_CHANGE, "H/A", "wall_seconds"), "<=", 1.2),
        ("GeoDjango on the GIS builder, code change: H/A wall time", ratio(scenarios.CODE_CHANGE, "H/A", "wall_seconds"), "<=", 1.2),
        ("run image (MB)", megabytes("run image"), "<=", 110.0),
        ("build image (MB)", megabytes("build image"), "<=", 500.0),
        ("image size A/B", ratio(scenarios.COLD, "A/B", "image_bytes"), "<=", 1.0),
        ("first HTTP 200 after docker run: A, slowest scenario (s)", max(first_200) if first_200 else None, "<", 1.0),
        ("cold: A's overhead over the floor, A/C", ratio(scenarios.COLD, "A/C", "wall_seconds"), "<=", 1.15),
    ]
    return [
        {"goal": goal, "value": value, "target": f"{op} {limit}",
         "met": None if value is None else (value <= limit if op == "<=" else value < limit)}
        for goal, value, op, limit in goals
    ] + [runtime.target(runtime_summary)]


def _format(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    return f"{value / 1e6:,.1f}" if unit == "MB" else f"{value:.2f}"


def _format_goal(goal: dict) -> str:
    value, digits = goal["value"], goal.get("digits", 2)
    return "–" if value is None else f"{value:.{digits}f}"


def markdown(result: dict) -> str:
    """The scenarios' tables (when the run had them), the runtime benchmark's, the targets, A's phases."""
    meta = result["meta"]
    scenario_entries = result.get("scenarios") or {}
    figures = f"median of {meta['repetitions']}" if scenario_entries else f"best of {meta['repetitions']}"
    lines = [
        f"# Benchmark {meta['date']} ({meta['mode']}, {figures})",
        "",
        f"Machine: {meta['machine']}. Versions: " + ", ".join(f"{name} {version}" for name, version in meta["versions"].items()) + ".",
        "",
    ]
    if scenario_entries:
        lines += _scenario_tables(result)
    if result.get("stacks"):
        lines += ["## Stack images (MB)", "", "| image | size |", "|---|---:|"]
        lines += [f"| {name} | {size / 1e6:,.1f} |" for name, size in result["stacks"].items()] + [""]
    if result.get("runtime"):
        lines += runtime.markdown(result["runtime"])
    lines += ["## Targets", "", "| goal | measured | target | met |", "|---|---:|---|---|"]
    for goal in result["targets"]:
        met = "–" if goal["met"] is None else ("yes" if goal["met"] else "**no**")
        lines.append(f"| {goal['goal']} | {_format_goal(goal)} | {goal['target']} | {met} |")
    lines.append("")
    if scenario_entries:
        lines += _phase_table(result)
    return "\n".join(lines)


def _scenario_tables(result: dict) -> list[str]:
    lines = [
        "A: pycnb (`pack build`). U: pycnb with uv installing requirements.txt (`BP_PYTHON_INSTALLER=uv`). "
        "P: A's app as a Poetry project (pyproject.toml, poetry.lock; dependencies changed by `poetry add --lock` and "
        "`poetry remove --lock`), full runs only. "
        "G: A's app with GeoDjango (`django.contrib.gis`: GDAL, GEOS and PROJ from Debian, in pycnb/apt's layer), full runs only. "
        "H: G's app on the GIS builder (`./pycnb builder --gis`: the libraries in the stack images), full runs only. "
        "B: the Dockerfile a user would write (`docker buildx build`, BuildKit). "
        "C: the floor, the same install and collectstatic in a fresh container, with no image.",
        "",
    ]
    for figure, (title, unit) in FIGURES.items():
        pairs = [f"{top}/{bottom}" for top, bottom in RATIOS]
        lines += [f"## {title} ({unit})", "", "| scenario | " + " | ".join(APPROACHES + tuple(pairs)) + " |",
                  "|---|" + "---:|" * (len(APPROACHES) + len(pairs))]
        for scenario, entry in result["scenarios"].items():
            cells = [_format(entry["median"].get(key, {}).get(figure), unit) for key in APPROACHES]
            ratios = [entry["ratio"].get(pair, {}).get(figure) for pair in pairs]
            lines.append(f"| {scenario} | " + " | ".join(cells) + " | "
                         + " | ".join("–" if r is None else f"{r:.2f}" for r in ratios) + " |")
        lines.append("")
    return lines


def _phase_table(result: dict) -> list[str]:
    lines = ["## Where A's time goes (median seconds per phase)", ""]
    phase_names = list(dict.fromkeys(name for entry in result["scenarios"].values() for name in entry["phases_A"]))
    scenario_names = list(result["scenarios"])
    lines += ["| phase | " + " | ".join(scenario_names) + " |", "|---|" + "---:|" * len(scenario_names)]
    for name in phase_names:
        lines.append(f"| {name} | " + " | ".join(f"{result['scenarios'][s]['phases_A'].get(name, 0):.2f}" for s in scenario_names) + " |")
    lines += ["", "Peak memory: anonymous memory of all containers (cgroup `docker`), sampled every 50 ms; "
              "pack's and dockerd's own memory are not in it. Changed layers: uncompressed bytes of the layers "
              "the previous image of the same approach did not have (cold: the whole image).", ""]
    return lines


def write(result: dict, folder: Path, stem: str) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    json_path, markdown_path = folder / f"{stem}.json", folder / f"{stem}.md"
    json_path.write_text(json.dumps(result, indent=2) + "\n")
    markdown_path.write_text(markdown(result))
    return json_path, markdown_path
