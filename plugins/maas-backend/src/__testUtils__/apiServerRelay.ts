/* A TCP relay in front of the harness's API server, for tests of what a backend or cache does while it is away or slow. */
import { KubeConfig } from '@kubernetes/client-node';
import { harnessKubeConfig } from '@maas-portal/harness/testing';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A TCP relay to the API server that can drop every connection and refuse new ones, as a restart
 * does, or hold new connections unanswered until released, as a slow or busy API server does.
 */
export class ApiServerRelay {
  #server?: Server;
  #sockets = new Set<Socket>();
  #down = false;
  #held: Array<() => void> = [];
  #holding = false;
  readonly target: { host: string; port: number };
  port = 0;

  constructor() {
    const server = new URL(harnessKubeConfig().getCurrentCluster()!.server);
    this.target = { host: server.hostname, port: Number(server.port) };
  }

  async start(): Promise<number> {
    this.#server = createServer(client => {
      if (this.#down) {
        client.destroy();
        return;
      }
      this.#track(client);
      const relay = () => {
        if (client.destroyed) return;
        const upstream = connect(this.target.port, this.target.host);
        this.#track(upstream);
        client.pipe(upstream).pipe(client);
      };
      if (this.#holding) this.#held.push(relay);
      else relay();
    });
    await new Promise<void>(r => this.#server!.listen(0, '127.0.0.1', r));
    this.port = (this.#server.address() as AddressInfo).port;
    return this.port;
  }

  /** The harness's kubeconfig, its cluster reached through this relay. */
  kubeConfig(): KubeConfig {
    const kc = harnessKubeConfig();
    const cluster = kc.getCurrentCluster()!;
    kc.clusters = kc.clusters.map(c =>
      c.name === cluster.name
        ? { ...c, server: `https://127.0.0.1:${this.port}` }
        : c,
    );
    return kc;
  }

  /** `kubeConfig()` written to a file of its own, for `maas.cluster.kubeconfig`. */
  kubeConfigFile(): string {
    const file = join(mkdtempSync(join(tmpdir(), 'maas-relay-')), 'kubeconfig');
    writeFileSync(file, this.kubeConfig().exportConfig(), { mode: 0o600 });
    return file;
  }

  /** New connections wait, unanswered, until `release`. */
  hold() {
    this.#holding = true;
  }

  release() {
    this.#holding = false;
    for (const relay of this.#held.splice(0)) relay();
  }

  down() {
    this.#down = true;
    for (const s of this.#sockets) s.destroy();
  }

  up() {
    this.#down = false;
  }

  close() {
    this.down();
    this.#server?.close();
  }

  #track(socket: Socket) {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => undefined);
  }
}
