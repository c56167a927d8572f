// Compiled with `tsc --noEmit --strict` in `make test`: the package's types in real use.
import init, {
  createClient,
  isTokenfetchError,
  TokenfetchError,
  type ClientConfig,
  type RequestConfig,
  type TokenfetchEvent,
  type TokenfetchResponse,
} from "tokenfetch";

interface Item {
  id: number;
  name: string;
}

export async function main(): Promise<void> {
  await init();
  const config: ClientConfig = {
    baseURL: "https://api.example.com",
    timeout: 10_000,
    headers: { "x-app": "shop" },
    withCredentials: false,
    auth: {
      storage: "localStorage",
      storageKey: "tokenfetch",
      header: "Authorization",
      scheme: "Bearer",
      refresh: { url: "/auth/refresh", method: "POST", body: (refreshToken) => ({ refresh_token: refreshToken }) },
      statusCodes: [401],
      refreshBeforeExpiry: 30,
      allowedOrigins: ["https://api.example.com"],
      onSessionExpired: (error) => console.warn(error.code),
    },
    retry: { limit: 2, methods: ["get"], statusCodes: [503], backoffLimit: 5000, jitter: true, maxRetryAfter: 60_000, retryOnTimeout: false },
    dedupe: true,
    rateLimit: { maxConcurrent: 4, perSecond: 10 },
    log: { redact: ["x-api-key"] },
  };
  const api = createClient(config);
  const custom = createClient({
    auth: {
      storage: { get: (k) => localStorage.getItem(k), set: (k, v) => localStorage.setItem(k, v), remove: (k) => localStorage.removeItem(k) },
      refresh: async ({ refreshToken }) => ({ accessToken: "a", refreshToken }),
    },
    retry: false,
  });
  custom.auth.setTokens({ accessToken: "a", refreshToken: "r" });
  const tokens = custom.auth.getTokens();
  const access: string | null = tokens ? tokens.accessToken : null;
  void access;
  await custom.auth.logout();

  const id = api.interceptors.request.use(
    async (cfg: RequestConfig) => ({ ...cfg, headers: { ...cfg.headers, "x-trace": "1" } }),
    undefined,
    { runWhen: (cfg) => cfg.method !== "HEAD" },
  );
  api.interceptors.request.eject(id);
  api.interceptors.response.use((res) => res, (error: unknown) => {
    if (isTokenfetchError(error) && error.status === 404) {
      return { data: null, status: 404, statusText: "Not Found", headers: {}, config: {} };
    }
    throw error;
  });
  api.interceptors.response.clear();

  const off = api.on("retry", (event) => {
    const delay: number = event.delay;
    void delay;
  });
  off();
  api.on("*", (event: TokenfetchEvent) => void event.type);

  const controller = new AbortController();
  const res: TokenfetchResponse<Item[]> = await api.get<Item[]>("/items", {
    params: { page: 2 },
    signal: controller.signal,
    timeout: 5000,
    responseType: "json",
    skipAuth: false,
    retry: 3,
    dedupe: false,
    validateStatus: (status) => status < 500,
  });
  const first: Item | undefined = res.data[0];
  void first;
  const created = await api.post<Item>("/items", { name: "pen" });
  const name: string = created.data.name;
  void name;
  await api.put("/items/1", new URLSearchParams({ a: "1" }));
  await api.patch("/items/1", new Blob(["x"]));
  await api.delete("/items/1");
  await api.head("/items");
  await api.options("/items");
  await api.request<Item>({ url: "/items/1", method: "GET" });

  try {
    await api.get("/missing");
  } catch (error) {
    if (error instanceof TokenfetchError) {
      const code: "ERR_NETWORK" | "ETIMEDOUT" | string = error.code;
      void code;
      if (error.code === "ERR_CLIENT_CLOSED") return;
    }
  }

  // Released at once, or at the end of a block (`using` needs TS >= 5.2 and es2022 target
  // lowering; the method itself is what the types promise).
  const dispose: () => void = api[Symbol.dispose];
  void dispose;
  api.close();
}
