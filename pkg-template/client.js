// The client: verbs, the request pipeline (private copy → request interceptors → engine →
// validateStatus → response interceptors), `api.auth`, `api.on`.
import { TokenfetchError, badOption, engineCall, fromEngine } from "./error.js";
import { InterceptorManager } from "./interceptors.js";
import { logger } from "./log.js";
import * as opt from "./options.js";
import { REQUEST_KEYS, engineArgs, guardStream, privateCopy, shapeResponse } from "./request.js";

const EVENT_TYPES = [
  "sent", "response", "attemptFailed", "retry", "waitingForRefresh", "refreshStarted", "refreshed", "refreshedElsewhere",
  "refreshFailed", "replayed", "finished",
];

/** The engine's flat event `[type, id, attempt, a, b, c]` as the documented object. */
function eventObject([type, id, attempt, a, b, c]) {
  switch (type) {
    case "sent": return { type, id, attempt, replay: a, method: b, url: c };
    case "response": return { type, id, attempt, status: a, elapsed: b };
    case "attemptFailed": return { type, id, attempt, error: fromEngine(a), elapsed: b };
    case "retry": return { type, id, attempt, delay: a, reason: b };
    case "refreshStarted": return { type };
    case "refreshed": return { type, generation: a };
    case "refreshedElsewhere": return { type, generation: a };
    case "refreshFailed": return { type, error: fromEngine(a), sessionExpired: b };
    case "finished": {
      const event = { type, id, elapsed: a };
      if (b !== undefined) event.status = b;
      if (c !== undefined) event.error = fromEngine(c);
      return event;
    }
    default: return { type, id };
  }
}

/** What a request interceptor may return: a config object (undefined keeps the old one). */
function checkConfig(value) {
  if (value === null || typeof value !== "object") {
    throw new TokenfetchError("a request interceptor must return a config object (or undefined)", "ERR_BAD_OPTION");
  }
  return value;
}

// The operations of the engine's `auth` export (src/js/mod.rs).
const [SET_TOKENS, GET_TOKENS, CLEAR, LOGOUT, REFRESH, IS_REFRESHING] = [0, 1, 2, 3, 4, 5];

class Auth {
  /** The client's engine, or ERR_CLIENT_CLOSED. */
  #engine;
  constructor(engine) {
    this.#engine = engine;
  }

  /**
   * Store `{ accessToken, refreshToken, expiresIn | expiresAt }` (after a login): `expiresIn`
   * in seconds (an OAuth answer's `expires_in`), `expiresAt` in seconds since the epoch (a
   * JWT's `exp`) or a `Date`.
   */
  setTokens(tokens) {
    const t = opt.read(tokens, "tokens", ["accessToken", "refreshToken", "expiresIn", "expiresAt"]);
    const token = (k) => (t[k] === null || t[k] === undefined ? undefined : opt.string(`tokens.${k}`, t[k]));
    let at = NaN;
    if (t.expiresIn != null && t.expiresAt != null) throw badOption("tokens.expiresAt", "cannot be given with expiresIn");
    if (t.expiresIn != null) at = Date.now() / 1000 + opt.number("tokens.expiresIn", t.expiresIn, 0, 3.15e9, false);
    else if (t.expiresAt instanceof Date) at = opt.number("tokens.expiresAt", t.expiresAt.getTime() / 1000, 0, 1e11, false);
    // Seconds: a number of milliseconds (Date.now()) would be refused as past the year 5000.
    else if (t.expiresAt != null) at = opt.number("tokens.expiresAt (seconds since the epoch)", t.expiresAt, 0, 1e11, false);
    engineCall(() => this.#engine().auth(SET_TOKENS, token("accessToken"), token("refreshToken"), at));
  }

  /**
   * `{ accessToken, refreshToken, expiresAt }` (`expiresAt` in seconds since the epoch, when the
   * server's `expires_in` or `setTokens` said), or `null` when there are none.
   */
  getTokens() {
    const pair = engineCall(() => this.#engine().auth(GET_TOKENS));
    if (pair === null) return null;
    const tokens = { accessToken: pair[0], refreshToken: pair[1] };
    if (pair[2] !== null) tokens.expiresAt = pair[2];
    return tokens;
  }

  /** Remove the tokens. */
  clear() {
    engineCall(() => this.#engine().auth(CLEAR));
  }

  /** Clear the tokens and cancel every request in flight or waiting for a refresh. */
  async logout() {
    engineCall(() => this.#engine().auth(LOGOUT));
  }

  /** Refresh now (joins a refresh in flight). */
  async refresh() {
    try {
      await this.#engine().auth(REFRESH);
    } catch (e) {
      throw fromEngine(e);
    }
  }

  /** True while a refresh is in flight. */
  get isRefreshing() {
    return this.#engine().auth(IS_REFRESHING);
  }
}

export class TokenfetchClient {
  /** Undefined once closed. */
  #engine;
  /** The functions the engine calls (see the constructor); undefined once closed. */
  #hooks;
  #listeners = [];
  /** The `log` option's listener (log.js), or undefined. */
  #log;
  /** Client-level transforms and params serializer (a request's own replace them). */
  #defaults;

  constructor(Engine, config) {
    const { nums, strs, retry, hooks, js } = opt.clientConfig(config);
    this.#defaults = js;
    this.#log = js.log && logger(js.log);
    hooks.onEvent = (flat) => {
      try {
        this.#log?.(flat);
      } catch {
        // A console that throws must not break the request (nor the other listeners).
      }
      this.#deliver(flat);
    };
    const expired = hooks.onSessionExpired;
    if (expired) hooks.onSessionExpired = (e) => expired(fromEngine(e));
    this.#hooks = hooks;
    const weak = TokenfetchClient.#weak(this, hooks);
    this.#engine = engineCall(() => new Engine(nums, strs, retry, weak));
    // 2: events with the headers and bodies the logger prints; 1: events only (api.on).
    if (this.#log) this.#engine.listen(2);
    this.auth = new Auth(() => this.#live());
    this.interceptors = { request: new InterceptorManager(), response: new InterceptorManager() };
  }

  /** `request(config)` → `Promise<{ data, status, statusText, headers, config }>`. */
  async request(config) {
    return this.#run(config, {});
  }

  get(url, config) {
    return this.#run(config, { method: "GET", url });
  }
  delete(url, config) {
    return this.#run(config, { method: "DELETE", url });
  }
  head(url, config) {
    return this.#run(config, { method: "HEAD", url });
  }
  options(url, config) {
    return this.#run(config, { method: "OPTIONS", url });
  }
  post(url, data, config) {
    return this.#run(config, { method: "POST", url, data });
  }
  put(url, data, config) {
    return this.#run(config, { method: "PUT", url, data });
  }
  patch(url, data, config) {
    return this.#run(config, { method: "PATCH", url, data });
  }

  /** Listen to lifecycle events (or `"*"`); returns a function that removes the listener. */
  on(type, listener) {
    const engine = this.#live();
    if (type !== "*" && !EVENT_TYPES.includes(type)) throw badOption("on(type)", `must be one of ${EVENT_TYPES.join(", ")}, *`);
    opt.func("on(listener)", listener);
    const entry = { type, listener };
    this.#listeners.push(entry);
    if (!this.#log) engine.listen(1);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== entry);
      if (!this.#log) this.#engine?.listen(this.#listeners.length > 0 ? 1 : 0);
    };
  }

  /**
   * Release the client at once: its requests in flight reject with `ERR_CANCELED`, a refresh
   * in flight stops, the other tabs' channel closes, listeners and hooks are let go; later
   * calls fail with `ERR_CLIENT_CLOSED`. The stored tokens stay. Calling it again does nothing.
   */
  close() {
    const engine = this.#engine;
    this.#engine = this.#hooks = this.#log = undefined;
    this.#listeners = [];
    try {
      engine?.free();
    } catch {
      // Called from inside the engine (a store or callback it called): freed once that returns.
    }
  }

  [Symbol.dispose ?? Symbol()]() {
    this.close();
  }

  /**
   * Stand-ins for the hooks, for the engine. What the engine holds stays reachable (from
   * wasm-bindgen's table) until the engine is freed, which happens when its client is closed or
   * collected: a hook that reaches the client (onEvent does, an app's refresh function may)
   * would keep both for ever. The stand-ins find the hooks through a WeakRef to the client
   * (made here, not in the constructor: a closure there would hold its `this`).
   */
  static #weak(client, hooks) {
    const self = new WeakRef(client);
    const weak = {};
    for (const k in hooks) weak[k] = k === "storage" ? hooks[k] : (...a) => self.deref()?.#hooks?.[k](...a);
    return weak;
  }

  /** The engine, or ERR_CLIENT_CLOSED. */
  #live() {
    if (!this.#engine) throw new TokenfetchError("the client is closed", "ERR_CLIENT_CLOSED");
    return this.#engine;
  }

  #deliver(flat) {
    if (!this.#listeners.length) return;
    const event = eventObject(flat);
    for (const { type, listener } of this.#listeners) {
      if (type === event.type || type === "*") {
        try {
          listener(event);
        } catch {
          // A throwing listener must not break the request.
        }
      }
    }
  }

  async #run(config, set) {
    let state;
    try {
      const copy = privateCopy(config);
      for (const [k, v] of Object.entries(set)) if (v !== undefined) copy[k] = v;
      state = { ok: copy };
    } catch (error) {
      state = { error };
    }
    // No interceptors, no extra turns of the event loop.
    if (this.interceptors.request.size) state = await this.interceptors.request.run(state, true, checkConfig);
    if ("ok" in state) {
      try {
        state = { ok: await this.#dispatch(state.ok) };
      } catch (error) {
        state = { error };
      }
    }
    if (this.interceptors.response.size) state = await this.interceptors.response.run(state, false, (v) => v);
    if ("error" in state) throw state.error;
    return state.ok;
  }

  /** Send one (intercepted) config through the engine and shape the answer axios-style. */
  async #dispatch(intercepted) {
    // Read again: an interceptor may have returned anything, even a Proxy.
    const config = opt.read(intercepted, "", REQUEST_KEYS);
    if (config.headers === undefined) config.headers = {};
    for (const key of ["transformRequest", "transformResponse", "paramsSerializer", "maxContentLength", "maxBodyLength"]) {
      if (config[key] === undefined && this.#defaults[key] !== undefined) config[key] = this.#defaults[key];
    }
    // axios semantics: each transformRequest gets (data, headers) and returns the new data.
    if (config.transformRequest !== undefined) {
      for (const f of opt.transforms("transformRequest", config.transformRequest)) {
        config.data = opt.notPromise("transformRequest", f.call(config, config.data, config.headers));
      }
    }
    const args = engineArgs(config);
    const engine = this.#live();
    let raw;
    try {
      raw = await engine.send(...args);
    } catch (e) {
      throw fromEngine(e, { ...config });
    }
    const response = shapeResponse(raw, config);
    if (config.responseType === "stream") response.data = guardStream(response.data, config.signal, response.config);
    // Applied to the parsed data (axios's default JSON parsing has already happened).
    if (config.transformResponse !== undefined) {
      for (const f of opt.transforms("transformResponse", config.transformResponse)) {
        response.data = opt.notPromise("transformResponse", f.call(config, response.data, response.headers, response.status));
      }
    }
    const validate = config.validateStatus;
    const ok = validate === null || (validate === undefined ? response.status >= 200 && response.status < 300 : !!validate(response.status));
    if (ok) return response;
    const code = response.status >= 500 ? "ERR_BAD_RESPONSE" : "ERR_BAD_REQUEST";
    const error = new TokenfetchError(`Request failed with status code ${response.status}`, code);
    error.status = response.status;
    error.response = response;
    error.config = response.config;
    throw error;
  }
}
