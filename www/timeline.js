// The timeline: one lane per request (in issue order) and one for the refresh, drawn from the
// client's lifecycle events (`api.on("*", ...)`).

export class Timeline {
  constructor(root) {
    this.root = root;
    this.reset();
  }

  reset() {
    this.t0 = performance.now();
    this.lanes = new Map(); // id → { name, marks: [{ kind, t }], start, end }
    this.refresh = { marks: [], start: undefined, end: undefined };
    this.replayOrder = [];
    this.done = 0;
    this.failed = 0;
    this.draw();
  }

  #lane(id) {
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = { name: `#${id}`, marks: [], start: this.now(), end: undefined };
      this.lanes.set(id, lane);
    }
    return lane;
  }

  now() {
    return performance.now() - this.t0;
  }

  /** Record one event (the objects `api.on` delivers). */
  add(event) {
    const t = this.now();
    const mark = (id, kind) => this.#lane(id).marks.push({ kind, t });
    switch (event.type) {
      case "sent": {
        const lane = this.#lane(event.id);
        if (event.attempt === 1 && !event.replay) lane.name = `#${event.id} ${event.method} ${new URL(event.url).pathname.split("/").slice(-2).join("/")}`;
        if (event.replay) this.replayOrder.push(event.id);
        mark(event.id, event.replay ? "replayed" : "sent");
        break;
      }
      case "response":
        if (event.status === 401) mark(event.id, "rejected");
        break;
      case "waitingForRefresh":
        mark(event.id, "waiting");
        break;
      case "retry":
        mark(event.id, "retry");
        break;
      case "finished":
        mark(event.id, event.error ? "failed" : "done");
        this.#lane(event.id).end = t;
        if (event.error) this.failed++;
        else this.done++;
        break;
      case "refreshStarted":
        this.refresh.start = t;
        this.refresh.marks.push({ kind: "refreshing", t });
        break;
      case "refreshed":
      case "refreshFailed":
        this.refresh.end = t;
        this.refresh.marks.push({ kind: event.type === "refreshed" ? "done" : "failed", t });
        break;
    }
    this.#schedule();
  }

  /** True if the replays were handed to fetch in issue order. */
  replaysInOrder() {
    return this.replayOrder.every((id, i) => i === 0 || this.replayOrder[i - 1] < id);
  }

  #schedule() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.draw();
    });
  }

  draw() {
    const span = Math.max(this.now(), 50);
    const pct = (t) => `${Math.min(100, (100 * t) / span).toFixed(2)}%`;
    const lanes = [...this.lanes.entries()].sort((a, b) => a[0] - b[0]).map(([, lane]) => lane);
    if (this.refresh.start !== undefined) lanes.unshift({ name: "refresh", refresh: true, ...this.refresh });
    this.root.replaceChildren(
      ...lanes.map((lane) => {
        const row = document.createElement("div");
        row.className = lane.refresh ? "lane refresh" : "lane";
        const name = document.createElement("span");
        name.className = "name";
        name.textContent = lane.name;
        const track = document.createElement("div");
        track.className = "track";
        const first = lane.marks[0]?.t ?? 0;
        const bar = document.createElement("div");
        bar.className = "bar";
        bar.style.left = pct(first);
        bar.style.width = `calc(${pct((lane.end ?? this.now()) - first)})`;
        track.append(bar);
        for (const m of lane.marks) {
          const dot = document.createElement("span");
          dot.className = `mark ${m.kind}`;
          dot.style.left = pct(m.t);
          dot.title = `${m.kind} at ${m.t.toFixed(0)} ms`;
          track.append(dot);
        }
        row.append(name, track);
        return row;
      }),
    );
  }
}
