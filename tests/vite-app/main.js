// A minimal app that imports the package by name, as an npm user would.
import init, { createClient, isTokenfetchError } from "tokenfetch";

const out = document.getElementById("out");
await init();
const api = createClient({ baseURL: location.origin, retry: 1 });
try {
  const res = await api.get("/echo", { params: { from: "vite" } });
  out.textContent = `ok ${res.status} ${res.data.query}`;
} catch (error) {
  out.textContent = isTokenfetchError(error) ? `error ${error.code}` : String(error);
}
