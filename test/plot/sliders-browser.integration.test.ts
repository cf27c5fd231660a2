// The slider figures in a real browser, with no kernel: each slider step does what the figure claims
// when Plotly runs it (the same call a dragged slider makes), and the drawn SVG shows the result.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { makeTensor } from "../../src/tensor/types";
import { figureHtml, headView, logistic, sigmoidSlider } from "../../src/plot";
import { plotlyBundlePath } from "../../src/plot/plotly-bundle";
import { chromiumMissing, launchBrowser, PAGE_TIMEOUT_MS, watchPage } from "../book/browser";
import { skipFor } from "../helpers/skip";

const skip = chromiumMissing();

const ds = [-4, 0, 2.5];
const ts = [0.5, 1, 2];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sliders-"));
let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;

before(async () => {
  if (!skip) browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Opens a page showing one figure with the local plotly.js and waits for the plot. */
async function open(html: string): Promise<{ page: Page; errors: string[] }> {
  const file = path.join(dir, `page-${Math.random().toString(36).slice(2)}.html`);
  fs.writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"></head><body><script src="${pathToFileURL(plotlyBundlePath()).href}"></script>${html}</body></html>`);
  const page = await browser!.context.newPage();
  const log = await watchPage(page);
  await page.goto(pathToFileURL(file).href, { timeout: PAGE_TIMEOUT_MS });
  await page.waitForFunction(() => document.querySelector(".js-plotly-plot .main-svg") !== null, undefined, { timeout: PAGE_TIMEOUT_MS });
  return { page, errors: [...log.consoleErrors, ...log.pageErrors, ...log.networkRequests] };
}

/** Runs slider `s`'s step `k` as Plotly's slider does (Plotly[method](gd, ...args)), and waits for it. */
async function choose(page: Page, s: number, k: number): Promise<void> {
  await page.evaluate(async ([s, k]) => {
    const gd = document.querySelector(".js-plotly-plot") as any;
    const step = gd.layout.sliders[s].steps[k];
    const Plotly = (window as any).Plotly;
    await Plotly[step.method](gd, ...step.args);
  }, [s, k]);
}

const state = (page: Page) => page.evaluate(() => {
  const gd = document.querySelector(".js-plotly-plot") as any;
  return {
    visible: gd._fullData.map((t: any) => t.visible === true),
    markers: gd.data.filter((_: any, i: number) => i % 3 === 2).map((t: any) => ({ x: t.x[0], y: t.y[0] })),
    texts: [...gd.querySelectorAll(".textpoint text")].map((t) => t.textContent),
    title: gd.querySelector(".gtitle")?.textContent ?? "",
  };
});

test("σ(d/T) sliders: temperature frames switch the curve, difference frames move the point, each keeps the other's choice", { skip: skipFor(skip) }, async () => {
  const { page, errors } = await open(figureHtml(sigmoidSlider({ differences: ds, temperatures: ts, marks: [{ label: "a sentence", difference: 1 }] }), { id: "fig" }));
  let now = await state(page);
  assert.deepEqual(now.visible, [false, false, false, true, true, true, false, false, false], "starts at T = 1");
  await choose(page, 1, 2); // T = 2
  now = await state(page);
  assert.deepEqual(now.visible, [false, false, false, false, false, false, true, true, true]);
  await choose(page, 0, 2); // d = 2.5
  now = await state(page);
  now.markers.forEach((m: { x: number; y: number }, j: number) => assert.deepEqual(m, { x: 2.5, y: logistic(2.5 / ts[j]) }, `marker of T = ${ts[j]}`));
  assert.ok(now.texts.includes(`p = σ(2.50 / 2) = ${logistic(1.25).toFixed(4)}`), `drawn text: ${now.texts.join(" | ")}`);
  await choose(page, 1, 0); // back to T = 0.5: the point stays at d = 2.5
  now = await state(page);
  assert.deepEqual(now.visible.slice(0, 3), [true, true, true]);
  assert.ok(now.texts.includes(`p = σ(2.50 / 0.5) = ${logistic(5).toFixed(4)}`), `drawn text: ${now.texts.join(" | ")}`);
  assert.deepEqual(errors, []);
  await page.close();
});

test("head view: each slider step draws that head's matrix and names it in the title", { skip: skipFor(skip) }, async () => {
  const blocks = [0, 1].map((b) => makeTensor("float32", Float32Array.from({ length: 2 * 2 * 3 * 3 }, (_, k) => (b * 36 + k) / 100), [2, 2, 3, 3]));
  const fig = headView(blocks, ["[CLS]", "hi", "[SEP]"], { sentence: 1 });
  const { page, errors } = await open(figureHtml(fig, { id: "heads" }));
  // The matrix plotly.js computed the drawing from (calcdata), as plain numbers.
  const drawn = () => page.evaluate(() => ((document.querySelector(".js-plotly-plot") as any).calcdata[0][0].z as ArrayLike<number>[]).map((row) => Array.from(row)));
  assert.deepEqual(await drawn(), (fig.data[0] as any).z, "the start head is drawn from its plain array");
  await choose(page, 0, 3); // block 2, head 2: its matrix travels as a base64 float32 typed-array spec
  const z = await drawn();
  const spec = (fig.layout as any).sliders[0].steps[3].args[0].z[0];
  assert.equal(spec.shape, "3,3");
  // Weights are kept to 3 decimals (what the hover shows), then stored as float32.
  const weight = (k: number) => Math.fround(Math.round(Math.fround((36 + (1 * 2 + 1) * 9 + k) / 100) * 1e3) / 1e3);
  assert.deepEqual(z, [0, 1, 2].map((i) => [0, 1, 2].map((j) => weight(i * 3 + j))));
  assert.match((await state(page)).title, /block 2, head 2/);
  assert.deepEqual(errors, []);
  await page.close();
});
