// The "try it" panel: sends what the reader types to a Web Worker (worker.js beside this file), which runs the
// model, and draws each step it sends back. The page never waits on the model, so typing never freezes.
// This script runs from the top of the page's <head> (async), before the page's styles and body: it starts the
// worker at once, so that the model loads while the page is still arriving, and wires the panel once it exists.
(() => {
  "use strict";
  const script = document.currentScript;
  const pageReady = new Promise((resolve) => {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", resolve, { once: true });
    else resolve();
  });

  // Browsers load module workers, WebAssembly and model files only over http(s), never from file://.
  const served = location.protocol !== "file:";
  /** Messages and errors from the worker that arrive before the panel is wired (handled in order once it is). */
  const early = [];
  let worker;
  if (served && script?.dataset.model) {
    const url = new URL("worker.js", script.src);
    url.searchParams.set("model", script.dataset.model);
    url.searchParams.set("dtype", script.dataset.dtype);
    worker = new Worker(url, { type: "module" });
    worker.onmessage = (event) => early.push(event);
    worker.onerror = (event) => early.push(event);
  }

  pageReady.then(() => {
    const panel = document.querySelector(".try-it[data-model]");
    if (!panel) return;
    const input = panel.querySelector("input");
    const status = panel.querySelector(".try-it-status");
    const steps = panel.querySelector(".try-it-steps");

    /** Shows a line of text, with an optional command in <code>, in the status line. */
    function say(text, command) {
      status.textContent = text;
      if (command) {
        const code = document.createElement("code");
        code.textContent = command;
        status.append(" ", code);
      }
    }

    if (!served) {
      panel.classList.add("needs-server");
      say("This panel runs the model in your browser, which needs the site served over http. In the project folder, run",
        panel.dataset.serve);
      status.append(" and open the address it prints.");
      return;
    }
    if (!worker) return;

    const labelsOf = { names: [], multiLabel: false };
    let sent = 0;
    let timer;
    let firstShown = false;
    const onError = (event) => say(`The worker could not start: ${event.message || "see the browser console"}.`);
    const onMessage = ({ data }) => {
      if (data.type === "ready") {
        labelsOf.names = data.labels;
        labelsOf.multiLabel = data.multiLabel;
        panel.dataset.loadMs = data.loadMs.toFixed(0);
        // The worker's loading steps on this page's clock (ms since navigation start), for the bench.
        const since = (time) => Math.round(time - performance.timeOrigin);
        panel.dataset.timeline = JSON.stringify(Object.fromEntries(Object.entries(data.marks).map(([k, v]) => [k, since(v)])));
        say(`Model loaded in ${(data.loadMs / 1000).toFixed(1)} s (once for this page).`);
      } else if (data.type === "result" && data.id === sent) {
        show(data);
      } else if (data.type === "pipeline" && data.id === sent) {
        compare(data);
      } else if (data.type === "error") {
        panel.classList.add("failed");
        say(`Something went wrong: ${data.message}`);
      }
    };
    worker.onmessage = onMessage;
    worker.onerror = onError;
    say("Loading the model…");
    for (const event of early.splice(0)) (event.type === "error" ? onError : onMessage)(event);

    /** Sends the text box's sentence; while the reader types, only after a short pause. */
    function classify() {
      worker.postMessage({ type: "classify", id: ++sent, text: input.value });
    }
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(classify, 150);
    });
    classify();

    /** Creates an element with a class and text. */
    function element(tag, className, text) {
      const node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    }

    /** Says whether pipeline() on the same sentence gives the label and score the steps gave. */
    function compare({ text, pipeline }) {
      const label = panel.querySelector(".try-it-label");
      const same = pipeline.label === label.dataset.label && Math.abs(pipeline.score - Number(label.dataset.value)) < 1e-5;
      panel.querySelector(".try-it-check").textContent =
        `pipeline() gives ${pipeline.label} ${pipeline.score.toFixed(4)}: ${same ? "✓ the same" : "✗ different"}`;
      steps.dataset.checked = text;
    }

    /** Draws one sentence's steps; every number keeps its full value in data-value. */
    function show(result) {
      const names = result.logits.map((_, i) => labelsOf.names[i] ?? `LABEL_${i}`);
      const tokens = result.ids.map((id, i) => {
        const item = element("li", "token");
        item.dataset.id = id;
        item.append(element("span", "piece", result.pieces[i]), element("span", "id", String(id)));
        return item;
      });
      panel.querySelector(".try-it-tokens").replaceChildren(...tokens);

      const rows = result.logits.map((logit, i) => {
        const row = element("tr");
        const value = element("td", "value", logit.toFixed(4));
        value.dataset.value = logit;
        row.append(element("th", "", names[i]), value);
        return row;
      });
      panel.querySelector(".try-it-logits tbody").replaceChildren(...rows);

      const bars = result.scores.map((score, i) => {
        const bar = element("div", `bar${i === result.scores.indexOf(result.score) ? " best" : ""}`);
        bar.dataset.value = score;
        const track = element("span", "track");
        const fill = element("span", "fill");
        fill.style.width = `${(score * 100).toFixed(2)}%`;
        track.append(fill);
        bar.append(element("span", "name", names[i]), track, element("span", "score", score.toFixed(4)));
        return bar;
      });
      panel.querySelector(".try-it-bars").replaceChildren(...bars);

      const label = panel.querySelector(".try-it-label");
      label.dataset.label = result.label;
      label.dataset.value = result.score;
      label.replaceChildren(element("strong", "", result.label), ` with score ${result.score.toFixed(4)}`);
      panel.querySelector(".try-it-check").textContent = "pipeline() on the same sentence: running…";

      steps.hidden = false;
      steps.dataset.sentence = result.text;
      say(`${tokens.length} tokens, all four steps in ${result.ms.toFixed(0)} ms.`);
      if (!firstShown) firstOnScreen();
    }

    /**
     * Records when the first result is on screen, in ms since navigation start: the task after the next animation
     * frame, i.e. after the frame that draws it (the bench and the tests read data-first-result-ms).
     */
    function firstOnScreen() {
      firstShown = true;
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => { panel.dataset.firstResultMs = performance.now().toFixed(0); };
        channel.port2.postMessage(null);
      });
    }
  });
})();
