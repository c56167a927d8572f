// A real OAuth 2.0 / OpenID Connect authorization server (oidc-provider 9, pinned in package.json)
// and a resource server, in this Node process, for tests that drive tokenfetch against what an SPA
// meets in the wild. Three origins on 127.0.0.1: the app (options.appOrigin, served elsewhere),
// the authorization server (AS) and the API. See provider.selftest.mjs for the behaviours observed.
import crypto from "node:crypto";
import http from "node:http";

/** oidc-provider prints NOTICE/WARNING lines (e.g. "Unsupported runtime" on Node 20); drop them. */
async function quietly(fn) {
  const { warn, info } = console;
  const drop = (orig) => (...args) => (/^oidc-provider /.test(String(args[0])) ? undefined : orig(...args));
  Object.assign(console, { warn: drop(warn), info: drop(info) });
  try {
    return await fn();
  } finally {
    Object.assign(console, { warn, info });
  }
}

// An RSA key for ID tokens (and JWT access tokens); our own so no "development keys" warning,
// and its public half lets the API verify JWT access tokens without another dependency.
let signingKey;
const key = () =>
  (signingKey ??= new Promise((ok, ko) =>
    crypto.generateKeyPair("rsa", { modulusLength: 2048 }, (e, pub, priv) => (e ? ko(e) : ok({ pub, priv })))));

function listen(server, port = 0) {
  return new Promise((ok) => server.listen(port, "127.0.0.1", () => ok(`http://127.0.0.1:${server.address().port}`)));
}

/**
 * Records the raw request body as the provider reads it (it parses bodies itself, from
 * `req.iterator()`, and warns if something upstream consumed the stream first). The returned
 * function finishes reading whatever the provider left unread (e.g. a JSON body it refused).
 */
function tapBody(req) {
  const chunks = [];
  const iterator = req.iterator.bind(req);
  req.iterator = (opts) =>
    (async function* () {
      for await (const c of iterator(opts)) {
        chunks.push(c);
        yield c;
      }
    })();
  return async () => {
    if (req.readable && !req.readableEnded) for await (const c of iterator({ destroyOnReturn: false })) chunks.push(c);
    return Buffer.concat(chunks).toString();
  };
}

function parseBody(type, raw) {
  try {
    return /json/.test(type ?? "") ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
  } catch {
    return {};
  }
}

/** A cookie jar for one login: name → value, ignoring paths (the provider's names are distinct). */
function jar() {
  const cookies = new Map();
  return {
    header: () => [...cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    store(res) {
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(";");
        const i = pair.indexOf("=");
        const [name, value] = [pair.slice(0, i).trim(), pair.slice(i + 1)];
        if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name);
        else cookies.set(name, value);
      }
    },
  };
}

/**
 * Start the AS and the API. Options: `appOrigin` (the SPA's origin: CORS and redirect_uri),
 * `accessTokenTtl` seconds (5), `jwtAccessTokens` (false: opaque), `redirectUris` (extra ones),
 * `asPort` / `apiPort` (0: any free one), `anyOrigin` (CORS for any loopback origin), `hooks` (the API also answers `GET /__tokens` with the
 * first tokens of a new sign-in and `GET /__stats` with `stats()`: for tests that run in the
 * browser alone, the Rust ones).
 */
export async function startOAuth(options = {}) {
  const appOrigin = options.appOrigin ?? process.env.TOKENFETCH_SERVER ?? "http://127.0.0.1:8787";
  const ttl = options.accessTokenTtl ?? 5;
  const redirectUri = `${appOrigin}/callback`;
  // The app's origin only; `anyOrigin`: any loopback origin (the Rust tests' page is served by
  // the wasm-bindgen test runner, on a port of its own).
  const corsAllowed = (origin) =>
    origin === appOrigin || (options.anyOrigin === true && /^http:\/\/127\.0\.0\.1:\d+$/.test(origin ?? ""));
  // The servers listen before the provider exists: a request that arrives meanwhile (a readiness
  // probe) waits for the handlers instead of hanging unanswered.
  let handlersReady;
  const handlers = new Promise((resolve) => (handlersReady = resolve));
  const asServer = http.createServer((req, res) => handlers.then((h) => h.as(req, res)));
  const apiServer = http.createServer((req, res) => handlers.then((h) => h.api(req, res)));
  const [issuer, apiOrigin, { pub, priv }, { default: Provider }] = await Promise.all([
    listen(asServer, options.asPort),
    listen(apiServer, options.apiPort),
    key(),
    quietly(() => import("oidc-provider")),
  ]);
  // The provider's own in-memory adapter, one store per harness (the default one is shared and
  // warns). It is an LRU of ~1000 entries per generation: plenty for a test, not for a soak.
  const { createMemoryAdapter } = await import("oidc-provider/lib/adapters/memory_adapter.js");

  const jwk = { ...priv.export({ format: "jwk" }), kid: "k1", use: "sig", alg: "RS256" };
  const day = 24 * 60 * 60;
  const provider = await quietly(
    () =>
      new Provider(issuer, {
        adapter: createMemoryAdapter(15),
        jwks: { keys: [jwk] },
        cookies: { keys: [crypto.randomBytes(32).toString("hex")] },
        clients: [
          {
            client_id: "spa",
            token_endpoint_auth_method: "none", // public client: PKCE required, refresh tokens rotated
            grant_types: ["authorization_code", "refresh_token"],
            response_types: ["code"],
            redirect_uris: [redirectUri, ...(options.redirectUris ?? [])],
          },
        ],
        // Every function below restates a default whose default implementation prints a NOTICE.
        findAccount: (ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
        clientBasedCORS: (ctx, origin) => corsAllowed(origin),
        renderError: (ctx, out) => void (ctx.body = out),
        ttl: {
          AccessToken: ttl,
          AuthorizationCode: 60,
          IdToken: 3600,
          Interaction: 3600,
          Session: 14 * day,
          Grant: 14 * day,
          // The default: a rotated public-client token keeps the family's remaining lifetime.
          RefreshToken: (ctx, token, client) =>
            ctx?.oidc?.entities.RotatedRefreshToken && client.clientAuthMethod === "none" && !token.isSenderConstrained()
              ? ctx.oidc.entities.RotatedRefreshToken.remainingTTL
              : 14 * day,
        },
        features: {
          devInteractions: { enabled: false }, // our middleware below logs in and consents instead
          revocation: { enabled: true, allowedPolicy: (ctx, client, token) => token.clientId === client.clientId },
          resourceIndicators: options.jwtAccessTokens
            ? {
                enabled: true,
                defaultResource: () => apiOrigin, // every token is for the API, even without `resource`
                useGrantedResource: () => true, // ... also when `openid` is asked (else: userinfo token)
                getResourceServerInfo: () => ({ scope: "api:read", accessTokenFormat: "jwt", accessTokenTTL: ttl }),
              }
            : { enabled: true }, // the default: opaque tokens for userinfo
        },
      }),
  );

  const known = new Set(); // every access token issued so far
  const grantOf = new Map(); // refresh token → grant id, recorded when issued
  let counts;
  function reset() {
    counts = { refreshes: 0, refreshSuccesses: 0, refreshErrors: [], revocations: 0, revokedTokens: [],
      apiOk: 0, api401: 0, authServerRequestsWithAccessToken: 0, leaks: [], requestsByPath: {}, serverErrors: [] };
  }
  reset();
  const hit = (method, path) => (counts.requestsByPath[`${method} ${path}`] ??= 0, counts.requestsByPath[`${method} ${path}`]++);
  provider.on("server_error", (ctx, err) => counts.serverErrors.push(`${ctx.path}: ${err.message}`));

  // Records, then lets the provider answer; reads ctx.body after (the provider's JSON object).
  provider.use(async (ctx, next) => {
    hit(ctx.method, ctx.path.replace(/^\/(interaction|auth)\/[^/]+$/, "/$1/:uid"));
    const raw = tapBody(ctx.req);
    try {
      await next();
    } finally {
      const text = await raw();
      const seen = [ctx.url, ...Object.values(ctx.headers), text].join("\n");
      const token = [...known].find((t) => seen.includes(t));
      if (ctx.get("authorization") || token) {
        counts.authServerRequestsWithAccessToken++;
        counts.leaks.push({ method: ctx.method, path: ctx.path, authorization: ctx.get("authorization") || undefined });
      }
      const body = ctx.method === "POST" ? parseBody(ctx.get("content-type"), text) : {};
      const answer = typeof ctx.body === "object" && ctx.body ? ctx.body : {};
      if (ctx.path === "/token" && ctx.method === "POST") {
        if (body.grant_type === "refresh_token") {
          counts.refreshes++;
          if (ctx.status === 200) counts.refreshSuccesses++;
          else counts.refreshErrors.push(answer.error);
        }
        if (answer.access_token) known.add(answer.access_token);
        if (answer.refresh_token) grantOf.set(answer.refresh_token, (await provider.RefreshToken.find(answer.refresh_token))?.grantId);
      }
      if (ctx.path === "/token/revocation" && ctx.method === "POST") {
        counts.revocations++;
        counts.revokedTokens.push(body.token);
      }
    }
  });

  // The interaction "UI": logs in as ada, then consents to what was asked (as in the docs'
  // example), each time sending the browser back to the authorization endpoint.
  provider.use(async (ctx, next) => {
    if (!ctx.path.startsWith("/interaction/")) return next();
    const { prompt, params, session, grantId } = await provider.interactionDetails(ctx.req, ctx.res);
    let result;
    if (prompt.name === "login") result = { login: { accountId: "ada" } };
    else {
      const grant = grantId
        ? await provider.Grant.find(grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      const { missingOIDCScope, missingOIDCClaims, missingResourceScopes = {} } = prompt.details;
      if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(" "));
      if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(missingResourceScopes)) grant.addResourceScope(resource, scopes.join(" "));
      result = { consent: { grantId: await grant.save() } };
    }
    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: true }));
  });
  const asHandler = provider.callback();

  // The API: validates the bearer token with the provider (opaque) or the AS key (JWT).
  async function valid(token) {
    if (!token) return false;
    if (!options.jwtAccessTokens) {
      const at = await provider.AccessToken.find(token); // undefined once revoked
      return Boolean(at && !at.isExpired); // isExpired: find() alone allows 15 s clock tolerance
    }
    const [h, p, s] = token.split(".");
    if (!s || !crypto.verify("sha256", Buffer.from(`${h}.${p}`), pub, Buffer.from(s, "base64url"))) return false;
    const claims = JSON.parse(Buffer.from(p, "base64url"));
    return claims.iss === issuer && [claims.aud].flat().includes(apiOrigin) && claims.exp > Date.now() / 1000;
  }
  const apiHandler = async (req, res) => {
    const path = new URL(req.url, apiOrigin).pathname;
    hit(req.method, path);
    for await (const _ of req); // drain any body
    if (corsAllowed(req.headers.origin)) {
      res.setHeader("access-control-allow-origin", req.headers.origin);
      res.setHeader("access-control-allow-credentials", "true");
      res.setHeader("access-control-expose-headers", "www-authenticate");
      res.setHeader("vary", "origin");
    }
    if (req.method === "OPTIONS") {
      res.setHeader("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE");
      res.setHeader("access-control-allow-headers", "Authorization, content-type");
      return res.writeHead(204).end();
    }
    if (options.hooks && (path === "/__tokens" || path === "/__stats")) {
      const body = path === "/__tokens" ? await getTokens() : structuredClone(counts);
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    }
    if (path !== "/api/items") return res.writeHead(404).end();
    const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    if (await valid(token)) {
      counts.apiOk++;
      return res.writeHead(200, { "content-type": "application/json" }).end('{"items":[1,2,3]}');
    }
    counts.api401++;
    res.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"', "content-type": "application/json" });
    res.end('{"error":"invalid_token"}');
  };
  handlersReady({ as: asHandler, api: apiHandler });

  /** The first tokens, through /auth → login → consent → callback → /token, with PKCE (S256). */
  async function getTokens({ scope = "openid offline_access" } = {}) {
    const cookies = jar(); // a fresh browser: its own session and grant
    const verifier = crypto.randomBytes(32).toString("base64url");
    const challenge = crypto.createHash("sha256").update(verifier).digest("base64url");
    const state = crypto.randomBytes(8).toString("hex");
    let url = `${issuer}/auth?${new URLSearchParams({ client_id: "spa", response_type: "code", redirect_uri: redirectUri,
      scope, state, code_challenge: challenge, code_challenge_method: "S256",
      // OpenID Connect: offline_access is silently dropped (no refresh token) without prompt=consent.
      ...(/\boffline_access\b/.test(scope) && { prompt: "consent" }) })}`;
    for (let hop = 0; !url.startsWith(redirectUri); hop++) {
      if (hop > 10) throw new Error("getTokens: too many redirects");
      const res = await fetch(url, { redirect: "manual", headers: { cookie: cookies.header(), accept: "application/json" } });
      cookies.store(res);
      const location = res.headers.get("location");
      if (!location) throw new Error(`getTokens: ${res.status} at ${url}: ${await res.text()}`);
      url = new URL(location, url).href;
    }
    const back = new URL(url).searchParams;
    if (!back.get("code") || back.get("state") !== state) throw new Error(`getTokens: callback ${url}`);
    const res = await fetch(`${issuer}/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "authorization_code", code: back.get("code"), redirect_uri: redirectUri,
        client_id: "spa", code_verifier: verifier }),
    });
    const tokens = await res.json();
    if (!res.ok) throw new Error(`getTokens: /token ${res.status} ${JSON.stringify(tokens)}`);
    return tokens;
  }

  return {
    provider, issuer, apiOrigin, appOrigin, redirectUri, clientId: "spa",
    apiUrl: `${apiOrigin}/api/items`,
    tokenEndpoint: `${issuer}/token`,
    revocationEndpoint: `${issuer}/token/revocation`,
    getTokens,
    stats: () => structuredClone(counts),
    reset,
    /** Whether the grant a refresh token was issued under is gone (reuse detected, revoked). */
    async grantRevoked(refreshToken) {
      const grantId = grantOf.get(refreshToken);
      if (!grantId) throw new Error("grantRevoked: not a refresh token issued by this harness");
      return !(await provider.Grant.find(grantId));
    },
    async close() {
      const closed = [asServer, apiServer].map((server) => new Promise((ok) => server.close(ok)));
      for (const server of [asServer, apiServer]) server.closeAllConnections(); // keep-alive sockets
      await Promise.all(closed);
    },
  };
}
