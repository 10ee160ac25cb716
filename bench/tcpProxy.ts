// A TCP proxy the chaos run controls, in front of its throwaway database: the workers and the
// APIs connect through it, so the run can take the database away from them (cut: every
// connection dropped, new ones refused) and give it back, without touching the server that
// other people share. It can also tell when a client sends something (e.g. the SQL of a
// recording), so a process can be killed inside that statement.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** Whether connections are passed through right now. */
  readonly open: boolean;
  /** Drop every connection and refuse new ones until restore(). */
  cut(): void;
  restore(): void;
  /** Calls `fn` once, with the first client chunk that contains `needle` (then forgets it). */
  onceClientSends(needle: string, fn: () => void): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let open = true;
  let watch: { needle: Buffer; fn: () => void } | undefined;
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.on('data', (chunk: Buffer) => {
      if (watch && chunk.includes(watch.needle)) {
        const w = watch;
        watch = undefined;
        w.fn();
      }
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get open() {
      return open;
    },
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      open = true;
    },
    onceClientSends(needle, fn) {
      watch = { needle: Buffer.from(needle), fn };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
