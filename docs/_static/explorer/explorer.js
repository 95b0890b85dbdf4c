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
const codeField = document.getElementById("explorer-code");
const shapesField = document.getElementById("explorer-shapes");
const messageField = document.getElementById("explorer-message");
const errorCodeField = document.getElementById("explorer-error-code");
const modeButtons = [...form.querySelectorAll('input[name="explorer-mode"]')];
const MODES = ["stack", "code", "error"];
let mode = "stack"; // what the reader has: a stack of layers, a program, or an error message
const examples = JSON.parse(root.dataset.examples || "[]");
const here = new URL(".", import.meta.url);

let shown = null; // the JSON last rendered, so an unchanged result is not re-announced
// Code mode: the output shapes the reader stated for layers rnnshape cannot know (a custom
// class, a Lambda), "NAME=SHAPE" each, as `rnnshape check --assume`; in the fragment as
// &assume=NAME%3DSHAPE, once per output, in order.
let assumed = [];
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

// #code=<program>&shape=X%3D1000,24,3 opens the code mode, #error=<message> the error mode
// (design.md, "The explorer: code and error modes").
function fromFragment(hash) {
  let input = null;
  let code = null;
  let message = null;
  const layers = [];
  const shapes = [];
  const assume = [];
  for (const part of hash.replace(/^#/, "").split("&")) {
    const at = part.indexOf("=");
    if (at < 0) continue;
    const key = part.slice(0, at);
    const value = decode(part.slice(at + 1));
    if (key === "input") input = value;
    else if (key === "layer") layers.push(value);
    else if (key === "code") code = value;
    else if (key === "codez") code = { compressed: part.slice(at + 1) };
    else if (key === "shape") shapes.push(value);
    else if (key === "assume") assume.push(value);
    else if (key === "error") message = value;
  }
  // #error=<message>&code=<program>: the error mode, with the program that raised it.
  if (message !== null) return { mode: "error", message, code: code ?? "" };
  if (code !== null) return { mode: "code", code, shapes: shapes.join(" "), assume };
  return input === null && layers.length === 0
    ? null
    : { mode: "stack", input: input ?? "", layers };
}

function layerLines() {
  return layersField.value
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line);
}

// A long program goes into the link compressed: #codez=<deflate-raw, base64url>, the same
// encoding as rnnshape_docs.explorer.code_fragment. Both are read; the short form is written
// for programs a reader can still read in the address bar.
const LONG_PROGRAM = 1500;

function toBase64url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function deflate(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  return toBase64url(new Uint8Array(await new Response(stream).arrayBuffer()));
}

async function inflate(encoded) {
  const binary = atob(encoded.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Response(stream).text();
}

// A state whose program came compressed, with the program read out (or a note that it
// could not be: a link cut short).
async function expand(state) {
  if (state && typeof state.code === "object") {
    try {
      state.code = await inflate(state.code.compressed);
    } catch {
      state.code = "# This link's program could not be read (was the link cut short?)";
    }
  }
  return state;
}

function toFragment() {
  if (mode === "code") {
    return [
      `code=${encodeLayer(codeField.value)}`,
      ...shapesField.value
        .split(/[\s;]+/)
        .filter((s) => s)
        .map((s) => `shape=${encodeInput(s)}`),
      ...assumed.map((a) => `assume=${encodeInput(a)}`),
    ].join("&");
  }
  if (mode === "error") return errorFragment(messageField.value, errorCodeField.value);
  return [
    `input=${encodeInput(inputField.value.trim())}`,
    ...layerLines().map((l) => `layer=${encodeLayer(l)}`),
  ].join("&");
}

function restore(state) {
  setMode(state.mode ?? "stack");
  if (state.mode === "code") {
    codeField.value = state.code;
    shapesField.value = state.shapes ?? "";
    assumed = state.assume ?? [];
  } else if (state.mode === "error") {
    messageField.value = state.message;
    errorCodeField.value = state.code ?? "";
  } else {
    inputField.value = state.input;
    layersField.value = state.layers.join("\n");
  }
}

function setMode(next) {
  mode = MODES.includes(next) ? next : "stack";
  for (const button of modeButtons) button.checked = button.value === mode;
  for (const name of MODES) {
    document.getElementById(`explorer-${name}-mode`).hidden = name !== mode;
  }
  result.setAttribute("aria-label", { stack: "Trace", code: "Check", error: "Explanation" }[mode]);
  if (mode !== "stack") showFigure(null);
  shown = null; // what the region shows belongs to the mode it was made in
}

// --- Rendering what Python returned ------------------------------------------------------
function element(tag, props = {}, text = null) {
  const node = Object.assign(document.createElement(tag), props);
  if (text !== null) node.textContent = text;
  return node;
}

function traceTable(data) {
  const table = element("table", { className: "rnnshape-table table explorer-rows" });
  const label = Math.max(...data.columns.map((c) => c.length));
  table.style.setProperty("--rnnshape-label", `${label}ch`);
  const head = element("tr");
  for (const column of data.columns) {
    head.append(element("th", { scope: "col" }, column));
  }
  const body = element("tbody");
  for (const row of data.rows) {
    const tr = element("tr");
    row.forEach((cell, i) => {
      const td = element("td");
      td.dataset.label = data.columns[i];
      if (data.columns[i] === "why") td.textContent = cell;
      else td.append(element("code", {}, cell));
      tr.append(td);
    });
    body.append(tr);
  }
  table.append(element("thead"), body);
  table.tHead.append(head);
  const wrap = element("div", { className: "explorer-trace" });
  wrap.append(table, element("p", { className: "explorer-totals" }, data.totals));
  return wrap;
}

function render(data) {
  const key = JSON.stringify(data);
  if (key === shown) return;
  shown = key;
  const parts = [];
  if (data.table !== null && data.rows) {
    // The trace as a table (one card per row on a phone, rnnshape.css), built from text
    // cells with textContent; the command's own text below it, folded.
    parts.push(traceTable(data));
    const pre = element("pre", { className: "explorer-table", tabIndex: 0 }, data.table);
    pre.setAttribute("aria-label", "Trace as rnnshape trace prints it");
    const folded = element("details", { className: "explorer-text" });
    folded.append(element("summary", {}, "As the rnnshape command prints it"), pre);
    parts.push(folded);
  } else if (data.table !== null) {
    // A model file: the command's text, as it prints it
    const pre = element("pre", { className: "explorer-table", tabIndex: 0 }, data.table);
    pre.setAttribute("aria-label", "Trace table: name, layer, input, output, params, why");
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

// Code mode: what `rnnshape check` prints, each finding an element with data-line, a button
// that applies its fix to the program, and the program listed with each finding's line marked.
function renderCode(data, code) {
  const key = JSON.stringify([data, assumed]); // the stated shapes are listed too
  if (key === shown) return;
  shown = key;
  if (data.error !== null) {
    const line = element("p", { className: "explorer-error" });
    line.append(element("span", { className: "explorer-error-line" }, data.error));
    result.replaceChildren(line, ...statedList(assumed, [], stateForCode));
    return;
  }
  const parts = [];
  if (data.models) {
    const pre = element("pre", { className: "explorer-table", tabIndex: 0 }, data.models);
    pre.setAttribute("aria-label", "The models the program builds, layer by layer");
    parts.push(pre);
  }
  const marked = new Map(); // line -> the worst severity found there
  const list = element("ol", { className: "explorer-findings" });
  list.setAttribute("aria-label", "Findings");
  if (data.findings.length === 0) {
    parts.push(element("p", { className: "explorer-ok" }, data.summary));
  }
  for (const finding of data.findings) {
    const item = element("li", { className: `explorer-finding explorer-${finding.severity}` });
    item.dataset.line = String(finding.line);
    item.dataset.severity = finding.severity;
    const goto = element("button", { type: "button", className: "btn explorer-goto" });
    goto.textContent = `line ${finding.line}`;
    goto.setAttribute("aria-label", `Show line ${finding.line} in the program`);
    goto.addEventListener("click", () => showLine(finding.line, code));
    item.append(goto, " ");
    item.append(element("strong", {}, `${finding.severity} ${finding.code}: `));
    item.append(element("span", { className: "explorer-message" }, finding.message));
    if (finding.fix) {
      const fix = element("p", { className: "explorer-fix-text" });
      fix.append("Fix: ", element("code", {}, finding.fix));
      item.append(fix);
    }
    if (finding.fixed !== null) {
      const apply = element("button", { type: "button", className: "btn explorer-fix" });
      apply.textContent = `Apply this fix to line ${finding.fix_line ?? finding.line}`;
      apply.addEventListener("click", () => {
        codeField.value = finding.fixed;
        update();
        codeField.focus();
      });
      item.append(apply);
    }
    list.append(item);
    const worst = marked.get(finding.line);
    if (worst !== "error") marked.set(finding.line, finding.severity);
  }
  if (data.findings.length) parts.push(list);
  for (const name of data.assumable ?? []) parts.push(assumeField(name, assumed, stateForCode));
  parts.push(...statedList(assumed, data.unused ?? [], stateForCode));
  // The program, numbered, with a mark in the gutter of each line a finding names.
  const listing = element("pre", { className: "explorer-listing", tabIndex: 0 });
  listing.setAttribute("aria-label", "The program, with the lines the findings name marked");
  code.split("\n").forEach((text, k) => {
    const number = k + 1;
    const row = element("span", { className: "explorer-line" });
    row.dataset.number = String(number);
    const severity = marked.get(number);
    if (severity) row.classList.add("explorer-marked", `explorer-marked-${severity}`);
    const gutter = element("span", { className: "explorer-gutter" }, severity ? "▶" : " ");
    gutter.setAttribute("aria-hidden", "true");
    row.append(gutter, `${String(number).padStart(3)}  ${text}\n`);
    listing.append(row);
  });
  parts.push(listing);
  result.replaceChildren(...parts);
}

// Where the trace stops at a layer rnnshape cannot know: a field to state its output shape
// (batch first; several outputs separated by ";"), then the trace goes on from it.
// ``state(list)`` takes the new list of stated shapes ("NAME=SHAPE" each) and traces again.
function assumeField(name, stated, state) {
  const form = element("p", { className: "explorer-assume" });
  form.dataset.layer = name;
  const input = element("input", { type: "text", className: "explorer-assume-shape" });
  input.placeholder = "None,8";
  input.setAttribute("aria-label", `The output shape of ${name}, batch first`);
  const label = element("label", {}, `State the output shape of ${name} (batch first): `);
  label.append(input);
  const apply = element("button", { type: "button", className: "btn explorer-assume-apply" });
  apply.textContent = `Trace on from ${name}`;
  const go = () => {
    const shapes = input.value.split(";").map((s) => s.trim().replace(/\s+/g, ""));
    if (!shapes.some((s) => s)) return;
    state([
      ...stated.filter((a) => !a.startsWith(`${name}=`)),
      ...shapes.filter((s) => s).map((s) => `${name}=${s}`),
    ]);
  };
  apply.addEventListener("click", go);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      go();
    }
  });
  form.append(label, " ", apply);
  return form;
}

// The shapes the reader stated, one item per layer, each with a button that takes it back
// (a wrong shape is stated again from the field that then returns). ``unused``: the layers
// the code no longer makes (renamed or deleted): said so, and left out of the check.
function statedList(stated, unused, state) {
  const names = [...new Set(stated.map((a) => a.slice(0, a.indexOf("="))))];
  if (!names.length) return [];
  const list = element("ul", { className: "explorer-stated" });
  list.setAttribute("aria-label", "Output shapes you stated");
  for (const name of names) {
    const shapes = stated
      .filter((a) => a.startsWith(`${name}=`))
      .map((a) => a.slice(name.length + 1));
    const item = element("li", { className: "explorer-stated-layer" });
    item.dataset.layer = name;
    item.append(`${name}: `, element("code", {}, shapes.join("; ")));
    if (unused.includes(name)) {
      item.dataset.unused = "";
      item.append(
        " ",
        element("strong", {}, "unused:"),
        ` the program makes no layer named ${name}; the check goes on without it.`,
      );
    }
    const remove = element("button", { type: "button", className: "btn explorer-unstate" });
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove the shape stated for ${name}`);
    remove.addEventListener("click", () => state(stated.filter((a) => !a.startsWith(`${name}=`))));
    item.append(" ", remove);
    list.append(item);
  }
  return [list];
}

// Code mode's stated shapes live in `assumed` (and in the fragment).
function stateForCode(list) {
  assumed = list;
  update();
}

// Selecting a finding: its line is scrolled into view in the listing and selected in the
// program's field, where the reader edits it.
function showLine(number, code) {
  const row = result.querySelector(`.explorer-line[data-number="${number}"]`);
  result.querySelectorAll(".explorer-current").forEach((r) => r.classList.remove("explorer-current"));
  if (row) {
    row.classList.add("explorer-current");
    row.scrollIntoView({ block: "nearest" });
  }
  const lines = code.split("\n");
  const start = lines.slice(0, number - 1).reduce((n, l) => n + l.length + 1, 0);
  codeField.focus();
  codeField.setSelectionRange(start, start + (lines[number - 1] ?? "").length);
}

// Error mode: what `rnnshape explain` prints, and the link into the gallery.
function renderExplanation(data, code = "") {
  const key = JSON.stringify([data, code]);
  if (key === shown) return;
  shown = key;
  const parts = [];
  if (data.text !== null) {
    const pre = element(
      "pre",
      { className: "explorer-table explorer-explanation", tabIndex: 0 },
      data.text,
    );
    pre.setAttribute("aria-label", "What the message means, and the fix");
    parts.push(pre);
  } else {
    const line = element("p", { className: "explorer-error" });
    line.append(element("span", { className: "explorer-error-line" }, data.error));
    parts.push(line);
  }
  if (data.page) {
    // The gallery's pages sit beside this one's folder (tools/): relative to the book's root.
    const link = element("a", { className: "explorer-gallery-link", href: `../${data.page}` });
    link.textContent =
      data.text !== null ? "The error gallery's section on this message" : "The error gallery";
    const p = element("p");
    p.append(link);
    parts.push(p);
  }
  if (code.trim()) parts.push(traceThisModel(code));
  result.replaceChildren(...parts);
}

// --- Error mode with the program too: "Trace this model" -----------------------------------
// The fragment carries both (#error=<message>&code=<program>); the button opens the program in
// the code mode, where its models are traced and checked.
function errorFragment(message, code) {
  const link = `error=${encodeLayer(message)}`;
  return code.trim() ? `${link}&code=${encodeLayer(code)}` : link;
}

function traceThisModel(code) {
  const button = element("button", { type: "button", id: "explorer-trace-code" });
  button.className = "btn explorer-fix";
  button.textContent = "Trace this model";
  button.setAttribute("aria-describedby", "explorer-error-code-help");
  button.addEventListener("click", () => {
    setMode("code");
    codeField.value = code;
    shapesField.value = "";
    update();
    codeField.focus();
  });
  return button;
}

// The link written for a job: a long program goes compressed (codez=, see LONG_PROGRAM).
async function shortLink(job) {
  const program = job.mode === "code" ? job.code : job.mode === "error" ? job.errorCode : "";
  if (program.length <= LONG_PROGRAM) return job.fragment;
  const parts = job.fragment.split("&").filter((p) => !p.startsWith("code="));
  return [`codez=${await deflate(program)}`, ...parts].join("&");
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
// Started from a blob: URL that only imports explorer-worker.js from the site: a worker from
// a blob: URL runs under this page's Content-Security-Policy (explorer_csp.py), one from an
// http(s) URL under its own response's headers, which a static host cannot set. So the
// worker, where the reader's text goes, may connect to the site's own origin only.
function startWorker() {
  const script = new URL("explorer-worker.js", import.meta.url).href;
  const source = new Blob([`import ${JSON.stringify(script)};\n`], { type: "text/javascript" });
  return new Worker(URL.createObjectURL(source), { type: "module", name: "rnnshape explorer" });
}

const worker = startWorker();
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
    mode,
    code: codeField.value,
    shapes: shapesField.value,
    assume: assumed.join(" "),
    message: messageField.value,
    errorCode: errorCodeField.value,
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
    if (job.mode !== "stack") {
      const data =
        job.mode === "code"
          ? JSON.parse(await call("check_code_json", job.code, job.shapes, job.assume))
          : JSON.parse(await call("explain_json", job.message));
      if (token !== issued || job.mode !== mode) continue;
      if (job.mode === "code") renderCode(data, job.code);
      else renderExplanation(data, job.errorCode);
      history.replaceState(null, "", `#${await shortLink(job)}`);
      timings.traces.push(performance.now() - job.start);
      if (!pending) result.removeAttribute("aria-busy");
      continue;
    }
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

// A model file the reader dropped or chose is kept in this page only (a link cannot carry a
// file): its name, its bytes, and the output shapes stated for its layers (--assume).
async function traceFile(file) {
  if (!ready || !file) return;
  await traceModelFile({ name: file.name, bytes: await file.arrayBuffer(), assume: [] });
}

// The model file traced (again, when the reader states a shape for it or takes one back).
async function traceModelFile(job) {
  pending = null; // the file replaces whatever text was waiting to be traced
  const token = ++issued;
  result.setAttribute("aria-busy", "true");
  // A copy handed to the worker, this page's own thread: the file goes to no server.
  const bytes = job.bytes.slice(0);
  const file = { bytes, name: job.name, assume: job.assume.join(" ") };
  const text = await ask({ file }, [bytes]);
  if (token !== issued) return;
  const data = JSON.parse(text);
  shown = null;
  render(data);
  const state = (list) => {
    job.assume = list;
    traceModelFile(job);
  };
  result.append(
    ...(data.assumable ?? []).map((name) => assumeField(name, job.assume, state)),
    ...statedList(job.assume, [], state),
    fileNote(data.command),
  );
  result.removeAttribute("aria-busy");
  showFigure(null); // the figure is of stacks typed in the form
}

// What a link can and cannot keep of a model file, and the same trace in a terminal.
function fileNote(command) {
  const note = element("p", { className: "explorer-file-note" });
  note.append(
    "Read in this page from your file. A link cannot carry a file, so this address does not " +
      "keep this trace; in a terminal, the same: ",
    element("code", { className: "explorer-command" }, command),
  );
  return note;
}

// --- Start ----------------------------------------------------------------------------------
async function start() {
  const state = await expand(fromFragment(location.hash));
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
codeField.addEventListener("input", update);
shapesField.addEventListener("input", update);
messageField.addEventListener("input", update);
errorCodeField.addEventListener("input", update);
for (const button of modeButtons) {
  button.addEventListener("change", () => {
    if (!button.checked) return;
    setMode(button.value);
    update();
  });
}
root.addEventListener("dragover", (event) => {
  if (ready && event.dataTransfer?.types.includes("Files")) event.preventDefault();
});
root.addEventListener("drop", (event) => {
  if (!ready || !event.dataTransfer?.files.length) return;
  event.preventDefault();
  const file = event.dataTransfer.files[0];
  if (/\.(py|ipynb)$/i.test(file.name)) {
    // A program: its text goes into the code field (read here, never uploaded, never run).
    setMode("code");
    file.text().then((text) => {
      codeField.value = text;
      update();
    });
    return;
  }
  traceFile(file);
});
window.addEventListener("hashchange", async () => {
  const state = await expand(fromFragment(location.hash));
  if (state) {
    restore(state);
    update(); // before the runtime is ready, its first trace shows this state
  }
});

start().catch((error) => {
  root.dataset.state = "failed";
  status.textContent = `The explorer could not start: ${error.message}. The rnnshape trace command answers the same questions in a terminal.`;
});
