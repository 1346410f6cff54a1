import type http from 'node:http';
import net from 'node:net';

/** What the backends of these tests answer on every call: a healthy service status. */
export const BACKEND_STATUS = { status: 'ok', time: new Date().toISOString(), version: 'test', message: null };

/** A request handler that answers the healthy status. */
export function answerStatus(_request: http.IncomingMessage, response: http.ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(BACKEND_STATUS));
}

/**
 * The servers one test file starts on 127.0.0.1, closed together (their open sockets and the
 * proxies' tunnels destroyed first, so close() never waits on a kept-alive connection).
 */
export function localServers() {
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  return {
    /** Starts the server on a free port and gives the port. */
    listen(server: net.Server): Promise<number> {
      servers.push(server);
      server.on('connection', track);
      return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
    },
    /** A port nothing listens on (a server opened there and closed again). */
    async closedPort(): Promise<number> {
      const closed = net.createServer();
      const port = await this.listen(closed);
      await new Promise((resolve) => closed.close(resolve));
      return port;
    },
    /** A forward proxy's CONNECT: a tunnel to the host and port the request names. */
    tunnel(request: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
      const [host, port] = request.url!.split(':');
      const upstream = net.connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      track(upstream);
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    },
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
