/**
 * The device under test's application: a small program on Node's `net`
 * API — Node's own (the kernel's TCP) or wirestack's bound to a userspace
 * stack — that the scenarios drive: listen, connect, write, end, pause,
 * options, and a log of what the sockets saw.
 */
import type * as NodeNet from 'node:net';

/** The parts of `net` the agent uses: Node's module and wirestack's both have them. */
export interface NetModule {
  createServer(listener: (socket: NodeNet.Socket) => void): NodeNet.Server;
  connect(options: { host: string; port: number; localPort?: number }): NodeNet.Socket;
}

export class Agent {
  readonly sockets: NodeNet.Socket[] = [];
  /**
   * What happened, in order: `connection 0`, `data 0 5` (the bytes read so
   * far: TCP is a stream, so how reads are split does not matter), `end 0`,
   * `error 0 ECONNRESET`, ...
   */
  readonly log: string[] = [];
  private servers: NodeNet.Server[] = [];
  private readonly net: NetModule;

  constructor(net: NetModule) {
    this.net = net;
  }

  private watch(socket: NodeNet.Socket): number {
    const id = this.sockets.push(socket) - 1;
    let read = 0;
    socket.on('data', (d: Buffer) => {
      read += d.length;
      this.log.push(`data ${id} ${read}`);
    });
    socket.on('end', () => this.log.push(`end ${id}`));
    socket.on('error', (e: NodeJS.ErrnoException) => this.log.push(`error ${id} ${e.code}`));
    socket.on('close', () => this.log.push(`close ${id}`));
    return id;
  }

  listen(port: number, allowHalfOpen = true): Promise<void> {
    const server = this.net.createServer((socket) => {
      const id = this.watch(socket);
      this.log.push(`connection ${id}`);
    });
    (server as unknown as { allowHalfOpen: boolean }).allowHalfOpen = allowHalfOpen;
    this.servers.push(server);
    return new Promise((resolve) => server.listen(port, '10.78.0.1', () => resolve()));
  }

  connect(port: number, localPort?: number): number {
    const socket = this.net.connect({ host: '10.78.0.2', port, localPort });
    const id = this.watch(socket);
    socket.on('connect', () => this.log.push(`connect ${id}`));
    return id;
  }

  has(entry: string): boolean {
    return this.log.includes(entry);
  }

  async waitFor(entry: string, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (!this.has(entry) && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    return this.has(entry);
  }

  closeAll(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return Promise.all(
      this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    ).then(() => undefined);
  }
}
