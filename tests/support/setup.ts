import { afterEach, beforeEach, vi } from "vitest";

// Both projects: an unexpected console.error fails the test — errors must be asserted, not printed.
let errors: unknown[][] = [];
beforeEach(() => {
  errors = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    errors.push(args);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  if (errors.length)
    throw new Error(`unexpected console.error: ${errors.map((a) => a.map(String).join(" ")).join("\n")}`);
});
