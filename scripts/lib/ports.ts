import net from "node:net";

/** Resolves true when nothing listens on 127.0.0.1:port (and the port can be bound). */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly what: string,
    readonly hint: string,
  ) {
    super(`端口 ${port} 已被占用 (port ${port} is already in use): cannot start ${what}. ${hint}`);
    this.name = "PortInUseError";
  }
}

export async function assertPortFree(port: number, what: string, hint: string): Promise<void> {
  if (!(await isPortFree(port))) throw new PortInUseError(port, what, hint);
}
