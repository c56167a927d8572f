// Shared helpers for the JS tests: the server's hooks (per-test tenants) and a Chromium page
// with the built package loaded.
import { launch, SERVER } from "../e2e/browser.mjs";

export { SERVER };
export const FOREIGN = process.env.TOKENFETCH_FOREIGN ?? "http://127.0.0.1:8788";

/** A fresh tenant base URL: the server keeps tokens, config and stats per tenant. */
export function tenant(name) {
  return `${SERVER}/t/${name}-${Math.floor(Math.random() * 1e9)}`;
}

async function hook(base, path, body) {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path} → ${res.status}`);
  return res.status === 204 ? null : res.json();
}

export const stats = (base) => hook(base, "/__stats");
export const configure = (base, config) => hook(base, "/__config", config);
export const expire = (base) => hook(base, "/__expire", {});
/** `{ accessToken, refreshToken }` from a login, or a minted pair with a given TTL. */
export async function tokens(base, ttl) {
  const body = ttl === undefined ? { username: "ada", password: "pw" } : { username: "ada", access_ttl_secs: ttl };
  const t = await hook(base, ttl === undefined ? "/auth/login" : "/__mint", body);
  return { accessToken: t.access_token, refreshToken: t.refresh_token };
}

/** One Chromium for a test file; `page()` opens a page with `window.tf` = the package. */
export async function browser() {
  const b = await launch();
  const blank = async () => {
    const page = await b.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await page.goto(`${SERVER}/www/blank.html`);
    return page;
  };
  return {
    /** A blank page on the server's origin, package not loaded. */
    blank,
    async page() {
      const page = await blank();
      await page.evaluate(async () => {
        const tf = await import("/pkg/tokenfetch.js");
        await tf.default();
        window.tf = tf;
      });
      return page;
    },
    close: () => b.close(),
  };
}

/**
 * Register before/after hooks that open Chromium with one package page for this test file.
 * `ctx.inPage(fn, args)` runs `fn(window.tf, args)` in that page; `ctx.chromium` makes more.
 */
export function useChromium(hooks) {
  const ctx = {
    chromium: undefined,
    page: undefined,
    inPage: (fn, args) => ctx.page.evaluate(`(${fn})(window.tf, ${JSON.stringify(args)})`),
  };
  hooks.before(async () => {
    ctx.chromium = await browser();
    ctx.page = await ctx.chromium.page();
  });
  hooks.after(() => ctx.chromium?.close());
  return ctx;
}

/**
 * The test server's HttpOnly-cookie login, run in the page (`ctx.inPage(cookieLogin, { base })`):
 * the browser keeps the refresh cookie, the answer (the access token) comes back.
 */
export async function cookieLogin(tf, { base }) {
  const res = await fetch(`${base}/auth/cookie/login`, {
    method: "POST",
    credentials: "include",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "ada", password: "pw" }),
  });
  return res.json();
}
