// The authorization server and API of provider.mjs on fixed ports, for the Rust browser tests
// (`tests/oauth.rs`, which learn the ports at compile time): started and stopped by
// scripts/test.sh. Ports: TOKENFETCH_OAUTH_PORT (the AS) and the next one (the API).
import { startOAuth } from "./provider.mjs";

const port = Number(process.env.TOKENFETCH_OAUTH_PORT ?? 18790);
const oauth = await startOAuth({ asPort: port, apiPort: port + 1, accessTokenTtl: 2, hooks: true, anyOrigin: true });
console.log(`oauth: ${oauth.issuer} (authorization server), ${oauth.apiOrigin} (API)`);
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => oauth.close().then(() => process.exit(0)));
