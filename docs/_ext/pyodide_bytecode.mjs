// Compile the explorer's Python for Pyodide's own Python, in the pinned Pyodide
// (pyodide_bytecode.py): the package's wheel, and the standard-library modules the explorer
// imports.
// node pyodide_bytecode.mjs PYODIDE_DIR IN.whl OUT.whl OUT_STDLIB.zip
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, inWheel, outWheel, outStdlib] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const quiet = { stdout: () => {}, stderr: (line) => console.error(line) };
let pyodide = null;

// Python's error in one line (its last: "SystemExit: ..."), for the build's message.
function run(code) {
  try {
    return pyodide.runPython(code);
  } catch (error) {
    console.error(String(error.message).trim().split("\n").pop());
    process.exit(1);
  }
}

// What the page does with the package (explorer.js): every import on these paths is one a
// reader's browser makes, so these are the standard-library modules worth compiling.
const EXERCISE = `
import json
from rnnshape_docs import explorer

explorer.capabilities_json()
explorer.explore_json("2,5,3", "LSTM(4, return_sequences=True)\\nLSTM(8)\\nDense(1)", None, False)
explorer.explore_json("2,5,3", "LSTM(4)\\nLSTM(8)", 390, False)
explorer.explore_json("2,5,3", "LSTM(", None, False)
explorer.figure("2,5,3", "LSTM(4, return_sequences=True)\\nLSTM(8)\\nDense(1)", 700)
config = {"class_name": "Sequential", "config": {"name": "m", "layers": [
    {"class_name": "InputLayer", "config": {"batch_shape": [None, 7, 3]}},
    {"class_name": "LSTM", "config": {"name": "lstm", "units": 4}},
]}}
with open("/tmp/model.json", "w") as f:
    json.dump(config, f)
explorer.explore_file_json("/tmp/model.json", "model.json")
explorer.explore_file_json("/tmp/model.json", "model.keras")  # not a zip: the error path
`;

// Every module of the package that Pyodide can import (the ones needing Keras, numpy or
// matplotlib, which its core lacks, are never loaded there).
const IMPORT_ALL = `
import pkgutil
package = "rnnshape_docs"
imported = []
modules = [m.name for m in pkgutil.walk_packages(__import__(package).__path__, package + ".")]
for module in [package] + [m for m in modules if not m.endswith("__main__")]:  # that one runs
    try:
        __import__(module)
    except ImportError:
        continue
    imported.append(module)
`;

// The modules imported from the standard library's zip (sys.path's one .zip entry); the
// frozen ones (os, codecs, ...) carry a path there too, but come compiled inside Python.
const FROM_STDLIB = `
import sys
stdlib = next(p for p in sys.path if p.endswith(".zip"))
sorted({
    m.__file__[len(stdlib) + 1:]
    for m in list(sys.modules.values())
    if (getattr(m, "__file__", None) or "").startswith(stdlib + "/")
    and getattr(m.__spec__, "origin", None) != "frozen"
})
`;

// 1. The wheel, with an unchecked-hash pyc beside each module.
pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep, ...quiet });
pyodide.FS.writeFile("/tmp/in.whl", new Uint8Array(fs.readFileSync(inWheel)));
run(`
import importlib.util
import pathlib
import py_compile
import zipfile

source = zipfile.ZipFile("/tmp/in.whl")
FIXED_TIME = source.infolist()[0].date_time  # the backend's fixed date, not the build's
unpacked = pathlib.Path("/tmp/unpacked")
source.extractall(unpacked)

# PEP 552 unchecked-hash pycs: no timestamp inside, and Python uses them without reading the
# source again (the wheel is never edited in the browser).
compiled = []
for info in source.infolist():
    if info.filename.endswith(".py"):
        py = unpacked / info.filename
        pyc = pathlib.Path(importlib.util.cache_from_source(str(py)))
        py_compile.compile(
            str(py), str(pyc), dfile=info.filename, doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        compiled.append((pyc.relative_to(unpacked).as_posix(), pyc.read_bytes()))

with zipfile.ZipFile("/tmp/out.whl", "w", zipfile.ZIP_DEFLATED) as out:
    for info in source.infolist():
        data = source.read(info)
        if info.filename.endswith(".dist-info/RECORD"):  # pycs may be listed without a hash
            data += "".join(f"{name},,\\n" for name, _ in compiled).encode()
            for name, pyc in compiled:
                out.writestr(zipfile.ZipInfo(name, FIXED_TIME), pyc, zipfile.ZIP_DEFLATED)
        out.writestr(info, data)
`);
const wheel = pyodide.FS.readFile("/tmp/out.whl");

// 2. The standard library: the modules the page imports get a pyc instead of their source
// (Pyodide ships sources only, and compiling them was most of the runtime's start); the
// other modules stay as they are, so a path not exercised here still works.
pyodide.unpackArchive(wheel, "wheel");
run(IMPORT_ALL);
run(EXERCISE);
const used = run(FROM_STDLIB).toJs();
const shippedStdlib = fs.readFileSync(path.join(pyodideDir, "python_stdlib.zip"));
pyodide.FS.writeFile("/tmp/stdlib-in.zip", new Uint8Array(shippedStdlib));
pyodide.globals.set("used", used);
run(`
import pathlib
import py_compile
import sys
import zipfile

used = set(used)
stdlib = next(p for p in sys.path if p.endswith(".zip"))  # where Pyodide mounts the zip
source = zipfile.ZipFile("/tmp/stdlib-in.zip")
work = pathlib.Path("/tmp/stdlib")
with zipfile.ZipFile("/tmp/stdlib-out.zip", "w") as out:
    for info in source.infolist():
        if info.filename not in used:
            out.writestr(info, source.read(info), info.compress_type)
            continue
        py = pathlib.Path(source.extract(info, work))
        pyc = py.with_suffix(".pyc")
        py_compile.compile(
            str(py), str(pyc), dfile=f"{stdlib}/{info.filename}", doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        name = info.filename[:-3] + ".pyc"
        out.writestr(zipfile.ZipInfo(name, info.date_time), pyc.read_bytes(), zipfile.ZIP_DEFLATED)
`);
const stdlib = pyodide.FS.readFile("/tmp/stdlib-out.zip");
fs.writeFileSync(outStdlib + ".tmp", stdlib);

// 3. The check, in a fresh Pyodide started from the new standard library: the package is
// imported and exercised with compiling from source forbidden, and every standard-library
// module it uses must have come from a pyc. A pyc this Python cannot use fails the build
// instead of silently costing the reader.
pyodide = await loadPyodide({
  indexURL: pyodideDir + path.sep,
  stdLibURL: outStdlib + ".tmp",
  ...quiet,
});
pyodide.unpackArchive(wheel, "wheel");
pyodide.globals.set("IMPORT_ALL", IMPORT_ALL);
run(`
import importlib._bootstrap_external as external
import sys

class CompiledFromSource(Exception):
    pass

def refuse(self, data, path, *args, **kwargs):
    raise CompiledFromSource(path)

external.SourceLoader.source_to_code = refuse
sys.dont_write_bytecode = True
try:
    exec(IMPORT_ALL)
except CompiledFromSource as exc:
    raise SystemExit(f"Pyodide compiled {exc} from source: its pyc was not used")
`);
run(EXERCISE);
const fromSource = run(FROM_STDLIB).toJs().filter((name) => !name.endsWith(".pyc"));
if (fromSource.length) {
  console.error(`the standard library compiled from source: ${fromSource.join(", ")}`);
  process.exit(1);
}
const imported = run("len(imported)");
fs.renameSync(outStdlib + ".tmp", outStdlib);
fs.writeFileSync(outWheel, wheel);
console.log(
  `${imported} modules of the package and ${used.length} of the standard library imported from their pycs`,
);
