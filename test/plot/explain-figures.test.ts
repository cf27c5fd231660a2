// The "why this label" figures: head view, coloured attributions, and the σ((z₁ − z₀)/T) sliders.
import { test } from "node:test";
import assert from "node:assert/strict";
import { makeTensor } from "../../src/tensor/types";
import {
  attributionText, differenceFrame, figureBundle, figureText, figureHtml, headView, logistic, PLOTLY_MIME, sigmoidSlider, temperatureFrame,
} from "../../src/plot";

type Loose = Record<string, any>;

/** Attention [batch 2, heads 3, seq 4, seq 4] whose every value encodes (batch, head, row, column). */
function attention(block: number) {
  const values = Float32Array.from({ length: 2 * 3 * 4 * 4 }, (_, k) => block * 1000 + k);
  return makeTensor("float32", values, [2, 3, 4, 4]);
}

/** A slider step's matrix, decoded from plotly.js's typed-array spec as plotly.js decodes it (float32, little-endian). */
function decodeSpec(spec: Loose): number[][] {
  assert.equal(spec.dtype, "f4");
  const [rows, cols] = String(spec.shape).split(",").map(Number);
  const bytes = Buffer.from(spec.bdata, "base64");
  assert.equal(bytes.length, rows * cols * 4, "bdata holds rows × cols float32 values");
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (__, j) => bytes.readFloatLE((i * cols + j) * 4)));
}

test("head view: one slider step per block and head, each putting that head's matrix of the chosen sentence in the heatmap", () => {
  const tokens = ["[CLS]", "<b>hi</b>", "[SEP]", "[PAD]"];
  const fig = headView([attention(0), attention(1)], tokens, { sentence: 1, start: [1, 2] });
  const slider = (fig.layout as Loose).sliders[0];
  assert.equal(slider.steps.length, 2 * 3);
  assert.deepEqual(slider.steps.map((s: Loose) => s.label), ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3"]);
  assert.equal(slider.active, 5);
  const step = slider.steps[4]; // block 1, head 1
  assert.equal(step.method, "update");
  const z = decodeSpec(step.args[0].z[0]);
  // sentence 1, head 1, row 2, column 3 of block 1
  assert.equal(z[2][3], 1000 + ((1 * 3 + 1) * 16 + 2 * 4 + 3));
  assert.match(step.args[1]["title.text"], /block 2, head 2$/, "titles count from 1");
  assert.deepEqual((fig.data[0] as Loose).z, decodeSpec(slider.steps[5].args[0].z[0]), "the start head is drawn first");
  assert.deepEqual((fig.layout.xaxis as Loose).ticktext, ["[CLS]", "&lt;b&gt;hi&lt;/b&gt;", "[SEP]", "[PAD]"], "tokens are escaped, [PAD] kept");
  assert.throws(() => headView([attention(0)], tokens.slice(0, 3)), /tokens has 3 entries/);
  assert.throws(() => headView([attention(0)], tokens, { sentence: 2 }), /sentence 2 is not in the batch of 2/);
  assert.throws(() => headView([attention(0), makeTensor("float32", new Float32Array(8), [2, 1, 2, 2])], tokens), /attentions\[1\] has dims/);
});

test("attribution text escapes tokens, colours by sign and keeps plain lines within 100 characters", () => {
  const tokens = ["[CLS]", "<script>alert(1)</script>", "hate", ...Array.from({ length: 30 }, (_, i) => `word${i}`), "[SEP]"];
  const scores = [null, 0.5, -2, ...Array.from({ length: 30 }, () => 0.01), null];
  const { html, text } = attributionText([{ label: "a & b", tokens, scores }], { up: "POSITIVE", down: "NEGATIVE" });
  assert.ok(!html.includes("<script>"), "no raw token reaches the HTML");
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(html.includes("a &amp; b"));
  assert.match(html, /title="hate: −2\.00" style="[^"]*background:rgba\(214,96,77,1\.000\)/, "the largest negative score is full red");
  assert.match(html, /background:rgba\(33,102,172,0\.250\)/, "+0.5 of 2 is a quarter blue");
  for (const line of text.split("\n")) assert.ok([...line].length <= 100, line);
  assert.match(text, /hate\(−2\.00\)/);
  assert.throws(() => attributionText([{ label: "x", tokens: ["a"], scores: [1, 2] }]), /as many scores as tokens/);
  assert.throws(() => attributionText([{ label: "x", tokens: ["a"], scores: [Number.NaN] }]), /use null/);
});

test("sigmoid slider: every step names an existing frame; difference frames move each temperature's marker to σ(d/T)", () => {
  const ds = [-4, -1, 0, 2.5];
  const ts = [0.5, 1, 3];
  const fig = sigmoidSlider({ differences: ds, temperatures: ts, marks: [{ label: "sentence 1", difference: 3.17 }] });
  const frames = new Map((fig.frames ?? []).map((f) => [f.name, f]));
  assert.equal(frames.size, ds.length + ts.length);
  const [dSlider, tSlider] = (fig.layout as Loose).sliders;
  for (const step of [...dSlider.steps, ...tSlider.steps]) {
    assert.equal(step.method, "animate");
    assert.ok(frames.has(step.args[0][0]), `step ${step.label} names a frame`);
  }
  assert.equal(dSlider.active, 2, "starts at the difference closest to 0");
  assert.equal(tSlider.active, 1, "starts at T = 1");
  const frame = frames.get(differenceFrame(3))!;
  assert.deepEqual(frame.traces, [2, 5, 8]);
  frame.data.forEach((d: Loose, j) => {
    assert.deepEqual(d.x, [2.5]);
    assert.equal(d.y[0], logistic(2.5 / ts[j]));
  });
  const hot = frames.get(temperatureFrame(2))!;
  assert.deepEqual(hot.data.map((d: Loose) => d.visible), [false, false, false, false, false, false, true, true, true]);
  assert.deepEqual(fig.data.map((d: Loose) => d.visible), [false, false, false, true, true, true, false, false, false]);
  const curve = fig.data[6] as Loose;
  curve.x.forEach((x: number, k: number) => assert.equal(curve.y[k], logistic(x / 3)));
  assert.equal(logistic(-800), 0);
  assert.equal(logistic(800), 1);
  assert.throws(() => sigmoidSlider({ temperatures: [1, 0] }), /temperatures\[1\] is 0/);
});

test("frames travel in the plotly MIME bundle and in the standalone HTML", () => {
  const fig = sigmoidSlider({ differences: [0, 1], temperatures: [1, 2] });
  const bundle = figureBundle(fig) as Loose;
  assert.equal(bundle[PLOTLY_MIME].frames.length, 4);
  const html = figureHtml(fig, { id: "f" });
  assert.match(html, /"frames":\[\{"name":"difference 0"/);
  assert.match(html, /P\.addFrames\(el, fig\.frames\)/);
});

test("the text summary of a slider figure describes only the traces drawn, not the hidden states", () => {
  const text = figureText(sigmoidSlider({ temperatures: [0.5, 1, 2], marks: [{ label: "s1", difference: 3 }] }));
  assert.match(text, /^T = 1: 121 points$/m);
  assert.doesNotMatch(text, /T = 0\.5|T = 2/);
  assert.equal(text.split("\n").length, 4, text);
});
