// Uploads through the authenticated client: several files under one field and under another,
// text fields, replayed after the single refresh with the same bytes (checksums, not lengths).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { useChromium, tenant, stats, expire, tokens } from "./helpers.mjs";

const ctx = useChromium({ before, after });

test("a multipart upload with 5 files is replayed after the refresh with identical checksums", async () => {
  const base = tenant("js-upload");
  const pair = await tokens(base);
  await expire(base);
  const out = await ctx.inPage(async (tf, { base, pair }) => {
    const hex = async (blob) =>
      [...new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const file = (name, size, type, seed) =>
      new File([Uint8Array.from({ length: size }, (_, i) => (i * seed + 7) % 256)], name, { type });
    const photos = [file("a.jpg", 70_000, "image/jpeg", 3), file("b.jpg", 1, "image/jpeg", 5), file("c.png", 123_457, "image/png", 11)];
    const docs = [file("d.pdf", 4096, "application/pdf", 13), file("e.txt", 0, "text/plain", 17)];
    const form = new FormData();
    for (const f of photos) form.append("photos", f);
    for (const f of docs) form.append("docs", f);
    form.append("title", "holiday");
    form.append("note", "é ✓");
    const api = tf.createClient({ baseURL: base, auth: { refresh: { url: "/auth/refresh" } } });
    api.auth.setTokens(pair);
    const res = await api.post("/api/upload", form);
    const expected = [];
    for (const f of photos) expected.push(["photos", f.name, f.type, f.size, await hex(f)]);
    for (const f of docs) expected.push(["docs", f.name, f.type, f.size, await hex(f)]);
    expected.push(["title", null, null, 7, await hex(new Blob(["holiday"]))]);
    expected.push(["note", null, null, new Blob(["é ✓"]).size, await hex(new Blob(["é ✓"]))]);
    const got = res.data.parts.map((p) => [p.name, p.filename, p.content_type, p.size, p.sha256]);
    return { status: res.status, expected, got };
  }, { base, pair });
  assert.equal(out.status, 200);
  assert.deepEqual(out.got, out.expected);
  const s = await stats(base);
  assert.equal(s.refresh_count, 1);
  const uploads = s.requests.filter((r) => r.path.endsWith("/api/upload"));
  assert.equal(uploads.length, 2, "sent, rejected, replayed once");
});

test("onUploadProgress: a 5 MB upload reports monotonic progress up to its size; replayed after a refresh", async () => {
  const base = tenant("js-upload-progress");
  const pair = await tokens(base);
  await expire(base);
  const out = await ctx.inPage(async (tf, { base, pair }) => {
    const api = tf.createClient({ baseURL: base, auth: { refresh: { url: "/auth/refresh" } } });
    api.auth.setTokens(pair);
    const form = new FormData();
    form.append("big", new File([new Uint8Array(5_000_000).fill(7)], "big.bin", { type: "application/octet-stream" }));
    const events = [];
    api.on("refreshed", () => events.push("refreshed"));
    const res = await api.post("/api/upload", form, { onUploadProgress: (e) => events.push(e) });
    // The replay after the refresh reports its own progress, from zero.
    const last = events.slice(events.indexOf("refreshed") + 1);
    return {
      status: res.status,
      size: res.data.parts[0].size,
      refreshed: events.includes("refreshed"),
      replayEvents: last.length,
      monotonic: last.every((e, i) => i === 0 || e.loaded >= last[i - 1].loaded),
      end: last.at(-1),
      upload: events.every((e) => e === "refreshed" || e.upload === true),
    };
  }, { base, pair });
  assert.equal(out.status, 200);
  assert.equal(out.size, 5_000_000);
  assert.ok(out.refreshed);
  assert.ok(out.replayEvents > 0, "the replay reported progress");
  assert.ok(out.monotonic);
  assert.ok(out.upload);
  assert.equal(out.end.loaded, out.end.total, "the last event is at the total");
  assert.ok(out.end.total >= 5_000_000);
  assert.equal((await stats(base)).refresh_count, 1);
});
