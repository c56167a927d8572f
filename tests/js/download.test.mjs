// Downloads: progress events as axios shapes them, and maxContentLength enforced while reading
// (also without a Content-Length), cancelling the download.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useChromium, tenant, stats } from "./helpers.mjs";

const ctx = useChromium({ before, after });

/** The server's stats once `done(stats)` holds (or after 5 s, for the assertion to report). */
async function statsWhen(base, done) {
  let s;
  for (let i = 0; i < 50; i++) {
    s = await stats(base);
    if (done(s)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return s;
}

test("onDownloadProgress: monotonic, ends at total, for a 5 MB download", async () => {
  const base = tenant("js-download-progress");
  const out = await ctx.inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base });
    const events = [];
    const res = await api.get("/download", {
      params: { bytes: 5_000_000 },
      responseType: "arraybuffer",
      onDownloadProgress: (e) => events.push(e),
    });
    const bytes = new Uint8Array(res.data);
    return {
      size: bytes.length,
      sample: [bytes[0], bytes[250], bytes[251], bytes[4_999_999]],
      count: events.length,
      monotonic: events.every((e, i) => i === 0 || e.loaded > events[i - 1].loaded),
      last: events.at(-1),
      keys: Object.keys(events[0]).sort(),
    };
  }, { base });
  assert.equal(out.size, 5_000_000);
  assert.deepEqual(out.sample, [0, 250, 0, 4_999_999 % 251]);
  assert.ok(out.count > 1, `${out.count} progress events`);
  assert.ok(out.monotonic);
  assert.equal(out.last.loaded, 5_000_000);
  assert.equal(out.last.total, 5_000_000);
  assert.equal(out.last.progress, 1);
  assert.deepEqual(out.keys, ["bytes", "download", "estimated", "lengthComputable", "loaded", "progress", "rate", "total"]);
});

test("maxContentLength trips near the cap, with and without a Content-Length", async () => {
  const base = tenant("js-download-cap");
  const out = await ctx.inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base, retry: false });
    const get = (params, config = {}) =>
      api.get("/download", { params, responseType: "arraybuffer", ...config }).then((r) => r.data.byteLength, (e) => [e.code, e.message]);
    return {
      under: await get({ bytes: 1_000_000 }, { maxContentLength: 1_000_000 }),
      declared: await get({ bytes: 50_000_000 }, { maxContentLength: 49_999_999 }),
      streamed: await get({ bytes: 50_000_000, length: "none" }, { maxContentLength: 1_000_000 }),
      client: await tf.createClient({ baseURL: base, maxContentLength: 10 }).get("/download", { params: { bytes: 11 } }).catch((e) => e.code),
      // 0 is a limit (axios): only an empty body passes; -1 is none.
      zero: await get({ bytes: 1 }, { maxContentLength: 0 }),
      zeroEmpty: await get({ bytes: 0 }, { maxContentLength: 0 }),
      none: await get({ bytes: 5 }, { maxContentLength: -1 }),
    };
  }, { base });
  assert.equal(out.under, 1_000_000);
  for (const key of ["declared", "streamed"]) {
    assert.equal(out[key][0], "ERR_BAD_RESPONSE", key);
    assert.match(out[key][1], /maxContentLength/, key);
  }
  assert.equal(out.client, "ERR_BAD_RESPONSE");
  assert.equal(out.zero[0], "ERR_BAD_RESPONSE");
  assert.deepEqual([out.zeroEmpty, out.none], [0, 5]);
  // The streamed one was cut off at the cap, not read to its end and then refused.
  const s = await statsWhen(base, (s) => s.aborted_downloads >= 1);
  assert.equal(s.aborted_downloads, 1, "the server saw the streamed download end early");
});

test("maxBodyLength refuses a larger upload before sending it", async () => {
  const base = tenant("js-upload-cap");
  const out = await ctx.inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base });
    const form = new FormData();
    form.append("f", new Blob([new Uint8Array(2000)]));
    return [
      await api.post("/echo", "x".repeat(11), { maxBodyLength: 10 }).catch((e) => e.code),
      await api.post("/upload", form, { maxBodyLength: 1000 }).catch((e) => e.code),
      (await api.post("/echo", "x".repeat(10), { maxBodyLength: 10 })).status,
    ];
  }, { base });
  assert.deepEqual(out, ["ERR_BAD_REQUEST", "ERR_BAD_REQUEST", 200]);
  const sent = (await stats(base)).requests.map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(sent, ["POST /echo"], "only the body within the limit was sent");
});

test("responseType stream gives the ReadableStream as it arrives", async () => {
  const base = tenant("js-stream");
  const out = await ctx.inPage(async (tf, { base }) => {
    // A deduplicated response is shared, so its body is read once and handed out as a stream.
    const shared = await tf.createClient({ baseURL: base, dedupe: true }).get("/download", { params: { bytes: 300_000 }, responseType: "stream" });
    const sharedBytes = (await new Response(shared.data).arrayBuffer()).byteLength;
    // Without dedupe the platform's own stream is handed over, unread: it arrives in chunks.
    const direct = await tf.createClient({ baseURL: base }).get("/download", { params: { bytes: 1_000_000, length: "none" }, responseType: "stream" });
    const reader = direct.data.getReader();
    const head = [];
    let total = 0;
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (head.length < 10) head.push(...value.slice(0, 10 - head.length));
      total += value.byteLength;
      chunks++;
    }
    // A byte stream, as fetch's body is: a BYOB reader reads into the caller's buffer.
    const byob = (await tf.createClient({ baseURL: base }).get("/download", { params: { bytes: 1000 }, responseType: "stream" })).data.getReader({ mode: "byob" });
    const into = await byob.read(new Uint8Array(10));
    await byob.cancel();
    return { isStream: shared.data instanceof ReadableStream && direct.data instanceof ReadableStream, sharedBytes, total, chunks, head, byob: [...into.value] };
  }, { base });
  assert.deepEqual(out.byob, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(out.head, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual({ isStream: out.isStream, sharedBytes: out.sharedBytes, total: out.total }, { isStream: true, sharedBytes: 300_000, total: 1_000_000 });
  assert.ok(out.chunks > 1, `arrives in chunks: ${out.chunks}`);
});

test("responseType stream: maxContentLength, onDownloadProgress and the signal apply as it is read", async () => {
  const base = tenant("js-stream-limits");
  const out = await ctx.inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base, retry: false });
    const stream = (params, config = {}) => api.get("/download", { params, responseType: "stream", ...config });
    // Bytes read until the end, or [code, message, bytes read, a TokenfetchError?] if it fails.
    const readAll = async (body) => {
      const reader = body.getReader();
      let n = 0;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return n;
          n += value.byteLength;
        }
      } catch (e) {
        return [e.code, e.message, n, tf.isTokenfetchError(e)];
      }
    };
    const capped = await readAll((await stream({ bytes: 50_000_000, length: "none" }, { maxContentLength: 1_000_000 })).data);
    const declared = await stream({ bytes: 2_000_000 }, { maxContentLength: 1_000_000 }).then(() => "resolved", (e) => e.code);
    const events = [];
    const progressed = await readAll((await stream({ bytes: 1_000_000 }, { onDownloadProgress: (e) => events.push(e.loaded) })).data);
    // The caller's signal, after the stream was handed over, cancels the download.
    const abort = new AbortController();
    const reader = (await stream({ bytes: 50_000_000, length: "none" }, { signal: abort.signal })).data.getReader();
    const first = (await reader.read()).value.byteLength > 0;
    abort.abort();
    const aborted = await reader.read().then((r) => (r.done ? "done" : "more"), (e) => e.code);
    return { capped, declared, progressed, events: [events.length, events.at(-1)], first, aborted };
  }, { base });
  assert.equal(out.capped[0], "ERR_BAD_RESPONSE");
  assert.match(out.capped[1], /maxContentLength/);
  assert.ok(out.capped[2] <= 1_000_000, `${out.capped[2]} bytes read past the cap`);
  assert.equal(out.capped[3], true, "a TokenfetchError");
  assert.equal(out.declared, "ERR_BAD_RESPONSE", "a declared length over the cap is refused before the stream");
  assert.equal(out.progressed, 1_000_000);
  assert.ok(out.events[0] > 0, "progress reported as the stream is read");
  assert.equal(out.events[1], 1_000_000);
  assert.deepEqual([out.first, out.aborted], [true, "ERR_CANCELED"]);
  const s = await statsWhen(base, (s) => s.aborted_downloads >= 2);
  assert.equal(s.aborted_downloads, 2, "the capped and the aborted stream ended their downloads early");
});

test("a gzip-encoded download: progress never passes 1, the limit counts decoded bytes", async () => {
  const base = tenant("js-gzip");
  const out = await ctx.inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base, retry: false });
    const gzip = (params, config) =>
      api.get("/download", { params: { encoding: "gzip", ...params }, responseType: "arraybuffer", ...config }).then((r) => r.data.byteLength, (e) => e.code);
    // Repetitive bytes: compressed, a few KB for 2 MB.
    const events = [];
    const size = await gzip({ bytes: 2_000_000 }, { onDownloadProgress: (e) => events.push(e) });
    // Pseudo-random bytes: compressed, a few bytes more than the 500,000 decoded ones.
    const randomEvents = [];
    const random = await gzip({ bytes: 500_000, random: 1 }, { onDownloadProgress: (e) => randomEvents.push(e) });
    return {
      size,
      over: events.filter((e) => e.progress > 1).length,
      last: events.at(-1),
      random,
      randomTotals: [...new Set(randomEvents.map((e) => e.total))],
      // Within the limit once decoded, though its Content-Length is above it.
      fits: await gzip({ bytes: 500_000, random: 1 }, { maxContentLength: 500_000 }),
      capped: await gzip({ bytes: 2_000_000 }, { maxContentLength: 1_000_000 }),
    };
  }, { base });
  assert.equal(out.size, 2_000_000);
  assert.equal(out.over, 0, "no progress event above 1");
  assert.equal(out.last.loaded, 2_000_000);
  // Content-Length counts the compressed bytes: not the total of what is read.
  assert.deepEqual([out.last.total, out.last.lengthComputable], [undefined, false]);
  assert.equal(out.random, 500_000);
  assert.deepEqual(out.randomTotals, [undefined], "no event reports the compressed length as the total");
  assert.equal(out.fits, 500_000);
  assert.equal(out.capped, "ERR_BAD_RESPONSE");
});

test("canceling mid-download and mid-upload ends the connection the server sees", async () => {
  const base = tenant("js-cancel-transfer");
  const out = await ctx.inPage(async (tf, { base }) => {
    const api = tf.createClient({ baseURL: base, retry: false });
    const down = new AbortController();
    const downloaded = await api
      .get("/download", {
        params: { bytes: 50_000_000, length: "none" },
        responseType: "arraybuffer",
        signal: down.signal,
        onDownloadProgress: (e) => e.loaded > 1_000_000 && down.abort(),
      })
      .then(() => "finished", (e) => e.code);
    const up = new AbortController();
    const form = new FormData();
    form.append("big", new Blob([new Uint8Array(60_000_000)]));
    const uploaded = await api
      .post("/upload", form, { signal: up.signal, onUploadProgress: (e) => e.loaded > 1_000_000 && up.abort() })
      .then(() => "finished", (e) => e.code);
    return { downloaded, uploaded };
  }, { base });
  assert.deepEqual(out, { downloaded: "ERR_CANCELED", uploaded: "ERR_CANCELED" });
  const s = await statsWhen(base, (s) => s.aborted_downloads >= 1 && s.aborted_uploads >= 1);
  assert.equal(s.aborted_downloads, 1, "the server saw the download end early");
  assert.equal(s.aborted_uploads, 1, "the server saw the upload end early");
});
