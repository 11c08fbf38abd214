"""The benchmarks run (in their quick mode), so they cannot rot. Figures are not asserted here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.__main__ import Checks, Starts, Timing, floor_note, missed_command_targets, missed_start_up

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmarks_run_and_print_every_figure() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for heading in ("## 1 drama, 0 votes", "## Growth", "## Vote throughput", "## Start-up and memory"):
        assert heading in out
    for command in ("no-op (floor)", "/drama", "/cast", "/actor", "/review", "/rate", "/ratings show", "/ratings top"):
        assert f"| {command} |" in out
    assert "| /watchparty schedule |" in out and "| title autocomplete |" in out
    assert "| name autocomplete |" in out
    assert "process start to ready" in out and "peak resident memory" in out
    # quick mode starts the bot twice on a new database and twice again on it: to ready, and to settled
    assert "| process start to settled (" in out
    assert out.count(" s (median of 2; slowest ") == 4
    assert "pure-Python loop) before the run: " in out and "pure-Python loop) after the run: " in out
    # the machine's speed is checked around each configuration (2 sizes, 1 more vote size) and the start-up probes
    assert out.count(" s before these runs, ") == 3
    assert " s before the start-up probes, " in out
    assert "(all 10 checks of the run: " in out
    # every command's ratios are to the no-op's runs taken in turn with it, shown beside it
    assert "| command | median ms | p99 ms | floor median ms | floor p99 ms | median / floor | p99 / floor |" in out


def test_a_missed_target_says_whether_the_machine_was_slow_around_it() -> None:
    assert Checks(0.55, 0.57).note(fastest=0.52).endswith(": not slow")
    assert Checks(0.55, 0.70).note(fastest=0.52).endswith(": slow")
    assert Checks(0.70, 0.55).note(fastest=0.52) == (
        "CPU check around it 0.70 / 0.55 s, the run's fastest 0.52 s: slow"
    )
    beside = Timing(3.57, 5.91, floor=Timing(2.04, 3.00))
    assert floor_note(beside, lowest_ms=1.66) == (
        "the no-op beside it 2.04 ms at the median, 1.23x the run's lowest (1.66 ms)"
    )


def test_targets_are_checked_at_every_size_not_only_the_largest() -> None:
    """Autocomplete does not depend on votes: a miss with no votes is a miss. Name autocomplete,
    measured beyond the issue's figures, is held to the 5 ms of title autocomplete (not to a
    command's 20 ms) and listed apart."""
    floor = Timing(1.70, 2.50)
    by_size = {
        (1, 0): {"no-op (floor)": floor, "/watchparty schedule": Timing(4.0, 8.0, floor=Timing(1.65, 2.50))},
        (10_000, 0): {"no-op (floor)": floor, "title autocomplete": Timing(3.70, 5.55, floor=Timing(2.31, 2.86))},
        (10_000, 1_000_000): {
            "no-op (floor)": floor,
            "title autocomplete": Timing(2.43, 3.93, floor=floor),
            "name autocomplete": Timing(3.10, 5.20, floor=floor),
        },
    }
    quiet, slow = Checks(0.56, 0.63), Checks(0.84, 0.84)
    around = {(1, 0): quiet, (10_000, 0): slow, (10_000, 1_000_000): quiet}
    missed = missed_command_targets(by_size, around)
    assert missed == [
        (
            "/watchparty schedule at 1 drama, 0 votes: p99 is 3.20x the floor > 3.0x;"
            " the no-op beside it 1.65 ms at the median, 1.00x the run's lowest (1.65 ms)",
            quiet,
        ),
        (
            "title autocomplete at 10,000 dramas, 0 votes: p99 5.55 ms > 5.0 ms;"
            " the no-op beside it 2.31 ms at the median, 1.40x the run's lowest (1.65 ms)",
            slow,
        ),
    ]
    assert missed_command_targets(by_size, around, beyond=True) == [
        (
            "name autocomplete at 10,000 dramas, 1,000,000 votes: p99 5.20 ms > 5.0 ms;"
            " the no-op beside it 1.70 ms at the median, 1.03x the run's lowest (1.65 ms)",
            quiet,
        ),
    ]


def test_the_start_up_target_is_held_to_the_median_of_the_starts() -> None:
    """One slow start of seven is shown, but it is not the figure; a slow median is a miss."""
    first = Starts([1.71, 1.69, 2.62, 1.80, 1.75, 1.90, 1.74])
    assert (first.median, first.slowest) == (1.75, 2.62)
    assert first.cell() == "1.75 s (median of 7; slowest 2.62 s)"
    assert missed_start_up(first, Starts([0.8, 0.9, 1.1])) == []
    slow = Starts([2.04, 1.95, 2.36])
    assert missed_start_up(slow, Starts([0.8, 0.9, 1.1])) == [
        "start-up (first start) 2.04 s at the median > 2 s (slowest 2.36 s)"
    ]
    assert missed_start_up(first, Starts([2.1, 2.2])) == [
        "start-up (later starts) 2.15 s at the median > 2 s (slowest 2.20 s)"
    ]
