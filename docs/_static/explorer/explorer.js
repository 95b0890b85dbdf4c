// The shape explorer (docs/tools/03-explorer.md): the form, the URL fragment, and the
// rnnshape package running in Pyodide. All the tracing is Python: rnnshape_docs.explorer
// from the package's own wheel, run in a worker (explorer-worker.js) so that starting it
// never blocks the page; this script only moves text between the page and it.
// Loaded by the explorer page only; the runtime (Pyodide, ~8 MB compressed) is fetched from
// the site itself once this script runs, never from another host.

const root = document.getElementById("explorer");
const form = document.getElementById("explorer-form");
const inputField = document.getElementById("explorer-input");
const layersField = document.getElementById("explorer-layers");
const examplesMenu = document.getElementById("explorer-example");
const fileField = document.getElementById("explorer-file");
const status = document.getElementById("explorer-status");
const result = document.getElementById("explorer-result");
const figure = document.getElementById("explorer-figure");
const examples = JSON.parse(root.dataset.examples || "[]");
const here = new URL(".", import.meta.url);

let shown = null; // the JSON last rendered, so an unchanged result is not re-announced
const timings = { firstTrace: null, traces: [], figures: [] };
window.__explorerTimings = timings;

// --- The URL fragment: #input=1,7,3&layer=LSTM(4%2C%20return_sequences%3DTrue)&layer=... ---
// (the same encoding as rnnshape_docs.explorer.fragment, which writes the book's links)
function encodeLayer(text) {
  return encodeURIComponent(text);
}

function encodeInput(text) {
  return encodeURIComponent(text).replace(/%2C/gi, ",");
}

function decode(value) {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // a malformed escape: show the text as it is
  }
}

function fromFragment(hash) {
  let input = null;
  const layers = [];
  for (const part of hash.replace(/^#/, "").split("&")) {
    const at = part.indexOf("=");
    if (at < 0) continue;
    const key = part.slice(0, at);
    const value = decode(part.slice(at + 1));
    if (key === "input") input = value;
    else if (key === "layer") layers.push(value);
  }
  return input === null && layers.length === 0 ? null : { input: input ?? "", layers };
}

function layerLines() {
  return layersField.value
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line);
}

function toFragment() {
  return [
    `input=${encodeInput(inputField.value.trim())}`,
    ...layerLines().map((l) => `layer=${encodeLayer(l)}`),
  ].join("&");
}

function restore(state) {
  inputField.value = state.input;
  layersField.value = state.layers.join("\n");
}

// --- Rendering what Python returned ------------------------------------------------------
function element(tag, props = {}, text = null) {
  const node = Object.assign(document.createElement(tag), props);
  if (text !== null) node.textContent = text;
  return node;
}

function render(data) {
  const key = JSON.stringify(data);
  if (key === shown) return;
  shown = key;
  const parts = [];
  if (data.table !== null) {
    const pre = element("pre", { className: "explorer-table", tabIndex: 0 }, data.table);
    pre.setAttribute("aria-label", "Trace table: layer, input, output, why");
    parts.push(pre);
  } else {
    const line = element("p", { className: "explorer-error" });
    line.append(element("span", { className: "explorer-error-line" }, data.error));
    parts.push(line);
    if (data.fix) {
      const fix = element("button", { id: "explorer-fix", type: "button" }, data.fix.label);
      fix.className = "btn explorer-fix";
      fix.addEventListener("click", () => {
        layersField.value = data.fix.layers.join("\n");
        update();
        layersField.focus();
      });
      parts.push(fix);
    }
  }
  result.replaceChildren(...parts);
}

function showFigure(source) {
  const svg = figure.querySelector(".explorer-svg");
  const data = { svg: source, layers: layerLines() };
  if (data.svg) {
    // As an image: whatever the layers' text holds, nothing in the figure can run. Its alt
    // text is the one the figure carries (parsing an SVG document runs nothing either).
    const doc = new DOMParser().parseFromString(data.svg, "image/svg+xml").documentElement;
    const img = element("img", {
      src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(data.svg)}`,
      alt:
        doc.getAttribute("aria-label") ||
        `The stack of ${data.layers.length} layers, each arrow labelled with its shape`,
    });
    svg.replaceChildren(img);
    figure.hidden = false;
  } else {
    svg.replaceChildren();
    figure.hidden = true;
  }
}

// --- The worker: the Python runs there, so the page never freezes -----------------------
const worker = new Worker(new URL("explorer-worker.js", import.meta.url), {
  type: "module",
  name: "rnnshape explorer",
});
const waiting = new Map(); // id -> the promise's resolve/reject, for each call on its way
let lastId = 0;
let started = null; // resolve/reject of start()'s promise, until the worker is ready

worker.addEventListener("message", ({ data }) => {
  if (data.ready || data.failed) {
    if (data.failed) started.reject(new Error(data.failed));
    else started.resolve(data);
    return;
  }
  const { resolve, reject } = waiting.get(data.id);
  waiting.delete(data.id);
  if ("error" in data) reject(new Error(data.error));
  else resolve(data.value);
});
worker.addEventListener("error", (event) => {
  // The worker itself failed (not a Python error, which comes back as a message): nothing
  // on its way will be answered.
  const error = new Error(event.message || "the explorer's worker stopped");
  started?.reject(error);
  for (const { reject } of waiting.values()) reject(error);
  waiting.clear();
});

function ask(message, transfer = []) {
  const id = ++lastId;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    worker.postMessage({ id, ...message }, transfer);
  });
}

const call = (name, ...args) => ask({ call: name, args });

// --- Tracing as the reader types -------------------------------------------------------------
// One trace at a time: a keystroke that comes while one is on its way waits, and of several
// waiting only the newest is traced, so a slow phone never falls behind the typing. The
// result region is aria-busy while what it shows is not yet the form's text. The figure is
// asked for after the table, and drawn only if the form has not changed meanwhile.
let ready = false;
let pending = null; // the form's text, not traced yet
let running = null; // the loop below, while it runs
let issued = 0; // counts the requests, so a model file's trace is not overwritten by an older one

function update(event) {
  if (!ready) return null;
  pending = {
    start: event?.timeStamp ?? performance.now(),
    input: inputField.value,
    layers: layersField.value,
    fragment: toFragment(),
    // The figure's room, so a phone gets the narrow figure (undefined is None to Python).
    width: root.clientWidth || undefined,
  };
  result.setAttribute("aria-busy", "true");
  running ??= traceWhatIsPending()
    .catch((error) => console.error(`rnnshape explorer: ${error.message}`))
    .finally(() => {
      running = null;
    });
  return running;
}

async function traceWhatIsPending() {
  while (pending) {
    const job = pending;
    pending = null;
    const token = ++issued;
    const data = JSON.parse(await call("explore_json", job.input, job.layers, job.width, false));
    if (token !== issued) continue; // a model file was traced meanwhile: it stays on show
    render(data);
    history.replaceState(null, "", `#${job.fragment}`);
    const took = performance.now() - job.start;
    timings.traces.push(took);
    performance.measure("explorer-trace", { start: job.start, duration: took });
    if (!pending) result.removeAttribute("aria-busy");
    if (data.table === null) {
      showFigure(null);
    } else if (!pending) {
      const start = performance.now();
      const svg = await call("figure", job.input, job.layers, job.width);
      if (!pending && token === issued) showFigure(svg);
      performance.measure("explorer-figure", { start, duration: performance.now() - start });
      timings.figures.push(performance.now() - start);
    }
  }
}

async function traceFile(file) {
  if (!ready || !file) return;
  const bytes = await file.arrayBuffer();
  pending = null; // the file replaces whatever text was waiting to be traced
  const token = ++issued;
  // Handed to the worker, this page's own thread: the file goes to no server.
  const text = await ask({ file: { bytes, name: file.name } }, [bytes]);
  if (token !== issued) return;
  render(JSON.parse(text));
  result.removeAttribute("aria-busy");
  showFigure(null); // the figure is of stacks typed in the form
}

// --- Start ----------------------------------------------------------------------------------
async function start() {
  const state = fromFragment(location.hash);
  if (state) restore(state);
  const capabilities = await new Promise((resolve, reject) => {
    started = { resolve, reject };
    worker.postMessage({
      start: {
        pyodide: new URL(root.dataset.pyodide, here).href,
        wheel: new URL(root.dataset.wheel, here).href,
      },
    });
  });
  started = null;
  ready = true;
  if (capabilities.model_files) {
    document.getElementById("explorer-file-field").hidden = false;
  }
  status.textContent = "";
  status.hidden = true;
  await update();
  timings.firstTrace = performance.now();
  performance.mark("explorer-first-trace");
  root.dataset.state = "ready";
}

function edited(event) {
  examplesMenu.value = ""; // the fields no longer hold the example the menu names
  update(event);
}

form.addEventListener("submit", (event) => event.preventDefault());
inputField.addEventListener("input", edited);
layersField.addEventListener("input", edited);
examplesMenu.addEventListener("change", () => {
  const example = examples[Number(examplesMenu.value)];
  if (!example || examplesMenu.value === "") return;
  restore(example);
  update();
});
fileField.addEventListener("change", () => traceFile(fileField.files[0]));
root.addEventListener("dragover", (event) => {
  if (ready && event.dataTransfer?.types.includes("Files")) event.preventDefault();
});
root.addEventListener("drop", (event) => {
  if (!ready || !event.dataTransfer?.files.length) return;
  event.preventDefault();
  traceFile(event.dataTransfer.files[0]);
});
window.addEventListener("hashchange", () => {
  const state = fromFragment(location.hash);
  if (state) {
    restore(state);
    update(); // before the runtime is ready, its first trace shows this state
  }
});

start().catch((error) => {
  root.dataset.state = "failed";
  status.textContent = `The explorer could not start: ${error.message}. The rnnshape trace command answers the same questions in a terminal.`;
});
