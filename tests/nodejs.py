"""Generated JavaScript, run in a real Node process and called from Python as if it were a module.

``NodeModule(source)`` writes the ES module to a temporary directory, starts
``node`` once, and forwards each call as a line of JSON (numbers travel as
their shortest round-trip text, so nothing is lost between the two).  Numpy
arrays are sent as lists.  An exception thrown in JavaScript comes back as
:class:`NodeError` with its name and message.
"""

import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

#: the Node side: import the module, then answer one JSON call per line
SERVER = r"""
import * as readline from "node:readline";
import { pathToFileURL } from "node:url";

const mod = await import(pathToFileURL(process.argv[2]).href);
const exported = {};
for (const [name, value] of Object.entries(mod)) {
  // a function: its parameter names, so that Python can pass keyword arguments
  exported[name] = typeof value === "function"
    ? { parameters: value.toString().match(/\(([^)]*)\)/)[1].split(",").map((p) => p.split("=")[0].trim()) }
    : { value };
}
process.stdout.write(JSON.stringify(exported) + "\n");
for await (const line of readline.createInterface({ input: process.stdin })) {
  const [name, args] = JSON.parse(line);
  let answer;
  try {
    answer = { value: mod[name](...args) };
  } catch (error) {
    answer = { error: error.message, kind: error.name };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
}
"""


class NodeError(RuntimeError):
    """The JavaScript threw: ``kind`` is its class (RangeError, TypeError), the message its message."""

    def __init__(self, kind, message):
        super().__init__(f"{kind}: {message}")
        self.kind = kind


def _plain(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot send {type(value).__name__} to Node")


class NodeModule:
    """The exports of a generated ES module: constants as attributes, functions as callables."""

    def __init__(self, source, node="node", directory=None):
        self._dir = tempfile.TemporaryDirectory(prefix="nnderive-js-", dir=directory)
        path = Path(self._dir.name)
        (path / "server.mjs").write_text(SERVER)
        (path / "generated.mjs").write_text(source)
        self._process = subprocess.Popen(
            [node, str(path / "server.mjs"), str(path / "generated.mjs")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        first = self._process.stdout.readline()
        if not first:
            raise NodeError("SyntaxError", self._process.stderr.read())
        self._exports = json.loads(first)

    def _call(self, name, parameters, *args, **kwargs):
        args = list(args)
        for key, value in kwargs.items():
            position = parameters.index(key)  # JavaScript has no keyword arguments: place it
            if position < len(args):
                raise TypeError(f"{name}() got {key!r} twice")
            if position > len(args):
                raise TypeError(f"{name}() needs the arguments before {key!r}")
            args.append(value)
        self._process.stdin.write(json.dumps([name, args], default=_plain) + "\n")
        self._process.stdin.flush()
        answer = json.loads(self._process.stdout.readline(), parse_int=float)  # JS numbers are doubles
        if "error" in answer:
            raise NodeError(answer["kind"], answer["error"])
        return answer["value"]

    def __getattr__(self, name):
        exports = self.__dict__.get("_exports", {})
        if name not in exports:
            raise AttributeError(name)
        if "value" in exports[name]:
            value = exports[name]["value"]
            return tuple(value) if isinstance(value, list) else value
        parameters = exports[name]["parameters"]
        return lambda *args, **kwargs: self._call(name, parameters, *args, **kwargs)

    def close(self):
        if self._process.poll() is None:
            self._process.stdin.close()
            self._process.wait(timeout=10)
        for stream in (self._process.stdout, self._process.stderr):
            stream.close()
        self._dir.cleanup()
