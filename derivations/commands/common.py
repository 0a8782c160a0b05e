"""What the commands share: one-line errors, network options, safe output files."""

import argparse
import errno
import math
import os
import stat
import sys
import tempfile

from derivations.asciinum import NUMBER, non_ascii
from derivations.errors import Argument, NnderiveError
from derivations.network import Network, NetworkError
from derivations.rules import ACTIVATION_NAMES, LOSS_NAMES

#: the option that sets each argument of the library, where its name is not the flag's
FLAGS = {"layers": "--net", "network": "--net", "params": "--param", "names": "--map"}


def flag(argument):
    """An :class:`~derivations.errors.Argument` as the command line spells it: ``--kind gradient``.

    >>> flag(Argument("learn_rate", 0.2)), flag(Argument("layers"))
    ('--learn-rate 0.2', '--net')
    """
    option = FLAGS.get(argument.name, "--" + argument.name.replace("_", "-"))
    return option if argument.value is None else f"{option} {argument.value}"


class UsageError(Exception):
    """A mistake the user can fix: printed as one line, exit status 2.

    Made from a library error, it names options as the command line spells them (:func:`flag`).
    """

    def __init__(self, message):
        super().__init__(message.spelled(flag) if isinstance(message, NnderiveError) else message)


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr (and exit status 2)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def add_network_options(parser):
    """--net, --activation, --output-activation, --loss: the network to work on."""
    group = parser.add_argument_group("network (default: the article's 2-2-1 sigmoid network with MSE)")
    group.add_argument("--net", default="2-2-1", metavar="SIZES",
                       help="layer sizes joined by '-', inputs first, e.g. 2-3-3-1 (default 2-2-1)")
    group.add_argument("--activation", default="sigmoid", metavar="NAME",
                       help=f"activation of every layer, or one per layer joined by ',' "
                            f"({', '.join(ACTIVATION_NAMES)}; default sigmoid)")
    group.add_argument("--output-activation", default=None, metavar="NAME",
                       help="activation of the output layer, if different")
    group.add_argument("--loss", default="mse", metavar="NAME",
                       help=f"loss ({', '.join(LOSS_NAMES)}; default mse)")


#: the largest network the command line derives: beyond it SymPy needs minutes and gigabytes
#: (a 200-200-1 network, 40,401 parameters, takes about 20 s; 1000-1000-1 would not finish)
MAX_PARAMS = 50_000
#: the deepest: a chain of one-neuron layers is printed in time quadratic in its depth
MAX_LAYERS = 100


def network_from_args(args):
    """The :class:`Network` the options describe; a bad one is a :class:`UsageError`."""
    activation = _name(args.activation, "--activation")
    if "," in activation:
        activation = tuple(part.strip() for part in activation.split(","))
    output = None if args.output_activation is None else _name(args.output_activation, "--output-activation")
    character = non_ascii(args.net)
    if character:
        raise UsageError(f"--net {args.net!r}: {character} is not ASCII; write sizes with 0-9 joined by '-', "
                         "e.g. 2-2-1")
    try:
        network = Network.parse(args.net, activation, output, _name(args.loss, "--loss"))
    except NetworkError as error:
        stray = isinstance(activation, tuple) and "" in activation
        stray = f"; is there a stray ',' in --activation {args.activation!r}?" if stray else ""
        raise UsageError(f"{error.spelled(flag)}{stray}") from None
    if len(network.layers) > MAX_LAYERS:
        raise UsageError(f"a {len(network.layers)}-layer network is deeper than nnderive derives "
                         f"(at most {MAX_LAYERS} layers)")
    if network.n_params > MAX_PARAMS:
        raise UsageError(f"a {network.spec} network has {network.n_params:,} parameters, more than nnderive "
                         f"derives symbolically (at most {MAX_PARAMS:,}); try smaller layers")
    return network


def _name(text, option):
    """A name as typed, spaces and capitals forgiven (``--activation ' Tanh'``)."""
    name = text.strip().lower()
    if not name:
        raise UsageError(f"{option}: the name is empty (choose from: "
                         f"{', '.join(LOSS_NAMES if option == '--loss' else ACTIVATION_NAMES)})")
    return name


def add_output_options(parser):
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")


def check_output(args):
    """Before the work: the -o FILE of ``args`` can be written (see :func:`check_writable`)."""
    if args.output is not None and args.output != "-":
        check_writable(args.output, args.force)


def emit(text, path=None, force=False):
    """Print ``text``, or write it to ``path`` atomically, never over a file without ``force``."""
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    write_file(path, text.encode("utf-8"), force)


def check_writable(path, force=False):
    """Fail now, before any work, if ``path`` cannot be written (or would be overwritten without ``force``).

    Returns the directory the file is written in, or ``None`` for a device or
    a pipe (``/dev/null``, ``/dev/stdout``), which is written as it is.  A
    temporary file is made and removed in that directory, so a read-only or
    full directory is found now rather than after a long run.
    """
    if not path.strip():
        raise UsageError("the output file name is empty; give a file name")
    if os.path.isdir(path):
        raise UsageError(f"{path} is a directory; give a file name")
    if path.endswith(("/", os.sep)):
        raise UsageError(f"{path} names a directory (it ends in '/'); give a file name")
    target = os.path.realpath(path)  # through a symbolic link: the file it points to is the one replaced
    if os.path.exists(target) and not stat.S_ISREG(os.stat(target).st_mode):
        return None  # nothing there to lose, and replacing /dev/null by a file would break the system
    if os.path.exists(target) and not force:
        raise UsageError(f"{path} exists; use --force to overwrite it")
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        shown = os.path.dirname(os.path.abspath(path))
        if os.path.exists(directory):
            raise UsageError(f"cannot write {path}: {shown} is a file, not a directory")
        raise UsageError(f"cannot write {path}: directory {shown} does not exist")
    try:
        fd, probe = tempfile.mkstemp(dir=directory, prefix=".nnderive-", suffix=".tmp")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    os.close(fd)
    os.unlink(probe)
    return directory


def write_file(path, data, force=False):
    """Write bytes to ``path`` atomically: a reader sees the old file or the new one, never half.

    Without ``force`` the file is published with an operation that fails if
    the name exists (a hard link), so a file that appeared while we worked is
    never replaced.
    """
    directory = check_writable(path, force)
    if directory is None:
        _write_special(path, data)
        return
    target = os.path.realpath(path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".nnderive-", suffix=".tmp")
        try:
            write_all(fd, data)
            os.fsync(fd)  # the data is on disk before the name points to it
        finally:
            os.close(fd)
        os.chmod(tmp, _mode_for(target))  # mkstemp makes 0600; the user expects an ordinary file
        if force:
            os.replace(tmp, target)
        else:
            _publish_new(tmp, target, path, data)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        # on any failure, Ctrl-C and SIGTERM included, no temporary file is left behind
        if tmp is not None and os.path.lexists(tmp):
            os.unlink(tmp)


#: what os.link says on a file system without hard links
_NO_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOSYS, errno.EOPNOTSUPP,
             getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)}


def _publish_new(tmp, target, path, data):
    """Give the finished ``tmp`` the name ``target``, which must not exist."""
    try:
        os.link(tmp, target)
        return
    except FileExistsError:
        raise UsageError(f"{path} exists (it appeared while nnderive worked); use --force to overwrite it") from None
    except OSError as error:
        if error.errno not in _NO_LINKS:
            raise
    # no hard links here (some network and FAT file systems): create the name exclusively, then fill it
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _mode_for(target))
    except FileExistsError:
        raise UsageError(f"{path} exists (it appeared while nnderive worked); use --force to overwrite it") from None
    try:
        write_all(fd, data)
    except BaseException:
        os.close(fd)
        os.unlink(target)  # ours: we created it a moment ago
        raise
    os.close(fd)


def write_all(fd, data):
    """Write every byte of ``data`` to the file descriptor ``fd``: a short write is continued, none is an error.

    >>> read, write = os.pipe()
    >>> write_all(write, b"abc"); os.close(write)
    >>> os.read(read, 10)
    b'abc'
    """
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _write_special(path, data):
    try:
        fd = os.open(path, os.O_WRONLY)  # a device or a pipe: it exists
        try:
            write_all(fd, data)
        finally:
            os.close(fd)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None


def one_line(text):
    """``text`` with its line breaks and other control characters escaped, so it stays one line.

    >>> print(one_line("cannot read my\\nfile.csv"))
    cannot read my\\nfile.csv
    """
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def printable(text, stream=None):
    """``text`` as ``stream`` (default: standard output) can show it: what its encoding
    lacks becomes a backslash escape, as Python does for error messages.

    >>> import io
    >>> print(printable("samples from ü.csv", io.TextIOWrapper(io.BytesIO(), encoding="ascii")))
    samples from \\xfc.csv
    """
    encoding = getattr(stream if stream is not None else sys.stdout, "encoding", None) or "utf-8"
    try:
        return text.encode(encoding, "backslashreplace").decode(encoding)
    except LookupError:
        return text


def printable_line(text, stream=None):
    """:func:`printable`, and one line whatever it holds (a file name with a newline, say).

    >>> print(printable_line("samples from a\\nb.csv"))
    samples from a\\nb.csv
    """
    return printable(one_line(text), stream)


def _mode_for(path):
    """An existing file keeps its mode; a new one gets what open() would give (0666 less the umask)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def parse_number(text, what):
    """A finite decimal number, parsed strictly (never evaluated).

    >>> parse_number(" -2.5e1 ", "x1")
    -25.0
    >>> parse_number("1/2", "x1")
    Traceback (most recent call last):
    ...
    derivations.commands.common.UsageError: x1: '1/2' is not a number
    >>> parse_number("١", "x1")
    Traceback (most recent call last):
    ...
    derivations.commands.common.UsageError: x1: '١' is not a number: '١' (ARABIC-INDIC DIGIT ONE) is not ASCII (write numbers with 0-9, '.', '-', 'e')
    """
    stripped = text.strip()
    if not NUMBER.fullmatch(stripped):
        character = non_ascii(stripped)
        if character:
            raise UsageError(f"{what}: {text!r} is not a number: {character} is not ASCII "
                             "(write numbers with 0-9, '.', '-', 'e')")
        raise UsageError(f"{what}: {text!r} is not a number")
    value = float(stripped)
    if not math.isfinite(value):
        raise UsageError(f"{what}: {text!r} is too large")
    return value


def parse_numbers(text, count, what):
    """``count`` comma-separated numbers, e.g. ``--weights 1,1,1,1,1,1``.

    >>> parse_numbers("1, 0,-2", 3, "--biases")
    [1.0, 0.0, -2.0]
    >>> parse_numbers("1,1", 3, "--biases")
    Traceback (most recent call last):
    ...
    derivations.commands.common.UsageError: --biases: expected 3 numbers separated by commas, got 2
    """
    parts = text.split(",")
    if len(parts) != count:
        raise UsageError(f"{what}: expected {count} numbers separated by commas, got {len(parts)}")
    return [parse_number(p, what) for p in parts]
