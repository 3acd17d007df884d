/**
 * A network to test links to the kernel on, made of network namespaces:
 *
 *   kernel namespace (K)                       wirestack namespace (W)
 *   ┌──────────────────────────┐  veth pair   ┌──────────────────────────┐
 *   │ vx0 / tun: 10.78.0.1/24  │  10.99.0.1 ──│── 10.99.0.2              │
 *   │            fd78::1/64    │              │ wirestack run --link ... │
 *   └──────────────────────────┘              └──────────────────────────┘
 *
 * The kernel's side is a vxlan device (`vxlan`), or a TUN device that socat
 * relays to UDP (`udp`); wirestack's side is a program run with
 * `wirestack run --link ...` inside W (the kernel drops VXLAN sent to one of
 * its own addresses, hence two namespaces). Names carry the test process's
 * pid; leftovers of an earlier run whose process is gone are removed first.
 * Everything is removed again by `close()` (call it from `t.after`).
 *
 * Needs root and iproute2 (and ethtool, socat, ... per test); elsewhere than
 * CI a test without them is skipped with the reason, in CI it fails.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { findExecutable, inCI } from '../helpers/peers.js';

const ROOT = join(__dirname, '..', '..');
/** The built package (`npm run build`); WIRESTACK_DIST points elsewhere. */
export const DIST = process.env.WIRESTACK_DIST || join(ROOT, 'dist');
export const MAIN = join(DIST, 'cli', 'main.js');
export const FIXTURES = join(__dirname, 'fixtures');

export const KERNEL_V4 = '10.78.0.1';
export const KERNEL_V6 = 'fd78::1';
export const WIRESTACK_V4 = '10.78.0.2';
export const WIRESTACK_V6 = 'fd78::2';
/** The underlay (the veth pair) per family: the kernel's end, wirestack's end, the prefix. */
const UNDERLAY = {
  4: { k: '10.99.0.1', w: '10.99.0.2', prefix: 24 },
  6: { k: 'fd99::1', w: 'fd99::2', prefix: 64 },
} as const;
const VNI = 42;
/** The UDP port of both VTEPs (and of the bare-IP relay). */
export const LINK_PORT = 4789;

/**
 * Checks that the kernel network can be built: root, and each tool on PATH.
 * False (the test is skipped, with the reason) when not, outside CI; in CI it throws.
 */
export function requireKernelNet(t: TestContext, tools: readonly string[]): boolean {
  const missing = (reason: string): false => {
    if (inCI()) throw new Error(`${reason} (required in CI)`);
    t.skip(reason);
    return false;
  };
  if (process.platform !== 'linux') return missing('network namespaces need Linux');
  if (process.getuid?.() !== 0) return missing('needs root (ip netns, veth, vxlan, nftables)');
  for (const tool of ['ip', ...tools]) {
    if (findExecutable(tool) === undefined) return missing(`${tool} not installed`);
  }
  if (!existsSync(MAIN)) return missing(`${MAIN} is missing: run 'npm run build' first`);
  return true;
}

function ip(args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function quietly(run: () => void): void {
  try {
    run();
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes namespaces left by an earlier run of these tests whose process is gone. */
export function removeLeftovers(): void {
  let listing = '';
  try {
    listing = ip(['netns', 'list']);
  } catch {
    return;
  }
  for (const line of listing.split('\n')) {
    const m = /^(wirestack-(\d+)-\w+-[kw])\b/.exec(line.trim());
    if (m && !alive(Number(m[2]))) quietly(() => ip(['netns', 'delete', m[1]!]));
  }
}

export type KernelLinkKind = 'vxlan' | 'udp';

export interface KernelNet {
  kind: KernelLinkKind;
  /** The underlay's family: the veth pair's addresses, and so the tunnel's outer header. */
  underlayFamily: 4 | 6;
  /** The kernel's end of the veth pair (the underlay device). */
  underlay: string;
  /** The kernel's namespace and device. */
  kernelNs: string;
  device: string;
  /** wirestack's namespace. */
  wirestackNs: string;
  /** The `wirestack run` options of the link (with addresses and gateways). */
  linkArgs: string[];
  /** `ip netns exec NS command args` as an argv. */
  inNs(ns: string, command: string, args: readonly string[]): string[];
  /** Runs a command in the kernel's namespace; its stdout. */
  kernel(command: string, args: readonly string[], timeoutMs?: number): string;
  /** Removes everything (idempotent). */
  close(): Promise<void>;
}

let counter = 0;

/**
 * Builds the namespaces, the veth pair (with IPv4 or, `underlayFamily` 6,
 * IPv6 addresses: the tunnel's outer family) and the kernel's device of `kind`.
 */
export async function makeKernelNet(
  kind: KernelLinkKind,
  tag: string,
  underlayFamily: 4 | 6 = 4,
): Promise<KernelNet> {
  const under = UNDERLAY[underlayFamily];
  // An endpoint as socat and `--link` write it: IPv6 in brackets.
  const endpoint = (address: string) => (underlayFamily === 6 ? `[${address}]` : address);
  removeLeftovers();
  const id = `${process.pid}-${tag}${counter++}`;
  const kernelNs = `wirestack-${id}-k`;
  const wirestackNs = `wirestack-${id}-w`;
  // Interface names: at most 15 bytes.
  const short = createHash('sha256').update(id).digest('hex').slice(0, 8);
  const vethK = `wk${short}`;
  const vethW = `ww${short}`;
  const device = kind === 'vxlan' ? `vx${short}` : `tn${short}`;
  let socat: ChildProcess | null = null;
  const close = async (): Promise<void> => {
    if (socat !== null && socat.exitCode === null) {
      const s = socat;
      const exited = new Promise((resolve) => s.once('exit', resolve));
      s.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    }
    quietly(() => ip(['netns', 'delete', kernelNs]));
    quietly(() => ip(['netns', 'delete', wirestackNs]));
  };
  try {
    ip(['netns', 'add', kernelNs]);
    ip(['netns', 'add', wirestackNs]);
    ip([
      'link',
      'add',
      vethK,
      'netns',
      kernelNs,
      'type',
      'veth',
      'peer',
      'name',
      vethW,
      'netns',
      wirestackNs,
    ]);
    for (const [ns, dev, addr] of [
      [kernelNs, vethK, under.k],
      [wirestackNs, vethW, under.w],
    ] as const) {
      // nodad: the address is usable at once (no duplicate detection on a fresh pair).
      const dad = underlayFamily === 6 ? ['nodad'] : [];
      ip(['-n', ns, 'addr', 'add', `${addr}/${under.prefix}`, 'dev', dev, ...dad]);
      ip(['-n', ns, 'link', 'set', dev, 'up']);
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    let linkArgs: string[];
    if (kind === 'vxlan') {
      ip([
        '-n',
        kernelNs,
        'link',
        'add',
        device,
        'type',
        'vxlan',
        'id',
        String(VNI),
        'remote',
        under.w,
        'local',
        under.k,
        'dstport',
        String(LINK_PORT),
        'dev',
        vethK,
      ]);
      // A veth never computes checksums left to the hardware: the kernel must, or the
      // inner TCP checksums of its VXLAN frames arrive unfinished.
      execFileSync('ip', ['netns', 'exec', kernelNs, 'ethtool', '-K', device, 'tx', 'off'], {
        stdio: 'ignore',
      });
      ip(['-n', kernelNs, 'addr', 'add', `${KERNEL_V4}/24`, 'dev', device]);
      ip(['-n', kernelNs, 'addr', 'add', `${KERNEL_V6}/64`, 'dev', device, 'nodad']);
      ip(['-n', kernelNs, 'link', 'set', device, 'up']);
      linkArgs = [
        '--link',
        `vxlan:${endpoint(under.w)}:${LINK_PORT}@${endpoint(under.k)}:${LINK_PORT}`,
        '--vni',
        String(VNI),
      ];
    } else {
      // UDP-DATAGRAM, not UDP: a connected socket ends socat at the first ICMP port
      // unreachable, which the TUN device's own first packets draw before wirestack runs.
      socat = spawn(
        'ip',
        [
          'netns',
          'exec',
          kernelNs,
          'socat',
          `UDP${underlayFamily === 6 ? '6' : ''}-DATAGRAM:${endpoint(under.w)}:${LINK_PORT},bind=${endpoint(under.k)}:${LINK_PORT}`,
          `TUN:${KERNEL_V4}/24,tun-type=tun,iff-no-pi,iff-up,tun-name=${device}`,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      const deadline = Date.now() + 5000;
      for (;;) {
        try {
          ip(['-n', kernelNs, 'link', 'show', device]);
          break;
        } catch {
          if (Date.now() > deadline || socat.exitCode !== null)
            throw new Error('socat did not make its TUN device');
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      ip(['-n', kernelNs, 'addr', 'add', `${KERNEL_V6}/64`, 'dev', device, 'nodad']);
      linkArgs = [
        '--link',
        `udp:${endpoint(under.w)}:${LINK_PORT}@${endpoint(under.k)}:${LINK_PORT}`,
      ];
    }
    linkArgs.push('--address', `${WIRESTACK_V4}/24`, '--address', `${WIRESTACK_V6}/64`);
    linkArgs.push('--gateway', KERNEL_V4, '--gateway', KERNEL_V6);
    const inNs = (ns: string, command: string, args: readonly string[]) => [
      'netns',
      'exec',
      ns,
      command,
      ...args,
    ];
    return {
      kind,
      underlayFamily,
      underlay: vethK,
      kernelNs,
      device,
      wirestackNs,
      linkArgs,
      inNs,
      kernel(command, args, timeoutMs = 20_000) {
        return execFileSync('ip', inNs(kernelNs, command, args), {
          encoding: 'utf8',
          timeout: timeoutMs,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A child process with its output collected and a wait for a line. */
export interface Proc {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern` (rejects after `timeoutMs`). */
  line(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function startProc(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Proc {
  // Its own process group: `wirestack run` leaves signals to the program it runs,
  // which gets them through the group, as from a terminal.
  const child = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: env ?? process.env,
    detached: true,
  });
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // already gone
    }
  };
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of waiters) w();
  });
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? signal ?? -1);
      for (const w of waiters) w();
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    line(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const l of out.split('\n')) {
            const m = pattern.exec(l);
            if (m) {
              done();
              resolve(m);
              return;
            }
          }
          if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(
              new Error(
                `${command} ${args.join(' ')} exited before printing ${pattern}: ${out}\n${err}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms: ${out}\n${err}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) signal('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null && child.signalCode === null) signal('SIGKILL');
      await exited;
      // Until the whole group is gone: `wirestack run`'s program may outlive it by a
      // moment, still holding a port (the link's) that the next program binds.
      for (let i = 0; i < 150 && groupAlive(child.pid!); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** Runs fixture `name` with `wirestack run` and the link's options in wirestack's namespace. */
export function runWirestack(
  net: KernelNet,
  extra: readonly string[],
  name: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Proc {
  return startProc(
    'ip',
    net.inNs(net.wirestackNs, process.execPath, [
      MAIN,
      'run',
      ...net.linkArgs,
      ...extra,
      join(FIXTURES, name),
      ...args,
    ]),
    { ...process.env, WIRESTACK_DIST: DIST, WIRESTACK_TRANSPORT: '', ...env },
  );
}

/** The kernel pings wirestack's IPv4 and IPv6 addresses, three times each, and every ping is answered. */
export function assertKernelPingsWirestack(net: KernelNet): void {
  for (const address of [WIRESTACK_V4, WIRESTACK_V6]) {
    const out = net.kernel('ping', ['-c', '3', '-i', '0.2', '-W', '2', address]);
    assert.match(out, /3 packets transmitted, 3 received/, out);
  }
}
