// A fixed address in front of the API, so a test can stop the API and start a new one (on another free
// port) while the page keeps talking to the same origin: what the browser sees when `npm start` is
// restarted. While the target is down, connections are cut, as they would be by a dead server.
import { createServer, request, type Server } from 'node:http';

export interface RestartProxy {
  url: string;
  /** Where requests go from now on. */
  target: string;
  close(): Promise<void>;
}

export async function startRestartProxy(target: string): Promise<RestartProxy> {
  const proxy = { target };
  const server: Server = createServer((req, res) => {
    const upstream = new URL(req.url ?? '/', proxy.target);
    const forward = request(upstream, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      // The API went away mid-stream: cut the browser's connection too instead of ending it cleanly.
      answer.on('close', () => !answer.complete && res.destroy());
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get target() {
      return proxy.target;
    },
    set target(value: string) {
      proxy.target = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
