// Compile a wheel's modules for Pyodide's own Python, in the pinned Pyodide (pyodide_bytecode.py).
// node pyodide_bytecode.mjs PYODIDE_DIR IN.whl OUT.whl
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, inWheel, outWheel] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + path.sep });
pyodide.FS.writeFile("/tmp/in.whl", new Uint8Array(fs.readFileSync(inWheel)));
pyodide.runPython(`
import importlib._bootstrap_external as external
import importlib.util
import pathlib
import pkgutil
import py_compile
import sys
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

# The check: import every module of the package from the new wheel with compiling from
# source forbidden. A pyc this Python cannot use (another magic number, a bad path) fails here.
class CompiledFromSource(Exception):
    pass

def refuse(self, data, path, *args, **kwargs):
    raise CompiledFromSource(path)

checked = pathlib.Path("/tmp/checked")
zipfile.ZipFile("/tmp/out.whl").extractall(checked)
sys.path.insert(0, str(checked))
external.SourceLoader.source_to_code = refuse
sys.dont_write_bytecode = True
package = pathlib.Path(next(n for n, _ in compiled)).parts[0]
imported = []
modules = [m.name for m in pkgutil.walk_packages([str(checked / package)], package + ".")]
for module in [package] + [m for m in modules if not m.endswith("__main__")]:  # that one runs
    try:
        __import__(module)
    except CompiledFromSource as exc:
        raise SystemExit(f"Pyodide compiled {exc} from source: its pyc was not used")
    except ImportError:
        continue  # needs what Pyodide's core lacks (Keras, numpy, matplotlib): never loaded there
    imported.append(module)
print(f"{len(compiled)} modules compiled, {len(imported)} imported from their pycs")
`);
fs.writeFileSync(outWheel, pyodide.FS.readFile("/tmp/out.whl"));
