/**
 * The differential scenarios: each drives the device under test through
 * crafted segments and its application (the agent), and returns what it
 * observed as plain, comparable values — flags, options present, sequence
 * numbers relative to each side's ISN, what the application saw. The same
 * scenario runs against the Linux kernel and against wirestack's stack; the
 * test compares the observations.
 */
import type { TcpOptions, TcpSegment } from '../../../src/wire/tcp.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../../../src/wire/tcp.js';
import type { Agent } from './agent.js';
import type { Driver } from './driver.js';

export interface Context {
  driver: Driver;
  agent: Agent;
  /** A port for this scenario alone (the DUT listens on it). */
  port: number;
  /** The driver's own port for this scenario. */
  peerPort: number;
}

export type Observation = Record<string, unknown>;
export type Scenario = (ctx: Context) => Promise<Observation>;

const ISS = 100_000;
const WAIT = 1500;

const FULL_OPTIONS: TcpOptions = {
  mss: 1460,
  windowScale: 7,
  sackPermitted: true,
  timestamps: { value: 1000, echo: 0 },
};

function flags(s: TcpSegment | null): string {
  if (s === null) return 'none';
  const names: string[] = [];
  if (s.flags & TCP_SYN) names.push('SYN');
  if (s.flags & TCP_FIN) names.push('FIN');
  if (s.flags & TCP_RST) names.push('RST');
  if (s.flags & TCP_ACK) names.push('ACK');
  return names.join('|');
}

function optionNames(s: TcpSegment | null): string[] {
  if (s === null) return [];
  const o = s.options;
  const names: string[] = [];
  if (o.mss !== undefined) names.push('MSS');
  if (o.windowScale !== undefined) names.push('WS');
  if (o.sackPermitted) names.push('SACK_PERM');
  if (o.timestamps) names.push('TS');
  if (o.sack) names.push('SACK');
  return names;
}

/** A connection the driver opened to the agent's listener. */
interface Open {
  /** The DUT's ISN. */
  irs: number;
  /** The driver's next sequence number. */
  seq: number;
  /** What the driver acknowledges next. */
  ack: number;
  synAck: TcpSegment;
  /** The agent's socket id. */
  id: number;
  tsEcho: number;
  tsVal: number;
  options: TcpOptions;
}

const from = (ctx: Context) => (s: TcpSegment) =>
  s.srcPort === ctx.port && s.dstPort === ctx.peerPort;

async function open(
  ctx: Context,
  options: TcpOptions = FULL_OPTIONS,
  listen = true,
): Promise<Open> {
  if (listen) await ctx.agent.listen(ctx.port);
  ctx.driver.send({ srcPort: ctx.peerPort, dstPort: ctx.port, seq: ISS, flags: TCP_SYN, options });
  const synAck = await ctx.driver.expect(
    (s) => from(ctx)(s) && (s.flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK),
    WAIT,
  );
  if (synAck === null) throw new Error('no SYN-ACK');
  const o: Open = {
    irs: synAck.seq,
    seq: ISS + 1,
    ack: (synAck.seq + 1) >>> 0,
    synAck,
    id: ctx.agent.sockets.length,
    tsEcho: synAck.options.timestamps?.value ?? 0,
    tsVal: (options.timestamps?.value ?? 0) + 10,
    options,
  };
  send(ctx, o, TCP_ACK);
  if (!(await ctx.agent.waitFor(`connection ${o.id}`, WAIT))) throw new Error('not accepted');
  return o;
}

/** Sends a segment on an open connection (timestamps when negotiated). */
function send(
  ctx: Context,
  o: Open,
  flagBits: number,
  payload?: Uint8Array,
  at: { seq?: number; ack?: number; tsVal?: number; window?: number } = {},
): void {
  const withTs = o.options.timestamps !== undefined && o.synAck.options.timestamps !== undefined;
  ctx.driver.send({
    srcPort: ctx.peerPort,
    dstPort: ctx.port,
    seq: at.seq ?? o.seq,
    ack: at.ack ?? o.ack,
    flags: flagBits,
    window: at.window ?? 4096,
    options: withTs ? { timestamps: { value: at.tsVal ?? o.tsVal++, echo: o.tsEcho } } : undefined,
    payload,
  });
}

const rel = (seq: number, base: number) => (seq - base) | 0;
const bytes = (n: number, fill = 0x61) => new Uint8Array(n).fill(fill);

/** What the DUT sends next on this connection, relative to its ISN and ours. */
async function next(ctx: Context, o: Open, timeoutMs = WAIT): Promise<Observation> {
  const s = await ctx.driver.expect(from(ctx), timeoutMs);
  if (s === null) return { flags: 'none' };
  return {
    flags: flags(s),
    seq: rel(s.seq, o.irs),
    ack: rel(s.ack, ISS),
    len: s.payload.length,
    sack: s.options.sack?.map(([l, r]) => [rel(l, ISS), rel(r, ISS)]) ?? [],
  };
}

/**
 * The DUT writes `n` bytes and the driver acknowledges none: the data
 * segments that come, in order (RFC 8985 §7: the tail loss probe goes before
 * the retransmission timeout).
 */
async function tail(ctx: Context, n: number, count = 4): Promise<Observation> {
  const o = await open(ctx);
  ctx.agent.sockets[o.id]!.write(bytes(n));
  const seen: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const s = await ctx.driver.expect((s) => from(ctx)(s) && s.payload.length > 0, WAIT);
    if (s === null) break;
    seen.push([rel(s.seq, o.irs), s.payload.length]);
  }
  return { seen };
}

export const SCENARIOS: Record<string, Scenario> = {
  async 'SYN with MSS, WS, SACK-permitted and timestamps'(ctx) {
    const o = await open(ctx);
    return {
      flags: flags(o.synAck),
      options: optionNames(o.synAck),
      echo: o.synAck.options.timestamps?.echo,
      ack: rel(o.synAck.ack, ISS),
    };
  },

  async 'SYN without options'(ctx) {
    const o = await open(ctx, {});
    return { flags: flags(o.synAck), options: optionNames(o.synAck) };
  },

  async 'SYN with a small MSS: data segments respect it'(ctx) {
    const o = await open(ctx, { mss: 536 });
    ctx.agent.sockets[o.id]!.write(bytes(1500));
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await ctx.driver.expect((s) => from(ctx)(s) && s.payload.length > 0, WAIT);
      if (s === null) break;
      sizes.push(s.payload.length);
      send(ctx, o, TCP_ACK, undefined, { ack: (s.seq + s.payload.length) >>> 0 });
    }
    return { largest: Math.max(...sizes), total: sizes.reduce((a, b) => a + b, 0) };
  },

  async 'SYN with MSS 9000 on a 1500-byte link: the SYN-ACK offers the link MSS'(ctx) {
    const o = await open(ctx, { mss: 9000 });
    return { mss: o.synAck.options.mss };
  },

  async 'SYN to a closed port'(ctx) {
    ctx.driver.send({ srcPort: ctx.peerPort, dstPort: ctx.port, seq: ISS, flags: TCP_SYN });
    const s = await ctx.driver.expect(from(ctx), WAIT);
    return { flags: flags(s), seq: s?.seq, ack: s ? rel(s.ack, ISS) : null };
  },

  async 'ACK to a closed port'(ctx) {
    ctx.driver.send({
      srcPort: ctx.peerPort,
      dstPort: ctx.port,
      seq: ISS,
      ack: 5555,
      flags: TCP_ACK,
    });
    const s = await ctx.driver.expect(from(ctx), WAIT);
    return { flags: flags(s), seq: s?.seq };
  },

  async 'RST to a closed port: no answer'(ctx) {
    ctx.driver.send({ srcPort: ctx.peerPort, dstPort: ctx.port, seq: ISS, flags: TCP_RST });
    return { reply: flags(await ctx.driver.expect(from(ctx), 500)) };
  },

  async 'data after the handshake is acknowledged and read'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_ACK | TCP_PSH, bytes(100));
    const seen = await next(ctx, o);
    return { ...seen, read: await ctx.agent.waitFor(`data ${o.id} 100`, WAIT) };
  },

  async 'RST in the window but not at RCV.NXT: a challenge ACK (RFC 5961)'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_RST, undefined, { seq: o.seq + 100 });
    const seen = await next(ctx, o);
    await new Promise((r) => setTimeout(r, 100));
    return { ...seen, reset: ctx.agent.has(`error ${o.id} ECONNRESET`) };
  },

  async 'RST at RCV.NXT resets the connection'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_RST);
    return { reset: await ctx.agent.waitFor(`error ${o.id} ECONNRESET`, WAIT) };
  },

  async 'RST outside the window: ignored'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_RST, undefined, { seq: o.seq + 50_000_000 });
    const reply = await ctx.driver.expect(from(ctx), 500);
    return { reply: flags(reply), reset: ctx.agent.has(`error ${o.id} ECONNRESET`) };
  },

  async 'SYN in ESTABLISHED: a challenge ACK'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_SYN, undefined, { seq: o.seq + 10 });
    const seen = await next(ctx, o);
    return { ...seen, reset: ctx.agent.has(`error ${o.id} ECONNRESET`) };
  },

  async 'data outside the window: dropped, acknowledged'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_ACK, bytes(10), { seq: o.seq + 50_000_000 });
    const seen = await next(ctx, o);
    await new Promise((r) => setTimeout(r, 100));
    return { ...seen, read: ctx.agent.has(`data ${o.id} 10`) };
  },

  async 'an old duplicate: acknowledged at once'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_ACK | TCP_PSH, bytes(100));
    await next(ctx, o);
    send(ctx, o, TCP_ACK | TCP_PSH, bytes(100), { seq: o.seq });
    return next(ctx, o, 500);
  },

  async 'out of order: a duplicate ACK with a SACK block, then one ACK for both'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_ACK | TCP_PSH, bytes(100), { seq: o.seq + 100 });
    const first = await next(ctx, o);
    send(ctx, o, TCP_ACK, bytes(100), { seq: o.seq });
    const second = await next(ctx, o);
    return { first, second, read: await ctx.agent.waitFor(`data ${o.id} 200`, WAIT) };
  },

  async 'ACK of data never sent: an ACK back, the segment dropped'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_ACK | TCP_PSH, bytes(10), { ack: o.ack + 1_000_000 });
    const seen = await next(ctx, o);
    await new Promise((r) => setTimeout(r, 100));
    return { ...seen, read: ctx.agent.has(`data ${o.id} 10`) };
  },

  async 'PAWS: a segment with an old timestamp is dropped and acknowledged'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_ACK | TCP_PSH, bytes(10), { tsVal: 1 });
    const seen = await next(ctx, o);
    await new Promise((r) => setTimeout(r, 100));
    return { ...seen, read: ctx.agent.has(`data ${o.id} 10`) };
  },

  async 'zero window: the DUT probes it'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_ACK, undefined, { window: 0 });
    await new Promise((r) => setTimeout(r, 50));
    ctx.agent.sockets[o.id]!.write(bytes(100));
    const probe = await ctx.driver.expect(from(ctx), 3000);
    return {
      flags: flags(probe),
      seq: probe ? rel(probe.seq, o.irs) : null,
      len: probe?.payload.length,
    };
  },

  async 'FIN in ESTABLISHED: ACKed, the application sees the end'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_ACK | TCP_FIN);
    const seen = await next(ctx, o);
    return { ...seen, end: await ctx.agent.waitFor(`end ${o.id}`, WAIT) };
  },

  async 'data and FIN in one segment'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_ACK | TCP_FIN | TCP_PSH, bytes(20));
    const seen = await next(ctx, o);
    return {
      ...seen,
      read: await ctx.agent.waitFor(`data ${o.id} 20`, WAIT),
      end: await ctx.agent.waitFor(`end ${o.id}`, WAIT),
    };
  },

  async 'data after the peer’s FIN (CLOSE-WAIT)'(ctx) {
    const o = await open(ctx);
    send(ctx, o, TCP_ACK | TCP_FIN);
    await next(ctx, o);
    send(ctx, o, TCP_ACK | TCP_PSH, bytes(10), { seq: o.seq + 1 });
    const seen = await next(ctx, o, 500);
    return { ...seen, read: ctx.agent.has(`data ${o.id} 10`) };
  },

  async 'the DUT closes first: FIN, then FIN-WAIT-2 still reads, then TIME-WAIT ACKs a repeated FIN'(
    ctx,
  ) {
    const o = await open(ctx);
    ctx.agent.sockets[o.id]!.end();
    const fin = await next(ctx, o);
    send(ctx, o, TCP_ACK, undefined, { ack: o.ack + 1 });
    send(ctx, o, TCP_ACK | TCP_PSH, bytes(10), { ack: o.ack + 1 });
    const dataAck = await next(ctx, o);
    const read = await ctx.agent.waitFor(`data ${o.id} 10`, WAIT);
    send(ctx, o, TCP_ACK | TCP_FIN, undefined, { seq: o.seq + 10, ack: o.ack + 1 });
    const finAck = await next(ctx, o);
    send(ctx, o, TCP_ACK | TCP_FIN, undefined, { seq: o.seq + 10, ack: o.ack + 1 });
    const again = await next(ctx, o);
    return { fin, dataAck, read, finAck, again };
  },

  async 'simultaneous open: SYN answered with SYN'(ctx) {
    const id = ctx.agent.connect(ctx.peerPort, ctx.port);
    const syn = await ctx.driver.expect(
      (s) => s.dstPort === ctx.peerPort && (s.flags & TCP_SYN) !== 0,
      WAIT,
    );
    if (syn === null) return { syn: 'none' };
    ctx.driver.send({
      srcPort: ctx.peerPort,
      dstPort: syn.srcPort,
      seq: ISS,
      flags: TCP_SYN,
      options: { mss: 1460 },
    });
    const synAck = await ctx.driver.expect((s) => s.dstPort === ctx.peerPort, WAIT);
    if (synAck !== null) {
      // Our SYN is acknowledged: an ACK of the DUT's completes both sides.
      ctx.driver.send({
        srcPort: ctx.peerPort,
        dstPort: syn.srcPort,
        seq: ISS + 1,
        ack: (syn.seq + 1) >>> 0,
        flags: TCP_ACK,
      });
    }
    return {
      reply: flags(synAck),
      seqIsIss: synAck?.seq === syn.seq,
      ack: synAck ? rel(synAck.ack, ISS) : null,
      connected: await ctx.agent.waitFor(`connect ${id}`, WAIT),
    };
  },

  async 'connect answered with RST: ECONNREFUSED'(ctx) {
    const id = ctx.agent.connect(ctx.peerPort);
    const syn = await ctx.driver.expect(
      (s) => s.dstPort === ctx.peerPort && (s.flags & TCP_SYN) !== 0,
      WAIT,
    );
    if (syn === null) return { syn: 'none' };
    ctx.driver.send({
      srcPort: ctx.peerPort,
      dstPort: syn.srcPort,
      seq: 0,
      ack: (syn.seq + 1) >>> 0,
      flags: TCP_RST | TCP_ACK,
    });
    return { refused: await ctx.agent.waitFor(`error ${id} ECONNREFUSED`, WAIT) };
  },

  async 'the SYN-ACK is retransmitted when the ACK never comes'(ctx) {
    await ctx.agent.listen(ctx.port);
    ctx.driver.send({
      srcPort: ctx.peerPort,
      dstPort: ctx.port,
      seq: ISS,
      flags: TCP_SYN,
      options: FULL_OPTIONS,
    });
    const first = await ctx.driver.expect(from(ctx), WAIT);
    const again = await ctx.driver.expect(from(ctx), 2500);
    return { first: flags(first), again: flags(again), sameSeq: first?.seq === again?.seq };
  },

  async 'a lost tail: a probe resends the last segment, then the RTO the first (RACK-TLP)'(ctx) {
    return tail(ctx, 2 * 1448);
  },

  async 'a lost tail with more to send: the probe is the next new segment (RACK-TLP)'(ctx) {
    // Twenty segments: the initial window takes ten, the probe sends the eleventh.
    return tail(ctx, 20 * 1448, 12);
  },

  async 'keep-alive: a probe one below SND.NXT after the idle time'(ctx) {
    const o = await open(ctx);
    ctx.agent.sockets[o.id]!.setKeepAlive(true, 1000);
    const probe = await ctx.driver.expect(from(ctx), 3000);
    return {
      flags: flags(probe),
      seq: probe ? rel(probe.seq, o.irs) : null,
      len: probe?.payload.length,
    };
  },

  async 'Nagle: a small write waits for the ACK of the one before'(ctx) {
    const o = await open(ctx);
    const socket = ctx.agent.sockets[o.id]!;
    socket.write(bytes(10));
    const first = await ctx.driver.expect(from(ctx), WAIT);
    socket.write(bytes(10));
    const early = await ctx.driver.expect(from(ctx), 100);
    if (first !== null) send(ctx, o, TCP_ACK, undefined, { ack: (first.seq + 10) >>> 0 });
    const after = early ?? (await ctx.driver.expect(from(ctx), WAIT));
    return { first: first?.payload.length, heldBack: early === null, after: after?.payload.length };
  },

  async 'setNoDelay: a small write goes at once'(ctx) {
    const o = await open(ctx);
    const socket = ctx.agent.sockets[o.id]!;
    socket.setNoDelay(true);
    socket.write(bytes(10));
    const first = await ctx.driver.expect(from(ctx), WAIT);
    socket.write(bytes(10));
    const second = await ctx.driver.expect(from(ctx), 100);
    return { first: first?.payload.length, second: second?.payload.length ?? 'held' };
  },
};
