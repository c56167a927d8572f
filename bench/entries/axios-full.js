// axios with the two plugins a token-refreshing, retrying client needs.
export { default as axios } from "axios";
export { default as createAuthRefreshInterceptor } from "axios-auth-refresh";
export { default as axiosRetry } from "axios-retry";
