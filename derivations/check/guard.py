"""Running the user's code in a child process, with a time limit, behind a channel it cannot forge.

The checker runs code it did not write: it may loop forever, ``os._exit(0)``,
call ``sys.exit``, raise ``KeyboardInterrupt``, close ``sys.stdout`` or print
megabytes.  :func:`run_guarded` forks a child in a new session (so a time-out
kills everything it started), points the child's standard output and error
at pipes the parent drains (keeping only their tails), and gives the child a
private pipe for its answer.  The answer counts only when it arrives whole,
framed by a random token the user's code never sees printed anywhere: a
``print("OK")``, or an exit status of 0, proves nothing.

The child also reports which phase it is in ("loading", "checking"), so a
crash or a time-out can say what the code was doing.

>>> outcome = run_guarded(lambda phase: {"answer": 42}, timeout=30)
>>> outcome.payload, outcome.error
({'answer': 42}, None)
>>> import os
>>> outcome = run_guarded(lambda phase: os._exit(0), timeout=30)
>>> outcome.payload, outcome.error["kind"], outcome.error["message"]
(None, 'exit', 'exited with status 0 while running, before the check finished')
"""

import json
import os
import secrets
import selectors
import signal
import sys
import time
import traceback
from dataclasses import dataclass

#: how much of the child's standard output and error is kept (the end of it)
TAIL = 4096
DEFAULT_TIMEOUT = 60.0


@dataclass
class Outcome:
    """What came back from the child: its ``payload``, or an ``error`` saying what the code did.

    ``error`` is a dict: ``kind`` ("timeout", "exit", "signal", "interrupt",
    "crash"), ``message`` (one line), ``phase``; ``output`` is the tail of what
    the child printed.
    """

    payload: "dict | None"
    error: "dict | None"
    output: str = ""
    printed_bytes: int = 0


class _Phase:
    """Tells the parent which phase the child is in."""

    def __init__(self, send):
        self._send = send

    def __call__(self, name):
        self._send("phase", {"phase": name})


def run_guarded(work, timeout=DEFAULT_TIMEOUT):
    """Run ``work(phase)`` in a forked child; return an :class:`Outcome`.

    ``work`` returns a JSON-ready dict (the payload) and may call
    ``phase("loading")`` to say what it is doing.  The payload counts only
    if the child sent it complete; anything else (a time-out, an exit, a
    signal, a payload cut short) is an ``error``.
    """
    token = secrets.token_hex(16)
    result_r, result_w = os.pipe()
    out_r, out_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(result_r)
        os.close(out_r)
        _child(work, token, result_w, out_w)
    os.close(result_w)
    os.close(out_w)
    try:
        return _parent(pid, token, result_r, out_r, timeout)
    finally:
        _kill(pid)
        os.close(result_r)
        os.close(out_r)


def _child(work, token, result_w, out_w):
    status = 70
    try:
        os.setsid()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        os.close(null)
        os.close(out_w)
        # new file objects on the redirected descriptors: the parent's (a test's capture) are not ours
        sys.stdin = open(0, closefd=False)
        sys.stdout = open(1, "w", closefd=False, errors="backslashreplace")
        sys.stderr = open(2, "w", closefd=False, errors="backslashreplace")
        signal.signal(signal.SIGINT, signal.default_int_handler)

        def send(kind, data):
            body = json.dumps(data, allow_nan=False).encode()
            message = f"{token} {kind} {len(body)}\n".encode() + body
            while message:
                message = message[os.write(result_w, message):]

        try:
            payload = work(_Phase(send))
            send("result", payload)
            status = 0
        except SystemExit as error:
            send("error", {"kind": "exit", "message": f"called sys.exit({error.code!r})"})
        except KeyboardInterrupt:
            send("error", {"kind": "interrupt", "message": "raised KeyboardInterrupt"})
        except BaseException as error:  # a failure of ours: say it in one line
            last = traceback.extract_tb(error.__traceback__)[-1:]
            where = f" ({os.path.basename(last[0].filename)}, line {last[0].lineno})" if last else ""
            send("error", {"kind": "crash", "message": f"the checker failed: {type(error).__name__}: {error}{where}"})
    finally:
        os._exit(status)  # no atexit handler of the user's runs


def _parent(pid, token, result_r, out_r, timeout):
    deadline = time.monotonic() + timeout
    received, tail, printed = bytearray(), bytearray(), 0
    selector = selectors.DefaultSelector()
    selector.register(result_r, selectors.EVENT_READ)
    selector.register(out_r, selectors.EVENT_READ)
    status = None
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        if not selector.get_map():  # both pipes closed: only the exit is left to wait for
            time.sleep(min(remaining, 0.005))
        for key, _ in (selector.select(min(remaining, 0.2)) if selector.get_map() else ()):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                selector.unregister(key.fd)
            elif key.fd == result_r:
                received += chunk
            else:
                printed += len(chunk)
                tail = (tail + chunk)[-TAIL:]
        if status is None:
            done, status = os.waitpid(pid, os.WNOHANG)
            status = status if done else None
        if status is not None:
            received += _drain(result_r)  # what the child wrote before it ended is all there is
            break
    selector.close()
    messages = _messages(bytes(received), token)
    phase = next((m["phase"] for kind, m in reversed(messages) if kind == "phase"), "running")
    output = tail.decode("utf-8", "backslashreplace")
    if status is None:
        _kill(pid)
        error = {"kind": "timeout", "message": f"timed out after {timeout:g} s while {phase}", "phase": phase}
        return Outcome(None, error, output, printed)
    result = next((m for kind, m in messages if kind == "result"), None)
    if result is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return Outcome(result, None, output, printed)
    sent = next((m for kind, m in messages if kind == "error"), None)
    if sent is not None:
        error = dict(sent, message=f"{sent['message']} while {phase}", phase=phase)
    elif os.WIFSIGNALED(status):
        name = _signal_name(os.WTERMSIG(status))
        error = {"kind": "signal", "message": f"was killed by {name} while {phase}", "phase": phase}
    else:
        code = os.WEXITSTATUS(status)
        error = {"kind": "exit", "message": f"exited with status {code} while {phase}, before the check finished",
                 "phase": phase}
    return Outcome(None, error, output, printed)


def _drain(fd):
    """Everything ``fd`` holds now, without waiting (a grandchild may keep the pipe open)."""
    os.set_blocking(fd, False)
    data = bytearray()
    while True:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return bytes(data)
        if not chunk:
            return bytes(data)
        data += chunk


def _messages(data, token):
    """The framed messages in ``data``: anything not behind the token is ignored."""
    marker = token.encode() + b" "
    messages, start = [], 0
    while True:
        start = data.find(marker, start)
        if start < 0:
            return messages
        header_end = data.find(b"\n", start)
        if header_end < 0:
            return messages
        try:
            _, kind, length = data[start:header_end].decode().split(" ")
            length = int(length)
            body = data[header_end + 1:header_end + 1 + length]
            if len(body) == length:
                messages.append((kind, json.loads(body)))
        except (ValueError, UnicodeDecodeError):
            pass
        start = header_end + 1


def _kill(pid):
    """Kill the child's whole session and reap it (nothing of the user's outlives the check)."""
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
