import { test } from "node:test";
import assert from "node:assert/strict";
import { scoreScatter, temperatureFigure } from "../../src";

test("temperatureFigure: one line per class over the temperatures, summing to 1 at each T", () => {
  const figure = temperatureFigure([2, 0, -1], ["a", "b", "<c>"], [0.5, 1, 10]);
  assert.equal(figure.data.length, 3);
  const ys = figure.data.map((d) => (d as { y: number[] }).y);
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(ys.reduce((s, y) => s + y[k], 0) - 1) < 1e-12);
  assert.ok(ys[0][0] > ys[0][2], "the top class loses probability as T grows");
  assert.equal((figure.data[2] as { name: string }).name, "&lt;c&gt;");
  assert.equal(figure.layout.xaxis?.type, "log");
  assert.throws(() => temperatureFigure([1, 2], ["a"], [1]), /2 logits but 1 class names/);
  assert.throws(() => temperatureFigure([1], ["a"], [0]), /all positive/);
});

test("scoreScatter: one trace per group with its points; lengths are checked", () => {
  const figure = scoreScatter([{ name: "in", x: [1, 0.9], y: [5, 4] }, { name: "out", x: [0.3], y: [0], labels: ["blank"] }], { xTitle: "msp", yTitle: "max logit" });
  assert.deepEqual(figure.data.map((d) => [(d as { name: string }).name, (d as { x: number[] }).x]), [["in", [1, 0.9]], ["out", [0.3]]]);
  assert.throws(() => scoreScatter([{ name: "in", x: [1], y: [] }], { xTitle: "a", yTitle: "b" }), /group "in" has 1 x, 0 y/);
  assert.throws(() => scoreScatter([], { xTitle: "a", yTitle: "b" }), /at least one group/);
});

test("class and axis names inside a hover template stay literal: a class named \"%{y}\" is not filled in", () => {
  const variables = (template: string) => [...template.matchAll(/%\{([^}]*)\}/g)].map((m) => m[1]);
  const hover = (figure: { data: unknown[] }, i: number) => (figure.data[i] as { hovertemplate: string }).hovertemplate;
  const lines = temperatureFigure([1, 2], ["%{y}", "b"], [1, 2]);
  assert.deepEqual(variables(hover(lines, 0)), ["x", "y:.4f"]);
  assert.match(hover(lines, 0), /^%\u200b\{y\}<br>/, "the name is still shown, with a zero-width space after %");
  const scatter = scoreScatter([{ name: "%{x}", x: [1], y: [2], labels: ["a"] }], { xTitle: "%{text}", yTitle: "100% sure" });
  assert.deepEqual(variables(hover(scatter, 0)), ["text", "x:.4g", "y:.4g"]);
  assert.equal((scatter.data[0] as { name: string }).name, "%{x}", "the legend, which is not a template, keeps the name as given");
});
