// A real Better Auth server for the tests: email and password, the JWT plugin, its own
// database. Configured from the environment; prints "ready <base URL>" once it listens.
import http from "node:http";
import pg from "pg";
import { betterAuth } from "better-auth";
import { jwt } from "better-auth/plugins";
import { toNodeHandler } from "better-auth/node";
import { getMigrations } from "better-auth/db/migration";

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const port = Number(env("BETTER_AUTH_PORT"));
const baseURL = env("BETTER_AUTH_URL", `http://127.0.0.1:${port}`);
const alg = env("BETTER_AUTH_ALG", "EdDSA");
const rotation = process.env.BETTER_AUTH_ROTATION_SECS;
// Better Auth limits requests only in production unless told; the tests turn it on.
const rateLimit = process.env.BETTER_AUTH_RATE_LIMIT === "1";
// Its tokens live 15 minutes unless told (the browser tests make them short, to see
// them refreshed).
const jwtSeconds = process.env.BETTER_AUTH_JWT_SECONDS;

const pool = new pg.Pool({ connectionString: env("BETTER_AUTH_DATABASE_URL") });
const auth = betterAuth({
  baseURL,
  secret: env("BETTER_AUTH_SECRET"),
  database: pool,
  emailAndPassword: { enabled: true },
  trustedOrigins: env("BETTER_AUTH_TRUSTED_ORIGINS", "").split(",").filter(Boolean),
  telemetry: { enabled: false },
  rateLimit: { enabled: rateLimit, storage: "memory" },
  plugins: [
    jwt({
      jwks: {
        keyPairConfig: alg === "EdDSA" ? { alg, crv: "Ed25519" } : { alg },
        ...(rotation ? { rotationInterval: Number(rotation) } : {}),
      },
      ...(jwtSeconds ? { jwt: { expirationTime: `${jwtSeconds}s` } } : {}),
    }),
  ],
});

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const server = http.createServer(toNodeHandler(auth));
server.listen(port, "127.0.0.1", () => console.log(`ready ${baseURL}`));
const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
