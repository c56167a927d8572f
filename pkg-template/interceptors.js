// axios-style interceptors: `use(onFulfilled, onRejected?, { runWhen? }) -> id`, `eject(id)`,
// `clear()`. Request interceptors run last-registered-first, response interceptors in order;
// they run once per logical request, around the engine (never again on a retry or a replay).

export class InterceptorManager {
  #list = [];
  #nextId = 0;

  /** Add an interceptor; returns its id for `eject`. */
  use(onFulfilled, onRejected, options) {
    const id = this.#nextId++;
    const fn = (f) => (typeof f === "function" ? f : undefined);
    this.#list.push({ id, fulfilled: fn(onFulfilled), rejected: fn(onRejected), runWhen: fn(options?.runWhen) });
    return id;
  }

  /** Remove the interceptor `id` returned by `use`. */
  eject(id) {
    this.#list = this.#list.filter((i) => i.id !== id);
  }

  /** Remove every interceptor. */
  clear() {
    this.#list = [];
  }

  /** How many interceptors there are. */
  get size() {
    return this.#list.length;
  }

  /**
   * Run the chain on `state` (`{ ok: value }` or `{ error }`), axios-style: a fulfilled handler
   * maps a value (returning undefined keeps it), a rejected handler may recover. `check`
   * validates what a fulfilled handler returned.
   */
  async run(state, reverse, check) {
    const list = reverse ? [...this.#list].reverse() : [...this.#list];
    for (const i of list) {
      try {
        if ("ok" in state) {
          if (i.runWhen && !i.runWhen(state.ok)) continue;
          if (i.fulfilled) {
            const out = await i.fulfilled(state.ok);
            state = { ok: out === undefined ? state.ok : check(out) };
          }
        } else if (i.rejected) {
          state = { ok: await i.rejected(state.error) };
        }
      } catch (error) {
        state = { error };
      }
    }
    return state;
  }
}
