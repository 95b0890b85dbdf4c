// The shape explorer's Python, in a worker: Pyodide and the rnnshape package run here, off
// the page's main thread, so starting the runtime (seconds of WebAssembly compiling and
// CPython starting, far more on a phone) never freezes the page: the reader can scroll,
// read and type while it loads. explorer.js sends the form's text; this answers with what
// rnnshape_docs.explorer returns, as text.
//
// Messages in: {start: {pyodide, wheel}} once, then {id, call, args} for a function of
// rnnshape_docs.explorer, or {id, file: {bytes, name, assume}} for a model file. Out: {ready, model_files}
// or {failed} once, then {id, value} or {id, error}.

let explorer = null;
let pyodide = null;

async function start({ pyodide: pyodideURL, wheel: wheelURL }) {
  const [{ loadPyodide }, wheel] = await Promise.all([
    import(new URL("pyodide.mjs", pyodideURL).href),
    // no-cache: revalidated on every visit, so a rebuilt book never runs a stale package
    fetch(wheelURL, { cache: "no-cache" }).then((r) => {
      if (!r.ok) throw new Error(`the package wheel: HTTP ${r.status}`);
      return r.arrayBuffer();
    }),
  ]);
  pyodide = await loadPyodide({ indexURL: pyodideURL, stdout: () => {}, stderr: () => {} });
  pyodide.unpackArchive(wheel, "wheel");
  explorer = pyodide.pyimport("rnnshape_docs.explorer");
  return JSON.parse(explorer.capabilities_json());
}

function answer({ call, args, file }) {
  if (file) {
    // The reader's file, copied into Pyodide's in-memory file system: it leaves no machine.
    pyodide.FS.writeFile("/tmp/explorer-model", new Uint8Array(file.bytes));
    return explorer.explore_file_json("/tmp/explorer-model", file.name, file.assume ?? "");
  }
  const value = explorer[call](...args);
  return value === undefined ? null : value; // None: no figure
}

// Messages are answered in the order they come, each in full before the next (the page
// sends no call before "ready", and one at a time).
self.addEventListener("message", async ({ data }) => {
  if (data.start) {
    try {
      self.postMessage({ ready: true, ...(await start(data.start)) });
    } catch (error) {
      self.postMessage({ failed: error.message });
    }
    return;
  }
  try {
    self.postMessage({ id: data.id, value: answer(data) });
  } catch (error) {
    self.postMessage({ id: data.id, error: error.message });
  }
});
