"""The ``rnnshape`` command (also ``python -m rnnshape_docs``).

``rnnshape trace --input 2,5,3 "LSTM(4, return_sequences=True)" "LSTM(8)" "Dense(1)"``
prints one row per layer; ``rnnshape trace model.keras`` one row per layer call of a saved
model (read as data, never run); ``--json`` prints one JSON object; ``--keras`` also builds the
real model and compares. Exit status: 0 success, 1 the rules and Keras disagree, 2 bad
input (one line on stderr, never a traceback).

Tracing imports nothing heavy: Keras is imported only for ``--keras``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from collections.abc import Sequence

from rnnshape_docs.shapes import ShapeError, Trace, parse_shape, resolve_input, trace
from rnnshape_docs.specs import SpecError
from rnnshape_docs.tables import terminal_width

PROG = "rnnshape"
EXIT_OK, EXIT_DISAGREE, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """Bad command-line input: reported as one line on stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (no usage block) and exit 2."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; each subcommand sets ``func(args) -> exit status``.

    A new subcommand is one ``add_<name>_command(commands)`` function called here; it can
    reuse `add_stack_arguments` and `stack_from_args` for --input and the layers.
    """
    parser = _Parser(
        prog=PROG,
        description="What shape comes out of each layer of a Keras stack, and why.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    add_trace_command(commands)
    add_check_command(commands)
    add_explain_command(commands)
    add_draw_command(commands)
    return parser


@functools.cache
def _parser() -> argparse.ArgumentParser:
    # One parser per process: the shape explorer calls main() on every keystroke, and
    # building the parser was most of that call (parse_args keeps no state between calls).
    return build_parser()


def add_stack_arguments(parser: argparse.ArgumentParser, *, model_files: bool = False) -> None:
    """--input and the layers: shared by every subcommand that reads a stack.

    With ``model_files``, the one argument may instead be a model file (then no --input).
    """
    parser.add_argument(
        "--input",
        metavar="SHAPE",
        help="the full input shape including the batch, comma-separated, None for unknown: "
        "2,5,3 or None,None,1; optional when the first layer declares it (input_shape=...)"
        + (" (not for a model file: it has its inputs)" * model_files),
    )
    parser.add_argument(
        "layers",
        nargs="+",
        metavar="LAYER" if not model_files else "LAYER|MODEL",
        help='one layer in Keras constructor syntax, e.g. "LSTM(4, return_sequences=True)"'
        + (", or one model file: model.keras or model.json" * model_files),
    )


def stack_from_args(args: argparse.Namespace) -> Trace:
    """Parse --input and the layers and trace them (raises ShapeError on bad input)."""
    return trace(args.layers, _input(args))


def _input(args: argparse.Namespace):
    """--input, or None when the first layer declares the input (trace checks which)."""
    return parse_shape(args.input) if args.input is not None else None


def add_trace_command(commands) -> None:
    sub = commands.add_parser(
        "trace",
        help="print the shape after each layer (of a stack or a saved model), with the reason",
        description="Print the input and output shape(s) of each layer and why: for a stack "
        "of layers given with --input, or for a saved model (rnnshape trace model.keras, or "
        "the JSON of model.to_json()), read as data and never run.",
    )
    add_stack_arguments(sub, model_files=True)
    sub.add_argument(
        "--batch",
        type=int,
        metavar="N",
        help="for a model file: the batch size to use where the model has None",
    )
    sub.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar="NAME=SHAPE",
        help="for a model file: the output shape of a layer rnnshape cannot know (a custom "
        "class, a Lambda), batch first, e.g. scale=None,8; repeat once per output, in order",
    )
    sub.add_argument("--json", action="store_true", help="print one JSON object instead")
    sub.add_argument(
        "--keras",
        action="store_true",
        help="also build the real Keras model and compare shapes (slow: imports TensorFlow); "
        "exit 1 if they disagree",
    )
    sub.set_defaults(func=run_trace)


def run_trace(args: argparse.Namespace) -> int:
    if _model_file(args):
        from rnnshape_docs.model_files import trace_file

        if args.keras:
            raise UsageError(
                "--keras compares a stack given with --input; for a model file, use "
                "rnnshape_docs.keras_models.check_model(keras.saving.load_model(path)) in Python"
            )
        model = trace_file(args.layers[0], batch=args.batch, assume=assumed(args.assume))
        print(json.dumps(model.to_json()) if args.json else model.table().text(terminal_width()))
        return EXIT_OK
    if args.batch is not None:
        raise UsageError("--batch is for a model file; with --input, write the batch size there")
    if args.assume:
        raise UsageError(
            "--assume is for a model file (or rnnshape check); a stack given with --input "
            "holds only layers rnnshape knows"
        )
    if args.keras:
        return _run_keras(args)
    result = stack_from_args(args)
    print(json.dumps(result.to_json()) if args.json else result.table().text(terminal_width()))
    return EXIT_OK


def _run_keras(args: argparse.Namespace) -> int:
    shape = resolve_input(args.layers, _input(args))
    try:
        predicted = trace(args.layers, shape)
    except ShapeError as refused:
        predicted, refusal = None, refused
    keras_models = _import_keras_models()
    if predicted is None:
        try:
            keras_says = keras_models.keras_error(args.layers, shape)
        except SpecError:  # a layer text rnnshape cannot read: nothing to ask Keras
            raise refusal from None
        if keras_says is None:
            raise _Disagreement(
                f"the rules refuse this stack but Keras builds it (a bug in rnnshape): {refusal}"
            )
        if keras_says.index != refusal.index:
            raise _Disagreement(
                f"the rules and Keras refuse this stack at different layers (a bug in "
                f"rnnshape): {refusal} [Keras refuses {keras_says}]"
            )
        raise ShapeError(f"{refusal} [Keras refuses too, {keras_says}]")
    try:
        comparison = keras_models.compare(args.layers, shape)
    except ShapeError:
        raise
    except Exception as exc:  # noqa: BLE001 (any Keras refusal)
        message = f"{type(exc).__name__}: {exc}".splitlines()[0]
        raise _Disagreement(
            f"the rules accept this stack but Keras refuses it (a bug in rnnshape): {message}"
        ) from None
    if args.json:
        data = predicted.to_json()
        data["keras"] = {
            "outputs": [[list(s) for s in shapes] for shapes in comparison.measured],
            "agrees": comparison.agrees,
        }
        print(json.dumps(data))
    else:
        print(comparison)
    if not comparison.agrees:
        print(f"{PROG}: the rules and Keras disagree (a bug in rnnshape)", file=sys.stderr)
        return EXIT_DISAGREE
    return EXIT_OK


def add_check_command(commands) -> None:
    sub = commands.add_parser(
        "check",
        help="read a Keras program (never run it): data, model, targets and loss against "
        "each other, each finding with its line and fix",
        description="Read a Python program or notebook that uses Keras, without running it, "
        "and report where the data, the model, the targets and the loss disagree on shapes: "
        "the line, what clashes with what, and the edit that fixes it. Exit status: 0 no "
        "error, 1 an error found, 2 the input cannot be read.",
    )
    sub.add_argument(
        "program", metavar="PROGRAM", help="a .py file, a .ipynb notebook, or - for stdin"
    )
    sub.add_argument(
        "--shape",
        action="append",
        default=[],
        metavar="NAME=SHAPE",
        help="a size the code cannot show, e.g. X=1000,24,3 (repeat for each array)",
    )
    sub.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar="NAME=SHAPE",
        help="the output shape of a layer rnnshape cannot know (a custom class, a Lambda), "
        "batch first, e.g. scale=None,8; repeat once per output, in order",
    )
    sub.add_argument("--json", action="store_true", help="print one JSON object instead")
    sub.set_defaults(func=run_check)


def assumed(pairs: Sequence[str]) -> dict[str, list[tuple]]:
    """--assume NAME=SHAPE, repeated once per output of the layer, in order: name -> shapes.

    >>> assumed(["scale=None,8", "pair=None,4", "pair=None,2"])
    {'scale': [(None, 8)], 'pair': [(None, 4), (None, 2)]}
    """
    stated: dict[str, list[tuple]] = {}
    for pair in pairs:
        name, sep, shape = pair.partition("=")
        name = name.strip()
        if not sep or not name or not shape.strip():
            raise UsageError(
                f"--assume {pair!r}: write NAME=SHAPE, the layer's name and its output shape "
                "batch first, e.g. --assume scale=None,8"
            )
        try:
            stated.setdefault(name, []).append(parse_shape(shape))
        except ShapeError as exc:
            raise UsageError(
                f"--assume {pair!r}: {exc}; write NAME=SHAPE, e.g. --assume scale=None,8"
            ) from None
    return stated


def _stated_shapes(pairs: Sequence[str]) -> dict[str, tuple]:
    shapes = {}
    for pair in pairs:
        name, sep, shape = pair.partition("=")
        if not sep or not name.strip().isidentifier():
            raise UsageError(f"--shape {pair!r}: write NAME=SHAPE, e.g. --shape X=1000,24,3")
        try:
            shapes[name.strip()] = parse_shape(shape)
        except ShapeError as exc:
            raise UsageError(f"--shape {pair!r}: {exc}") from None
    return shapes


def run_check(args: argparse.Namespace) -> int:
    from rnnshape_docs.program import check_program

    shapes = _stated_shapes(args.shape)
    assume = assumed(args.assume)
    if args.program == "-":
        data, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        name = args.program
        try:
            with open(name, "rb") as f:
                data = f.read(64 * 2**20 + 1)
        except OSError as exc:
            raise UsageError(f"{name}: cannot read the file ({exc.strerror or exc})") from None
    result = check_program(data, shapes=shapes, filename=name, assume=assume)
    # A finding per line for a pipe (design.md's contract); wrapped for a terminal, or when
    # COLUMNS says how wide the reader's screen is.
    wrap = sys.stdout.isatty() or "COLUMNS" in os.environ
    print(json.dumps(result.to_json()) if args.json else result.text(terminal_width(), wrap=wrap))
    return result.exit_status


def add_explain_command(commands) -> None:
    sub = commands.add_parser(
        "explain",
        help="what a Keras shape error message means, the fix, and the book's section on it",
        description="Read a Keras error message (or a whole traceback): which layer, what it "
        "expected and what it got, what those shapes mean, the fix, and the section of the "
        "book's error gallery that shows the case. Exit status: 0 recognised, 1 not a "
        "message rnnshape knows, 2 unreadable input.",
    )
    sub.add_argument("message", metavar="MESSAGE", help="the message, or - to read it from stdin")
    sub.add_argument("--json", action="store_true", help="print one JSON object instead")
    sub.set_defaults(func=run_explain)


def run_explain(args: argparse.Namespace) -> int:
    from rnnshape_docs.explain import explain

    if args.message == "-":
        data = sys.stdin.buffer.read(4 * 2**20)
        try:
            message = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError("the message on stdin is not UTF-8 text") from None
    else:
        message = args.message
    found = explain(message)
    if found is None:
        print(
            f"{PROG}: not a message rnnshape knows; the book's error gallery lists the ones it "
            "explains (tools/02-error-gallery.html)",
            file=sys.stderr,
        )
        return EXIT_DISAGREE
    print(json.dumps(found.to_json()) if args.json else found)
    return EXIT_OK


def add_draw_command(commands) -> None:
    sub = commands.add_parser(
        "draw",
        help="draw the stack (or its first RNN unrolled) to an SVG or PNG file",
        description="Draw the stack of layers, each edge labelled with its shape, or its first "
        "SimpleRNN/LSTM/GRU layer unrolled in time; SVG or PNG by the suffix of -o.",
    )
    add_stack_arguments(sub)
    sub.add_argument(
        "--kind", choices=("stack", "unrolled"), default="stack", help="which figure (stack)"
    )
    sub.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="the file to write: .svg or .png"
    )
    sub.set_defaults(func=run_draw)


def run_draw(args: argparse.Namespace) -> int:
    from rnnshape_docs import diagrams  # matplotlib is imported only to draw

    print(diagrams.write_figure(stack_from_args(args), args.kind, args.output))
    return EXIT_OK


def _model_file(args: argparse.Namespace) -> bool:
    """Whether the one argument is a model file (a path ending .keras/.json, or a file)."""
    from rnnshape_docs.model_files import is_model_file

    if len(args.layers) != 1 or not is_model_file(args.layers[0]):
        return False
    if args.input is not None:
        raise UsageError(
            f"{args.layers[0]} is a model file, which has its own inputs: drop --input "
            "(use --batch N to set an unknown batch size)"
        )
    return True


class _Disagreement(Exception):
    """Rules and Keras disagree: exit status 1."""


def _import_keras_models():
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from rnnshape_docs import keras_models
    except ImportError as exc:
        raise UsageError(
            f"--keras needs Keras and TensorFlow ({exc}); install them with "
            "pip install 'rnnshape-docs[keras]'"
        ) from None
    return keras_models


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit status (never raises, never prints a traceback)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        return args.func(args)
    except (UsageError, ShapeError, ValueError) as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except _Disagreement as exc:
        print(f"{PROG}: {_one_line(exc)}", file=sys.stderr)
        return EXIT_DISAGREE
    except SystemExit as exc:  # --help and friends
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into head: the reader has what it wanted
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (so the exit flush is quiet too)
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 (the contract: never a traceback)
        print(f"{PROG}: internal error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return EXIT_INTERNAL


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


if __name__ == "__main__":
    sys.exit(main())
