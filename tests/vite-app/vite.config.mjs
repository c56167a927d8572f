// Builds tests/vite-app with "tokenfetch" resolved to the built package directory (pkg/),
// so its package.json "exports" and the `new URL("…wasm", import.meta.url)` load are what
// Vite sees, exactly as for an installed package.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  logLevel: "warn",
  resolve: { alias: { tokenfetch: fileURLToPath(new URL("../../pkg", import.meta.url)) } },
  build: { outDir: fileURLToPath(new URL("../../target/vite-app", import.meta.url)), emptyOutDir: true, target: "es2022" },
});
