"""2. Synthesis time: every variant in a fresh process, and the in-process steady cost of its
own constructs (with its jsii round trips)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from common import (
    ROOT,
    STACKS,
    SYNTH_TIMEOUT_S,
    cdk_env,
    log,
    median,
    run_child,
    spread,
)
from stacks import VARIANTS


def synth_once(variant: str, outdir: Path) -> dict[str, Any]:
    sample, wall = run_child(
        [str(STACKS), variant], f"synthesis of {variant}", ROOT, cdk_env(outdir), SYNTH_TIMEOUT_S
    )
    sample["wall_s"] = wall
    return sample


def synthesis(
    runs: int, work: Path, warm_processes: int, warm_rounds: int, warm_up: bool
) -> dict[str, Any]:
    """Fresh-process samples, round-robin with a rotating order (so no variant always runs
    first after a pause); then `warm_processes` processes per variant that time its first
    and later build + synth after an empty stack's synthesis."""
    if warm_up:
        log("synthesis: one unrecorded warm-up process (disk cache, Node code cache)")
        synth_once("empty", work / "warm-up")
    samples: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    outdirs: dict[str, Path] = {}
    for round_ in range(runs):
        order = VARIANTS[round_ % len(VARIANTS) :] + VARIANTS[: round_ % len(VARIANTS)]
        for variant in order:
            outdir = work / f"{variant}-{round_}"
            samples[variant].append(synth_once(variant, outdir))
            outdirs.setdefault(variant, outdir)
        log(f"synthesis: round {round_ + 1}/{runs} done")

    # Several processes per variant, round-robin: 'first use' is one sample per process.
    first: dict[str, list[float]] = {v: [] for v in VARIANTS}
    steady: dict[str, list[float]] = {v: [] for v in VARIANTS}
    trips: dict[str, list[int]] = {v: [] for v in VARIANTS}
    for process in range(warm_processes):
        for variant in VARIANTS:
            report, _ = run_child(
                [
                    str(STACKS),
                    "--warm",
                    str(warm_rounds),
                    str(work / f"warm-{variant}-{process}"),
                    variant,
                ],
                f"in-process synthesis of {variant}",
                ROOT,
                cdk_env(),
                SYNTH_TIMEOUT_S,
            )
            times = report["times"]
            first[variant].append(times[0])
            steady[variant].extend(times[1:])
            trips[variant].append(report["round_trips"])
        log(f"synthesis: in-process rounds, process {process + 1}/{warm_processes} done")

    empty_wall = median([s["wall_s"] for s in samples["empty"]])
    empty_min = min(s["wall_s"] for s in samples["empty"])
    empty_warm = median(steady["empty"])
    empty_first = median(first["empty"])
    result: dict[str, Any] = {}
    for variant in VARIANTS:
        walls = [s["wall_s"] for s in samples[variant]]
        result[variant] = {
            "wall_s": spread(walls),
            "ratio_to_empty": median(walls) / empty_wall,
            "import_s": median([s["import_s"] for s in samples[variant]]),
            "modules_s": median([s["modules_s"] for s in samples[variant]]),
            "build_s": median([s["build_s"] for s in samples[variant]]),
            "synth_s": median([s["synth_s"] for s in samples[variant]]),
            "ratio_of_fastest": min(walls) / empty_min,
            "first_use_s": spread(first[variant]),
            "first_use_added_s": median(first[variant]) - empty_first,
            "in_process_repeat_s": spread(steady[variant]),
            "in_process_added_s": median(steady[variant]) - empty_warm,
            # One steady build + synth, counted: the same in every process.
            "jsii_round_trips": max(trips[variant]),
            "samples": samples[variant],
        }
    return {"variants": result, "outdirs": {k: str(v) for k, v in outdirs.items()}}
