// The bench server: node:http on 127.0.0.1, keep-alive, tiny answers, so the clients are what
// is measured. It serves the bench page and bundles from its own origin (no CORS), a JSON
// route, and an OAuth-style token API with rotation and reuse detection (a refresh token used
// twice revokes the session, as RFC 9700 recommends), counting what it sees.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };

export function startServer(root) {
  const state = { seq: 0, access: new Set(), refresh: new Set(), spent: new Set(), refreshes: 0, refused: 0, delay: 0 };
  const stats = () => ({ refreshes: state.refreshes, refused: state.refused });

  const mint = () => {
    const n = ++state.seq;
    const pair = { access_token: `a${n}.${Math.random().toString(36).slice(2)}`, refresh_token: `r${n}.${Math.random().toString(36).slice(2)}` };
    state.access.add(pair.access_token);
    state.refresh.add(pair.refresh_token);
    return pair;
  };

  const send = (res, status, body, type = "application/json") => {
    const data = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(data), "cache-control": "no-store" });
    res.end(data);
  };

  const readBody = (req) =>
    new Promise((resolve) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://x");
    const path = url.pathname;
    if (path === "/json") return send(res, 200, { ok: true, n: 1 });
    if (path === "/auth/login") return send(res, 200, mint());
    if (path === "/auth/refresh") {
      const body = await readBody(req);
      let token;
      try {
        token = JSON.parse(body).refresh_token;
      } catch {}
      await new Promise((r) => setTimeout(r, state.delay));
      state.refreshes++;
      if (state.spent.has(token)) {
        // Reuse: revoke everything (the whole token family).
        state.access.clear();
        state.refresh.clear();
        state.refused++;
        return send(res, 400, { error: "invalid_grant" });
      }
      if (!state.refresh.has(token)) {
        state.refused++;
        return send(res, 400, { error: "invalid_grant" });
      }
      state.refresh.delete(token);
      state.spent.add(token);
      return send(res, 200, mint());
    }
    if (path === "/api/item") {
      const auth = req.headers.authorization ?? "";
      if (!state.access.has(auth.replace(/^Bearer /, ""))) {
        res.setHeader("www-authenticate", 'Bearer error="invalid_token"');
        return send(res, 401, { error: "invalid_token" });
      }
      return send(res, 200, { item: Number(url.searchParams.get("i")) });
    }
    if (path === "/__expire") {
      state.access.clear();
      state.delay = Number(url.searchParams.get("delay") ?? 0);
      return send(res, 200, stats());
    }
    if (path === "/__reset") {
      Object.assign(state, { access: new Set(), refresh: new Set(), spent: new Set(), refreshes: 0, refused: 0, delay: 0 });
      return send(res, 200, {});
    }
    if (path === "/__stats") return send(res, 200, stats());
    // Static files under the bench root (the page, the bundles, the wasm).
    const file = normalize(join(root, path === "/" ? "page.html" : path));
    if (!file.startsWith(root)) return send(res, 403, "forbidden", "text/plain");
    try {
      const data = await readFile(file);
      return send(res, 200, data, TYPES[extname(file)] ?? "application/octet-stream");
    } catch {
      return send(res, 404, "not found", "text/plain");
    }
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }));
  });
}
