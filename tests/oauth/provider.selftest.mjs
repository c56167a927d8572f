// Self-test of the OAuth harness (not a *.test.mjs: CI does not run it). Run:
//   node tests/oauth/provider.selftest.mjs
// It prints what oidc-provider does at each step and exits 0 when the harness behaves as the
// tests expect; it ends on its own, which also checks that close() releases every socket.
import assert from "node:assert/strict";
import { startOAuth } from "./provider.mjs";

const APP = "http://127.0.0.1:8787";
const log = (...args) => console.log("·", ...args);
const form = (fields) => new URLSearchParams({ client_id: "spa", ...fields });

const t0 = performance.now();
const oauth = await startOAuth({ appOrigin: APP });
log(`startOAuth: ${Math.round(performance.now() - t0)} ms (cold: import + RSA key)`);

// oidc-provider answers every invalid_grant with the same description; the reason is only in
// the error's error_detail, which its events carry.
const details = [];
oauth.provider.on("grant.error", (ctx, err) => details.push(err.error_detail));
const lastDetail = () => details.at(-1);

async function token(body, headers = {}) {
  const res = await fetch(oauth.tokenEndpoint, { method: "POST", body, headers });
  return { status: res.status, headers: res.headers, json: await res.json() };
}
const refresh = (refresh_token, extra) => token(form({ grant_type: "refresh_token", refresh_token, ...extra }));
const api = (accessToken, url = oauth.apiUrl) =>
  fetch(url, { headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {} }).then(async (r) => ({
    status: r.status,
    wwwAuthenticate: r.headers.get("www-authenticate"),
  }));

try {
  // 1. First tokens through the code flow with PKCE.
  let t = performance.now();
  const first = await oauth.getTokens();
  log(`getTokens: ${Math.round(performance.now() - t)} ms →`, { ...first, id_token: first.id_token && "<jwt>" });
  assert.ok(first.access_token && first.refresh_token && first.id_token);
  assert.equal(first.token_type, "Bearer");
  assert.equal(first.expires_in, 5);
  assert.equal((await api(first.access_token)).status, 200);
  const none = await api();
  log("API without a token:", none);
  assert.equal(none.status, 401);

  // 2. Refresh, form-encoded, and rotation.
  const second = await refresh(first.refresh_token);
  log("refresh →", second.status, Object.keys(second.json).join(" "));
  assert.equal(second.status, 200);
  assert.notEqual(second.json.refresh_token, first.refresh_token, "refresh token rotated");
  assert.equal((await api(second.json.access_token)).status, 200);
  assert.equal((await api(first.access_token)).status, 200, "the old access token stays valid until it expires");

  // 3. Refused requests (none of them burns the refresh token: it still works afterwards).
  const refused = {
    "JSON body": await token(JSON.stringify({ grant_type: "refresh_token", refresh_token: second.json.refresh_token, client_id: "spa" }),
      { "content-type": "application/json" }),
    "wrong client_id": await token(new URLSearchParams({ grant_type: "refresh_token", refresh_token: second.json.refresh_token, client_id: "nope" })),
    "unknown grant_type": await token(form({ grant_type: "password", username: "ada", password: "pw" })),
    "invalid scope": await refresh(second.json.refresh_token, { scope: "openid bogus" }),
    "unknown refresh token": await refresh("not-a-token"),
    "CORS from a foreign origin": await token(form({ grant_type: "refresh_token", refresh_token: second.json.refresh_token }),
      { origin: "http://evil.test" }),
  };
  for (const [what, r] of Object.entries(refused)) log(`${what} →`, r.status, r.json);
  assert.equal(refused["JSON body"].json.error, "invalid_request");
  assert.equal(refused["wrong client_id"].json.error, "invalid_client");
  assert.equal(refused["unknown grant_type"].json.error, "unsupported_grant_type");
  assert.equal(refused["invalid scope"].json.error, "invalid_scope");
  assert.equal(refused["unknown refresh token"].json.error, "invalid_grant");

  // 4. Reuse of a rotated refresh token: refused, and the whole grant is revoked.
  const third = await refresh(second.json.refresh_token);
  assert.equal(third.status, 200, "the refused requests did not burn the refresh token");
  const reuse = await refresh(second.json.refresh_token);
  log("reuse of the rotated refresh token →", reuse.status, reuse.json, "detail:", lastDetail());
  assert.equal(lastDetail(), "refresh token already used");
  assert.equal(reuse.json.error, "invalid_grant");
  const after = await refresh(third.json.refresh_token);
  log("then the NEW refresh token →", after.status, after.json, "detail:", lastDetail());
  assert.equal(lastDetail(), "refresh token not found");
  assert.equal(after.json.error, "invalid_grant");
  assert.equal(await oauth.grantRevoked(third.json.refresh_token), true);
  const apiAfterReuse = await api(third.json.access_token);
  log("the grant's access tokens at the API →", apiAfterReuse, (await api(first.access_token)).status);
  assert.equal(apiAfterReuse.status, 401);

  // 5. CORS for the app origin at the token endpoint.
  const c = await oauth.getTokens();
  const cors = await token(form({ grant_type: "refresh_token", refresh_token: c.refresh_token }), { origin: APP });
  log("refresh with Origin: app →", cors.status, "ACAO:", cors.headers.get("access-control-allow-origin"));
  assert.equal(cors.headers.get("access-control-allow-origin"), APP);

  // 6. Revocation endpoint: a refresh token, then (another grant) an access token.
  const revoke = (tok, hint) =>
    fetch(oauth.revocationEndpoint, { method: "POST", body: form({ token: tok, token_type_hint: hint }) }).then((r) => r.status);
  const d = await oauth.getTokens();
  log("revoke refresh token →", await revoke(d.refresh_token, "refresh_token"));
  log("  then refresh →", (await refresh(d.refresh_token)).json, "; its access token at the API →",
    (await api(d.access_token)).status, "; grant revoked:", await oauth.grantRevoked(d.refresh_token));
  assert.equal((await refresh(d.refresh_token)).json.error, "invalid_grant");
  const e = await oauth.getTokens();
  log("revoke access token →", await revoke(e.access_token, "access_token"));
  const eRefresh = await refresh(e.refresh_token);
  log("  then its refresh token →", eRefresh.status, eRefresh.json.error ?? "ok", lastDetail(),
    "; grant revoked:", await oauth.grantRevoked(e.refresh_token));

  // 7. Expiry: the API refuses the access token once its TTL has passed.
  const f = await oauth.getTokens();
  await new Promise((ok) => setTimeout(ok, (f.expires_in + 1) * 1000));
  const expired = await api(f.access_token);
  log(`after ${f.expires_in + 1} s the API answers`, expired);
  assert.equal(expired.status, 401);
  assert.equal(expired.wwwAuthenticate, 'Bearer error="invalid_token"');

  const stats = oauth.stats();
  log("stats:", stats);
  assert.equal(stats.authServerRequestsWithAccessToken, 1, "only the access-token revocation carried one");
  assert.deepEqual(stats.serverErrors, []);
  oauth.reset();
  assert.equal(oauth.stats().refreshes, 0);
} finally {
  await oauth.close();
}

// 8. JWT access tokens (resource indicators, a default resource = the API).
{
  const jwt = await startOAuth({ appOrigin: APP, jwtAccessTokens: true, accessTokenTtl: 2 });
  try {
    const g = await jwt.getTokens();
    const [header, payload] = g.access_token.split(".").slice(0, 2).map((p) => JSON.parse(Buffer.from(p, "base64url")));
    log("JWT access token:", header, payload, "expires_in:", g.expires_in);
    assert.equal(header.typ, "at+jwt");
    assert.equal(payload.aud, jwt.apiOrigin);
    assert.equal((await api(g.access_token, jwt.apiUrl)).status, 200);
    const h = await fetch(jwt.tokenEndpoint, { method: "POST", body: form({ grant_type: "refresh_token", refresh_token: g.refresh_token }) }).then((r) => r.json());
    log("JWT mode refresh →", Object.keys(h).join(" "), "new token is a JWT:", h.access_token.split(".").length === 3);
    const rev = await fetch(jwt.revocationEndpoint, { method: "POST", body: form({ token: h.access_token }) });
    log("revoking a JWT access token →", rev.status, await rev.json().catch(() => ""));
    await new Promise((ok) => setTimeout(ok, 3000));
    const late = await api(g.access_token, jwt.apiUrl);
    log("JWT after expiry at the API →", late);
    assert.equal(late.status, 401);
    log("JWT stats:", jwt.stats());
  } finally {
    await jwt.close();
  }
}
log("selftest passed");
