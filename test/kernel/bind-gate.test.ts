// The launcher's sockets wait for their bind (scripts/kernel/bind-gate.cjs): tslab receives before it binds, and
// zeromq refuses a send or receive while a bind is in progress.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zmq from "zeromq";
import { tempDir } from "../helpers/temp-dir";

const { waitingForBind } = require("../../scripts/kernel/bind-gate.cjs") as { waitingForBind: <T>(base: T) => T };

/** Two ipc endpoints in a private temporary folder, removed when the test ends. */
function endpoints(t: { after: (fn: () => void) => void }): [string, string] {
  const dir = tempDir(t, "bind-gate-");
  return [`ipc://${dir}/first`, `ipc://${dir}/second`];
}

test("control: zeromq refuses to send or receive while the socket's bind is in progress", async (t) => {
  const [address] = endpoints(t);
  const router = new zmq.Router();
  t.after(() => router.close());
  const binding = router.bind(address);
  assert.throws(() => router.send(["peer", "reply"]), /Socket is blocked by a bind or unbind operation/);
  assert.throws(() => router.receive(), /Socket is blocked by a bind or unbind operation/);
  await binding;
});

test("a socket that waits for its bind: a receive started before the bind gets the request, and replies go out in order", async (t) => {
  const [first, second] = endpoints(t);
  const Router = waitingForBind(zmq.Router);
  const router = new Router();
  const dealer = new zmq.Dealer({ routingId: "client" });
  t.after(() => {
    router.close();
    dealer.close();
  });
  // tslab's order: receive first, then bind; the client connects and sends at once, as the runner does.
  const request = router.receive();
  const binding = router.bind(first);
  dealer.connect(first);
  await dealer.send("kernel_info_request");
  const [from, body] = await request;
  assert.equal(from.toString(), "client");
  assert.equal(body.toString(), "kernel_info_request");
  await binding;

  // Replies sent while a second bind is in progress wait for it, then leave in the order they were sent.
  const rebinding = router.bind(second);
  const sends = ["reply 1", "reply 2", "reply 3"].map((reply) => router.send(["client", reply]));
  await Promise.all([rebinding, ...sends]);
  const received: string[] = [];
  for (let i = 0; i < 3; i++) received.push((await dealer.receive())[0].toString());
  assert.deepEqual(received, ["reply 1", "reply 2", "reply 3"]);
});

test("once bound, send and receive call zeromq directly (a send that cannot be made still throws at once)", async (t) => {
  const [address] = endpoints(t);
  const Router = waitingForBind(zmq.Router);
  const router = new Router();
  await router.bind(address);
  router.close();
  assert.throws(() => router.send(["peer", "late"]), (error: NodeJS.ErrnoException) => error.code === "EBADF");
});
