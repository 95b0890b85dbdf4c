// The shape explorer (docs/tools/03-explorer.md): the form, the URL fragment, and the
// rnnshape package running in Pyodide. All the tracing is Python: rnnshape_docs.explorer
// from the package's own wheel; this script only moves text between the page and it.
// Loaded by the explorer page only; the runtime (Pyodide, ~7 MB) is fetched from the site
// itself once this script runs, never from another host.

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

let explorer = null; // the Python module, once loaded
let pyodide = null;
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

// The figure follows the table in a later task: a keystroke waits only for the trace, and
// of several keystrokes in a row only the last one's figure is drawn.
let figureTask = null;

function scheduleFigure(input, layers, width) {
  figureTask = setTimeout(() => {
    const start = performance.now();
    showFigure(explorer.figure(input, layers, width) ?? null);
    performance.measure("explorer-figure", { start, duration: performance.now() - start });
    timings.figures.push(performance.now() - start);
  }, 0);
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

function update(event) {
  if (!explorer) return;
  const start = event?.timeStamp ?? performance.now();
  // The figure's room, so a phone gets the narrow figure (undefined is None to Python).
  const width = root.clientWidth || undefined;
  const [input, layers] = [inputField.value, layersField.value];
  const data = JSON.parse(explorer.explore_json(input, layers, width, false));
  render(data);
  clearTimeout(figureTask);
  if (data.table === null) showFigure(null);
  else scheduleFigure(input, layers, width);
  history.replaceState(null, "", `#${toFragment()}`);
  const took = performance.now() - start;
  timings.traces.push(took);
  performance.measure("explorer-trace", { start, duration: took });
}

async function traceFile(file) {
  if (!explorer || !file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  pyodide.FS.writeFile("/tmp/explorer-model", bytes);
  render(JSON.parse(explorer.explore_file_json("/tmp/explorer-model", file.name)));
  clearTimeout(figureTask);
  showFigure(null); // the figure is of stacks typed in the form
}

// --- Start ----------------------------------------------------------------------------------
async function start() {
  const state = fromFragment(location.hash);
  if (state) restore(state);
  const pyodideURL = new URL(root.dataset.pyodide, here);
  const [{ loadPyodide }, wheel] = await Promise.all([
    import(new URL("pyodide.mjs", pyodideURL).href),
    // no-cache: revalidated on every visit, so a rebuilt book never runs a stale package
    fetch(new URL(root.dataset.wheel, here), { cache: "no-cache" }).then((r) => {
      if (!r.ok) throw new Error(`the package wheel: HTTP ${r.status}`);
      return r.arrayBuffer();
    }),
  ]);
  pyodide = await loadPyodide({ indexURL: pyodideURL.href, stdout: () => {}, stderr: () => {} });
  pyodide.unpackArchive(wheel, "wheel");
  explorer = pyodide.pyimport("rnnshape_docs.explorer");
  if (JSON.parse(explorer.capabilities_json()).model_files) {
    document.getElementById("explorer-file-field").hidden = false;
  }
  status.textContent = "";
  status.hidden = true;
  update();
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
  if (explorer && event.dataTransfer?.types.includes("Files")) event.preventDefault();
});
root.addEventListener("drop", (event) => {
  if (!explorer || !event.dataTransfer?.files.length) return;
  event.preventDefault();
  traceFile(event.dataTransfer.files[0]);
});
window.addEventListener("hashchange", () => {
  const state = fromFragment(location.hash);
  if (state && state.input !== undefined && explorer) {
    restore(state);
    update();
  }
});

start().catch((error) => {
  root.dataset.state = "failed";
  status.textContent = `The explorer could not start: ${error.message}. The rnnshape trace command answers the same questions in a terminal.`;
});
