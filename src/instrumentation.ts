/** Runs once when the server starts: a bad or missing variable stops start-up with a message naming it. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { loadAppEnv, EnvError } = await import("./config/env");
    try {
      loadAppEnv();
    } catch (e) {
      if (e instanceof EnvError) {
        console.error(e.message);
        process.exit(1);
      }
      throw e;
    }
  }
}
