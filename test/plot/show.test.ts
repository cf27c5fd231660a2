import { test } from "node:test";
import assert from "node:assert/strict";
import Module from "node:module";
import * as path from "node:path";
import * as vm from "node:vm";
import { figureBundle, figureHtml, probabilityBars, show, showTable, showTokens, tokenRows, PLOTLY_MIME, type Figure } from "../../src/plot";
import { inlinePlotlySource } from "../../src/plot/plotly-bundle";

const hostile = "<img src=x onerror=alert(1)>";
const figure = (): Figure => probabilityBars(["I love it", hostile], ["NEGATIVE", "POSITIVE"], [[0.1, 0.9], [0.8, 0.2]], { title: "p" });

interface Sent { content: { data: Record<string, unknown>; metadata: unknown; transient: unknown }; update: boolean }

/**
 * Stands in for a running tslab kernel: a loaded module at .../tslab/dist/jupyter.js whose lastWriteDisplayData
 * records what it is given, exactly where show() looks for it. Removed again by the returned function.
 */
function fakeTslabKernel(): { sent: Sent[]; remove: () => void } {
  const sent: Sent[] = [];
  const file = path.join(path.sep, "fake", "node_modules", "tslab", "dist", "jupyter.js");
  const mod = new Module(file);
  mod.filename = file;
  mod.loaded = true;
  mod.exports = { lastWriteDisplayData: (content: Sent["content"], update: boolean) => sent.push({ content, update }) };
  require.cache[file] = mod;
  return { sent, remove: () => { delete require.cache[file]; } };
}

/** Captures console.log output while `fn` runs. */
function captureConsole(fn: () => void): string[] {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => { lines.push(args.join(" ")); };
  try { fn(); } finally { console.log = original; }
  return lines;
}

test("the bundle carries the figure three ways: plotly JSON, HTML, and a text table", () => {
  const bundle = figureBundle(figure());
  assert.deepEqual(Object.keys(bundle).sort(), [PLOTLY_MIME, "text/html", "text/plain"].sort());
  assert.deepEqual((bundle[PLOTLY_MIME] as Figure).data, figure().data);
  assert.match(String(bundle["text/plain"]), /^p\n/);
  assert.match(String(bundle["text/plain"]), /I love it +0\.1000 +0\.9000/);
});

test("in a tslab kernel, show() sends exactly one display_data message, and only the first one carries plotly.js", () => {
  const kernel = fakeTslabKernel();
  try {
    show(figure());
    show(figure());
    assert.equal(kernel.sent.length, 2, "one message per show()");
    const [first, second] = kernel.sent;
    assert.equal(first.update, false, "a new display_data, not an update");
    assert.deepEqual(Object.keys(first.content.data).sort(), [PLOTLY_MIME, "text/html", "text/plain"].sort());
    const firstHtml = String(first.content.data["text/html"]);
    const secondHtml = String(second.content.data["text/html"]);
    assert.ok(firstHtml.length > 1_000_000, "the first figure of a session inlines plotly.js");
    assert.ok(secondHtml.length < 20_000, `later figures only draw (got ${secondHtml.length} bytes)`);
  } finally {
    kernel.remove();
  }
});

test("outside a kernel, show() prints the text summary and sends nothing else", () => {
  const lines = captureConsole(() => show(figure()));
  assert.equal(lines.length, 1);
  assert.match(lines[0], /NEGATIVE +POSITIVE/);
  assert.doesNotMatch(lines[0], /<script/);
});

test("showTokens and showTable send HTML with every user string escaped, plus text", () => {
  const kernel = fakeTslabKernel();
  try {
    showTokens(tokenRows(["[CLS]", hostile], [101, 1]));
    showTable([{ sentence: hostile, label: "NEGATIVE" }]);
    assert.equal(kernel.sent.length, 2);
    for (const { content } of kernel.sent) {
      assert.doesNotMatch(String(content.data["text/html"]), /<img/);
      assert.match(String(content.data["text/plain"]), /<img src=x onerror=alert\(1\)>/, "plain text shows the token as typed");
    }
  } finally {
    kernel.remove();
  }
});

test("the figure HTML embeds labels as escaped JSON: no label can open a tag or close the script", () => {
  const html = figureHtml(probabilityBars(["</script><script>alert(1)</script>"], ["x"], [[1]]), { id: "fig" });
  assert.equal(html.match(/<script>/g)?.length, 1);
  assert.equal(html.match(/<\/script>/g)?.length, 1);
  assert.doesNotMatch(html, /<img|alert\(1\)<\/script/);
  assert.match(html, /<div id="fig"/);
});

test("the inlined plotly.js is valid JavaScript with nothing that ends the script element early", () => {
  const source = inlinePlotlySource();
  assert.doesNotMatch(source, /<\/script/i);
  assert.doesNotMatch(source, /<!--/);
  assert.doesNotThrow(() => new vm.Script(source));
});
