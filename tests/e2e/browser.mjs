// Launch Debian's Chromium through playwright-core (it never downloads a browser of its own).
import { chromium } from "playwright-core";

export const SERVER = process.env.TOKENFETCH_SERVER ?? "http://127.0.0.1:8787";

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
