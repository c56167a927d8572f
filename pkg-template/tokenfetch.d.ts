// Type declarations for tokenfetch (hand-written; checked by `tsc --strict` in `make test`).

/** What `init()` accepts: a URL of the `.wasm`, a `Response`, its bytes, or a compiled module. */
export type InitInput = string | URL | Request | Response | BufferSource | WebAssembly.Module;

/** Load the WebAssembly engine (once; later calls return the same promise). */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;

/** Error codes, axios-compatible where axios has one. */
export type ErrorCode =
  | "ERR_NETWORK"
  | "ETIMEDOUT"
  | "ERR_CANCELED"
  | "ERR_BAD_REQUEST"
  | "ERR_BAD_RESPONSE"
  | "ERR_SESSION_EXPIRED"
  | "ERR_BAD_OPTION"
  | "ERR_INVALID_URL"
  | "ERR_RATE_LIMITED"
  | "ERR_STORAGE"
  | "ERR_NOT_INITIALIZED"
  /** The client was closed (`close()`, `[Symbol.dispose]`) before this call. */
  | "ERR_CLIENT_CLOSED";

/** Every error tokenfetch throws or rejects with. */
export class TokenfetchError<T = unknown> extends Error {
  constructor(message: string, code: ErrorCode);
  readonly name: "TokenfetchError";
  readonly code: ErrorCode;
  /** The HTTP status, when there was a response. */
  readonly status?: number;
  /** The response, when the status was rejected by `validateStatus`. */
  readonly response?: TokenfetchResponse<T>;
  /** The request config, when the error belongs to a request. */
  readonly config?: RequestConfig;
  /** Always `true` (works across realms, unlike `instanceof`). */
  readonly isTokenfetchError: true;
}

/** True for errors made by tokenfetch. */
export function isTokenfetchError<T = unknown>(value: unknown): value is TokenfetchError<T>;

/** The tokens of a session. */
export interface Tokens {
  accessToken: string | null;
  refreshToken: string | null;
  /** When the access token expires, in seconds since the epoch, if the server's `expires_in`
   * or `setTokens` said (a JWT's own `exp` is not copied here). */
  expiresAt?: number;
}

/** Tokens as given to `setTokens`. */
export interface TokensInput {
  accessToken?: string;
  refreshToken?: string;
  /** Seconds from now (an OAuth answer's `expires_in`): pre-emptive refresh goes by it for
   * opaque tokens; for a JWT, the earlier of this and its `exp`. */
  expiresIn?: number;
  /** Seconds since the epoch (like a JWT's `exp`), or a `Date`. Not with `expiresIn`. */
  expiresAt?: number | Date;
}

/** A synchronous key/value store for tokens (one JSON string under `storageKey`). */
export interface CustomStorage {
  get(key: string): string | null | undefined;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/** A refresh endpoint. Defaults: POST, body `{ refresh_token }`, fields `access_token` /
 * `refresh_token`; with a `clientId`, an OAuth 2.0 token endpoint (RFC 6749 §6): a form body
 * `grant_type=refresh_token&refresh_token=…&client_id=…[&scope=…]`. The answer is read as
 * RFC 6749 §5.1 says (`expires_in`, `token_type` too); an `invalid_grant` ends the session,
 * while `invalid_request`, `invalid_client`, `unauthorized_client`, `unsupported_grant_type` and
 * `invalid_scope` reject with `ERR_BAD_OPTION` (the server's `error_description` in the
 * message) and keep the session. Its origin needs no place in `allowedOrigins`: only the
 * refresh token goes there. */
export interface RefreshEndpoint {
  url: string;
  method?: string;
  /** A public client's `client_id`, sent in the body; makes `format` default to `"form"`. */
  clientId?: string;
  /** The `scope` to ask for, sent in the body. */
  scope?: string;
  /** `"json"` (default without `clientId`) or `"form"` (`application/x-www-form-urlencoded`). */
  format?: "json" | "form";
  /** Headers of the refresh request only (a confidential client's `Authorization: Basic …`). */
  headers?: Record<string, string | number | boolean>;
  /** Builds the body from the refresh token: a plain object (sent as JSON), `URLSearchParams`
   * (a form), `FormData`, or a string (sent as `format` says). Anything else, or a Promise, is
   * refused with `ERR_BAD_OPTION`. */
  body?: (refreshToken: string) => Record<string, unknown> | unknown[] | URLSearchParams | FormData | string;
  /** Where the new access token is in the JSON answer (dotted paths allowed). */
  accessTokenField?: string;
  /** Where the new refresh token is (absent: the old one is kept). */
  refreshTokenField?: string;
  /** The server keeps the refresh token in an HttpOnly cookie: the refresh is sent with
   * credentials and without a token; the client holds only the access token. After a page
   * load, `await api.auth.refresh()` gets an access token from the cookie. */
  withCredentials?: boolean;
  /** How long the refresh may take, in ms (default 10000). A timeout keeps the session: the
   * waiting requests reject with `ETIMEDOUT` and the next request tries again. */
  timeout?: number;
}

/** Your own refresh: receives the refresh token, returns the new tokens. Throw to fail; an
 * error with a 5xx/408/429 `status` or a `TypeError` keeps the session, anything else ends it. */
export type RefreshFunction = (args: { refreshToken: string }) =>
  | Promise<RefreshedTokens>
  | RefreshedTokens;

/** What a refresh function returns; `expiresIn` in seconds, or `expiresAt` in seconds since the epoch. */
export interface RefreshedTokens {
  accessToken: string;
  refreshToken?: string;
  expiresIn?: number;
  expiresAt?: number;
}

export interface AuthOptions {
  /** Default `"memory"`. */
  storage?: "memory" | "localStorage" | "sessionStorage" | "cookie" | CustomStorage;
  /** Key (or cookie name prefix) for the tokens. Default `"tokenfetch"`. */
  storageKey?: string;
  /** Default `"Authorization"`. A token in any other header never follows a redirect (browsers
   * strip only `Authorization` on one): a redirect answer rejects with `ERR_NETWORK`, and
   * `onUploadProgress` (XMLHttpRequest follows every redirect) is refused with `ERR_BAD_OPTION`. */
  header?: string;
  /** Default `"Bearer"`; `""` sends the bare token. */
  scheme?: string;
  refresh?: RefreshEndpoint | RefreshFunction;
  /** Statuses that trigger a refresh. Default `[401]`. */
  statusCodes?: number[];
  /** Refresh before sending when the access token expires in this many seconds (by the server's `expires_in` or a JWT's `exp`, the earlier). Default 30; `false`: off. */
  refreshBeforeExpiry?: number | false;
  /** Origins that may receive the token. Default: the `baseURL`'s origin. */
  allowedOrigins?: string[];
  /** Called once each time the session ends (here, or in another tab sharing the storage). */
  onSessionExpired?: (error: TokenfetchError) => void;
  /** With a storage the tabs share (localStorage, cookie): one refresh across tabs under a Web
   * Lock, logins and logouts reach every tab. Default true; false: each tab alone. */
  crossTab?: boolean;
  /** Another tab logged in, logged out, ended the session or refreshed. */
  onChange?: (change: "loggedIn" | "loggedOut" | "expired" | "refreshed") => void;
  /** Revoke the refresh token at logout (RFC 7009): a form POST `token=…&token_type_hint=
   * refresh_token&client_id=…` in the background; a failed revocation never blocks the logout.
   * `clientId` defaults to `refresh.clientId`. With `refresh.withCredentials` it is your
   * server's logout URL: posted with credentials and no token. */
  revoke?: { url: string; clientId?: string };
}

export interface RetryOptions {
  /** Retries after the first attempt. Default 2. */
  limit?: number;
  /** Default: GET, HEAD, OPTIONS, PUT, DELETE. Listing POST/PATCH opts them in, with an `Idempotency-Key`. */
  methods?: string[];
  /** Default 408, 413, 429, 500, 502, 503, 504. */
  statusCodes?: number[];
  /** Statuses whose `Retry-After` is honoured. Default 413, 429, 503. */
  afterStatusCodes?: number[];
  /** First backoff delay in ms (doubles each time). Default 300. */
  backoff?: number;
  /** Upper bound of a backoff delay in ms. */
  backoffLimit?: number;
  /** Full jitter. Default false. */
  jitter?: boolean;
  /** Longest `Retry-After` honoured, in ms (longer fails with `ERR_RATE_LIMITED`). Default 60000. */
  maxRetryAfter?: number;
  /** Retry attempts that timed out. Default false. */
  retryOnTimeout?: boolean;
}

export interface RateLimitOptions {
  maxConcurrent?: number;
  perSecond?: number;
}

export interface LogOptions {
  /** Extra header names / body fields whose values are redacted. */
  redact?: string[];
}

export interface ClientConfig {
  baseURL?: string;
  /** Per attempt, in ms; 0 = none. */
  timeout?: number;
  headers?: Record<string, string | number | boolean>;
  withCredentials?: boolean;
  auth?: AuthOptions;
  /** Default: 2 retries with ky's rules. */
  retry?: number | false | RetryOptions;
  dedupe?: boolean;
  rateLimit?: RateLimitOptions;
  log?: boolean | LogOptions;
  /** Defaults for every request (a request's own replace them). */
  maxContentLength?: number;
  maxBodyLength?: number;
  transformRequest?: TransformRequest | TransformRequest[];
  transformResponse?: TransformResponse | TransformResponse[];
  paramsSerializer?: ParamsSerializer;
}

/** `"stream"`: the body's `ReadableStream`, unread; `maxContentLength`, `onDownloadProgress` and
 * `signal` apply as it is read, and a failed read rejects with a `TokenfetchError`. */
export type ResponseType = "json" | "text" | "blob" | "arraybuffer" | "stream";

/** Request bodies: objects become JSON. */
export type RequestData =
  | string
  | FormData
  | Blob
  | URLSearchParams
  | ArrayBuffer
  | ArrayBufferView
  | ReadableStream<Uint8Array>
  | Record<string, unknown>
  | unknown[]
  | number
  | boolean
  | null;

/** A function `(params) => query string`, or axios's options object. */
export type ParamsSerializer =
  | ((params: any) => string)
  | {
      /** `false` (default): `a[]=1`; `true`: `a[0]=1`; `null`: `a=1`. */
      indexes?: boolean | null;
      encode?: (value: string) => string;
      serialize?: (params: any, options: object) => string;
    };
export type TransformRequest = (this: RequestConfig, data: any, headers: Record<string, string | number | boolean | null | undefined>) => any;
export type TransformResponse = (this: RequestConfig, data: any, headers: Record<string, string>, status: number) => any;

/** A progress event (axios's `AxiosProgressEvent`). */
export interface ProgressEvent {
  loaded: number;
  total?: number;
  /** `loaded / total`, when the total is known. */
  progress?: number;
  /** Bytes since the previous event. */
  bytes: number;
  /** Bytes per second so far. */
  rate?: number;
  /** Seconds left, when the total is known. */
  estimated?: number;
  lengthComputable: boolean;
  download?: boolean;
  upload?: boolean;
}

export interface RequestConfig<D = RequestData> {
  url?: string;
  method?: string;
  /** A plain object (arrays as `a[]=1`, nested objects as `a[b]=1`, dates as ISO strings, as
   * axios does), `URLSearchParams` or `Map`. */
  params?: Record<string, unknown> | URLSearchParams | Map<string, unknown>;
  paramsSerializer?: ParamsSerializer;
  /** Send cookies cross-origin for this request (overrides the client's). */
  withCredentials?: boolean;
  /** The most bytes the response body may have (-1: no limit); enforced while reading. */
  maxContentLength?: number;
  /** The most bytes the request body may have (-1: no limit); checked before sending. */
  maxBodyLength?: number;
  /** Progress of the response body, as axios shapes it (no `total` for a compressed body: its
   * Content-Length counts the compressed bytes). */
  onDownloadProgress?: (event: ProgressEvent) => void;
  /** Progress of the request body; the request then goes through XMLHttpRequest (fetch cannot
   * report upload progress). Each attempt (a retry, the replay after a refresh) starts at 0. */
  onUploadProgress?: (event: ProgressEvent) => void;
  /** Functions `(data, headers) => data` run before the body is built (axios semantics). */
  transformRequest?: TransformRequest | TransformRequest[];
  /** Functions `(data, headers, status) => data` run on the parsed data. */
  transformResponse?: TransformResponse | TransformResponse[];
  headers?: Record<string, string | number | boolean | null | undefined>;
  data?: D;
  signal?: AbortSignal;
  /** Per attempt, in ms; 0 = none. */
  timeout?: number;
  responseType?: ResponseType;
  skipAuth?: boolean;
  retry?: number | false | RetryOptions;
  dedupe?: boolean;
  /** Which statuses resolve (default 2xx); `null`: all. */
  validateStatus?: ((status: number) => boolean) | null;
}

/** The config a request interceptor gets: a private copy whose `headers` always exist. */
export type InterceptedConfig<D = RequestData> = RequestConfig<D> & {
  headers: Record<string, string | number | boolean | null | undefined>;
};

export interface TokenfetchResponse<T = unknown> {
  data: T;
  status: number;
  statusText: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  config: RequestConfig;
}

export interface InterceptorOptions<V> {
  runWhen?: (value: V) => boolean;
}

export interface InterceptorManager<V> {
  use(
    onFulfilled?: ((value: V) => V | void | Promise<V | void>) | null,
    onRejected?: ((error: unknown) => unknown) | null,
    options?: InterceptorOptions<V>,
  ): number;
  eject(id: number): void;
  clear(): void;
}

export interface Auth {
  setTokens(tokens: TokensInput): void;
  getTokens(): Tokens | null;
  clear(): void;
  /** Clears the tokens and cancels requests in flight or waiting for a refresh. */
  logout(): Promise<void>;
  /** Refresh now (joins a refresh in flight). */
  refresh(): Promise<void>;
  readonly isRefreshing: boolean;
}

interface EventBase {
  id: number;
}

export type TokenfetchEvent =
  | (EventBase & { type: "sent"; attempt: number; replay: boolean; method: string; url: string })
  | (EventBase & { type: "response"; attempt: number; status: number; elapsed: number })
  | (EventBase & { type: "attemptFailed"; attempt: number; error: TokenfetchError; elapsed: number })
  | (EventBase & { type: "retry"; attempt: number; delay: number; reason: number | "network" | "timeout" })
  | (EventBase & { type: "waitingForRefresh" })
  | { type: "refreshStarted" }
  | { type: "refreshed"; generation: number }
  | { type: "refreshedElsewhere"; generation: number }
  | { type: "refreshFailed"; error: TokenfetchError; sessionExpired: boolean }
  | (EventBase & { type: "replayed" })
  | (EventBase & { type: "finished"; elapsed: number; status?: number; error?: TokenfetchError });

export type EventType = TokenfetchEvent["type"];

export interface TokenfetchClient {
  request<T = unknown, D = RequestData>(config: RequestConfig<D>): Promise<TokenfetchResponse<T>>;
  get<T = unknown>(url: string, config?: RequestConfig): Promise<TokenfetchResponse<T>>;
  delete<T = unknown>(url: string, config?: RequestConfig): Promise<TokenfetchResponse<T>>;
  head<T = unknown>(url: string, config?: RequestConfig): Promise<TokenfetchResponse<T>>;
  options<T = unknown>(url: string, config?: RequestConfig): Promise<TokenfetchResponse<T>>;
  post<T = unknown, D = RequestData>(url: string, data?: D, config?: RequestConfig<D>): Promise<TokenfetchResponse<T>>;
  put<T = unknown, D = RequestData>(url: string, data?: D, config?: RequestConfig<D>): Promise<TokenfetchResponse<T>>;
  patch<T = unknown, D = RequestData>(url: string, data?: D, config?: RequestConfig<D>): Promise<TokenfetchResponse<T>>;
  readonly auth: Auth;
  readonly interceptors: {
    readonly request: InterceptorManager<InterceptedConfig>;
    readonly response: InterceptorManager<TokenfetchResponse>;
  };
  on<K extends EventType | "*">(
    type: K,
    listener: (event: K extends "*" ? TokenfetchEvent : Extract<TokenfetchEvent, { type: K }>) => void,
  ): () => void;
  /**
   * Release the client at once: its requests in flight (and a refresh in flight) reject with
   * `ERR_CANCELED`, its BroadcastChannel closes, listeners and hooks are let go. Every later
   * call (`get`, `request`, `on`, `auth.*`) throws or rejects with `ERR_CLIENT_CLOSED`. The
   * stored tokens stay (closing is not logging out). Calling it again does nothing. A client
   * nobody references is released the same way when it is garbage-collected.
   */
  close(): void;
  /** `close()`, for `using api = createClient(...)`. */
  [Symbol.dispose](): void;
}

declare global {
  interface SymbolConstructor {
    /** The well-known symbol of explicit resource management (`using`); ES2026 / TS `esnext.disposable`. */
    readonly dispose: unique symbol;
  }
}

export function createClient(config?: ClientConfig): TokenfetchClient;
