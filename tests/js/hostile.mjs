// Hostile servers for the security tests: on 127.0.0.1, each its own origin, with CORS that
// allows everything (any origin, method, header, credentials) — the worst a foreign origin can
// do — and a record of every request it got (preflights apart).
import http from "node:http";
import net from "node:net";

/**
 * An HTTP server answering with `handler(req, res, body, url)`; `seen` lists the requests it
 * got (`{ method, path, headers, body }`), `origin` is its origin.
 */
export async function hostile(handler) {
  const seen = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      res.setHeader("access-control-allow-origin", req.headers.origin ?? "*");
      res.setHeader("access-control-allow-credentials", "true");
      res.setHeader("access-control-expose-headers", "*");
      if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
        res.setHeader("access-control-allow-methods", req.headers["access-control-request-method"]);
        const asked = req.headers["access-control-request-headers"];
        if (asked) res.setHeader("access-control-allow-headers", asked);
        return res.writeHead(204).end();
      }
      const body = Buffer.concat(chunks).toString();
      const url = new URL(req.url, "http://h");
      seen.push({ method: req.method, path: url.pathname, headers: req.headers, body });
      try {
        await handler(req, res, body, url);
      } catch {
        res.destroy();
      }
    });
  });
  return listen(server, seen);
}

/**
 * A server that writes `answer(origin)` — raw bytes, status line and all — to every request
 * but a CORS preflight (which it allows), then closes the connection.
 */
export async function raw(answer) {
  const seen = [];
  const server = net.createServer((socket) => {
    let head = "";
    socket.on("data", (data) => {
      head += data.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      const origin = /^origin: *(.*)$/im.exec(head)?.[1]?.trim() ?? "*";
      const asked = /^access-control-request-headers: *(.*)$/im.exec(head)?.[1]?.trim();
      if (head.startsWith("OPTIONS")) {
        socket.end(
          "HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: " + origin +
            "\r\nAccess-Control-Allow-Methods: GET, POST\r\n" +
            (asked ? "Access-Control-Allow-Headers: " + asked + "\r\n" : "") +
            "Content-Length: 0\r\nConnection: close\r\n\r\n",
        );
      } else {
        seen.push(head.split("\r\n")[0]);
        socket.end(Buffer.from(answer(origin), "latin1"));
      }
      head = "";
    });
    socket.on("error", () => {});
  });
  return listen(server, seen);
}

async function listen(server, seen) {
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(resolve);
      }),
  };
}

/** Answer JSON. */
export function json(res, status, value) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}
