// Makes a zeromq socket wait for its bind before it sends or receives. Used by tslab-kernel.cjs.
//
// Why: while a bind runs (in a worker thread), zeromq refuses send and receive on that socket with EBUSY, "Socket
// is blocked by a bind or unbind operation". tslab starts receiving on its shell socket before it binds. A client
// that connects at once (the runner, jupyter_client) can get its kernel_info_request in before the bind has been
// reported back to the main thread, most often on a loaded machine. tslab's reply then fails with EBUSY, the next
// receive too, and its receive loop ends: the kernel runs on but never answers again.
"use strict";

/** Each socket's bind state, kept outside the socket: zeromq seals its socket objects. */
const gates = new WeakMap();

/**
 * A subclass of the zeromq socket class `Base` for a socket that binds (a kernel's): send and receive wait, in
 * call order, until its first bind and any bind still in progress have finished; after that they call zeromq
 * directly, as before. A socket that never binds would wait for ever, so this is for servers only.
 */
function waitingForBind(Base) {
  return class extends Base {
    constructor(...args) {
      super(...args);
      gates.set(this, { ready: false, binding: 0, waiting: [] });
    }

    bind(address) {
      const state = gates.get(this);
      state.ready = false;
      state.binding += 1;
      const binding = super.bind(address);
      const finished = () => {
        state.binding -= 1;
        if (state.binding > 0) return;
        state.ready = true;
        for (const call of state.waiting.splice(0)) call();
      };
      binding.then(finished, finished);
      return binding;
    }

    send(...args) {
      return this.whenBound(() => super.send(...args));
    }

    receive(...args) {
      return this.whenBound(() => super.receive(...args));
    }

    /** Calls `call` now if the socket is bound and nothing waits before it; else queues it. */
    whenBound(call) {
      const state = gates.get(this);
      if (state.ready && state.waiting.length === 0) return call();
      return new Promise((resolve, reject) => {
        state.waiting.push(() => {
          try {
            resolve(call());
          } catch (error) {
            reject(error);
          }
        });
      });
    }
  };
}

module.exports = { waitingForBind };
