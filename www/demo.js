// The demo: the real package, the real server, a real login and a protected request.
import init, { createClient } from "/pkg/tokenfetch.js";

const button = document.getElementById("run");
const status = document.getElementById("status");
const output = document.getElementById("output");

function show(kind, text, data) {
  status.className = kind;
  status.textContent = text;
  output.textContent = data === undefined ? "" : JSON.stringify(data, null, 2);
}

async function run() {
  button.disabled = true;
  const api = createClient({ baseURL: location.origin, timeout: 10000 });
  try {
    const login = await api.post("/auth/login", { username: "demo", password: "demo" });
    const token = login.data.access_token;
    const res = await api.get("/api/items", {
      params: { page: 1 },
      headers: { authorization: `Bearer ${token}` },
    });
    show("ok", `GET /api/items → ${res.status} ${res.statusText}`, res.data);
  } catch (err) {
    show("err", `${err.code}: ${err.message}`, err.response?.data);
  } finally {
    button.disabled = false;
  }
}

await init();
button.disabled = false;
button.addEventListener("click", run);
status.textContent = "ready";
run();
