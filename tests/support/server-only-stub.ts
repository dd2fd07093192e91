// server-only is a Next.js build guard; under vitest services are imported directly.
export {};
