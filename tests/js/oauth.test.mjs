// tokenfetch against a real authorization server (oidc-provider, tests/oauth/provider.mjs) on its
// own origin, with its defaults: a public SPA client, refresh tokens rotated on every use, a
// reused refresh token revoking the whole grant, opaque access tokens. The first tokens come from
// its real authorization-code + PKCE flow; then, in Chromium, the declarative refresh of the
// README's "With an OAuth 2.0 / OpenID Connect server" section.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { transformSync } from "esbuild";
import { useChromium } from "./helpers.mjs";
import { startOAuth } from "../oauth/provider.mjs";

const ctx = useChromium({ before, after });
const servers = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function oauth(options = {}) {
  const server = await startOAuth({ appOrigin: new URL(process.env.TOKENFETCH_SERVER ?? "http://127.0.0.1:8787").origin, ...options });
  servers.push(server);
  return server;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** The page's own view of a client made from `config` with tokens `t` (an OAuth answer). */
const setup = `(tf, o, t, extra = {}) => {
  const api = tf.createClient({
    baseURL: o.apiOrigin,
    retry: 0,
    auth: { refresh: { url: o.tokenEndpoint, clientId: "spa" }, refreshBeforeExpiry: false, ...extra },
  });
  api.auth.setTokens({ accessToken: t.access_token, refreshToken: t.refresh_token });
  return api;
}`;
/** Run `body` in the page with `tf`, `o` (the servers' URLs), `t` (tokens), `args` and `client`. */
const inPage = (body, o, t, args = {}) =>
  ctx.inPage(`async (tf, { o, t, args }) => { const client = ${setup}; ${body} }`, { o: endpoints(o), t, args });
const endpoints = (o) => ({ apiOrigin: o.apiOrigin, tokenEndpoint: o.tokenEndpoint, revocationEndpoint: o.revocationEndpoint, issuer: o.issuer });

// The server's expiry is whole seconds (exp = floor(iat) + ttl): a token may live up to a second
// less than its ttl, so the ttls here are 2 s, never 1 (a refreshed token could expire before the
// replays reach the API).
test("a storm of 50 requests after expiry: one form-encoded refresh, 50 × 200, the grant kept", async () => {
  const o = await oauth({ accessTokenTtl: 2 });
  const t = await o.getTokens();
  await sleep(2200);
  const out = await inPage(`
    const api = client(tf, o, t);
    const statuses = await Promise.all(Array.from({ length: 50 }, () => api.get("/api/items").then((r) => r.status, (e) => e.code)));
    return { statuses, tokens: api.auth.getTokens() };`, o, t);
  const s = o.stats();
  assert.deepEqual(out.statuses, Array(50).fill(200));
  assert.equal(s.refreshes, 1, "one refresh for the storm");
  assert.equal(s.refreshSuccesses, 1);
  assert.notEqual(out.tokens.refreshToken, t.refresh_token, "the rotated refresh token was stored");
  assert.ok(out.tokens.expiresAt > Date.now() / 1000, "expires_in was kept");
  assert.equal(await o.grantRevoked(out.tokens.refreshToken), false);
  assert.equal(s.authServerRequestsWithAccessToken, 0, "the access token reached the authorization server");
});

test("three expiries in a row: three refreshes, every request 200", async () => {
  const o = await oauth({ accessTokenTtl: 2 });
  const t = await o.getTokens();
  const out = await inPage(`
    const api = client(tf, o, t);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 2200));
      statuses.push(...(await Promise.all([1, 2, 3].map(() => api.get("/api/items").then((r) => r.status, (e) => e.code)))));
    }
    return statuses;`, o, t);
  assert.deepEqual(out, Array(9).fill(200));
  assert.equal(o.stats().refreshes, 3);
});

test("opaque tokens with expires_in are refreshed before they expire: no 401", async () => {
  const o = await oauth({ accessTokenTtl: 3 });
  const t = await o.getTokens();
  const out = await inPage(`
    const api = client(tf, o, t, { refreshBeforeExpiry: 1.5 });
    api.auth.setTokens({ accessToken: t.access_token, refreshToken: t.refresh_token, expiresIn: t.expires_in });
    const statuses = [];
    for (let i = 0; i < 14; i++) {
      statuses.push(await api.get("/api/items").then((r) => r.status, (e) => e.code));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return statuses;`, o, t);
  const s = o.stats();
  assert.deepEqual(out, Array(14).fill(200));
  assert.equal(s.api401, 0, "a request met an expired token");
  assert.ok(s.refreshes >= 3, `${s.refreshes} refreshes over ~7 s of 3 s tokens`);
});

test("refreshed JWT access tokens are refreshed early too, not only the first", async () => {
  const o = await oauth({ accessTokenTtl: 3, jwtAccessTokens: true });
  const t = await o.getTokens();
  const out = await inPage(`
    const api = client(tf, o, t, { refreshBeforeExpiry: 1.5 });
    const exp = (jwt) => JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).exp;
    const statuses = [];
    // How long the token each request went with still had to live.
    const left = [];
    for (let i = 0; i < 14; i++) {
      statuses.push(await api.get("/api/items").then((r) => r.status, (e) => e.code));
      left.push(exp(api.auth.getTokens().accessToken) - Date.now() / 1000);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return { statuses, left };`, o, t);
  const s = o.stats();
  assert.deepEqual(out.statuses, Array(14).fill(200));
  assert.equal(s.api401, 0);
  // Before: a refreshed token was used until ~0.1 s before its exp (only the first one was
  // refreshed 1.5 s early).
  assert.ok(Math.min(...out.left) > 1.2, `a token was sent ${Math.min(...out.left).toFixed(2)} s before its exp`);
  assert.ok(s.refreshes >= 4, `${s.refreshes} refreshes`);
});

test("a refresh token reused elsewhere ends the session once, with the server's error", async () => {
  const o = await oauth({ accessTokenTtl: 60 });
  const t = await o.getTokens();
  const out = await inPage(`
    const ended = [];
    const events = [];
    const here = client(tf, o, t, { onSessionExpired: (e) => ended.push(["here", e.code]) });
    here.on("refreshFailed", (e) => events.push([e.error.code, e.sessionExpired]));
    const elsewhere = client(tf, o, t, { onSessionExpired: (e) => ended.push(["elsewhere", e.code]) });
    await elsewhere.auth.refresh();
    // This client still holds the refresh token the other one spent: reuse.
    const reused = await here.auth.refresh().then(() => "ok", (e) => [e.code, e.message]);
    // The grant is gone: the other client's rotated token is refused as well.
    const after = await elsewhere.auth.refresh().then(() => "ok", (e) => e.code);
    return { reused, after, ended, events, tokens: here.auth.getTokens() };`, o, t);
  assert.equal(out.reused[0], "ERR_SESSION_EXPIRED");
  assert.match(out.reused[1], /invalid_grant/);
  assert.equal(out.after, "ERR_SESSION_EXPIRED");
  assert.deepEqual(out.ended, [["here", "ERR_SESSION_EXPIRED"], ["elsewhere", "ERR_SESSION_EXPIRED"]]);
  assert.deepEqual(out.events, [["ERR_SESSION_EXPIRED", true]]);
  assert.equal(out.tokens, null, "the store was cleared");
  assert.deepEqual(o.stats().refreshErrors, ["invalid_grant", "invalid_grant"]);
});

test("a misconfigured refresh is reported as such, with the server's description, and the session kept", async () => {
  const o = await oauth({ accessTokenTtl: 60 });
  const t = await o.getTokens();
  const out = await inPage(`
    const outcome = async (extra) => {
      let ended = 0;
      const events = [];
      const api = client(tf, o, t, { refresh: { url: o.tokenEndpoint, ...extra }, onSessionExpired: () => ended++ });
      api.on("refreshFailed", (e) => events.push([e.error.code, e.sessionExpired]));
      const error = await api.auth.refresh().then(() => "ok", (e) => [e.code, e.message]);
      return { error, ended, events, kept: api.auth.getTokens()?.refreshToken === t.refresh_token };
    };
    return {
      json: await outcome({ clientId: "spa", format: "json" }),
      client: await outcome({ clientId: "not-spa" }),
      scope: await outcome({ clientId: "spa", scope: "openid bogus" }),
    };`, o, t);
  for (const [name, expected] of [
    ["json", /invalid_request: only application\/x-www-form-urlencoded/],
    ["client", /invalid_client: client authentication failed/],
    ["scope", /invalid_scope: refresh token missing requested scope/],
  ]) {
    const r = out[name];
    assert.equal(r.error[0], "ERR_BAD_OPTION", name);
    assert.match(r.error[1], /misconfigured/, name);
    assert.match(r.error[1], expected, name);
    assert.deepEqual([r.ended, r.events, r.kept], [0, [["ERR_BAD_OPTION", false]], true], name);
  }
  // None of them spent the refresh token.
  assert.equal(await o.grantRevoked(t.refresh_token), false);
});

test("logout revokes the refresh token at the revocation endpoint (RFC 7009)", async () => {
  const o = await oauth({ accessTokenTtl: 60 });
  const t = await o.getTokens();
  await inPage(`
    const api = client(tf, o, t, { revoke: { url: o.revocationEndpoint } });
    await api.auth.logout();
    return api.auth.getTokens();`, o, t);
  for (let i = 0; i < 50 && o.stats().revocations === 0; i++) await sleep(20);
  const s = o.stats();
  assert.equal(s.revocations, 1);
  assert.deepEqual(s.revokedTokens, [t.refresh_token]);
  assert.equal(await o.grantRevoked(t.refresh_token), true);
  assert.equal(s.authServerRequestsWithAccessToken, 0);
});

test("the access token never reaches the authorization server unless its origin is listed", async () => {
  const o = await oauth({ accessTokenTtl: 60 });
  const t = await o.getTokens();
  const out = await inPage(`
    const api = client(tf, o, t);
    const discovery = await api.get(o.issuer + "/.well-known/openid-configuration").then((r) => r.status, (e) => e.code);
    await api.auth.refresh();
    const listed = client(tf, o, api.auth.getTokens() && { access_token: api.auth.getTokens().accessToken, refresh_token: api.auth.getTokens().refreshToken }, { allowedOrigins: [o.apiOrigin, o.issuer] });
    await listed.get(o.issuer + "/.well-known/openid-configuration").catch(() => {});
    return discovery;`, o, t);
  assert.equal(out, 200);
  const s = o.stats();
  assert.equal(s.refreshes, 1);
  assert.equal(s.authServerRequestsWithAccessToken, 1, "only where the app listed the authorization server");
});

test("the README's OAuth snippet runs as written against the real server", async () => {
  const o = await oauth({ accessTokenTtl: 2 });
  const t = await o.getTokens();
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## With an OAuth 2.0 / OpenID Connect server"));
  const block = section.match(/```ts\n([\s\S]*?)```/)[1];
  const code = transformSync(block, { loader: "ts", format: "esm" })
    .code.replace(/import init, \{ createClient \} from "tokenfetch";/, "const { default: init, createClient } = tf;")
    .replaceAll('"https://api.example.com"', JSON.stringify(o.apiOrigin))
    .replaceAll('"https://id.example.com/token"', JSON.stringify(o.tokenEndpoint))
    .replaceAll('"https://id.example.com/token/revocation"', JSON.stringify(o.revocationEndpoint));
  assert.ok(code.includes(o.tokenEndpoint) && code.includes(o.revocationEndpoint), code);
  await sleep(2200); // the access token has expired: the first request refreshes
  const lines = await ctx.inPage(`async (tf, { signIn }) => {
    const lines = [];
    const log = console.log;
    console.log = (...args) => lines.push(args.join(" "));
    try {
      await (async () => { ${code} })();
    } finally {
      console.log = log;
    }
    return lines;
  }`, { signIn: t });
  assert.deepEqual(lines, ["200 3"]);
  for (let i = 0; i < 50 && o.stats().revocations === 0; i++) await sleep(20);
  const s = o.stats();
  assert.deepEqual([s.refreshes, s.revocations], [1, 1]);
});

test("a refresh body may be URLSearchParams (sent as a form, never as {}); one that cannot be sent is ERR_BAD_OPTION", async () => {
  const o = await oauth({ accessTokenTtl: 60 });
  const t = await o.getTokens();
  const out = await inPage(`
    const withBody = (body) => client(tf, o, t, { refresh: { url: o.tokenEndpoint, body } });
    const form = withBody((rt) => new URLSearchParams({ grant_type: "refresh_token", refresh_token: rt, client_id: "spa" }));
    const sent = await form.auth.refresh().then(() => "ok", (e) => [e.code, e.message]);
    const rotated = form.auth.getTokens().refreshToken !== t.refresh_token;
    const blob = withBody(() => new Blob(["x"]));
    const refused = await blob.auth.refresh().then(() => "ok", (e) => [e.code, e.message]);
    return { sent, rotated, refused, kept: blob.auth.getTokens()?.refreshToken === t.refresh_token };`, o, t);
  assert.equal(out.sent, "ok");
  assert.equal(out.rotated, true);
  assert.equal(out.refused[0], "ERR_BAD_OPTION");
  assert.match(out.refused[1], /auth\.refresh\.body/);
  assert.equal(out.kept, true, "a body that cannot be sent ended the session");
  assert.equal(o.stats().refreshes, 1, "only the form was sent");
});
