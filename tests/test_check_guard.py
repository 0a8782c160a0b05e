"""The guard: user code that loops, exits, interrupts, closes stdout or floods it never passes or hangs.

Each case runs the installed ``nnderive check`` as a real process and asserts
its exit status, the one line on stderr (no traceback), and that it ends
within the time limit plus a margin.  Passing needs a complete report sent
over the child's private channel: printing "OK", or exiting 0, is not enough.
"""

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from conftest import installed_nnderive

from derivations.check import UserCodeFailed, check_isolated

GUARD = Path(__file__).parent / "check_inputs" / "guard"
TIMEOUT = 4
#: start-up, the check itself, killing the child: generous, as the CI machine is shared
MARGIN = 20


def nnderive(*args, timeout=TIMEOUT):
    started = time.monotonic()
    done = subprocess.run([installed_nnderive(), "check", *map(str, args), "--timeout", str(timeout), "--points", "1"],
                          capture_output=True, text=True, timeout=timeout + MARGIN + 30, stdin=subprocess.DEVNULL)
    elapsed = time.monotonic() - started
    assert elapsed < timeout + MARGIN, f"took {elapsed:.1f} s"
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    return done


def one_line_error(done):
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("nnderive: error: "), done.stderr
    return done.stderr.strip()


@pytest.mark.parametrize("name, target, said", [
    ("an infinite loop at load", "loops_on_load.py:backprop", f"timed out after {TIMEOUT} s while loading"),
    ("an infinite loop when called", "loops_in_backprop.py:backprop", f"timed out after {TIMEOUT} s while checking"),
    ("os._exit(0) at load", "os_exit_on_load.py:backprop", "exited with status 0 while loading, before the check"),
    ("os._exit(0) when called", "os_exit_in_backprop.py:backprop",
     "exited with status 0 while checking, before the check finished"),
    ("fake reports on every descriptor", "counterfeits.py:backprop", "exited with status 0 while checking"),
    ("sys.exit(3) at load", "exits_3_on_load.py:backprop", "raised SystemExit(3): the file calls sys.exit()"),
    ("KeyboardInterrupt at load", "interrupts.py:backprop", "raised KeyboardInterrupt while loading"),
    ("KeyboardInterrupt when called", "interrupts_in_backprop.py:backprop", "raised KeyboardInterrupt while checking"),
    ("a signal", "segfaults.py:backprop", "was killed by SIGSEGV while checking"),
])
def test_code_that_stops_the_check_gets_exit_2_and_one_line(name, target, said):
    line = one_line_error(nnderive(GUARD / target))
    assert said in line, line


def test_sys_exit_while_checked_is_a_failing_report_not_a_pass():
    done = nnderive(Path(__file__).parent / "check_inputs" / "broken.py:exits")
    assert done.returncode == 1
    assert "PROBLEM: your code raised an exception at Alice" in done.stdout
    assert "SystemExit('giving up'): your code called sys.exit()" in done.stdout


def test_a_fifo_named_like_python_is_refused_at_once(tmp_path):
    fifo = tmp_path / "f.py"
    os.mkfifo(fifo)
    started = time.monotonic()
    line = one_line_error(nnderive(f"{fifo}:backprop"))
    assert "is not a regular file" in line and time.monotonic() - started < MARGIN


def test_closing_stdout_does_not_break_the_report():
    done = nnderive(GUARD / "closes_stdout.py:backprop")
    assert done.returncode == 0, done.stderr
    assert "OK: all 9 partials agree" in done.stdout


def test_megabytes_of_prints_are_counted_not_shown():
    done = nnderive(GUARD / "prints_megabytes.py:backprop", timeout=30)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout) < 10_000 and "=====" not in done.stdout
    assert "printed 20000 lines (not shown)" in done.stdout


@pytest.mark.parametrize("target", ["loops_on_load.py:backprop", "os_exit_in_backprop.py:backprop"])
def test_json_in_every_case(target):
    done = nnderive(GUARD / target, "--format", "json")
    assert done.returncode == 2
    data = json.loads(done.stdout)
    assert data["ok"] is False and data["error"]["kind"] in ("timeout", "exit")
    assert data["error"]["message"] in done.stderr


def test_json_for_a_load_error():
    done = nnderive("nowhere.py:backprop", "--format", "json")
    assert done.returncode == 2 and json.loads(done.stdout)["error"]["message"] == "nowhere.py: no such file"


def test_from_python_the_isolated_check_raises_one_line():
    with pytest.raises(UserCodeFailed) as caught:
        check_isolated(f"{GUARD / 'loops_in_backprop.py'}:backprop", points=1, timeout=2)
    assert caught.value.error["kind"] == "timeout" and "timed out after 2 s while checking" in str(caught.value)
    report = check_isolated(f"{GUARD / 'closes_stdout.py'}:backprop", points=1)
    assert report.ok and report.exit_status == 0


def test_interrupting_the_checker_stops_the_child(tmp_path):
    # Ctrl-C on the checker: the child (in its own session) is killed, nothing is left running
    marker = tmp_path / "alive"
    user = tmp_path / "slow.py"
    user.write_text(f"import time\nwhile True:\n    open({str(marker)!r}, 'w').close()\n    time.sleep(0.05)\n")
    process = subprocess.Popen([installed_nnderive(), "check", f"{user}:f"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(2)
    process.communicate(timeout=30)
    assert process.returncode != 0
    marker.unlink()
    time.sleep(0.5)
    assert not marker.exists()
